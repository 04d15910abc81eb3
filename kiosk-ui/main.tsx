// Ticket kiosk (取号机) and 24-hour self-service terminal: choose a section, optionally a service, take a
// number; check in an appointment, book a later working day, read service guides, query case progress.
// Built for a touch screen in portrait (1080×1920) or landscape (1920×1080) and for citizens who read
// slowly: few words, big targets, a large-text mode. Outside the configured self-service hours (or with
// ?mode=self-service) ticketing is closed and the rest stays open.

import '../ui-shared/base.css';
import './kiosk.css';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { SectionView, ServiceSummary, TicketView } from '../server/realtime/contract.js';
import { api, ApiError, asApiError } from '../ui-shared/api.js';
import { Clock, LangToggle } from '../ui-shared/components.js';
import { Emblem } from '../ui-shared/emblem.js';
import { hallTime, safeText } from '../ui-shared/format.js';
import type { Lang } from '../ui-shared/i18n/index.js';
import { currentLang, errText, mount, name, param, setLang, t, useCountdown, useIdle, useLang, useStream } from '../ui-shared/page.js';
import { openDisplayStream } from '../ui-shared/streams.js';
import type { HallInfo } from '../ui-shared/types.js';
import { BookingFlow, type BookingStart } from './booking.js';
import { printerTrouble, useKioskDevices, type KioskCardError } from './devices.js';
import { CheckInScreen, type CheckIn } from './checkin.js';
import { GuideDetail, GuideList } from './guides.js';
import { kioskToken } from './key.js';
import { setLarge, useLarge } from './prefs.js';
import { ProgressScreen } from './progress.js';
import { refusalFor } from './refusal.js';
import type { SelfServiceMode } from './types.js';

/** Back to the start after this long without a touch. */
const IDLE_MS = 45_000;
/** How long the ticket stays on screen. */
const RESULT_MS = 20_000;
/** A short blip is not worth stopping the kiosk for; longer than this and the kiosk says it is paused. */
const OFFLINE_GRACE_MS = 2500;
const HALL_RETRY_MS = 5000;
/** How often the kiosk asks whether it is in self-service hours. */
const MODE_POLL_MS = 30_000;
const FORCED_SELF_SERVICE = param('mode') === 'self-service';

interface Choice {
  sectionId: string;
  serviceCode?: string;
  useCard?: boolean;
  appointmentCode?: string;
}

type Screen =
  | { kind: 'home' }
  | { kind: 'section'; sectionId: string }
  | { kind: 'card'; choice: Choice }
  | { kind: 'issuing'; choice: Choice }
  | { kind: 'ticket'; ticket: TicketView; deadline: number }
  | { kind: 'error'; error: ApiError; choice: Choice }
  | { kind: 'booking'; start: BookingStart }
  | { kind: 'checkin' }
  | { kind: 'guides' }
  | { kind: 'guide'; code: string }
  | { kind: 'progress' };

type ServiceList = ServiceSummary[] | 'loading' | 'error';

const PALETTE = ['#0b4f9c', '#127a3a', '#b3261e', '#6a3fb5', '#a35a00', '#00718f', '#8a1c6b', '#37474f'];

