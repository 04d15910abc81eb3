// Evaluation pad (评价器) at one window: shows the clerk, the ticket being served, and after `finished` asks
// the citizen for a rating (5 levels; the two lowest ask why). A countdown sends `rating-timeout` when
// nobody rates: the server records that as not rated, never as satisfied.

import '../ui-shared/base.css';
import './pad.css';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Ack, ClerkPublic, PadSnapshot, PadTicket, RatePayload, WindowView } from '../server/realtime/contract.js';
import { ConnectionBanner, LangToggle } from '../ui-shared/components.js';
import { Emblem } from '../ui-shared/emblem.js';
import { safeText } from '../ui-shared/format.js';
import { currentLang, errText, mount, name, param, t, useCountdown, useLang, useStream } from '../ui-shared/page.js';
import { openPadStream, type PadStream } from '../ui-shared/streams.js';

type Level = RatePayload['level'];
const LEVELS: Level[] = [5, 4, 3, 2, 1];
const THANKS_MS = 6000;
const COMMENT_MAX = 200;

const windowId = param('window');

interface Thanks {
  level: Level;
  until: number;
}

function Pad() {
  useLang();
  const live = useStream(windowId ? () => openPadStream(windowId) : null, windowId);
  const [dismissed, setDismissed] = useState<Set<string>>(() => new Set());
  const [thanks, setThanks] = useState<Thanks | null>(null);
  // A timeout that could not be delivered is sent again once the pad is back online.
  const unsentTimeout = useRef<string | null>(null);

  useEffect(() => {
    if (!thanks) return;
    const timer = setTimeout(() => setThanks(null), Math.max(0, thanks.until - Date.now()));
    return () => clearTimeout(timer);
  }, [thanks]);

  useEffect(() => {
    const id = unsentTimeout.current;
    if (live.connection !== 'connected' || !id || !live.stream) return;
    unsentTimeout.current = null;
    void sendTimeout(live.stream as PadStream, id, unsentTimeout);
  }, [live.connection]);

  if (!windowId) return <Notice text={t('window.missingParam')} />;
  const s = live.state;
  const dismiss = (id: string) => setDismissed((d) => new Set(d).add(id));
  const awaiting = s?.awaitingRating && !dismissed.has(s.awaitingRating.id) ? s.awaitingRating : undefined;

  let body;
  if (!s) body = <div class="pad-loading">{t('common.loading')}</div>;
  else if (thanks) body = <ThanksScreen level={thanks.level} />;
  else if (awaiting && live.stream)
    body = (
      <RatingScreen
        key={awaiting.id}
        ticket={awaiting}
        snapshot={s}
        stream={live.stream as PadStream}
        onRated={(level) => {
          dismiss(awaiting.id);
          setThanks({ level, until: Date.now() + THANKS_MS });
        }}
        onTimeout={() => {
          dismiss(awaiting.id);
          void sendTimeout(live.stream as PadStream, awaiting.id, unsentTimeout);
        }}
      />
    );
  else body = <IdleScreen snapshot={s} />;

  return (
    <div class="pad" data-screen={!s ? 'loading' : thanks ? 'thanks' : awaiting ? 'rating' : 'idle'}>
      <header class="pad-head">
        <div class="pad-brand">
          <Emblem size={44} />
          <span>{s ? windowTitle(s.window) : '\u00a0'}</span>
        </div>
        <LangToggle />
      </header>
      <main class="pad-main">{body}</main>
      <ConnectionBanner connection={live.connection} error={live.error} />
    </div>
  );
}

function windowTitle(w: WindowView): string {
  return `${t('window.label', { n: w.number })} · ${name(w.name, w.nameEn)}`;
}

async function sendTimeout(stream: PadStream, ticketId: string, unsent: { current: string | null }): Promise<void> {
  try {
    await stream.request<Ack>('rating-timeout', { ticketId });
  } catch {
    unsent.current = ticketId;
  }
}

