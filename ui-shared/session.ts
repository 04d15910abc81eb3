// A signed-in session kept in sessionStorage: it survives a reload of the tab but not closing it, which
// suits a shared counter PC.

import { useState } from 'preact/hooks';

export interface Session {
  token: string;
  username: string;
  windowId?: string;
}

export function loadSession(key: string): Session | null {
  try {
    const raw = sessionStorage.getItem(key);
    if (!raw) return null;
    const v = JSON.parse(raw) as Partial<Session>;
    if (typeof v.token !== 'string' || !v.token || typeof v.username !== 'string') return null;
    return { token: v.token, username: v.username, ...(typeof v.windowId === 'string' ? { windowId: v.windowId } : {}) };
  } catch {
    return null;
  }
}

export function saveSession(key: string, s: Session): void {
  try {
    sessionStorage.setItem(key, JSON.stringify(s));
  } catch {
    // Storage may be disabled (private mode): the session then lasts until the page is left.
  }
}

export function clearSession(key: string): void {
  try {
    sessionStorage.removeItem(key);
  } catch {
    // Nothing stored, nothing to clear.
  }
}

/** Refusals that mean "sign in again" rather than "try again". */
export function endsSession(code: string): boolean {
  return code === 'UNAUTHORIZED' || code === 'TOKEN_EXPIRED' || code === 'INVALID_TOKEN';
}

/**
 * A page's signed-in session held in state and in sessionStorage under `key`, with the notice the sign-in
 * form shows after a sign-out (why the session ended).
 */
export function useStoredSession(key: string): {
  session: Session | null;
  notice: string | null;
  signIn: (s: Session) => void;
  signOut: (why?: string) => void;
} {
  const [session, setSession] = useState<Session | null>(() => loadSession(key));
  const [notice, setNotice] = useState<string | null>(null);
  return {
    session,
    notice,
    signIn: (s) => {
      saveSession(key, s);
      setNotice(null);
      setSession(s);
    },
    signOut: (why) => {
      clearSession(key);
      setSession(null);
      setNotice(why ?? null);
    },
  };
}
