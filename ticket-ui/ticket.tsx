// The ticket's progress page (排队进度): what the QR on a printed ticket opens on the citizen's phone. It shows
// the ticket's state, the people ahead and the estimated wait, and the window once the ticket is called,
// refreshed every few seconds and whenever the phone shows the page again. It reads only the public
// ticket view (no name, no ID number): a ticket number is all it knows.

import '../ui-shared/base.css';
import './ticket.css';
import { useEffect, useState } from 'preact/hooks';
import type { SectionView, TicketView } from '../server/realtime/contract.js';
import { api, ApiError } from '../ui-shared/api.js';
import { LangToggle } from '../ui-shared/components.js';
import { hallTime } from '../ui-shared/format.js';

const pad2 = (n: number) => String(n).padStart(2, '0');
/** The phone's own clock, for "updated at". */
const localTime = (ms: number) => {
  const d = new Date(ms);
  return `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
};
import { errText, mount, name, param, t, useLang } from '../ui-shared/page.js';

/** How often the page asks again while it is visible. */
const REFRESH_MS = 10_000;

const ticketId = param('id');

interface HallInfo {
  name: string;
  nameEn?: string;
}

interface Loaded {
  ticket: TicketView;
  section?: SectionView;
  at: number;
}

type View = { kind: 'loading' } | { kind: 'missing' } | { kind: 'error'; code: string; message: string } | { kind: 'ok'; data: Loaded };

/** A ticket that can still move: the page keeps refreshing these. */
const LIVE = new Set(['waiting', 'called', 'serving', 'transferred', 'no_show']);

function useTicket(id: string | null): { view: View; stale: boolean; refresh: () => void } {
  const [view, setView] = useState<View>(id ? { kind: 'loading' } : { kind: 'missing' });
  const [stale, setStale] = useState(false);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!id) return;
    let cancelled = false;
    (async () => {
      try {
        const [{ ticket }, sections] = await Promise.all([
          api<{ ticket: TicketView }>(`/tickets/${encodeURIComponent(id)}`),
          api<SectionView[]>('/sections').catch(() => [] as SectionView[]),
        ]);
        if (cancelled) return;
        const section = sections.find((s) => s.id === ticket.sectionId);
        setView({ kind: 'ok', data: { ticket, ...(section ? { section } : {}), at: Date.now() } });
        setStale(false);
      } catch (e) {
        if (cancelled) return;
        const err = e instanceof ApiError ? e : new ApiError('NETWORK', String(e), 0);
        // A network blip keeps the last answer on screen, marked as not current.
        if ((err.code === 'NETWORK' || err.code === 'TIMEOUT') && view.kind === 'ok') setStale(true);
        else setView({ kind: 'error', code: err.code, message: err.message });
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [id, tick]);
  const live = view.kind !== 'ok' || LIVE.has(view.data.ticket.status);
  useEffect(() => {
    if (!id || !live) return;
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') setTick((n) => n + 1);
    }, REFRESH_MS);
    const onShow = () => document.visibilityState === 'visible' && setTick((n) => n + 1);
    document.addEventListener('visibilitychange', onShow);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onShow);
    };
  }, [id, live]);
  return { view, stale, refresh: () => setTick((n) => n + 1) };
}

function useHall(): HallInfo | null {
  const [hall, setHall] = useState<HallInfo | null>(null);
  useEffect(() => {
    api<HallInfo>('/hall').then(setHall, () => setHall(null));
  }, []);
  return hall;
}

function TicketPage() {
  useLang();
  const hall = useHall();
  const { view, stale, refresh } = useTicket(ticketId);
  return (
    <div class="tp" data-state={view.kind === 'ok' ? view.data.ticket.status : view.kind}>
      <header class="tp-head">
        <div class="tp-hall">{hall ? name(hall.name, hall.nameEn) : '\u00a0'}</div>
        <LangToggle className="tp-lang" />
      </header>
      <main class="tp-main">
        <h1 class="tp-title">{t('ticketPage.title')}</h1>
        <Body view={view} />
      </main>
      <footer class="tp-foot">
        {view.kind === 'ok' && (
          <span class={`tp-updated${stale ? ' is-stale' : ''}`} data-stale={stale ? '1' : '0'}>
            {stale ? t('ticketPage.stale') : t('ticketPage.updated', { time: localTime(view.data.at) })}
          </span>
        )}
        <button type="button" class="tp-refresh" onClick={refresh}>
          {t('ticketPage.refresh')}
        </button>
        <p class="tp-privacy">{t('ticketPage.privacy')}</p>
      </footer>
    </div>
  );
}

function Body({ view }: { view: View }) {
  if (view.kind === 'loading') return <p class="tp-msg">{t('common.loading')}</p>;
  if (view.kind === 'missing') return <p class="tp-msg">{t('ticketPage.missing')}</p>;
  if (view.kind === 'error') {
    return <p class="tp-msg tp-error" data-code={view.code}>{view.code === 'UNKNOWN_TICKET' ? t('ticketPage.unknown') : errText(view.code, view.message)}</p>;
  }
  const { ticket: tk, section } = view.data;
  return (
    <section class="tp-card">
      <div class="tp-section">{section ? name(section.name, section.nameEn) : tk.sectionId}</div>
      <div class="tp-number num" data-number={tk.number}>
        {tk.number}
      </div>
      <div class={`tp-status st-${tk.status}`} data-status={tk.status}>
        {t(`ticket.status.${tk.status}` as Parameters<typeof t>[0])}
      </div>
      <Detail tk={tk} />
      <dl class="tp-facts">
        <dt>{t('ticketPage.issuedAt')}</dt>
        <dd>{hallTime(tk.issuedAt)}</dd>
      </dl>
    </section>
  );
}

function Detail({ tk }: { tk: TicketView }) {
  switch (tk.status) {
    case 'waiting':
    case 'transferred':
      return (
        <dl class="tp-facts tp-wait">
          <dt>{t('ticketPage.ahead')}</dt>
          <dd class="num" data-ahead={tk.ahead}>
            {t('unit.people', { n: tk.ahead })}
          </dd>
          <dt>{t('ticketPage.estimate')}</dt>
          <dd class="num" data-wait={tk.estimatedWaitMinutes}>
            {tk.estimatedWaitMinutes > 0 ? t('unit.minutes', { n: tk.estimatedWaitMinutes }) : t('ticketPage.soon')}
          </dd>
        </dl>
      );
    case 'called':
      return (
        <p class="tp-go" data-window={tk.window?.number ?? ''}>
          {tk.window ? t('ticketPage.goTo', { n: tk.window.number }) : t('ticketPage.calledNoWindow')}
        </p>
      );
    case 'serving':
      return tk.window ? <p class="tp-note">{t('ticketPage.servingAt', { n: tk.window.number })}</p> : null;
    case 'no_show':
      return <p class="tp-note">{t('ticketPage.noShow')}</p>;
    case 'done':
      return <p class="tp-note">{t('ticketPage.done')}</p>;
    default:
      return <p class="tp-note">{t('ticketPage.ended')}</p>;
  }
}

mount(TicketPage, 'ticketPage.title');
