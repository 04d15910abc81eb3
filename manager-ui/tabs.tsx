// The dashboard's other tabs: KPIs and reports over any dates, negative-rating follow-ups, live settings
// and the audit log. Each loads what it shows through the manager routes with the signed-in token.

import { useEffect, useState } from 'preact/hooks';
import type { AlertThresholdsView, AuditEntry, FollowUpView } from '../server/manager/contract.js';
import type { Figures, KpiReport } from '../server/manager/kpi.js';
import { api, asApiError, API_PREFIX } from '../ui-shared/api.js';
import { hallTime, percent, safeText } from '../ui-shared/format.js';
import { errText, name, t } from '../ui-shared/page.js';
import { isMessageKey, type MessageKey } from '../ui-shared/i18n/index.js';
import { Devices } from './devices.js';
import { AccountPhoto } from './photo.js';

type Load<T> = { data?: T; error?: string; busy: boolean };

function useLoad<T>(path: string | null, token: string, version = 0): [Load<T>, () => void] {
  const [state, setState] = useState<Load<T>>({ busy: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!path) return;
    let live = true;
    setState((s) => ({ ...s, busy: true }));
    api<T>(path, { token }).then(
      (data) => live && setState({ data, busy: false }),
      (e) => {
        const err = asApiError(e);
        if (live) setState({ error: errText(err.code, err.message), busy: false });
      },
    );
    return () => {
      live = false;
    };
  }, [path, token, tick, version]);
  return [state, () => setTick((n) => n + 1)];
}

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

// ------------------------------------------------------------------ settings

interface ServiceLite {
  code: string;
  name: string;
  summary: string;
  promisedLimitDays: number;
  legalLimitDays: number;
  fees: string;
  contact: string;
  conditions: string[];
  procedure: string[];
  basis: string[];
}

interface SetupLite {
  sections: {
    id: string;
    prefix: string;
    name: string;
    nameEn?: string;
    closed?: boolean;
    dailyCapacity: number;
    targetWaitMinutes: number;
    services: ServiceLite[];
  }[];
  windows: { id: string; number: number; name: string; nameEn?: string; sectionIds: string[] }[];
  calendar: { holidays: string[]; workdays: string[] };
}

interface AccountLite {
  username: string;
  role: 'clerk' | 'manager' | 'admin';
  name: string;
  staffNo: string;
  disabled: boolean;
}

export function SettingsTab({ token }: { token: string }) {
  const [setup, reload] = useLoad<SetupLite>('/manager/setup', token);
  const s = setup.data;
  return (
    <div class="m-tab m-settings">
      {setup.error && <p class="form-error">{setup.error}</p>}
      {s && (
        <>
          <section class="card">
            <h2>{t('manager.set.windows')}</h2>
            <table class="m-table m-win-table">
              <tbody>
                {s.windows.map((w) => (
                  <WindowRow key={w.id} w={w} sections={s.sections} token={token} onSaved={reload} />
                ))}
              </tbody>
            </table>
          </section>
          <section class="card">
            <h2>{t('manager.set.sections')}</h2>
            <table class="m-table">
              <thead>
                <tr>
                  <th>{t('manager.col.section')}</th>
                  <th>{t('manager.set.ticketing')}</th>
                  <th>{t('manager.set.capacity')}</th>
                  <th>{t('manager.set.target')}</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {s.sections.map((x) => (
                  <SectionRow key={x.id} x={x} token={token} onSaved={reload} />
                ))}
              </tbody>
            </table>
          </section>
          <Thresholds token={token} />
          <Accounts token={token} />
          <Devices token={token} />
          <Services setup={s} token={token} onSaved={reload} />
          <CalendarCard key={`${s.calendar.holidays.join()}|${s.calendar.workdays.join()}`} calendar={s.calendar} token={token} onSaved={reload} />
          <SetupJson setup={s} token={token} onSaved={reload} />
        </>
      )}
    </div>
  );
}