function Kiosk() {
  useLang();
  const initialLang = useRef<Lang>(currentLang());
  const [hall, setHall] = useState<HallInfo | null>(null);
  const [screen, setScreen] = useState<Screen>({ kind: 'home' });
  const [services, setServices] = useState<Record<string, ServiceList>>({});
  const [paused, setPaused] = useState(false);
  const [mode, setMode] = useState<SelfServiceMode | null>(null);
  const large = useLarge();
  const live = useStream(openDisplayStream, 'display');
  const sections = live.state?.sections ?? [];
  const online = hall !== null && live.connection === 'connected' && live.state !== null;

  // Hall name and kiosk list: retried until the server answers.
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      try {
        const h = await api<HallInfo>('/hall');
        if (!stopped) setHall(h);
      } catch {
        if (!stopped) timer = setTimeout(load, HALL_RETRY_MS);
      }
    };
    void load();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, []);

  // Self-service hours come from the hall's config; the kiosk checks again every half minute.
  useEffect(() => {
    if (FORCED_SELF_SERVICE) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const m = await api<SelfServiceMode>('/self-service');
        if (!stopped && m && typeof m.active === 'boolean') setMode(m);
      } catch {
        // Keep the last known mode; the paused screen covers a server that is gone.
      }
      if (!stopped) timer = setTimeout(poll, MODE_POLL_MS);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [online]);
  const selfService = FORCED_SELF_SERVICE || mode?.active === true;
  const selfServiceRef = useRef(selfService);
  selfServiceRef.current = selfService;

  useEffect(() => {
    if (online) {
      setPaused(false);
      return;
    }
    const timer = setTimeout(() => setPaused(true), OFFLINE_GRACE_MS);
    return () => clearTimeout(timer);
  }, [online]);

  const kioskParam = param('kiosk');
  const kiosk = hall?.kiosks.find((k) => k.id === kioskParam) ?? (kioskParam ? undefined : hall?.kiosks[0]);
  const kioskId = kioskParam ?? kiosk?.id;

  // The kiosk's reader and scanner drive the page when the hall reports them: a card placed on the card
  // screen takes the ticket at once; a scanned booking code checks in from the start screen.
  const screenRef = useRef(screen);
  screenRef.current = screen;
  const [cardError, setCardError] = useState<KioskCardError | null>(null);
  const [scanned, setScanned] = useState<{ code: string; n: number } | null>(null);
  // A card read on a screen that searches by card (check-in, progress, booking): that screen acts on it.
  const [cardRead, setCardRead] = useState<{ n: number } | null>(null);
  const devices = useKioskDevices(kioskId, {
    card: () => {
      const cur = screenRef.current;
      if (cur.kind === 'card') void issue(cur.choice);
      else if (cur.kind === 'checkin' || cur.kind === 'progress' || cur.kind === 'booking') setCardRead((p) => ({ n: (p?.n ?? 0) + 1 }));
    },
    cardError: (e) => {
      if (screenRef.current.kind === 'card') setCardError(e);
    },
    scan: (x) => {
      const cur = screenRef.current.kind;
      if (x.appointment && (cur === 'home' || cur === 'checkin') && !selfServiceRef.current) {
        checkIn({ sectionId: x.appointment.sectionId, appointmentCode: x.appointment.code, ...(x.appointment.serviceCode ? { serviceCode: x.appointment.serviceCode } : {}) });
      } else if (cur === 'checkin') {
        setScanned((p) => ({ code: x.code, n: (p?.n ?? 0) + 1 }));
      }
    },
  });
  const printerDown = printerTrouble(devices);
  const hasReader = devices?.some((d) => d.kind === 'idcard' && d.status === 'online') ?? false;

  const goHome = () => {
    setScreen({ kind: 'home' });
    if (currentLang() !== initialLang.current) setLang(initialLang.current);
    // The next citizen starts with the standard view.
    setLarge(false);
  };
  useIdle(screen.kind === 'ticket' || screen.kind === 'issuing' ? null : screen.kind === 'home' ? (large ? IDLE_MS : null) : IDLE_MS, goHome);

  // The hall's services change live (the manager's settings): a known list shows at once and is asked
  // again each time, so a service added or renamed appears without reloading the kiosk.
  const loadServices = async (sectionId: string) => {
    const known = Array.isArray(services[sectionId]);
    if (!known) setServices((s) => ({ ...s, [sectionId]: 'loading' }));
    try {
      const list = await api<ServiceSummary[]>(`/sections/${encodeURIComponent(sectionId)}/services`);
      setServices((s) => ({ ...s, [sectionId]: Array.isArray(list) ? list : known ? s[sectionId]! : 'error' }));
    } catch {
      if (!known) setServices((s) => ({ ...s, [sectionId]: 'error' }));
    }
  };

  const openSection = (sec: SectionView) => {
    setScreen({ kind: 'section', sectionId: sec.id });
    void loadServices(sec.id);
  };

  const serviceName = (sectionId: string, code: string | undefined): string | undefined => {
    const list = services[sectionId];
    const svc = code && Array.isArray(list) ? list.find((x) => x.code === code) : undefined;
    return svc ? name(svc.name, svc.nameEn) : undefined;
  };

  const checkIn = (c: CheckIn) => {
    void loadServices(c.sectionId);
    take({ sectionId: c.sectionId, appointmentCode: c.appointmentCode, ...(c.serviceCode ? { serviceCode: c.serviceCode } : {}), ...(c.useCard ? { useCard: true } : {}) });
  };

  const take = (choice: Choice) => {
    const sec = sections.find((s) => s.id === choice.sectionId);
    if (sec?.requireIdCard && !choice.useCard) setScreen({ kind: 'card', choice: { ...choice, useCard: true } });
    else void issue(choice);
  };

  const issue = async (choice: Choice) => {
    setCardError(null);
    setScreen({ kind: 'issuing', choice });
    const body: Record<string, unknown> = { sectionId: choice.sectionId };
    if (choice.serviceCode) body.serviceCode = choice.serviceCode;
    if (kioskId) body.kioskId = kioskId;
    if (choice.useCard) body.useCard = true;
    if (choice.appointmentCode) body.appointmentCode = choice.appointmentCode;
    try {
      const answer = await api<{ ticket?: TicketView }>('/tickets', { method: 'POST', body, timeoutMs: 15000, token: kioskToken(kioskId) });
      const ticket = answer?.ticket;
      if (!ticket || typeof ticket.number !== 'string') throw new ApiError('BAD_RESPONSE', 'answer without a ticket', 200);
      setScreen({ kind: 'ticket', ticket, deadline: Date.now() + RESULT_MS });
    } catch (e) {
      setScreen({ kind: 'error', error: asApiError(e), choice });
    }
  };

  const hallName = hall ? name(hall.name, hall.nameEn) : '';
  // A lost connection stops ticketing, but a citizen who already holds a result keeps seeing it.
  const showPaused = paused && (screen.kind === 'home' || screen.kind === 'section' || screen.kind === 'card' || screen.kind === 'checkin');
  const more: MoreActions = {
    checkin: () => setScreen({ kind: 'checkin' }),
    book: () => setScreen({ kind: 'booking', start: {} }),
    guides: () => setScreen({ kind: 'guides' }),
    progress: () => setScreen({ kind: 'progress' }),
  };

  let content;
  if (showPaused || (!online && screen.kind === 'home')) {
    content = paused ? <PausedScreen /> : <div class="k-loading">{t('common.loading')}</div>;
  } else if (screen.kind === 'home') {
    content = selfService ? (
      <SelfServiceHome mode={mode} more={more} />
    ) : (
      <>
        {printerDown && <PrinterNotice code={printerDown} />}
        <HomeScreen sections={sections} onPick={openSection} more={more} />
      </>
    );
  } else if (screen.kind === 'booking') {
    content = <BookingFlow key={JSON.stringify(screen.start)} start={screen.start} sections={sections} kioskId={kioskId} onHome={goHome} hasReader={hasReader} card={cardRead} />;
  } else if (screen.kind === 'checkin') {
    content = <CheckInScreen onCheckIn={checkIn} onBack={goHome} scanned={scanned} kioskId={kioskId} sections={sections} card={cardRead} />;
  } else if (screen.kind === 'guides') {
    content = <GuideList onOpen={(code) => setScreen({ kind: 'guide', code })} onBack={goHome} />;
  } else if (screen.kind === 'guide') {
    content = (
      <GuideDetail
        code={screen.code}
        kioskId={kioskId}
        onTake={selfService ? null : (g) => take({ sectionId: g.sectionId, serviceCode: g.code })}
        onBook={(g) => setScreen({ kind: 'booking', start: { sectionId: g.sectionId, serviceCode: g.code, serviceName: name(g.name, g.nameEn) } })}
        onBack={() => setScreen({ kind: 'guides' })}
      />
    );
  } else if (screen.kind === 'progress') {
    content = <ProgressScreen onBack={goHome} kioskId={kioskId} hasReader={hasReader} card={cardRead} />;
  } else if (screen.kind === 'section') {
    const sec = sections.find((s) => s.id === screen.sectionId);
    content = sec ? (
      <SectionScreen section={sec} services={services[sec.id] ?? 'loading'} onTake={take} onBack={goHome} />
    ) : (
      <HomeScreen sections={sections} onPick={openSection} more={more} />
    );
  } else if (screen.kind === 'card') {
    content = <CardScreen onGo={() => void issue(screen.choice)} onBack={goHome} error={cardError} auto={hasReader} />;
  } else if (screen.kind === 'issuing') {
    content = (
      <div class="k-issuing" role="status">
        <div class="spinner" aria-hidden="true" />
        {t('kiosk.issuing')}
      </div>
    );
  } else if (screen.kind === 'ticket') {
    const sec = sections.find((s) => s.id === screen.ticket.sectionId);
    const list = services[screen.ticket.sectionId];
    const svc = Array.isArray(list) ? list.find((x) => x.code === screen.ticket.serviceCode) : undefined;
    content = <TicketScreen ticket={screen.ticket} deadline={screen.deadline} section={sec} service={svc} onDone={goHome} />;
  } else {
    content = (
      <ErrorScreen
        error={screen.error}
        onHome={goHome}
        onBook={(start) =>
          setScreen({
            kind: 'booking',
            start: {
              sectionId: screen.choice.sectionId,
              ...(screen.choice.serviceCode ? { serviceCode: screen.choice.serviceCode } : {}),
              ...(serviceName(screen.choice.sectionId, screen.choice.serviceCode) ? { serviceName: serviceName(screen.choice.sectionId, screen.choice.serviceCode)! } : {}),
              ...start,
            },
          })
        }
        onRetry={(card) => (card ? setScreen({ kind: 'card', choice: { ...screen.choice, useCard: true } }) : void issue(screen.choice))}
      />
    );
  }

  return (
    <div class={`kiosk${large ? ' is-large' : ''}`} data-screen={showPaused ? 'paused' : screen.kind} data-mode={selfService ? 'self-service' : 'ticketing'}>
      <header class="k-header">
        <div class="k-brand">
          <Emblem size={64} />
          <div>
            <div class="k-hall">{hallName || '\u00a0'}</div>
            <div class="k-sub">
              {t('kiosk.title')}
              {selfService && <span class="k-self-badge">{t('kiosk.self.badge')}</span>}
            </div>
          </div>
        </div>
        <div class="k-header-right">
          <Clock />
          <button type="button" class="lang-toggle k-large-toggle" aria-pressed={large} title={t('kiosk.large.title')} onClick={() => setLarge(!large)}>
            {large ? t('kiosk.large.off') : t('kiosk.large.on')}
          </button>
          <LangToggle />
        </div>
      </header>
      <main class="k-main">{content}</main>
      <footer class="k-footer">
        <span>{kiosk ? name(kiosk.name, kiosk.nameEn) : kioskParam && hall ? t('kiosk.unknownKiosk', { id: kioskParam }) : ''}</span>
        <span>{t('kiosk.footer')}</span>
      </footer>
    </div>
  );
}

