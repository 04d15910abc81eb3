// Manager dashboard (大厅运行监控): today's counts, load per section, every window and the latest calls,
// all live from /manager.

import '../ui-shared/base.css';
import './manager.css';
import { useEffect } from 'preact/hooks';
import type { ManagerSnapshot, TodayStats, WindowView } from '../server/realtime/contract.js';
import { Clock, ConnectionBanner, LangToggle, LiveDot, WindowStatusBadge } from '../ui-shared/components.js';
import { Emblem } from '../ui-shared/emblem.js';
import { hallTime, percent, safeText } from '../ui-shared/format.js';
import { errText, mount, name, t, useLang, useStream } from '../ui-shared/page.js';
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
      {s ? (
        <main class="m-main">
          <Kpis stats={s.stats} />
          <div class="m-grid">
            <SectionsTable snap={s} />
            <RecentCalls snap={s} />
          </div>
          <Windows windows={s.windows} />
        </main>
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

function Windows({ windows }: { windows: WindowView[] }) {
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
            </div>
          );
        })}
      </div>
    </section>
  );
}

mount(ManagerApp, 'manager.title');
