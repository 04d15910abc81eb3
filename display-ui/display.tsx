// Hall display (叫号大屏), 1920×1080: the newest call big, recent calls, every window, waiting per section,
// a notice bar and a clock. Keeps running through server restarts: the stream reconnects and a new
// snapshot replaces the state without re-flashing calls already shown.

import '../ui-shared/base.css';
import './display.css';
import { useEffect, useState } from 'preact/hooks';
import type { SectionView, WindowView } from '../server/realtime/contract.js';
import { api } from '../ui-shared/api.js';
import { Clock, ConnectionBanner, LangToggle } from '../ui-shared/components.js';
import { Emblem } from '../ui-shared/emblem.js';
import { hallTime, safeText } from '../ui-shared/format.js';
import { currentLang, mount, name, t, useLang, useStream } from '../ui-shared/page.js';
import { callKey, mergeCalls, type RecentCall } from '../ui-shared/reducers.js';
import { openDisplayStream } from '../ui-shared/streams.js';
import type { HallInfo } from '../ui-shared/types.js';
import { hallAnnouncer } from './announcer.js';
import { useCallFlash } from './flash.js';
import { ClipVoice } from './voice.js';

const RECENT_SHOWN = 8;

// The voice hook: a voice module (or a hall's own script) installs its player with
// `window.hallAnnouncer.setPlayer(...)`.
(globalThis as { hallAnnouncer?: typeof hallAnnouncer }).hallAnnouncer = hallAnnouncer;

// The hall's own clip player, installed under the same hook once audio may play.
const hallVoice = new ClipVoice(hallAnnouncer);
(globalThis as { hallVoice?: ClipVoice }).hallVoice = hallVoice;
void hallVoice.start();
// Any touch on the display turns the voice on where the browser held audio back.
document.addEventListener('pointerdown', () => hallVoice.unlock());
document.addEventListener('keydown', () => hallVoice.unlock());

/** A loudspeaker, crossed out when calls are not spoken (drawn: hall displays often lack an emoji font). */
function SpeakerIcon({ off }: { off: boolean }) {
  return (
    <svg class="d-voice-icon" viewBox="0 0 24 24" width="30" height="30" aria-hidden="true">
      <path d="M3 9h4l5-4v14l-5-4H3z" fill="currentColor" />
      {off ? (
        <path d="M16 9l5 6M21 9l-5 6" stroke="currentColor" stroke-width="2" stroke-linecap="round" />
      ) : (
        <path d="M15.5 8.5a5 5 0 0 1 0 7M18 6a8.5 8.5 0 0 1 0 12" stroke="currentColor" stroke-width="2" fill="none" stroke-linecap="round" />
      )}
    </svg>
  );
}

/** Says when calls are not spoken, and offers the one tap a browser needs before it plays sound. */
function VoiceStatus() {
  const [state, setState] = useState(hallVoice.state);
  useEffect(() => hallVoice.onChange(() => setState(hallVoice.state)), []);
  if (state === 'on' || state === 'loading') return <div class="d-voice" data-voice={state} hidden />;
  if (state === 'locked') {
    return (
      <button type="button" class="d-voice is-locked" data-voice={state} onClick={() => hallVoice.unlock()}>
        <SpeakerIcon off={false} />
        {t('display.voice.enable')}
      </button>
    );
  }
  return (
    <div class="d-voice is-off" data-voice={state} role="status">
      <SpeakerIcon off />
      {t(state === 'none' ? 'display.voice.none' : 'display.voice.error')}
    </div>
  );
}

function Display() {
  useLang();
  const { flashing, count, onChange } = useCallFlash(
    () => true,
    (c) => hallAnnouncer.enqueue(c.announcement),
  );
  const live = useStream(openDisplayStream, 'display', onChange);
  const [noticesEn, setNoticesEn] = useState<string[] | null>(null);

  // English notices live only in the hall info; Chinese ones come with the snapshot.
  useEffect(() => {
    api<HallInfo>('/hall')
      .then((h) => setNoticesEn(Array.isArray(h.noticesEn) ? h.noticesEn : null))
      .catch(() => setNoticesEn(null));
  }, []);

  const s = live.state;
  const calls = mergeCalls(s?.recentCalls ?? []);
  const newest = calls[0];
  const notices = (currentLang() === 'en' && noticesEn?.length ? noticesEn : s?.notices) ?? [];

  return (
    <div class="display" data-connection={live.connection} data-flashes={count}>
      <header class="d-header">
        <div class="d-brand">
          <Emblem size={72} />
          <div class="d-hall">{s ? name(s.hall.name, s.hall.nameEn) : '\u00a0'}</div>
        </div>
        <div class="d-header-right">
          <LangToggle className="d-lang" />
          <Clock />
        </div>
      </header>
      <main class="d-main">
        <section class="d-left">
          <NowCalling
            call={newest}
            window={newest ? s?.windows.find((w) => w.id === newest.window.id) : undefined}
            flashing={newest ? flashing === callKey(newest) : false}
          />
          <RecentCalls calls={calls.slice(1, RECENT_SHOWN + 1)} />
        </section>
        <section class="d-right">
          <h2 class="d-heading">{t('display.windows')}</h2>
          <WindowGrid windows={s?.windows ?? []} flashingWindow={newest && flashing === callKey(newest) ? newest.window.id : null} />
        </section>
      </main>
      <SectionStrip sections={s?.sections ?? []} />
      <NoticeBar notices={notices} />
      <VoiceStatus />
      <ConnectionBanner connection={live.connection} error={live.error} />
    </div>
  );
}