interface MoreActions {
  checkin: () => void;
  book: () => void;
  guides: () => void;
  progress: () => void;
}

function MoreStrip({ more, selfService }: { more: MoreActions; selfService: boolean }) {
  const items = [
    ...(selfService ? [] : [{ id: 'checkin', title: t('kiosk.more.checkin'), hint: t('kiosk.more.checkinHint'), go: more.checkin }]),
    { id: 'guides', title: t('kiosk.more.guides'), hint: t('kiosk.more.guidesHint'), go: more.guides },
    { id: 'progress', title: t('kiosk.more.progress'), hint: t('kiosk.more.progressHint'), go: more.progress },
    { id: 'book', title: t('kiosk.more.book'), hint: t('kiosk.more.bookHint'), go: more.book },
  ];
  return (
    <nav class={`k-more${selfService ? ' is-self' : ''}`}>
      {items.map((x) => (
        <button type="button" class="k-more-item" data-more={x.id} onClick={x.go}>
          <span class="k-more-title">{x.title}</span>
          <span class="k-more-hint">{x.hint}</span>
        </button>
      ))}
    </nav>
  );
}

function SelfServiceHome({ mode, more }: { mode: SelfServiceMode | null; more: MoreActions }) {
  const hours = mode?.hours;
  return (
    <section class="k-self">
      <div class="k-self-banner" role="status">
        <div class="k-self-moon" aria-hidden="true" />
        <div>
          <h1 class="k-title">{t('kiosk.self.title')}</h1>
          <p class="k-self-closed">
            {mode?.reason === 'day_off' ? t('kiosk.self.dayOff') : t('kiosk.self.closed')}
            {hours && <span class="num"> · {t('kiosk.self.hours', { open: hours.open, close: hours.close })}</span>}
          </p>
          <p class="k-hint">{t('kiosk.self.offer')}</p>
        </div>
      </div>
      <MoreStrip more={more} selfService />
    </section>
  );
}