function useSave(token: string, onSaved: () => void) {
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (path: string, method: 'PATCH' | 'PUT' | 'POST' | 'DELETE', body: unknown) => {
    setBusy(true);
    setNote(null);
    try {
      await api(path, { method, body, token });
      setNote({ ok: true, text: t('manager.set.saved') });
      onSaved();
    } catch (e) {
      const err = asApiError(e);
      setNote({ ok: false, text: errText(err.code, err.message) });
    } finally {
      setBusy(false);
    }
  };
  return { note, busy, run };
}

function Note({ note }: { note: { ok: boolean; text: string } | null }) {
  if (!note) return null;
  return <span class={note.ok ? 'm-saved' : 'form-error'}>{note.text}</span>;
}

function WindowRow({ w, sections, token, onSaved }: { w: SetupLite['windows'][number]; sections: SetupLite['sections']; token: string; onSaved: () => void }) {
  const [chosen, setChosen] = useState<string[]>(w.sectionIds);
  const { note, busy, run } = useSave(token, onSaved);
  const toggle = (id: string) => setChosen(chosen.includes(id) ? chosen.filter((x) => x !== id) : [...chosen, id]);
  const changed = chosen.join(',') !== w.sectionIds.join(',');
  return (
    <tr data-window-row={w.id}>
      <td class="m-strong">
        {t('window.label', { n: w.number })} {name(w.name, w.nameEn)}
      </td>
      <td class="m-checks">
        {sections.map((x) => (
          <label class="m-check">
            <input type="checkbox" checked={chosen.includes(x.id)} data-section={x.id} onChange={() => toggle(x.id)} />
            <span class="m-letter">{x.prefix}</span>
            {name(x.name, x.nameEn)}
          </label>
        ))}
      </td>
      <td>
        <button type="button" class="btn btn-primary" disabled={busy || !changed || chosen.length === 0} onClick={() => void run(`/manager/windows/${w.id}`, 'PATCH', { sectionIds: chosen })}>
          {t('manager.set.save')}
        </button>
        <Note note={note} />
      </td>
    </tr>
  );
}

function SectionRow({ x, token, onSaved }: { x: SetupLite['sections'][number]; token: string; onSaved: () => void }) {
  const [open, setOpen] = useState(!x.closed);
  const [capacity, setCapacity] = useState(String(x.dailyCapacity));
  const [target, setTarget] = useState(String(x.targetWaitMinutes));
  const { note, busy, run } = useSave(token, onSaved);
  return (
    <tr data-section-row={x.id}>
      <td>
        <span class="m-letter">{x.prefix}</span>
        {name(x.name, x.nameEn)}
      </td>
      <td>
        <label class="m-check">
          <input type="checkbox" checked={open} onChange={() => setOpen(!open)} />
          {open ? t('manager.open') : t('manager.closed')}
        </label>
      </td>
      <td>
        <input class="m-num" type="number" min={1} value={capacity} onInput={(e) => setCapacity((e.target as HTMLInputElement).value)} />
      </td>
      <td>
        <input class="m-num" type="number" min={1} value={target} onInput={(e) => setTarget((e.target as HTMLInputElement).value)} />
      </td>
      <td>
        <button
          type="button"
          class="btn"
          disabled={busy}
          onClick={() => void run(`/manager/sections/${x.id}`, 'PATCH', { closed: !open, dailyCapacity: Number(capacity), targetWaitMinutes: Number(target) })}
        >
          {t('manager.set.save')}
        </button>
        <Note note={note} />
      </td>
    </tr>
  );
}

const toLines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);

