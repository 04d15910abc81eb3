// Loading what a tab shows through the manager routes with the signed-in token.

import { useEffect, useState } from 'preact/hooks';
import { api, asApiError } from '../ui-shared/api.js';
import { errText } from '../ui-shared/page.js';

export type Load<T> = { data?: T; error?: string; busy: boolean };

export function useLoad<T>(path: string | null, token: string, version = 0): [Load<T>, () => void] {
  const [state, setState] = useState<Load<T>>({ busy: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!path) return;
    let live = true;
    setState((s) => ({ ...s, busy: true }));
    api<T>(path, { token }).then(
      (data) => live && setState({ data, busy: false }),
      (e) => {
        const err = asApiError(e);
        if (live) setState({ error: errText(err.code, err.message), busy: false });
      },
    );
    return () => {
      live = false;
    };
  }, [path, token, tick, version]);
  return [state, () => setTick((n) => n + 1)];
}
