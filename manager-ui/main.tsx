// Manager dashboard (大厅运行监控): live alerts, today's counts, load per section, every window, charts of
// today against the same weekday last week (all live from /manager), and tabs for reports, follow-ups,
// live settings and the audit log.

import '../ui-shared/base.css';
import './manager.css';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { KpiReport } from '../server/manager/kpi.js';
import { WAIT_BUCKETS } from '../server/manager/kpi.js';
import type { ManagerSnapshot, TodayStats, WindowView } from '../server/realtime/contract.js';
import { api } from '../ui-shared/api.js';
import { Clock, ConnectionBanner, LangToggle, LiveDot, WindowStatusBadge } from '../ui-shared/components.js';
import { Emblem } from '../ui-shared/emblem.js';
import { hallTime, percent, safeText, since } from '../ui-shared/format.js';
import type { MessageKey } from '../ui-shared/i18n/index.js';
import { errText, mount, name, t, useLang, useNow, useStream } from '../ui-shared/page.js';
import { SupervisionPanel } from './supervision.js';
import { AlertsPanel } from './alerts.js';
import { BarChart, chartHours, chartsLoading, waitLabels } from './charts.js';
import { AuditTab, FollowUpsTab, ReportsTab, SettingsTab } from './tabs.js';
import { mergeCalls } from '../ui-shared/reducers.js';
import { type Session, useStoredSession } from '../ui-shared/session.js';
import { SignIn } from '../ui-shared/signin.js';
import { openManagerStream } from '../ui-shared/streams.js';

const SESSION_KEY = 'hall.manager';

function ManagerApp() {
  useLang();
  const { session, notice, signIn, signOut } = useStoredSession(SESSION_KEY);
  if (!session) {
    return (
      <SignIn
        title="manager.signIn.title"
        subtitle="manager.title"
        withWindow={false}
        notice={notice}
        // Both fields are filled before sending, so a malformed sign-in here is a clerk account without a window.
        explain={(e) => (e.code === 'VALIDATION_FAILED' ? t('manager.notManager') : null)}
        onSignedIn={signIn}
      />
    );
  }
  return <Dashboard key={session.token} session={session} onSignOut={signOut} />;
}

function Dashboard({ session, onSignOut }: { session: Session; onSignOut: (why?: string) => void }) {
  const live = useStream(() => openManagerStream(session.token), session.token);
  useEffect(() => {
    if (live.connection !== 'refused' || !live.error) return;
    const why = live.error.code === 'FORBIDDEN' ? t('manager.notManager') : errText(live.error.code, live.error.message);
    onSignOut(`${t('console.sessionEnded')}（${why}）`);
  }, [live.connection]);
  const s = live.state;
  const [tab, setTab] = useState<Tab>('live');
  // Tabs that list server records reload when the live stream moves (a new rating, a changed setup).
  const version = s?.seq ?? 0;
  const sectionName = (id: string) => {
    const x = s?.sections.find((y) => y.id === id);
    return x ? `${x.prefix} ${name(x.name, x.nameEn)}` : id;
  };
  const windowName = (id: string) => {
    const w = s?.windows.find((y) => y.id === id);
    return w ? `${t('window.label', { n: w.number })} ${name(w.name, w.nameEn)}` : id;
  };
  return (
    <div class="manager">
      <header class="m-head">
        <div class="m-brand">
          <Emblem size={44} />
          <div>
            <div class="m-title">{t('manager.title')}</div>
            {s?.day && <div class="m-day num">{t('manager.day', { day: s.day })}</div>}
          </div>
        </div>
        <div class="m-head-right">
          <LiveDot connection={live.connection} />
          <Clock />
          <LangToggle />
          <button type="button" class="btn btn-ghost m-signout" onClick={() => onSignOut()}>
            {t('common.signOut')}
          </button>
        </div>
      </header>
      <nav class="m-tabs" role="tablist">
        {TABS.map((k) => (
          <button type="button" role="tab" class={`m-tab-btn${tab === k ? ' is-on' : ''}`} aria-selected={tab === k} data-tab={k} onClick={() => setTab(k)}>
            {t(`manager.tab.${k}` as MessageKey)}
            {k === 'live' && (s?.alerts?.active.length ?? 0) > 0 && <span class="m-count num">{s!.alerts!.active.length}</span>}
          </button>
        ))}
      </nav>
      {s ? (
        tab === 'live' ? (
          <main class="m-main">
            <AlertsPanel alerts={s.alerts} token={session.token} />
            <Kpis stats={s.stats} />
            <div class="m-grid">
              <SectionsTable snap={s} />
              <RecentCalls snap={s} />
            </div>
            <Windows windows={s.windows} />
            <SupervisionPanel report={s.supervision} />
            <Charts token={session.token} day={s.day} seq={s.seq} />
            <Devices token={session.token} live={s.devices} />
            {s.central?.outbox && <OutboxCard central={s.central} />}
          </main>
        ) : (
          <main class="m-main">
            {tab === 'reports' && <ReportsTab token={session.token} day={s.day ?? new Date().toISOString().slice(0, 10)} sectionName={sectionName} windowName={windowName} />}
            {tab === 'followups' && <FollowUpsTab token={session.token} version={version} />}
            {tab === 'settings' && <SettingsTab token={session.token} />}
            {tab === 'audit' && <AuditTab token={session.token} version={version} />}
          </main>
        )
      ) : (
        <main class="m-loading">{t('common.loading')}</main>
      )}
      <ConnectionBanner connection={live.connection} error={live.error} />
    </div>
  );
}

