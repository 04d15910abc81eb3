// Staff console (呼叫器) for one window: sign in, then call, recall, start, finish, mark no-show, transfer,
// pause and resume, each on a button with a keyboard shortcut. The window's state arrives on /staff; the
// actions are HTTP calls whose refusals are shown inline with their code.

import '../ui-shared/base.css';
import './console.css';
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { StaffSnapshot, TicketView } from '../server/realtime/contract.js';
import { api, asApiError, type ApiError } from '../ui-shared/api.js';
import { ConnectionBanner, LangToggle, LiveDot, WindowStatusBadge } from '../ui-shared/components.js';
import { Emblem } from '../ui-shared/emblem.js';
import { duration, hallTime, safeText } from '../ui-shared/format.js';
import type { MessageKey } from '../ui-shared/i18n/index.js';
import { errText, mount, name, t, useLang, useNow, useStream } from '../ui-shared/page.js';
import { endsSession, type Session, useStoredSession } from '../ui-shared/session.js';
import { SignIn } from '../ui-shared/signin.js';
import { openStaffStream } from '../ui-shared/streams.js';
import { actionFor, ACTIONS, enabledActions, type ActionId } from './actions.js';
import { CasePanel } from './case.js';

const SESSION_KEY = 'hall.console';

function ConsoleApp() {
  useLang();
  const { session, notice, signIn, signOut } = useStoredSession(SESSION_KEY);

  if (!session || !session.windowId) {
    return (
      <SignIn
        title="console.signIn.title"
        subtitle="console.title"
        withWindow
        notice={notice}
        onSignedIn={signIn}
      />
    );
  }
  return <Desk key={session.token} session={session} windowId={session.windowId} onSignOut={signOut} />;
}

type Result = { ok: true; text: string } | { ok: false; error: ApiError };
type Dialog = 'transfer' | 'pause' | null;