function ClerkCard({ clerk }: { clerk: ClerkPublic | undefined }) {
  // The URL names the photo: a new photo is a new URL, which gets its own chance to load.
  const [failed, setFailed] = useState<string | null>(null);
  if (!clerk) return <div class="pad-clerk is-empty">{t('pad.noClerk')}</div>;
  const masked = safeText(clerk.name);
  const url = clerk.photoUrl && clerk.photoUrl.startsWith('/') && clerk.photoUrl !== failed ? clerk.photoUrl : null;
  return (
    <div class="pad-clerk">
      {url ? (
        <img key={url} class="pad-photo" src={url} alt={t('pad.photoAlt', { name: masked })} onError={() => setFailed(url)} />
      ) : (
        <div class="pad-photo pad-avatar" aria-hidden="true">
          {[...masked][0] ?? ''}
        </div>
      )}
      <div>
        <div class="pad-clerk-role">{t('window.clerk')}</div>
        <div class="pad-clerk-name">{masked}</div>
        <div class="pad-clerk-no num">{t('window.staffNo', { no: safeText(clerk.staffNo) })}</div>
      </div>
    </div>
  );
}

function IdleScreen({ snapshot: s }: { snapshot: PadSnapshot }) {
  const cur = s.current && (s.current.status === 'called' || s.current.status === 'serving') ? s.current : undefined;
  return (
    <section class="pad-idle">
      <ClerkCard clerk={s.clerk ?? s.window.clerk} />
      {cur ? (
        <div class={`pad-ticket st-${cur.status}`} data-ticket={cur.number}>
          <div class="pad-ticket-label">{cur.status === 'serving' ? t('pad.serving') : t('pad.called', { number: cur.number })}</div>
          <div class="pad-ticket-number num">{cur.number}</div>
          {cur.serviceName && <div class="pad-ticket-service">{safeText(cur.serviceName)}</div>}
        </div>
      ) : (
        <div class="pad-welcome">{t('pad.welcome')}</div>
      )}
    </section>
  );
}

function Face({ level }: { level: Level }) {
  // Mouth curve from a wide smile (5) to a deep frown (1).
  const mouth = { 5: 'M14 27 Q24 38 34 27', 4: 'M15 29 Q24 35 33 29', 3: 'M15 31 L33 31', 2: 'M15 33 Q24 27 33 33', 1: 'M14 35 Q24 24 34 35' }[level];
  return (
    <svg class="pad-face" viewBox="0 0 48 48" aria-hidden="true">
      <circle cx="24" cy="24" r="22" fill="currentColor" />
      <circle cx="17" cy="19" r="3" fill="#fff" />
      <circle cx="31" cy="19" r="3" fill="#fff" />
      <path d={mouth} stroke="#fff" stroke-width="3.2" fill="none" stroke-linecap="round" />
    </svg>
  );
}