function minSec(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return t('unit.minSec', { m: Math.floor(s / 60), s: s % 60 });
}

function Kpis({ stats }: { stats: TodayStats }) {
  const items: { key: string; label: string; value: string; tone?: string }[] = [
    { key: 'issued', label: t('manager.kpi.issued'), value: String(stats.issued) },
    { key: 'served', label: t('manager.kpi.served'), value: String(stats.served), tone: 'ok' },
    { key: 'noShow', label: t('manager.kpi.noShow'), value: String(stats.noShow), tone: 'bad' },
    { key: 'waiting', label: t('manager.kpi.waiting'), value: String(stats.waiting), tone: 'brand' },
    { key: 'avgWait', label: t('manager.kpi.avgWait'), value: minSec(stats.avgWaitSeconds) },
    { key: 'avgService', label: t('manager.kpi.avgService'), value: minSec(stats.avgServiceSeconds) },
    {
      key: 'satisfaction',
      label: t('manager.kpi.satisfaction'),
      value: stats.satisfaction === null ? t('manager.noRatings') : percent(stats.satisfaction),
      tone: 'gold',
    },
  ];
  return (
    <section class="m-kpis">
      {items.map((k) => (
        <div class={`m-kpi card tone-${k.tone ?? 'plain'}`} data-kpi={k.key}>
          <div class="m-kpi-label">{k.label}</div>
          <div class="m-kpi-value num">{k.value}</div>
        </div>
      ))}
    </section>
  );
}

