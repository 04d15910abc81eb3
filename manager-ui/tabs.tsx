// The dashboard's other tabs: KPIs and reports over any dates, negative-rating follow-ups, live settings
// and the audit log. Each loads what it shows through the manager routes with the signed-in token.

import { useEffect, useState } from 'preact/hooks';
import type { AlertThresholdsView, AuditEntry, FollowUpView } from '../server/manager/contract.js';
import type { Figures, KpiReport } from '../server/manager/kpi.js';
import { api, asApiError, API_PREFIX } from '../ui-shared/api.js';
import { hallTime, percent, safeText } from '../ui-shared/format.js';
import { errText, name, t } from '../ui-shared/page.js';
import { isMessageKey, type MessageKey } from '../ui-shared/i18n/index.js';

import { useLoad } from './load.js';
import { SettingsTab } from './settings/index.js';

export { SettingsTab };

function shiftDay(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

const mins = (s: number | null) => (s === null ? '—' : t('unit.minSec', { m: Math.floor(s / 60), s: s % 60 }));
const pct = (x: number | null) => (x === null ? '—' : percent(x));

/** Fetches a file with the token (an <a href> cannot send it) and hands it to the browser as a download. */
async function download(path: string, token: string, filename: string): Promise<void> {
  const res = await fetch(`${API_PREFIX}${path}`, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) {
    let code = `HTTP_${res.status}`;
    let message = code;
    try {
      const b = (await res.json()) as { error?: { code: string; message: string } };
      if (b.error) ({ code, message } = b.error);
    } catch {
      /* not JSON */
    }
    throw Object.assign(new Error(message), { code });
  }
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function DownloadButton({ path, token, filename, label }: { path: string; token: string; filename: string; label: MessageKey }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <span class="m-download">
      <button
        type="button"
        class="btn"
        disabled={busy}
        data-download={filename}
        onClick={async () => {
          setBusy(true);
          setError(null);
          try {
            await download(path, token, filename);
          } catch (e) {
            const err = asApiError(e);
            setError(errText(err.code, err.message));
          } finally {
            setBusy(false);
          }
        }}
      >
        {t(label)}
      </button>
      {error && <span class="form-error">{error}</span>}
    </span>
  );
}

// ------------------------------------------------------------------ reports

export function ReportsTab({ token, day, sectionName, windowName }: { token: string; day: string; sectionName: (id: string) => string; windowName: (id: string) => string }) {
  const [from, setFrom] = useState(day);
  const [to, setTo] = useState(day);
  const [asked, setAsked] = useState({ from: day, to: day });
  const [report] = useLoad<KpiReport>(`/manager/kpis?from=${asked.from}&to=${asked.to}`, token);
  const [files] = useLoad<{ kind: string; name: string; size: number }[]>('/manager/reports', token);
  const [reportDay, setReportDay] = useState(shiftDay(day, 0));
  const [month, setMonth] = useState(day.slice(0, 7));
  const k = report.data;
  return (
    <div class="m-tab m-reports">
      <section class="card m-report-form">
        <form
          class="m-inline"
          onSubmit={(e) => {
            e.preventDefault();
            setAsked({ from, to });
          }}
        >
          <label>
            {t('manager.reports.from')}
            <input type="date" value={from} onInput={(e) => setFrom((e.target as HTMLInputElement).value)} />
          </label>
          <label>
            {t('manager.reports.to')}
            <input type="date" value={to} onInput={(e) => setTo((e.target as HTMLInputElement).value)} />
          </label>
          <button class="btn btn-primary" type="submit">
            {t('manager.reports.run')}
          </button>
          {k && <span class="m-muted">{t('manager.reports.days', { n: k.days.length })}</span>}
        </form>
        <div class="m-inline">
          <label>
            {t('manager.reports.day')}
            <input type="date" value={reportDay} onInput={(e) => setReportDay((e.target as HTMLInputElement).value)} />
          </label>
          <DownloadButton token={token} path={`/manager/reports/daily/${reportDay}?format=csv`} filename={`hall-daily-${reportDay}.csv`} label="manager.reports.csv" />
          <DownloadButton token={token} path={`/manager/reports/daily/${reportDay}?format=pdf`} filename={`hall-daily-${reportDay}.pdf`} label="manager.reports.pdf" />
          <label>
            {t('manager.reports.month')}
            <input type="month" value={month} onInput={(e) => setMonth((e.target as HTMLInputElement).value)} />
          </label>
          <DownloadButton token={token} path={`/manager/reports/monthly/${month}?format=csv`} filename={`hall-monthly-${month}.csv`} label="manager.reports.csv" />
          <DownloadButton token={token} path={`/manager/reports/monthly/${month}?format=pdf`} filename={`hall-monthly-${month}.pdf`} label="manager.reports.pdf" />
          <DownloadButton token={token} path="/manager/export" filename={`hall-backup-${day}.tar`} label="manager.reports.export" />
        </div>
      </section>
      {report.error && <p class="form-error">{report.error}</p>}
      {k && (
        <>
          <KpiTable title={t('manager.scope.hall')} rows={[['hall', t('manager.scope.hall'), k.hall]]} />
          <KpiTable title={t('manager.scope.sections')} rows={k.sections.map((s) => [s.id, sectionName(s.id), s])} />
          <KpiTable title={t('manager.scope.windows')} byTicket={false} rows={k.windows.map((w) => [w.id, windowName(w.id), w])} />
          <KpiTable title={t('manager.scope.clerks')} byTicket={false} rows={k.clerks.map((c) => [c.id, `${safeText(c.name)} · ${safeText(c.staffNo)}`, c])} />
        </>
      )}
      <section class="card">
        <h2>{t('manager.reports.files')}</h2>
        {files.data && files.data.length === 0 && <p class="m-empty">{t('manager.reports.noFiles')}</p>}
        <ul class="m-files">
          {(files.data ?? []).map((f) => (
            <li>
              <DownloadButton token={token} path={`/manager/reports/files/${f.kind}/${f.name}`} filename={`hall-${f.kind}-${f.name}`} label={f.kind === 'daily' ? 'manager.reports.daily' : 'manager.reports.monthly'} />
              <span class="num">{f.name}</span>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}

/** `byTicket`: rows that tickets are issued to (hall, sections); windows and clerks only serve and are rated. */
function KpiTable({ title, rows, byTicket = true }: { title: string; rows: [string, string, Figures][]; byTicket?: boolean }) {
  if (rows.length === 0) return null;
  return (
    <section class="card">
      <h2>{title}</h2>
      <table class="m-table m-kpi-table">
        <thead>
          <tr>
            <th>{t('manager.k.name')}</th>
            <th class="r">{t('manager.k.issued')}</th>
            <th class="r">{t('manager.k.served')}</th>
            <th class="r">{t('manager.k.noShowRate')}</th>
            <th class="r">{t('manager.k.avgWait')}</th>
            <th class="r">{t('manager.k.p90Wait')}</th>
            <th class="r">{t('manager.k.avgService')}</th>
            <th class="r">{t('manager.k.satisfaction')}</th>
            <th class="r">{t('manager.k.ratings')}</th>
            <th class="r">{t('manager.k.casesOnTime')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([id, label, f]) => (
            <tr data-row={id}>
              <td>{label}</td>
              <td class="r num" data-k="issued">{byTicket ? f.issued : '—'}</td>
              <td class="r num" data-k="served">{f.served}</td>
              <td class="r num">{byTicket ? pct(f.noShowRate) : '—'}</td>
              <td class="r num" data-k="avgWait">{byTicket ? mins(f.avgWaitSeconds) : '—'}</td>
              <td class="r num">{byTicket ? mins(f.p90WaitSeconds) : '—'}</td>
              <td class="r num">{mins(f.avgServiceSeconds)}</td>
              <td class="r num" data-k="satisfaction">{pct(f.satisfaction)}</td>
              <td class="r num">{`${f.ratings[5]}/${f.ratings[4]}/${f.ratings[3]}/${f.ratings[2]}/${f.ratings[1]}`}</td>
              <td class="r num">{f.cases ? `${pct(f.cases.onTimeRate)} (${f.cases.onTime}/${f.cases.completed})` : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

// ------------------------------------------------------------------ follow-ups

export function FollowUpsTab({ token, version }: { token: string; version: number }) {
  const [list, reload] = useLoad<FollowUpView[]>('/manager/follow-ups?status=all', token, version);
  return (
    <div class="m-tab m-followups">
      {list.error && <p class="form-error">{list.error}</p>}
      {list.data && list.data.length === 0 && <p class="m-empty card">{t('manager.fu.none')}</p>}
      {(list.data ?? []).map((f) => (
        <FollowUpCard key={f.ticketId} f={f} token={token} onSaved={reload} />
      ))}
    </div>
  );
}

function FollowUpCard({ f, token, onSaved }: { f: FollowUpView; token: string; onSaved: () => void }) {
  const [form, setForm] = useState({ verification: f.verification ?? '', rectification: f.rectification ?? '', reply: f.reply ?? '' });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const save = async (close: boolean) => {
    setBusy(true);
    setError(null);
    const body: Record<string, unknown> = {};
    for (const k of ['verification', 'rectification', 'reply'] as const) {
      const v = form[k].trim();
      if (v && v !== (f[k] ?? '')) body[k] = v;
    }
    if (close) body.close = true;
    try {
      await api(`/manager/follow-ups/${encodeURIComponent(f.ticketId)}`, { method: 'POST', body, token });
      onSaved();
    } catch (e) {
      const err = asApiError(e);
      setError(errText(err.code, err.message));
    } finally {
      setBusy(false);
    }
  };
  const closed = f.status === 'closed';
  return (
    <section class={`card m-fu${f.overdue ? ' is-overdue' : ''}${closed ? ' is-closed' : ''}`} data-followup={f.ticketNumber}>
      <div class="m-fu-head">
        <b class="num">{f.ticketNumber}</b>
        <span class="m-fu-level">{t(`pad.level.${f.level}` as MessageKey)}</span>
        <span>{f.reasons.map((r) => safeText(r)).join('、')}</span>
        {f.windowId && <span>{f.windowId}</span>}
        <span class="num">{t('manager.fu.due', { date: f.dueDate })}</span>
        <span class={`status-badge ${closed ? 'status-open' : f.overdue ? 'status-paused' : 'status-closed'}`}>
          {closed ? t('manager.fu.closed') : f.overdue ? t('manager.fu.overdue') : t('manager.fu.open')}
        </span>
      </div>
      <div class="m-fu-grid">
        {(['verification', 'rectification', 'reply'] as const).map((k) => (
          <label>
            {t(`manager.fu.${k}`)}
            <textarea
              rows={2}
              maxLength={500}
              disabled={closed}
              value={form[k]}
              onInput={(e) => setForm({ ...form, [k]: (e.target as HTMLTextAreaElement).value })}
            />
          </label>
        ))}
      </div>
      {!closed && (
        <div class="m-inline">
          <button type="button" class="btn" disabled={busy} onClick={() => void save(false)}>
            {t('manager.fu.save')}
          </button>
          <button type="button" class="btn btn-primary" disabled={busy} onClick={() => void save(true)}>
            {t('manager.fu.close')}
          </button>
          {error && <span class="form-error">{error}</span>}
        </div>
      )}
    </section>
  );
}

// ------------------------------------------------------------------ audit

export function AuditTab({ token, version }: { token: string; version: number }) {
  const [day, setDay] = useState('');
  const [log] = useLoad<AuditEntry[]>(day ? `/manager/audit?day=${day}` : '/manager/audit?limit=300', token, version);
  const actionText = (a: string) => {
    const key = `manager.action.${a}`;
    return isMessageKey(key) ? t(key) : a;
  };
  return (
    <div class="m-tab">
      <section class="card">
        <div class="m-inline">
          <label>
            {t('manager.audit.day')}
            <input type="date" name="day" value={day} onInput={(e) => setDay((e.target as HTMLInputElement).value)} />
          </label>
        </div>
        {log.error && <p class="form-error">{log.error}</p>}
        {log.data && log.data.length === 0 && <p class="m-empty">{t('manager.audit.none')}</p>}
        <table class="m-table m-audit">
          <thead>
            <tr>
              <th>{t('manager.audit.at')}</th>
              <th>{t('manager.audit.by')}</th>
              <th>{t('manager.audit.action')}</th>
              <th>{t('manager.audit.detail')}</th>
            </tr>
          </thead>
          <tbody>
            {(log.data ?? []).map((e) => (
              <tr data-action={e.action}>
                <td class="num">
                  {e.at.slice(0, 10)} {hallTime(e.at, true)}
                </td>
                <td>{safeText(e.by)}</td>
                <td>{actionText(e.action)}</td>
                <td>{safeText(e.detail)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