function HomeScreen({ sections, onPick, more }: { sections: SectionView[]; onPick: (s: SectionView) => void; more: MoreActions }) {
  return (
    <section class="k-home">
      <h1 class="k-title">{t('kiosk.choose')}</h1>
      <p class="k-hint">{t('kiosk.chooseHint')}</p>
      <div class="k-grid">
        {sections.map((s, i) => {
          const closed = !s.open;
          return (
            <button
              type="button"
              class={`k-tile${closed ? ' is-closed' : ''}`}
              style={{ '--tile': PALETTE[i % PALETTE.length] }}
              disabled={closed}
              data-section={s.id}
              onClick={() => onPick(s)}
            >
              <span class="k-letter" aria-hidden="true">
                {s.prefix}
              </span>
              <span class="k-tile-body">
                <span class="k-tile-name">{name(s.name, s.nameEn)}</span>
                <span class="k-tile-facts">
                  {closed ? (
                    <span class="k-closed">{t('kiosk.sectionClosed')}</span>
                  ) : (
                    <>
                      <span>
                        {t('kiosk.waiting')} <b class="num">{t('kiosk.waitingN', { n: s.waiting })}</b>
                      </span>
                      <span>
                        {t('kiosk.estimate')} <b class="num">{t('kiosk.estimateN', { n: s.estimatedWaitMinutes })}</b>
                      </span>
                    </>
                  )}
                </span>
                {s.requireIdCard && <span class="k-id-mark">{t('kiosk.idRequired')}</span>}
              </span>
            </button>
          );
        })}
      </div>
      <MoreStrip more={more} selfService={false} />
    </section>
  );
}