function SectionsTable({ snap }: { snap: ManagerSnapshot }) {
  return (
    <section class="m-sections card">
      <h2>{t('manager.sections')}</h2>
      <table class="m-table">
        <thead>
          <tr>
            <th>{t('manager.col.section')}</th>
            <th class="r">{t('manager.col.waiting')}</th>
            <th class="r">{t('manager.col.estimate')}</th>
            <th class="r">{t('manager.col.longest')}</th>
            <th class="r">{t('manager.col.capacity')}</th>
            <th>{t('manager.col.status')}</th>
          </tr>
        </thead>
        <tbody>
          {snap.sections.map((x) => (
            <tr data-section={x.id}>
              <td>
                <span class="m-letter">{x.prefix}</span>
                {name(x.name, x.nameEn)}
              </td>
              <td class="r num m-strong">{x.waiting}</td>
              <td class="r num">{t('unit.minutes', { n: x.estimatedWaitMinutes })}</td>
              <td class={`r num${x.longestWaitMinutes >= 30 ? ' m-warn' : ''}`}>{t('unit.minutes', { n: x.longestWaitMinutes })}</td>
              <td class="r num">{x.capacityLeft}</td>
              <td>
                <span class={`status-badge ${x.open ? 'status-open' : 'status-paused'}`}>{x.open ? t('manager.open') : t('manager.closed')}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function RecentCalls({ snap }: { snap: ManagerSnapshot }) {
  const calls = mergeCalls(snap.recentCalls).slice(0, 10);
  return (
    <section class="m-recent card">
      <h2>{t('manager.recent')}</h2>
      {calls.length === 0 ? (
        <p class="m-empty">{t('display.noCalls')}</p>
      ) : (
        <ol>
          {calls.map((c) => (
            <li>
              <span class="num m-time">{hallTime(c.at, true)}</span>
              <b class="num">{c.ticket.number}</b>
              <span>{t('window.label', { n: c.window.number })}</span>
              {c.recall && <span class="m-recall">{t('display.recall')}</span>}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

type Tab = 'live' | 'reports' | 'followups' | 'settings' | 'audit';
const TABS: Tab[] = ['live', 'reports', 'followups', 'settings', 'audit'];

interface Compare {
  day: string;
  lastWeekDay: string;
  today: KpiReport;
  lastWeek: KpiReport;
}

/** Today against the same weekday last week, refetched as the stream moves but at most every 5 s. */
function Charts({ token, day, seq }: { token: string; day: string | null; seq: number }) {
  const [data, setData] = useState<Compare | null>(null);
  const last = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const alive = useRef(true);
  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
      if (timer.current) clearTimeout(timer.current);
    };
  }, []);
  useEffect(() => {
    if (timer.current) return; // a fetch is already due and will see this change
    const wait = Math.max(0, 5000 - (Date.now() - last.current));
    timer.current = setTimeout(() => {
      timer.current = null;
      last.current = Date.now();
      api<Compare>(`/manager/compare${day ? `?day=${day}` : ''}`, { token }).then(
        (c) => alive.current && setData(c),
        () => {},
      );
    }, wait);
  }, [token, day, seq]);
  if (!data) return <section class="m-charts card">{chartsLoading()}</section>;
  const today = { label: t('manager.charts.today'), tone: 'now' as const };
  const then = { label: t('manager.charts.lastWeek', { day: data.lastWeekDay }), tone: 'then' as const };
  const hours = chartHours(data.today.hourly, data.lastWeek.hourly);
  return (
    <section class="m-charts card">
      <BarChart
        id="hourly"
        title={t('manager.charts.hourly')}
        labels={hours.map(String)}
        series={[
          { ...today, values: hours.map((h) => data.today.hourly[h]?.issued ?? 0) },
          { ...then, values: hours.map((h) => data.lastWeek.hourly[h]?.issued ?? 0) },
        ]}
      />
      <BarChart
        id="waits"
        title={t('manager.charts.waits')}
        labels={waitLabels(WAIT_BUCKETS)}
        series={[
          { ...today, values: data.today.waitDistribution },
          { ...then, values: data.lastWeek.waitDistribution },
        ]}
      />
    </section>
  );
}

interface DeviceRow {
  id: string;
  kind: string;
  status: 'online' | 'offline' | 'fault';
  attachedTo?: string;
  detail?: string;
}

/**
 * Device health as the device registry reports it; nothing registered is said as such. Live from the
 * /manager stream (snapshot, then `devices` events); asked over HTTP only from a server that does not
 * stream it.
 */
function Devices({ token, live }: { token: string; live?: DeviceRow[] | undefined }) {
  const [polled, setList] = useState<DeviceRow[] | null>(null);
  const streamed = live !== undefined;
  useEffect(() => {
    if (streamed) return;
    let on = true;
    const load = () => api<DeviceRow[]>('/devices', { token }).then((d) => on && setList(d), () => {});
    void load();
    const timer = setInterval(load, 15_000);
    return () => {
      on = false;
      clearInterval(timer);
    };
  }, [token, streamed]);
  const list = live ?? polled;
  return (
    <section class="m-devices card">
      <h2>{t('manager.devices')}</h2>
      {list && list.length === 0 && <p class="m-empty">{t('manager.devices.none')}</p>}
      <ul>
        {(list ?? []).map((d) => (
          <li class={`m-device dev-${d.status}`} data-device={d.id}>
            <span class="num">{d.id}</span>
            <span>{d.kind}</span>
            <span class="m-dev-status">{t(`manager.device.${d.status}` as MessageKey)}</span>
            {d.detail && <span class="m-muted">{safeText(d.detail)}</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The link to the central approval system: backlog, connection, last error (when that module reports). */
function OutboxCard({ central }: { central: NonNullable<ManagerSnapshot['central']> }) {
  const o = central.outbox!;
  const state = o.central ?? 'unknown';
  return (
    <section class={`m-devices card m-outbox st-${state}`}>
      <h2>{t('manager.outbox')}</h2>
      <ul>
        <li class={`m-device dev-${state === 'up' ? 'online' : state === 'down' ? 'fault' : 'offline'}`}>
          <span>{t(`manager.outbox.${state}`)}</span>
          <span class="num">{t('manager.outbox.backlog', { n: o.backlog })}</span>
        </li>
        {o.lastError && state === 'down' && (
          <li class="m-device dev-fault">{t('manager.outbox.lastError', { message: safeText(`${o.lastError.code} ${o.lastError.message}`) })}</li>
        )}
      </ul>
    </section>
  );
}

function Windows({ windows }: { windows: WindowView[] }) {
  const now = useNow(15_000);
  return (
    <section class="m-windows">
      <h2>{t('manager.windows')}</h2>
      <div class="m-window-grid">
        {windows.map((w) => {
          const cur = w.current && (w.current.status === 'called' || w.current.status === 'serving') ? w.current : undefined;
          return (
            <div class={`m-window card st-${w.status}`} data-window={w.id}>
              <div class="m-window-top">
                <span class="m-window-no">{t('window.label', { n: w.number })}</span>
                <WindowStatusBadge status={w.status} />
              </div>
              <div class="m-window-name">{name(w.name, w.nameEn)}</div>
              <div class="m-window-current num">{cur ? cur.number : t('common.none')}</div>
              <div class="m-window-foot">
                <span>{cur ? t(`ticket.status.${cur.status}`) : w.status === 'open' ? t('manager.idleWindow') : ''}</span>
                <span>{w.clerk ? `${safeText(w.clerk.name)} · ${safeText(w.clerk.staffNo)}` : ''}</span>
              </div>
              {w.status === 'paused' && w.pauseReason && <div class="m-window-reason">{safeText(w.pauseReason)}</div>}
              {w.status === 'paused' && w.pausedSince && (
                <div class="m-window-paused num">{t('manager.pausedFor', { minutes: Math.floor(since(w.pausedSince, now) / 60000) })}</div>
              )}
            </div>
          );
        })}
      </div>
    </section>
  );
}

mount(ManagerApp, 'manager.title');
