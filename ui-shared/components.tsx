// Small pieces every page uses: clock, language switch, connection banner, window status badge.

import type { WindowStatus } from '../server/realtime/contract.js';
import { useEffect } from 'preact/hooks';
import { hms } from './format.js';
import { hallClock, startHallClockSync } from './hall-clock.js';
import { currentLang, setLang, t, tList, useNow } from './page.js';
import type { ConnectionState, StreamError } from './stream.js';

/** The hall's time (hall-clock.ts), ticking every second. */
export function Clock({ seconds = true, className = '' }: { seconds?: boolean; className?: string }) {
  useNow(1000);
  useEffect(startHallClockSync, []);
  const p = hallClock.parts();
  const date = t('date.full', {
    y: p.y,
    d: p.d,
    w: tList('date.weekdays')[p.wd] ?? '',
    mon: tList('date.months')[p.mo - 1] ?? '',
  });
  return (
    <div class={`clock ${className}`} aria-live="off">
      <span class="clock-time">{hms(p, seconds)}</span>
      <span class="clock-date">{date}</span>
    </div>
  );
}

export function LangToggle({ className = '' }: { className?: string }) {
  return (
    <button
      type="button"
      class={`lang-toggle ${className}`}
      title={t('lang.toggleTitle')}
      lang={currentLang() === 'zh' ? 'en' : 'zh-CN'}
      onClick={() => setLang(currentLang() === 'zh' ? 'en' : 'zh')}
    >
      {t('lang.toggle')}
    </button>
  );
}

/** Shown only while the page is not live; says what is going on in words, not just a colour. */
export function ConnectionBanner({ connection, error }: { connection: ConnectionState; error?: StreamError | null }) {
  if (connection === 'connected') return null;
  const text =
    connection === 'refused'
      ? t('conn.refused', { message: error?.message ?? '' })
      : connection === 'closed'
        ? t('conn.closed')
        : connection === 'connecting'
          ? t('conn.connecting')
          : t('conn.reconnecting');
  return (
    <div class={`conn-banner conn-${connection}`} role="status" data-connection={connection}>
      <span class="conn-dot" aria-hidden="true" />
      {text}
    </div>
  );
}

export function LiveDot({ connection }: { connection: ConnectionState }) {
  return (
    <span class={`live-dot ${connection === 'connected' ? 'on' : 'off'}`} data-connection={connection}>
      <span class="conn-dot" aria-hidden="true" />
      {connection === 'connected' ? t('conn.live') : t(connection === 'connecting' ? 'conn.connecting' : 'conn.reconnecting')}
    </span>
  );
}

export function WindowStatusBadge({ status }: { status: WindowStatus }) {
  return <span class={`status-badge status-${status}`}>{t(`window.status.${status}`)}</span>;
}
