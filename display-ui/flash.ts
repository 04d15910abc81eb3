// Highlights a new call for a few seconds on the hall and window screens, once per call.

import { useRef, useState } from 'preact/hooks';
import type { DisplaySnapshot } from '../server/realtime/contract.js';
import { callKey, type DisplayEvents, type RecentCall } from '../ui-shared/reducers.js';
import type { Stream, StreamChange } from '../ui-shared/stream.js';
import { CallTracker, worthAnnouncing } from './calls.js';

export const FLASH_MS = 8000;

export interface CallFlash {
  /** Key of the call being highlighted, or null. */
  flashing: string | null;
  /** Calls highlighted since the page opened (exposed on the page for checks). */
  count: number;
  onChange: (change: StreamChange<DisplaySnapshot, DisplayEvents>, stream: Stream<DisplaySnapshot, DisplayEvents>) => void;
}

export function useCallFlash(accept: (c: RecentCall) => boolean, announce?: (c: RecentCall) => void): CallFlash {
  const tracker = useRef(new CallTracker());
  const [flashing, setFlashing] = useState<string | null>(null);
  const [count, setCount] = useState(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const flash = (c: RecentCall) => {
    if (timer.current) clearTimeout(timer.current);
    setFlashing(callKey(c));
    setCount((n) => n + 1);
    timer.current = setTimeout(() => setFlashing(null), FLASH_MS);
  };

  const onChange: CallFlash['onChange'] = (change) => {
    if (change.kind === 'snapshot') {
      const fresh = tracker.current.fromSnapshot(change.state.recentCalls.filter(accept));
      if (fresh[0]) flash(fresh[0]);
      const now = Date.now();
      // Oldest first, as they would have been read out had the screen been online.
      for (const c of [...fresh].reverse()) if (worthAnnouncing(c, now)) announce?.(c);
    } else if (change.kind === 'event' && change.name === 'call') {
      const { seq: _seq, ...call } = change.payload;
      if (accept(call) && tracker.current.fromEvent(call)) {
        flash(call);
        announce?.(call);
      }
    }
  };

  return { flashing, count, onChange };
}
