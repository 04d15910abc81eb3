// What every page shares in the browser: the current language, mounting, a ticking clock and a live stream
// as Preact hooks.

import { render, type ComponentType } from 'preact';
import { useEffect, useReducer, useRef, useState } from 'preact/hooks';
import { listOf, parseLang, pickName, translate, errorText, type Lang, type MessageKey, type Params } from './i18n/index.js';
import type { ConnectionState, Stream, StreamChange, StreamError } from './stream.js';

let lang: Lang = parseLang(new URLSearchParams(location.search).get('lang'));
const langListeners = new Set<() => void>();
let titleKey: MessageKey | null = null;

function applyDocument(): void {
  document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';
  if (titleKey) document.title = translate(lang, titleKey);
}

export function currentLang(): Lang {
  return lang;
}

/** Switches language and keeps it in the address (`?lang=en`), so a reload or a bookmark keeps it too. */
export function setLang(next: Lang): void {
  if (next === lang) return;
  lang = next;
  const url = new URL(location.href);
  if (next === 'en') url.searchParams.set('lang', 'en');
  else url.searchParams.delete('lang');
  history.replaceState(history.state, '', url);
  applyDocument();
  for (const l of [...langListeners]) l();
}

export function t(key: MessageKey, params?: Params): string {
  return translate(lang, key, params);
}

export function name(zhName: string, enName?: string): string {
  return pickName(lang, zhName, enName);
}

export function errText(code: string, serverMessage?: string): string {
  return errorText(lang, code, serverMessage);
}

export function tList(key: MessageKey): string[] {
  return listOf(lang, key);
}

/** Re-renders the calling component when the language changes. */
export function useLang(): Lang {
  const [, bump] = useReducer((n: number) => n + 1, 0);
  useEffect(() => {
    const l = () => bump(undefined);
    langListeners.add(l);
    return () => void langListeners.delete(l);
  }, []);
  return lang;
}

export function param(key: string): string | null {
  const v = new URLSearchParams(location.search).get(key);
  return v && v.trim() ? v.trim() : null;
}

export function mount(App: ComponentType, title: MessageKey): void {
  titleKey = title;
  applyDocument();
  const root = document.getElementById('app');
  if (!root) throw new Error('page has no #app element');
  render(<App />, root);
}

/** The current time, refreshed every `everyMs`. */
export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(id);
  }, [everyMs]);
  return now;
}

export interface LiveStream<S extends { seq: number }, E> {
  state: S | null;
  connection: ConnectionState;
  error: StreamError | null;
  stream: Stream<S, any> | null;
}

/**
 * Opens a stream for the component's lifetime (or until `key` changes) and re-renders on every change.
 * `onChange` sees each change before the render, for effects such as flashing a new call.
 */
export function useStream<S extends { seq: number }, E extends { [K in keyof E]: { seq: number } }>(
  open: (() => Stream<S, E>) | null,
  key: unknown,
  onChange?: (change: StreamChange<S, E>, stream: Stream<S, E>) => void,
): LiveStream<S, E> {
  const [, bump] = useReducer((n: number) => n + 1, 0);
  const ref = useRef<Stream<S, E> | null>(null);
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  useEffect(() => {
    if (!open) return;
    const s = open();
    ref.current = s;
    const off = s.subscribe((c) => {
      onChangeRef.current?.(c, s);
      bump(undefined);
    });
    bump(undefined);
    return () => {
      off();
      s.close();
      if (ref.current === s) ref.current = null;
    };
  }, [key]);
  const s = ref.current;
  return { state: s?.state ?? null, connection: s?.connection ?? 'connecting', error: s?.error ?? null, stream: s };
}

/** Calls `onIdle` after `ms` without a touch, click or key press; the timer restarts on every input. */
export function useIdle(ms: number | null, onIdle: () => void): void {
  const cb = useRef(onIdle);
  cb.current = onIdle;
  useEffect(() => {
    if (ms === null) return;
    let timer = setTimeout(() => cb.current(), ms);
    const reset = () => {
      clearTimeout(timer);
      timer = setTimeout(() => cb.current(), ms);
    };
    const events = ['pointerdown', 'keydown', 'touchstart', 'wheel'] as const;
    for (const e of events) window.addEventListener(e, reset, { passive: true });
    return () => {
      clearTimeout(timer);
      for (const e of events) window.removeEventListener(e, reset);
    };
  }, [ms]);
}

/** Seconds left until `deadline` (epoch ms), ticking once a second; never negative. */
export function useCountdown(deadline: number | null): number {
  const now = useNow(250);
  return deadline === null ? 0 : Math.max(0, Math.ceil((deadline - now) / 1000));
}