function CalendarCard({ calendar, token, onSaved }: { calendar: SetupLite['calendar']; token: string; onSaved: () => void }) {
  const [holidays, setHolidays] = useState(calendar.holidays.join('\n'));
  const [workdays, setWorkdays] = useState(calendar.workdays.join('\n'));
  const { note, busy, run } = useSave(token, onSaved);
  return (
    <section class="card m-calendar">
      <h2>{t('manager.set.calendar')}</h2>
      <p>{t('manager.cal.summary', { holidays: calendar.holidays.length, workdays: calendar.workdays.length })}</p>
      <form
        class="m-inline"
        onSubmit={(e) => {
          e.preventDefault();
          void run('/manager/calendar', 'PUT', { holidays: toLines(holidays), workdays: toLines(workdays) });
        }}
      >
        <label>
          {t('manager.cal.holidays')}
          <textarea class="num" rows={6} name="holidays" value={holidays} onInput={(e) => setHolidays((e.target as HTMLTextAreaElement).value)} />
        </label>
        <label>
          {t('manager.cal.workdays')}
          <textarea class="num" rows={6} name="workdays" value={workdays} onInput={(e) => setWorkdays((e.target as HTMLTextAreaElement).value)} />
        </label>
        <button type="submit" class="btn btn-primary" disabled={busy}>
          {t('manager.set.save')}
        </button>
        <Note note={note} />
      </form>
    </section>
  );
}

function Services({ setup, token, onSaved }: { setup: SetupLite; token: string; onSaved: () => void }) {
  const [sectionId, setSectionId] = useState(setup.sections[0]?.id ?? '');
  const section = setup.sections.find((x) => x.id === sectionId);
  const [code, setCode] = useState(section?.services[0]?.code ?? '');
  const service = section?.services.find((v) => v.code === code) ?? section?.services[0];
  return (
    <section class="card m-services">
      <h2>{t('manager.svc.title')}</h2>
      <div class="m-inline">
        <label>
          {t('manager.col.section')}
          <select
            value={sectionId}
            onChange={(e) => {
              const id = (e.target as HTMLSelectElement).value;
              setSectionId(id);
              setCode(setup.sections.find((x) => x.id === id)?.services[0]?.code ?? '');
            }}
          >
            {setup.sections.map((x) => (
              <option value={x.id}>{`${x.prefix} ${name(x.name, x.nameEn)}`}</option>
            ))}
          </select>
        </label>
        <label>
          {t('manager.svc.service')}
          <select value={service?.code ?? ''} onChange={(e) => setCode((e.target as HTMLSelectElement).value)}>
            {(section?.services ?? []).map((v) => (
              <option value={v.code}>{`${v.code} ${v.name}`}</option>
            ))}
          </select>
        </label>
      </div>
      {service && <ServiceForm key={service.code + JSON.stringify(service)} v={service} token={token} onSaved={onSaved} />}
    </section>
  );
}

function ServiceForm({ v, token, onSaved }: { v: ServiceLite; token: string; onSaved: () => void }) {
  const [form, setForm] = useState({
    name: v.name,
    summary: v.summary,
    promisedLimitDays: String(v.promisedLimitDays),
    fees: v.fees,
    contact: v.contact,
    conditions: v.conditions.join('\n'),
    procedure: v.procedure.join('\n'),
    basis: v.basis.join('\n'),
  });
  const { note, busy, run } = useSave(token, onSaved);
  const text = (k: 'name' | 'fees' | 'contact' | 'promisedLimitDays', label: MessageKey, type = 'text') => (
    <label>
      {t(label)}
      <input type={type} name={k} value={form[k]} onInput={(e) => setForm({ ...form, [k]: (e.target as HTMLInputElement).value })} />
    </label>
  );
  const area = (k: 'summary' | 'conditions' | 'procedure' | 'basis', label: MessageKey) => (
    <label>
      {t(label)}
      <textarea rows={4} name={k} value={form[k]} onInput={(e) => setForm({ ...form, [k]: (e.target as HTMLTextAreaElement).value })} />
    </label>
  );
  return (
    <form
      class="m-svc-form"
      onSubmit={(e) => {
        e.preventDefault();
        void run(`/manager/services/${encodeURIComponent(v.code)}`, 'PATCH', {
          name: form.name.trim(),
          summary: form.summary.trim(),
          promisedLimitDays: Number(form.promisedLimitDays),
          fees: form.fees.trim(),
          contact: form.contact.trim(),
          conditions: toLines(form.conditions),
          procedure: toLines(form.procedure),
          basis: toLines(form.basis),
        });
      }}
    >
      <div class="m-inline">
        {text('name', 'manager.svc.name')}
        {text('promisedLimitDays', 'manager.svc.promised', 'number')}
        {text('fees', 'manager.svc.fees')}
        {text('contact', 'manager.svc.contact')}
      </div>
      <div class="m-fu-grid m-svc-grid">
        {area('summary', 'manager.svc.summary')}
        {area('conditions', 'manager.svc.conditions')}
        {area('procedure', 'manager.svc.procedure')}
        {area('basis', 'manager.svc.basis')}
      </div>
      <div class="m-inline">
        <button type="submit" class="btn btn-primary" disabled={busy}>
          {t('manager.set.save')}
        </button>
        <Note note={note} />
      </div>
    </form>
  );
}