function Desk({ session, windowId, onSignOut }: { session: Session; windowId: string; onSignOut: (why?: string) => void }) {
  const live = useStream(() => openStaffStream(session.token), session.token);
  const [busy, setBusy] = useState<ActionId | null>(null);
  const [result, setResult] = useState<Result | null>(null);
  const [dialog, setDialog] = useState<Dialog>(null);
  const s = live.state;

  // A refused or revoked session sends the clerk back to sign in, saying why.
  useEffect(() => {
    if (live.connection === 'refused' && live.error) onSignOut(`${t('console.sessionEnded')}（${errText(live.error.code, live.error.message)}）`);
  }, [live.connection]);

  const run = async (id: ActionId, body?: unknown) => {
    if (busy) return;
    const a = actionFor(id);
    setBusy(id);
    setResult(null);
    try {
      const answer = await api<{ ticket?: TicketView }>(`/windows/${encodeURIComponent(windowId)}/${a.path}`, {
        method: 'POST',
        body: body ?? {},
        token: session.token,
      });
      const label = t(a.label);
      setResult({
        ok: true,
        text: answer?.ticket?.number ? t('console.done', { action: label, number: answer.ticket.number }) : t('console.doneWindow', { action: label }),
      });
      setDialog(null);
    } catch (e) {
      const err = asApiError(e);
      if (endsSession(err.code)) {
        onSignOut(`${t('console.sessionEnded')}（${errText(err.code, err.message)}）`);
        return;
      }
      setResult({ ok: false, error: err });
    } finally {
      setBusy(null);
    }
  };

  const enabled = enabledActions(s);
  const trigger = (id: ActionId) => {
    if (!enabled.has(id) || busy) return;
    if (id === 'transfer' || id === 'pause') setDialog(id);
    else void run(id);
  };

  // Shortcuts: single keys, ignored while typing in a field or when a dialog is open. The listener is
  // registered once and reads the latest render through a ref, so a key pressed right after an action
  // never meets a stale "busy" state.
  const keys = useRef({ dialog, enabled, trigger });
  keys.current = { dialog, enabled, trigger };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const k = keys.current;
      if (k.dialog || e.ctrlKey || e.altKey || e.metaKey || e.repeat) return;
      const el = e.target as HTMLElement | null;
      if (el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable)) return;
      const key = e.key.toUpperCase();
      const a = ACTIONS.find((x) => x.key === key && k.enabled.has(x.id)) ?? ACTIONS.find((x) => x.key === key);
      if (!a) return;
      e.preventDefault();
      k.trigger(a.id);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const w = s?.window;
  return (
    <div class="console">
      <header class="c-head">
        <div class="c-brand">
          <Emblem size={40} />
          <span>{t('console.title')}</span>
        </div>
        {w && (
          <div class="c-window">
            <span class="c-window-no">{t('window.label', { n: w.number })}</span>
            <span class="c-window-name">{name(w.name, w.nameEn)}</span>
            <WindowStatusBadge status={w.status} />
            {w.status === 'paused' && w.pauseReason && <span class="c-pause-reason">{safeText(w.pauseReason)}</span>}
          </div>
        )}
        <div class="c-head-right">
          {w?.clerk && <span class="c-clerk">{t('console.clerkLine', { name: safeText(w.clerk.name), no: safeText(w.clerk.staffNo) })}</span>}
          <LiveDot connection={live.connection} />
          <LangToggle />
          <button
            type="button"
            class="btn btn-ghost c-signout"
            onClick={() => {
              // Closes the window on the server too; the local sign-out does not wait for it.
              api('/auth/logout', { method: 'POST', body: {}, token: session.token, timeoutMs: 3000 }).catch(() => undefined);
              onSignOut();
            }}
          >
            {t('common.signOut')}
          </button>
        </div>
      </header>
      {s ? (
        <main class="c-main">
          <section class="c-left">
            <CurrentTicket snap={s} />
            <div class="c-actions">
              {ACTIONS.filter((a) => (a.id === 'resume' ? s.window.status === 'paused' : a.id === 'pause' ? s.window.status !== 'paused' : true)).map((a) => (
                <button
                  type="button"
                  class={`c-action act-${a.id}${busy === a.id ? ' is-busy' : ''}`}
                  disabled={!enabled.has(a.id) || busy !== null}
                  data-action={a.id}
                  title={t('console.key', { key: a.key })}
                  aria-keyshortcuts={a.key}
                  onClick={() => trigger(a.id)}
                >
                  <kbd>{a.key}</kbd>
                  <span>{t(a.label)}</span>
                </button>
              ))}
            </div>
            <ResultLine result={result} />
            <CasePanel snap={s} token={session.token} windowId={windowId} />
          </section>
          <section class="c-right">
            <QueuePanel snap={s} />
            <SectionsPanel snap={s} />
          </section>
        </main>
      ) : (
        <main class="c-loading">{t('common.loading')}</main>
      )}
      {dialog === 'transfer' && s && (
        <TransferDialog snap={s} busy={busy !== null} onCancel={() => setDialog(null)} onSubmit={(body) => void run('transfer', body)} error={result} />
      )}
      {dialog === 'pause' && (
        <PauseDialog busy={busy !== null} onCancel={() => setDialog(null)} onSubmit={(reason) => void run('pause', { reason })} error={result} />
      )}
      <ConnectionBanner connection={live.connection} error={live.error} />
    </div>
  );
}

function CurrentTicket({ snap }: { snap: StaffSnapshot }) {
  const now = useNow(1000);
  const c = snap.current;
  if (!c || (c.status !== 'called' && c.status !== 'serving')) {
    return (
      <div class="c-current is-empty card">
        <h2>{t('console.current')}</h2>
        <p>{t('console.noCurrent')}</p>
      </div>
    );
  }
  const sec = snap.sections.find((x) => x.id === c.sectionId);
  const issued = Date.parse(c.issuedAt);
  const called = c.calledAt ? Date.parse(c.calledAt) : now;
  const waited = called - issued;
  const serving = c.status === 'serving' && c.startedAt ? now - Date.parse(c.startedAt) : null;
  return (
    <div class={`c-current card st-${c.status}`} data-ticket={c.number}>
      <div class="c-current-top">
        <h2>{t('console.current')}</h2>
        <span class={`c-ticket-status st-${c.status}`}>{t(`ticket.status.${c.status}`)}</span>
      </div>
      <div class="c-current-main">
        <div class="c-current-number num">{c.number}</div>
        <div class="c-current-info">
          <div class="c-current-section">
            {sec ? name(sec.name, sec.nameEn) : c.sectionId}
            {c.priority !== 'normal' && <span class={`prio prio-${c.priority}`}>{t(`priority.${c.priority}`)}</span>}
          </div>
          {c.nameMasked && <div class="c-applicant">{t('console.applicant', { name: safeText(c.nameMasked) })}</div>}
          <div class="c-calls">{t('console.calls', { n: c.calls, max: snap.maxRecalls })}</div>
        </div>
      </div>
      <div class="c-timers">
        <div>
          <span>{t('console.waited')}</span>
          <b class="num">{duration(waited)}</b>
          <small class="num">
            {hallTime(c.issuedAt)} → {c.calledAt ? hallTime(c.calledAt) : '…'}
          </small>
        </div>
        <div>
          <span>{t('console.servingFor')}</span>
          <b class="num">{serving === null ? t('common.none') : duration(serving)}</b>
          <small class="num">{c.startedAt ? hallTime(c.startedAt) : '\u00a0'}</small>
        </div>
      </div>
    </div>
  );
}

