// Sign-in form for the staff console (with a window choice) and the manager dashboard (without).

import './signin.css';
import { useEffect, useState } from 'preact/hooks';
import { api, asApiError, type ApiError } from './api.js';
import { LangToggle } from './components.js';
import { Emblem } from './emblem.js';
import type { MessageKey } from './i18n/index.js';
import { errText, name, t } from './page.js';
import type { Session } from './session.js';
import type { LoginAnswer, WindowListItem } from './types.js';

export function SignIn(props: {
  title: MessageKey;
  subtitle: MessageKey;
  withWindow: boolean;
  notice?: string | null;
  /** A page's own reading of a refusal (null: the generic text for its code). */
  explain?: (e: ApiError) => string | null;
  onSignedIn: (s: Session) => void;
}) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [windowId, setWindowId] = useState('');
  const [windows, setWindows] = useState<WindowListItem[] | null>(null);
  const [windowsError, setWindowsError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  const loadWindows = () => {
    setWindowsError(null);
    api<WindowListItem[]>('/windows')
      .then((list) => {
        const sorted = Array.isArray(list) ? [...list].sort((a, b) => a.number - b.number) : [];
        setWindows(sorted);
        const remembered = localStorageGet('hall.console.window');
        if (remembered && sorted.some((w) => w.id === remembered)) setWindowId(remembered);
      })
      .catch((e) => setWindowsError(asApiError(e)));
  };
  useEffect(() => {
    if (props.withWindow) loadWindows();
  }, [props.withWindow]);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const body: Record<string, string> = { username: username.trim(), password };
      if (props.withWindow) body.windowId = windowId;
      const answer = await api<LoginAnswer>('/auth/login', { method: 'POST', body });
      if (!answer || typeof answer.token !== 'string') throw asApiError(Object.assign(new Error('answer without a token'), { code: 'BAD_RESPONSE' }));
      // The counter PC usually stays at one window: offer it first next time.
      if (props.withWindow) localStorageSet('hall.console.window', windowId);
      const session: Session = { token: answer.token, username: username.trim() };
      const wid = answer.windowId ?? (props.withWindow ? windowId : undefined);
      if (wid) session.windowId = wid;
      props.onSignedIn(session);
    } catch (err) {
      setError(asApiError(err));
      setBusy(false);
    }
  };

  const canSubmit = username.trim() !== '' && password !== '' && (!props.withWindow || windowId !== '');
  return (
    <div class="signin">
      <div class="signin-top">
        <LangToggle />
      </div>
      <form class="signin-card card" onSubmit={submit} noValidate>
        <div class="signin-brand">
          <Emblem size={56} />
          <div>
            <h1>{t(props.title)}</h1>
            <p>{t(props.subtitle)}</p>
          </div>
        </div>
        {props.notice && <p class="signin-notice">{props.notice}</p>}
        <div class="field">
          <label for="si-user">{t('common.username')}</label>
          <input id="si-user" name="username" autoComplete="username" value={username} onInput={(e) => setUsername(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="si-pass">{t('common.password')}</label>
          <input
            id="si-pass"
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </div>
        {props.withWindow && (
          <div class="field">
            <label for="si-window">{t('console.window')}</label>
            <select id="si-window" name="window" value={windowId} onChange={(e) => setWindowId(e.currentTarget.value)}>
              <option value="">{windows ? t('console.chooseWindow') : t('common.loading')}</option>
              {(windows ?? []).map((w) => (
                <option value={w.id}>
                  {t('window.label', { n: w.number })} · {name(w.name, w.nameEn)}
                </option>
              ))}
            </select>
            {windowsError && (
              <p class="form-error">
                {t('console.windowsFailed', { message: errText(windowsError.code, windowsError.message) })}{' '}
                <button type="button" class="btn btn-ghost" onClick={loadWindows}>
                  {t('common.retry')}
                </button>
              </p>
            )}
          </div>
        )}
        {error && (
          <p class="form-error" role="alert" data-code={error.code}>
            {props.explain?.(error) ?? (error.code === 'UNAUTHORIZED' ? t('signin.badCredentials') : errText(error.code, error.message))}
            <span class="code">{t('common.errorCode', { code: error.code })}</span>
          </p>
        )}
        <button type="submit" class="btn btn-primary signin-submit" disabled={!canSubmit || busy}>
          {busy ? t('common.signingIn') : t('common.signIn')}
        </button>
      </form>
    </div>
  );
}

function localStorageGet(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function localStorageSet(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Remembering the window is a convenience only.
  }
}