function Thresholds({ token }: { token: string }) {
  const [loaded, reload] = useLoad<AlertThresholdsView>('/manager/thresholds', token);
  const [form, setForm] = useState<AlertThresholdsView | null>(null);
  const { note, busy, run } = useSave(token, reload);
  useEffect(() => {
    if (loaded.data) setForm(loaded.data);
  }, [loaded.data]);
  if (!form) return null;
  const numbers = ['waitMinutes', 'pausedMinutes', 'outboxBacklog', 'caseWarnDays'] as const;
  const flags = ['negativeRating', 'deviceFault'] as const;
  return (
    <section class="card m-thresholds">
      <h2>{t('manager.set.thresholds')}</h2>
      <form
        class="m-inline"
        onSubmit={(e) => {
          e.preventDefault();
          void run('/manager/thresholds', 'PUT', form);
        }}
      >
        {numbers.map((k) => (
          <label>
            {t(`manager.th.${k}`)}
            <input class="m-num" type="number" name={k} value={form[k]} onInput={(e) => setForm({ ...form, [k]: Number((e.target as HTMLInputElement).value) })} />
          </label>
        ))}
        {flags.map((k) => (
          <label class="m-check">
            <input type="checkbox" name={k} checked={form[k]} onChange={() => setForm({ ...form, [k]: !form[k] })} />
            {t(`manager.th.${k}`)}
          </label>
        ))}
        <button type="submit" class="btn btn-primary" disabled={busy}>
          {t('manager.set.save')}
        </button>
        <Note note={note} />
      </form>
    </section>
  );
}

function Accounts({ token }: { token: string }) {
  const [list, reload] = useLoad<AccountLite[]>('/manager/accounts', token);
  const [form, setForm] = useState({ username: '', name: '', staffNo: '', role: 'clerk', password: '' });
  const { note, busy, run } = useSave(token, () => {
    setForm({ username: '', name: '', staffNo: '', role: 'clerk', password: '' });
    reload();
  });
  const field = (k: 'username' | 'name' | 'staffNo' | 'password', type = 'text') => (
    <label>
      {t(`manager.acc.${k}`)}
      <input type={type} name={k} value={form[k]} autocomplete="off" onInput={(e) => setForm({ ...form, [k]: (e.target as HTMLInputElement).value })} />
    </label>
  );
  return (
    <section class="card m-accounts">
      <h2>{t('manager.set.accounts')}</h2>
      <table class="m-table">
        <thead>
          <tr>
            <th>{t('manager.acc.username')}</th>
            <th>{t('manager.acc.name')}</th>
            <th>{t('manager.acc.staffNo')}</th>
            <th>{t('manager.acc.role')}</th>
            <th>{t('manager.acc.status')}</th>
            <th>{t('manager.acc.photo')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(list.data ?? []).map((a) => (
            <AccountRow key={`${a.username}|${a.role}|${a.disabled}`} a={a} token={token} onSaved={reload} />
          ))}
        </tbody>
      </table>
      <form
        class="m-inline"
        onSubmit={(e) => {
          e.preventDefault();
          void run('/manager/accounts', 'POST', form);
        }}
      >
        {field('username')}
        {field('name')}
        {field('staffNo')}
        <label>
          {t('manager.acc.role')}
          <select value={form.role} onChange={(e) => setForm({ ...form, role: (e.target as HTMLSelectElement).value })}>
            {(['clerk', 'manager', 'admin'] as const).map((r) => (
              <option value={r}>{t(`manager.role.${r}`)}</option>
            ))}
          </select>
        </label>
        {field('password', 'password')}
        <button type="submit" class="btn btn-primary" disabled={busy}>
          {t('manager.acc.add')}
        </button>
        <Note note={note} />
      </form>
    </section>
  );
}