function ResultLine({ result }: { result: Result | null }) {
  if (!result) return <div class="c-result" />;
  if (result.ok)
    return (
      <div class="c-result is-ok" role="status">
        {result.text}
      </div>
    );
  return (
    <div class="c-result form-error" role="alert" data-code={result.error.code}>
      {errText(result.error.code, result.error.message)}
      <span class="code">{t('common.errorCode', { code: result.error.code })}</span>
    </div>
  );
}

function QueuePanel({ snap }: { snap: StaffSnapshot }) {
  const sectionName = (id: string) => {
    const sec = snap.sections.find((x) => x.id === id);
    return sec ? name(sec.name, sec.nameEn) : id;
  };
  return (
    <div class="c-queue card">
      <div class="c-panel-head">
        <h2>{t('console.queue')}</h2>
        <span class="c-count">{t('console.queueCount', { n: snap.queue.length })}</span>
      </div>
      {snap.queue.length === 0 ? (
        <p class="c-empty">{t('console.queueEmpty')}</p>
      ) : (
        <div class="c-table-wrap">
          <table class="c-table">
            <thead>
              <tr>
                <th>{t('console.col.order')}</th>
                <th>{t('console.col.number')}</th>
                <th>{t('console.col.section')}</th>
                <th>{t('console.col.priority')}</th>
                <th>{t('console.col.waited')}</th>
                <th>{t('console.col.name')}</th>
              </tr>
            </thead>
            <tbody>
              {snap.queue.map((q, i) => (
                <tr key={q.id} class={q.priority !== 'normal' ? `row-${q.priority}` : ''}>
                  <td class="num">{i + 1}</td>
                  <td class="num c-qnum">{q.number}</td>
                  <td>{sectionName(q.sectionId)}</td>
                  <td>{q.priority !== 'normal' && <span class={`prio prio-${q.priority}`}>{t(`priority.${q.priority}`)}</span>}</td>
                  <td class="num">{t('unit.minutes', { n: q.waitedMinutes })}</td>
                  <td>{q.nameMasked ? safeText(q.nameMasked) : t('common.none')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

function SectionsPanel({ snap }: { snap: StaffSnapshot }) {
  const mine = snap.sections.filter((x) => snap.window.sectionIds.includes(x.id));
  return (
    <div class="c-sections card">
      <h2>{t('console.sections')}</h2>
      <ul>
        {mine.map((x) => (
          <li>
            <span class="c-sec-letter">{x.prefix}</span>
            <span class="c-sec-name">{name(x.name, x.nameEn)}</span>
            <b class="num">{t('unit.people', { n: x.waiting })}</b>
            <span class="num c-sec-est">{t('unit.minutes', { n: x.estimatedWaitMinutes })}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

function DialogError({ error }: { error: Result | null }) {
  if (!error || error.ok) return null;
  return (
    <p class="form-error" role="alert" data-code={error.error.code}>
      {errText(error.error.code, error.error.message)}
      <span class="code">{t('common.errorCode', { code: error.error.code })}</span>
    </p>
  );
}

/** What both dialogs share: Escape cancels, the form sends only when `ready`, the refusal and the two buttons close it. */
function DialogFrame(props: {
  title: string;
  submitLabel: MessageKey;
  ready: boolean;
  busy: boolean;
  error: Result | null;
  onCancel: () => void;
  onSubmit: () => void;
  children: ComponentChildren;
}) {
  return (
    <div class="overlay" onKeyDown={(e) => e.key === 'Escape' && props.onCancel()}>
      <form
        class="dialog"
        role="dialog"
        aria-modal="true"
        onSubmit={(e) => {
          e.preventDefault();
          if (props.ready) props.onSubmit();
        }}
      >
        <h2>{props.title}</h2>
        {props.children}
        <DialogError error={props.error} />
        <div class="dialog-actions">
          <button type="button" class="btn btn-ghost" onClick={props.onCancel}>
            {t('common.cancel')}
          </button>
          <button type="submit" class="btn btn-primary" disabled={!props.ready || props.busy}>
            {t(props.submitLabel)}
          </button>
        </div>
      </form>
    </div>
  );
}

function TransferDialog(props: {
  snap: StaffSnapshot;
  busy: boolean;
  error: Result | null;
  onCancel: () => void;
  onSubmit: (body: { toSectionId: string } | { toWindowId: string }) => void;
}) {
  const { snap } = props;
  const [mode, setMode] = useState<'section' | 'window'>('section');
  const [target, setTarget] = useState('');
  const sections = snap.sections.filter((x) => x.open);
  const windows = snap.windows.filter((x) => x.id !== snap.window.id);
  return (
    <DialogFrame
      title={t('console.transfer.title', { number: snap.current?.number ?? '' })}
      submitLabel="console.transfer.submit"
      ready={!!target}
      busy={props.busy}
      error={props.error}
      onCancel={props.onCancel}
      onSubmit={() => props.onSubmit(mode === 'section' ? { toSectionId: target } : { toWindowId: target })}
    >
      <div class="c-seg" role="radiogroup">
        {(['section', 'window'] as const).map((m) => (
          <button
            type="button"
            role="radio"
            aria-checked={mode === m}
            class={mode === m ? 'is-on' : ''}
            onClick={() => {
              setMode(m);
              setTarget('');
            }}
          >
            {t(m === 'section' ? 'console.transfer.toSection' : 'console.transfer.toWindow')}
          </button>
        ))}
      </div>
      <div class="field">
        <label for="tr-target">{t('console.transfer.pick')}</label>
        <select id="tr-target" value={target} onChange={(e) => setTarget(e.currentTarget.value)} autoFocus>
          <option value="">{t('console.transfer.pick')}</option>
          {mode === 'section'
            ? sections.map((x) => (
                <option value={x.id}>
                  {x.prefix} · {name(x.name, x.nameEn)}
                </option>
              ))
            : windows.map((x) => (
                <option value={x.id}>
                  {t('window.label', { n: x.number })} · {name(x.name, x.nameEn)}
                </option>
              ))}
        </select>
      </div>
    </DialogFrame>
  );
}

const PAUSE_REASONS: MessageKey[] = ['console.pause.r.break', 'console.pause.r.meeting', 'console.pause.r.away', 'console.pause.r.system', 'console.pause.r.other'];

function PauseDialog(props: { busy: boolean; error: Result | null; onCancel: () => void; onSubmit: (reason: string) => void }) {
  const [choice, setChoice] = useState<MessageKey>('console.pause.r.break');
  const [other, setOther] = useState('');
  const isOther = choice === 'console.pause.r.other';
  const reason = isOther ? other.trim() : t(choice);
  return (
    <DialogFrame
      title={t('console.pause.title')}
      submitLabel="console.pause.submit"
      ready={!!reason}
      busy={props.busy}
      error={props.error}
      onCancel={props.onCancel}
      onSubmit={() => props.onSubmit(reason)}
    >
      <fieldset class="c-reasons">
        <legend>{t('console.pause.reason')}</legend>
        {PAUSE_REASONS.map((k) => (
          <label class={choice === k ? 'is-on' : ''}>
            <input type="radio" name="reason" checked={choice === k} onChange={() => setChoice(k)} />
            {t(k)}
          </label>
        ))}
      </fieldset>
      {isOther && (
        <div class="field">
          <label for="pause-other">{t('console.pause.other')}</label>
          <input id="pause-other" maxLength={60} value={other} onInput={(e) => setOther(e.currentTarget.value)} autoFocus />
        </div>
      )}
    </DialogFrame>
  );
}

mount(ConsoleApp, 'console.title');