function RatingScreen(props: {
  ticket: PadTicket;
  snapshot: PadSnapshot;
  stream: PadStream;
  onRated: (level: Level) => void;
  onTimeout: () => void;
}) {
  const { ticket, snapshot: s } = props;
  const timeoutMs = Math.max(5, s.ratingTimeoutSeconds || 30) * 1000;
  const [deadline, setDeadline] = useState(() => Date.now() + timeoutMs);
  const [level, setLevel] = useState<Level | null>(null);
  const [reasons, setReasons] = useState<string[]>([]);
  const [comment, setComment] = useState('');
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<{ code: string; message: string } | null>(null);
  const left = useCountdown(deadline);
  const fired = useRef(false);

  useEffect(() => {
    if (left === 0 && !sending && !fired.current) {
      fired.current = true;
      props.onTimeout();
    }
  }, [left, sending]);

  // Someone choosing reasons is still rating: every touch gives them the full time again.
  const touched = () => setDeadline(Date.now() + timeoutMs);

  const send = async (lv: Level, why: string[], text: string) => {
    setSending(true);
    setError(null);
    const payload: RatePayload = { ticketId: ticket.id, level: lv };
    if (lv <= 2) {
      payload.reasons = why;
      if (text.trim()) payload.comment = text.trim().slice(0, COMMENT_MAX);
    }
    try {
      const ack = await props.stream.request<Ack>('rate', payload);
      if (ack && ack.ok === true) props.onRated(lv);
      else if (ack && ack.ok === false && ack.error?.code === 'ALREADY_RATED') props.onRated(lv);
      else setError(ack && ack.ok === false && ack.error ? ack.error : { code: 'BAD_RESPONSE', message: '' });
    } catch (e) {
      const code = typeof (e as { code?: unknown })?.code === 'string' ? (e as { code: string }).code : 'NETWORK';
      setError({ code, message: e instanceof Error ? e.message : '' });
    } finally {
      setSending(false);
      touched();
    }
  };

  const choose = (lv: Level) => {
    touched();
    if (sending) return;
    setLevel(lv);
    if (lv >= 3) void send(lv, [], '');
  };

  const negative = level !== null && level <= 2;
  return (
    <section class="pad-rating" onPointerDown={touched} onKeyDown={touched} data-ticket={ticket.number}>
      <div class="pad-rating-head">
        <h1>{t('pad.rate.title')}</h1>
        <span class="pad-rating-ticket num">
          {t('pad.rate.ticket', { number: ticket.number })}
          {ticket.serviceName ? ` · ${safeText(ticket.serviceName)}` : ''}
        </span>
      </div>
      {!negative ? (
        <div class="pad-levels" role="group" aria-label={t('pad.rate.title')}>
          {LEVELS.map((lv) => (
            <button
              type="button"
              class={`pad-level lv-${lv}${level === lv ? ' is-chosen' : ''}`}
              data-level={lv}
              disabled={sending}
              onClick={() => choose(lv)}
            >
              <Face level={lv} />
              <span>{t(`pad.level.${lv}`)}</span>
            </button>
          ))}
        </div>
      ) : (
        <div class={`pad-reasons lv-${level}`}>
          <div class="pad-reasons-level">
            <Face level={level} />
            <span>{t(`pad.level.${level}`)}</span>
          </div>
          <div class="pad-reasons-body">
            <h2>{t('pad.reasons.title')}</h2>
            <div class="pad-reason-list">
              {s.negativeReasons.map((r, i) => {
                // The Chinese reason is what the rating records; English is only its label.
                const label = currentLang() === 'en' ? (s.negativeReasonsEn?.[i] ?? r) : r;
                const on = reasons.includes(r);
                return (
                  <button
                    type="button"
                    class={`pad-reason${on ? ' is-on' : ''}`}
                    aria-pressed={on}
                    onClick={() => setReasons(on ? reasons.filter((x) => x !== r) : [...reasons, r])}
                  >
                    <span class="pad-check" aria-hidden="true">
                      {on ? '✓' : ''}
                    </span>
                    {safeText(label)}
                  </button>
                );
              })}
            </div>
            <label class="pad-comment">
              <span>{t('pad.reasons.comment')}</span>
              <textarea
                rows={2}
                maxLength={COMMENT_MAX}
                value={comment}
                onInput={(e) => setComment((e.currentTarget as HTMLTextAreaElement).value)}
              />
            </label>
            <div class="pad-reasons-actions">
              <button type="button" class="btn btn-ghost" disabled={sending} onClick={() => setLevel(null)}>
                {t('pad.reasons.back')}
              </button>
              <button
                type="button"
                class="btn btn-primary"
                disabled={sending || (reasons.length === 0 && !comment.trim())}
                onClick={() => void send(level, reasons, comment)}
              >
                {sending ? t('pad.sending') : t('pad.reasons.submit')}
              </button>
            </div>
            {reasons.length === 0 && !comment.trim() && <p class="pad-need">{t('pad.reasons.need')}</p>}
          </div>
        </div>
      )}
      {sending && !negative && <p class="pad-status">{t('pad.sending')}</p>}
      {error && (
        <p class="form-error pad-error" role="alert">
          {t('pad.failed', { message: errText(error.code, error.message) })}
          <span class="code">{t('common.errorCode', { code: error.code })}</span>
        </p>
      )}
      <p class="pad-countdown num">{t('pad.countdown', { n: left })}</p>
    </section>
  );
}

function ThanksScreen({ level }: { level: Level }) {
  return (
    <section class="pad-thanks" role="status">
      <div class={`pad-thanks-face lv-${level}`}>
        <Face level={level} />
      </div>
      <h1>{t('pad.thanks')}</h1>
      {level <= 2 && <p>{t('pad.thanksBad')}</p>}
    </section>
  );
}

function Notice({ text }: { text: string }) {
  return (
    <div class="pad pad-notice">
      <p>{text}</p>
    </div>
  );
}

mount(Pad, 'pad.title');