function AccountRow({ a, token, onSaved }: { a: AccountLite; token: string; onSaved: () => void }) {
  const [role, setRole] = useState<AccountLite['role']>(a.role);
  const [password, setPassword] = useState('');
  const { note, busy, run } = useSave(token, () => {
    setPassword('');
    onSaved();
  });
  const path = `/manager/accounts/${encodeURIComponent(a.username)}`;
  return (
    <tr data-account={a.username} class={a.disabled ? 'm-disabled' : ''}>
      <td class="num">{a.username}</td>
      <td>{safeText(a.name)}</td>
      <td class="num">{a.staffNo}</td>
      <td>
        <select name="role" value={role} onChange={(e) => setRole((e.target as HTMLSelectElement).value as AccountLite['role'])}>
          {(['clerk', 'manager', 'admin'] as const).map((r) => (
            <option value={r}>{t(`manager.role.${r}`)}</option>
          ))}
        </select>
        {role !== a.role && (
          <button type="button" class="btn" data-act="role" disabled={busy} onClick={() => void run(path, 'PATCH', { role })}>
            {t('manager.acc.setRole')}
          </button>
        )}
      </td>
      <td data-status>{a.disabled ? t('manager.acc.disabled') : t('manager.acc.enabled')}</td>
      <td>
        <AccountPhoto username={a.username} token={token} />
      </td>
      <td class="m-inline">
        <button type="button" class="btn" data-act="toggle" disabled={busy} onClick={() => void run(path, 'PATCH', { disabled: !a.disabled })}>
          {a.disabled ? t('manager.acc.enable') : t('manager.acc.disable')}
        </button>
        <input type="password" name="newPassword" class="m-short" placeholder={t('manager.acc.newPassword')} value={password} autocomplete="new-password" onInput={(e) => setPassword((e.target as HTMLInputElement).value)} />
        <button type="button" class="btn" data-act="password" disabled={busy || password.length === 0} onClick={() => void run(path, 'PATCH', { password })}>
          {t('manager.acc.resetPassword')}
        </button>
        <Note note={note} />
      </td>
    </tr>
  );
}

// ------------------------------------------------------------------ the whole setup as JSON

function SetupJson({ setup, token, onSaved }: { setup: SetupLite; token: string; onSaved: () => void }) {
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  const [summary, setSummary] = useState('');
  const [local, setLocal] = useState<{ ok: boolean; text: string } | null>(null);
  const { note, busy, run } = useSave(token, onSaved);
  return (
    <section class="card m-setup-json">
      <h2>{t('manager.set.setupJson')}</h2>
      <p class="m-hint">{t('manager.set.setupHint')}</p>
      {!open && (
        <button
          type="button"
          class="btn"
          data-act="open-setup"
          onClick={() => {
            setText(JSON.stringify(setup, null, 2));
            setOpen(true);
          }}
        >
          {t('manager.dev.edit')}
        </button>
      )}
      {open && (
        <>
          <textarea name="setup" rows={18} spellcheck={false} value={text} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} />
          <div class="m-inline">
            <label>
              {t('manager.set.setupSummary')}
              <input name="summary" value={summary} onInput={(e) => setSummary((e.target as HTMLInputElement).value)} />
            </label>
            <button
              type="button"
              class="btn btn-primary"
              disabled={busy}
              onClick={() => {
                let parsed: unknown;
                try {
                  parsed = JSON.parse(text);
                } catch {
                  setLocal({ ok: false, text: t('manager.dev.badJson') });
                  return;
                }
                setLocal(null);
                void run('/manager/setup', 'PUT', { setup: parsed, ...(summary.trim() ? { summary: summary.trim() } : {}) });
              }}
            >
              {t('manager.set.save')}
            </button>
            <Note note={local ?? note} />
          </div>
        </>
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