function SectionScreen(props: {
  section: SectionView;
  services: ServiceList;
  onTake: (c: Choice) => void;
  onBack: () => void;
}) {
  const { section: s, services } = props;
  return (
    <section class="k-section">
      <div class="k-section-head">
        <button type="button" class="btn btn-ghost k-back" onClick={props.onBack}>
          ‹ {t('common.back')}
        </button>
        <h1 class="k-title">{name(s.name, s.nameEn)}</h1>
        <span class="k-section-facts">
          {t('kiosk.waiting')} <b class="num">{t('kiosk.waitingN', { n: s.waiting })}</b> · {t('kiosk.estimate')}{' '}
          <b class="num">{t('kiosk.estimateN', { n: s.estimatedWaitMinutes })}</b>
        </span>
      </div>
      {s.requireIdCard && <div class="k-id-banner">{t('kiosk.card.hint')}</div>}
      <button type="button" class="k-general" onClick={() => props.onTake({ sectionId: s.id })}>
        <span class="k-general-title">{t('kiosk.takeGeneral')}</span>
        <span class="k-general-hint">{t('kiosk.takeGeneralHint')}</span>
      </button>
      <h2 class="k-subtitle">{t('kiosk.services')}</h2>
      {services === 'loading' ? (
        <p class="k-hint">{t('common.loading')}</p>
      ) : services === 'error' ? (
        <p class="k-hint">{t('kiosk.servicesFailed')}</p>
      ) : services.length === 0 ? (
        <p class="k-hint">{t('kiosk.noServices')}</p>
      ) : (
        <ul class="k-services">
          {services.map((x) => (
            <li class="k-service" data-service={x.code}>
              <div class="k-service-text">
                <div class="k-service-name">
                  {name(x.name, x.nameEn)}
                  <span class={`k-kind k-kind-${x.kind}`}>
                    {x.kind === 'immediate' ? t('kiosk.kind.immediate') : t('kiosk.kind.promised', { n: x.promisedLimitDays })}
                  </span>
                </div>
                <div class="k-service-summary">{safeText(x.summary)}</div>
              </div>
              <button type="button" class="btn btn-primary k-take" onClick={() => props.onTake({ sectionId: s.id, serviceCode: x.code })}>
                {t('kiosk.take')}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function CardScreen({ onGo, onBack, error, auto }: { onGo: () => void; onBack: () => void; error: KioskCardError | null; auto: boolean }) {
  return (
    <section class="k-card-screen">
      <svg class="k-card-icon" viewBox="0 0 120 80" aria-hidden="true">
        <rect x="4" y="4" width="112" height="72" rx="8" fill="#fff" stroke="#0b4f9c" stroke-width="4" />
        <rect x="14" y="18" width="30" height="38" rx="3" fill="#c7d7ee" />
        <rect x="54" y="20" width="50" height="6" rx="3" fill="#0b4f9c" />
        <rect x="54" y="34" width="40" height="6" rx="3" fill="#8aa6cf" />
        <rect x="54" y="48" width="46" height="6" rx="3" fill="#8aa6cf" />
      </svg>
      <h1 class="k-title">{t('kiosk.card.title')}</h1>
      <p class="k-lead">{t('kiosk.card.hint')}</p>
      {auto && <p class="k-hint k-card-auto">{t('kiosk.card.auto')}</p>}
      {error && (
        <div class="k-inline-error" role="alert" data-code={error.code}>
          <b>{t('kiosk.card.readFailed')}</b>
          <span>{t('kiosk.card.readFailedHint')}</span>
          <span class="k-code">{t('common.errorCode', { code: error.code })}</span>
        </div>
      )}
      <div class="k-actions">
        <button type="button" class="btn btn-ghost k-big" onClick={onBack}>
          {t('common.home')}
        </button>
        <button type="button" class="btn btn-primary k-big" onClick={onGo}>
          {t('kiosk.card.go')}
        </button>
      </div>
    </section>
  );
}

function TicketScreen(props: {
  ticket: TicketView;
  deadline: number;
  section: SectionView | undefined;
  service: ServiceSummary | undefined;
  onDone: () => void;
}) {
  const { ticket } = props;
  const left = useCountdown(props.deadline);
  useEffect(() => {
    if (left === 0) props.onDone();
  }, [left]);
  const printed = ticket.printed !== false;
  return (
    <section class="k-ticket" role="status">
      <div class="k-ticket-card">
        <div class="k-ticket-ok">
          <svg viewBox="0 0 24 24" width="44" height="44" aria-hidden="true">
            <circle cx="12" cy="12" r="11" fill="#127a3a" />
            <path d="M6.5 12.5 L10.5 16 L17.5 8.5" stroke="#fff" stroke-width="2.4" fill="none" stroke-linecap="round" />
          </svg>
          {t('kiosk.ticket.title')}
        </div>
        <div class="k-ticket-label">{t('kiosk.ticket.number')}</div>
        <div class="k-ticket-number num" data-ticket-number={ticket.number}>
          {ticket.number}
        </div>
        <dl class="k-facts">
          <div>
            <dt>{t('kiosk.ticket.section')}</dt>
            <dd>{props.section ? name(props.section.name, props.section.nameEn) : ticket.sectionId}</dd>
          </div>
          {props.service && (
            <div>
              <dt>{t('kiosk.ticket.service')}</dt>
              <dd>{name(props.service.name, props.service.nameEn)}</dd>
            </div>
          )}
          <div>
            <dt>{t('kiosk.ticket.ahead')}</dt>
            <dd class="num">{t('unit.people', { n: ticket.ahead })}</dd>
          </div>
          <div>
            <dt>{t('kiosk.ticket.wait')}</dt>
            <dd class="num">{t('kiosk.ticket.waitN', { n: ticket.estimatedWaitMinutes })}</dd>
          </div>
          <div>
            <dt>{t('kiosk.ticket.time')}</dt>
            <dd class="num">{hallTime(ticket.issuedAt)}</dd>
          </div>
        </dl>
        <div class={`k-print ${printed ? 'is-printed' : 'not-printed'}`}>
          {printed ? t('kiosk.ticket.printed') : t('kiosk.ticket.notPrinted')}
        </div>
      </div>
      <button type="button" class="btn btn-primary k-big" onClick={props.onDone}>
        {t('kiosk.ticket.done')}
      </button>
      <p class="k-countdown num">{t('kiosk.backIn', { n: left })}</p>
    </section>
  );
}

function ErrorScreen({
  error,
  onHome,
  onRetry,
  onBook,
}: {
  error: ApiError;
  onHome: () => void;
  onRetry: (card: boolean) => void;
  onBook: (start: BookingStart) => void;
}) {
  const r = refusalFor(error.code, error.details);
  return (
    <section class="k-error" role="alert" data-code={error.code}>
      <svg class="k-error-icon" viewBox="0 0 24 24" aria-hidden="true">
        <path d="M12 2 L23 21 H1 Z" fill="#a85800" />
        <rect x="11" y="8" width="2" height="7" fill="#fff" />
        <rect x="11" y="17" width="2" height="2" fill="#fff" />
      </svg>
      <h1 class="k-title">{errText(error.code, error.message)}</h1>
      <p class="k-lead">{t(r.hint)}</p>
      {r.held.length > 0 && <p class="k-held">{t('kiosk.error.held', { numbers: r.held.join(' ') })}</p>}
      {r.offer && (
        <div class="k-offer">
          {r.offer.slots.length > 0 ? (
            <>
              <p>{t('kiosk.booking.offer', { date: r.offer.date })}</p>
              <ul>
                {r.offer.slots.map((s) => (
                  <li>
                    <button type="button" class="k-offer-slot" data-slot={s.start} onClick={() => onBook({ date: r.offer!.date, slot: s })}>
                      <span class="num">{t('kiosk.booking.slot', { start: s.start, end: s.end })}</span>
                      <span>{t('kiosk.booking.left', { n: s.left })}</span>
                    </button>
                  </li>
                ))}
              </ul>
              <button type="button" class="btn btn-ghost k-offer-other" onClick={() => onBook({})}>
                {t('kiosk.booking.otherDays')}
              </button>
            </>
          ) : (
            <p>{t('kiosk.booking.none')}</p>
          )}
        </div>
      )}
      {r.code === 'CAPACITY_EXHAUSTED' && !r.offer && <div class="k-offer">{t('kiosk.booking.none')}</div>}
      <p class="k-code">{t('common.errorCode', { code: error.code })}</p>
      <div class="k-actions">
        <button type="button" class="btn btn-ghost k-big" onClick={onHome}>
          {t('common.home')}
        </button>
        {r.retry && (
          <button type="button" class="btn btn-primary k-big" onClick={() => onRetry(r.retry === 'card')}>
            {r.retry === 'card' ? t('kiosk.card.go') : t('common.retry')}
          </button>
        )}
      </div>
    </section>
  );
}

/** Said before the citizen takes a number, so an unprinted ticket is no surprise. */
function PrinterNotice({ code }: { code: string }) {
  const reason = code === 'PAPER_OUT' || code === 'COVER_OPEN' || code === 'DEVICE_OFFLINE' ? t(`kiosk.printer.${code}`) : t('kiosk.printer.fault');
  return (
    <div class="k-printer-notice" role="status" data-code={code}>
      {t('kiosk.printer.trouble', { reason })}
    </div>
  );
}

function PausedScreen() {
  return (
    <section class="k-paused" role="alert">
      <div class="k-paused-mark" aria-hidden="true">
        <span />
        <span />
      </div>
      <h1 class="k-paused-title">{t('kiosk.paused.title')}</h1>
      <p class="k-lead">{t('kiosk.paused.hint')}</p>
      <div class="spinner" aria-hidden="true" />
    </section>
  );
}

mount(Kiosk, 'kiosk.title');