function NowCalling({ call, window: w, flashing }: { call: RecentCall | undefined; window: WindowView | undefined; flashing: boolean }) {
  if (!call) {
    return (
      <div class="d-now is-empty">
        <div class="d-now-label">{t('display.nowCalling')}</div>
        <div class="d-now-empty">{t('display.noCalls')}</div>
      </div>
    );
  }
  return (
    <div key={callKey(call)} class={`d-now${flashing ? ' is-new' : ''}`} data-call={call.ticket.number}>
      <div class="d-now-label">
        {t('display.nowCalling')}
        {call.recall && <span class="d-recall">{t('display.recall')}</span>}
      </div>
      <div class="d-now-number num">{call.ticket.number}</div>
      <div class="d-now-window">{t('display.goTo', { n: call.window.number })}</div>
      {/* The announcement is what the loudspeaker says (Chinese); English readers get the window's name. */}
      <div class="d-now-text">{currentLang() === 'zh' ? safeText(call.announcement.text) : safeText(w ? name(w.name, w.nameEn) : call.window.name)}</div>
    </div>
  );
}

function RecentCalls({ calls }: { calls: RecentCall[] }) {
  return (
    <div class="d-recent">
      <h2 class="d-heading">{t('display.recent')}</h2>
      <ol class="d-recent-list">
        {calls.map((c) => (
          <li key={callKey(c)}>
            <span class="d-recent-number num">{c.ticket.number}</span>
            <span class="d-recent-window">{t('window.label', { n: c.window.number })}</span>
            <span class="d-recent-time num">{hallTime(c.at)}</span>
          </li>
        ))}
      </ol>
    </div>
  );
}

function windowLine(w: WindowView): string {
  if (w.status === 'paused') return t('window.status.paused');
  if (w.status === 'closed') return t('window.status.closed');
  if (w.current && (w.current.status === 'called' || w.current.status === 'serving')) return t(`ticket.status.${w.current.status}`);
  return t('display.idle');
}

function WindowGrid({ windows, flashingWindow }: { windows: WindowView[]; flashingWindow: string | null }) {
  return (
    <div class="d-windows" style={{ '--cols': windows.length > 12 ? 5 : 4 }}>
      {windows.map((w) => {
        const showsTicket = w.status !== 'closed' && w.current && (w.current.status === 'called' || w.current.status === 'serving');
        return (
          <div
            key={w.id}
            class={`d-window st-${w.status}${w.id === flashingWindow ? ' is-new' : ''}`}
            data-window={w.id}
            data-current={showsTicket ? w.current!.number : ''}
          >
            <div class="d-window-head">
              <span class="d-window-no num">{w.number}</span>
              <span class="d-window-name">{name(w.name, w.nameEn)}</span>
            </div>
            <div class="d-window-current num">{showsTicket ? w.current!.number : '—'}</div>
            <div class="d-window-status">{windowLine(w)}</div>
          </div>
        );
      })}
    </div>
  );
}

function SectionStrip({ sections }: { sections: SectionView[] }) {
  return (
    <section class="d-sections">
      <h2 class="d-sections-title">{t('display.waiting')}</h2>
      <div class="d-sections-list">
        {sections.map((s) => (
          <div class="d-section" data-section={s.id}>
            <span class="d-section-letter num">{s.prefix}</span>
            <span class="d-section-name">{name(s.name, s.nameEn)}</span>
            <span class="d-section-waiting num">{t('display.waitingN', { n: s.waiting })}</span>
            <span class="d-section-est num">{t('display.estimateN', { n: s.estimatedWaitMinutes })}</span>
          </div>
        ))}
      </div>
    </section>
  );
}

function NoticeBar({ notices }: { notices: string[] }) {
  const text = (notices.length ? notices : [t('display.defaultNotice')]).map(safeText).join('　　◆　　');
  // Same reading speed whatever the length.
  const seconds = Math.max(20, Math.round(text.length * 0.45));
  return (
    <footer class="d-notice">
      <span class="d-notice-label">{t('display.notice')}</span>
      <div class="d-notice-track">
        <span key={text} class="d-notice-text" style={{ animationDuration: `${seconds}s` }}>
          {text}
        </span>
      </div>
    </footer>
  );
}

mount(Display, 'display.title');
