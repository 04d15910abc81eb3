// The photo column of the accounts table: a clerk's portrait as the evaluation pad shows it, a button to
// upload a new one (JPEG or PNG; the server crops it to 300×400 and strips its metadata) and one to remove
// it. The table's rows share one list of photos, loaded once and updated as photos change.

import { useEffect, useReducer, useRef, useState } from 'preact/hooks';
import { api, API_PREFIX, asApiError, errorFromBody } from '../ui-shared/api.js';
import { errText, t } from '../ui-shared/page.js';
import './photo.css';

const photos = new Map<string, string>();
let loaded: string | null = null; // the token the list was loaded with
const listeners = new Set<() => void>();
const notify = () => listeners.forEach((fn) => fn());

async function loadPhotos(token: string): Promise<void> {
  if (loaded === token) return;
  loaded = token;
  try {
    const list = await api<{ username: string; photoUrl: string }[]>('/manager/photos', { token });
    photos.clear();
    for (const p of list) photos.set(p.username, p.photoUrl);
  } catch {
    loaded = null; // the cells show no photo; the next mount asks again
  }
  notify();
}

async function upload(username: string, file: File, token: string): Promise<string> {
  let res: Response;
  try {
    res = await fetch(`${API_PREFIX}/manager/accounts/${encodeURIComponent(username)}/photo`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': file.type || 'application/octet-stream', accept: 'application/json' },
      body: file,
    });
  } catch (e) {
    throw Object.assign(new Error(e instanceof Error ? e.message : 'network error'), { code: 'NETWORK' });
  }
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    body = undefined;
  }
  if (!res.ok) throw errorFromBody(body, res.status);
  return (body as { photoUrl: string }).photoUrl;
}

export function AccountPhoto({ username, token }: { username: string; token: string }) {
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    const fn = () => rerender(0);
    listeners.add(fn);
    void loadPhotos(token);
    return () => void listeners.delete(fn);
  }, [token]);

  const act = async (work: () => Promise<string | null>) => {
    setBusy(true);
    setNote(null);
    try {
      const url = await work();
      if (url) photos.set(username, url);
      else photos.delete(username);
      setNote({ ok: true, text: t('manager.set.saved') });
      notify();
    } catch (e) {
      const err = asApiError(e);
      setNote({ ok: false, text: errText(err.code, err.message) });
    } finally {
      setBusy(false);
      if (input.current) input.current.value = '';
    }
  };
  const url = photos.get(username);
  return (
    <div class="m-photo" data-photo-of={username}>
      {url ? <img class="m-photo-img" src={url} alt={t('manager.acc.photo')} /> : <span class="m-photo-none">{t('manager.acc.noPhoto')}</span>}
      <div class="m-photo-acts">
        <label class={`btn${busy ? ' is-busy' : ''}`}>
          {url ? t('manager.acc.photoReplace') : t('manager.acc.photoUpload')}
          <input
            ref={input}
            type="file"
            name="photo"
            accept="image/jpeg,image/png"
            class="m-photo-file"
            disabled={busy}
            onChange={(e) => {
              const file = (e.currentTarget as HTMLInputElement).files?.[0];
              if (file) void act(() => upload(username, file, token));
            }}
          />
        </label>
        {url && (
          <button
            type="button"
            class="btn"
            data-act="photo-remove"
            disabled={busy}
            onClick={() => void act(async () => (await api(`/manager/accounts/${encodeURIComponent(username)}/photo`, { method: 'DELETE', token }), null))}
          >
            {t('manager.acc.photoRemove')}
          </button>
        )}
        {note && <span class={note.ok ? 'm-saved' : 'form-error'}>{note.text}</span>}
      </div>
    </div>
  );
}
