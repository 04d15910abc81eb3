// The hall manager's back end: alerts, KPIs and reports from the journal, follow-ups, live configuration,
// thresholds, audit trail, metrics and backup. The composition root opens one Manager and mounts its
// router; other modules plug their data in through `devices`, `outbox` and `cases` providers.

import { valueFingerprint } from '../fingerprint.js';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { Low } from 'lowdb';
import { DEFAULT_ALERTS, type AlertThresholds, type HallConfig } from '../../config/schema.js';
import type { Hall } from '../hall/hall.js';
import { addDays, localDay, toIso } from '../hall/calendar.js';
import type { HallEvent } from '../hall/types.js';
import type { Logger } from '../log.js';
import { openDocument } from '../store/durable-file.js';
import { AppendLog } from './applog.js';
import {
  AlertEngine,
  caseSource,
  caseSupervisionSource,
  deviceSource,
  outboxSource,
  QUEUE_SOURCES,
  queueSources,
  type CaseDeadline,
  type CaseSupervisionAlert,
  type DeviceHealth,
  type OutboxStatus,
  type StoredAlert,
} from './alerts.js';
import type { AlertView, AlertsPayload, AuditEntry } from './contract.js';
import { DeviceSettings, type DeviceConfigPort } from './devices.js';
import { computeKpis, type CaseOutcome, type KpiReport } from './kpi.js';
import { Histogram, LATENCY_BUCKETS, observeCalls } from './metrics.js';
import { reportCsv, reportPdf, type PdfOptions, type ReportNames } from './reports.js';

export interface ManagerProviders {
  devices?: () => DeviceHealth[];
  outbox?: () => OutboxStatus;
  cases?: () => CaseDeadline[];
  /** Alerts of the case module's electronic supervision (used instead of `cases` when given). */
  caseAlerts?: () => CaseSupervisionAlert[];
  /** Case outcomes for the on-time completion rate of the KPIs and reports. */
  caseOutcomes?: () => CaseOutcome[] | Promise<CaseOutcome[]>;
  /** The device registry's configured devices, changed live from the settings. */
  deviceConfig?: DeviceConfigPort;
  /** Calls back when a device's health changes: devices are asked then and on the timer, not per publication. */
  onDevicesChange?: (fn: () => void) => void;
  /** Calls back when the outbox's status changes. */
  onOutboxChange?: (fn: () => void) => void;
}

export interface ManagerOptions {
  hall: Hall;
  config: HallConfig;
  dataDir: string;
  log: Logger;
  /** Wall clock for latency measurement (the hall's own clock may be simulated in tests). */
  wallClock?: () => number;
  /** Renders report PDFs off the main thread (the case module's worker); without it they render here. */
  pdf?: { render(job: { kind: 'report'; report: KpiReport; names: ReportNames; options: PdfOptions }): Promise<Buffer> };
  /** Seconds between alert evaluations when nothing happens (waits grow with time alone). */
  evaluateEverySeconds?: number;
}

interface SettingsDoc {
  alerts?: AlertThresholds;
  /** Fingerprint of hall.json's `alerts` when `alerts` was saved: the thresholds were set against those. */
  alertsSource?: string;
  /** Thresholds saved here and set aside at a start because hall.json's `alerts` had been edited since. */
  alertsSetAside?: { at: string; alerts: AlertThresholds; source?: string; dismissedAt?: string };
}

/** hall.json's `alerts` as a fingerprint (absent counts as a value too: adding the block is an edit). */
function configuredAlerts(config: ManagerOptions['config']): string {
  return valueFingerprint(config.alerts ?? null);
}

interface AuditRecord {
  at: number;
  by: string;
  action: string;
  detail: string;
}

export class Manager {
  readonly callLatency = new Histogram(LATENCY_BUCKETS);
  private providers: ManagerProviders = {};
  private readonly timers: NodeJS.Timeout[] = [];
  private pending: NodeJS.Timeout | null = null;
  /** Sources whose data changed since the last evaluation; null: all of them. */
  private stale: Set<string> | null = new Set();
  private unsubscribe: () => void = () => {};
  private reportChain: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly o: ManagerOptions,
    readonly alerts: AlertEngine,
    private readonly settings: Low<SettingsDoc>,
    private readonly audit: AppendLog<AuditRecord>,
    private readonly auditRecords: AuditRecord[],
    readonly deviceSettings: DeviceSettings,
  ) {}

  static async open(o: ManagerOptions): Promise<Manager> {
    const dir = path.join(o.dataDir, 'manager');
    const alerts = await AlertEngine.open(o.dataDir);
    const settings = await openDocument<SettingsDoc>(path.join(dir, 'settings.json'), {});
    const { log: audit, records } = await AppendLog.open<AuditRecord>(path.join(dir, 'audit.ndjson'));
    if (audit.skipped) o.log.warn({ file: audit.file, skipped: audit.skipped }, 'audit log: unreadable lines skipped');
    const m = new Manager(o, alerts, settings, audit, records, await DeviceSettings.open(o.dataDir));
    await m.followEditedThresholds();
    const hall = o.hall;
    for (const [name, src] of Object.entries(queueSources(() => hall.state, () => hall.setup, () => m.thresholds))) alerts.addSource(name, src);
    const wall = o.wallClock ?? Date.now;
    m.unsubscribe = hall.subscribe((p) => {
      observeCalls(m.callLatency, p.events, wall());
      m.scheduleEvaluation(QUEUE_SOURCES);
      const opened = p.events.find((e): e is Extract<HallEvent, { type: 'DayOpened' }> => e.type === 'DayOpened');
      if (opened) m.queueScheduledReports(opened.day);
    });
    const every = (o.evaluateEverySeconds ?? 10) * 1000;
    const t = setInterval(() => m.scheduleEvaluation(), every);
    t.unref();
    m.timers.push(t);
    await m.evaluate();
    // Catch up on yesterday's report if the server was down when the day turned.
    if (hall.state.day) m.queueScheduledReports(hall.state.day);
    return m;
  }

  /** Plugs in the data of the device, outbox and case modules; each becomes an alert source. */
  plug(p: ManagerProviders): void {
    this.providers = { ...this.providers, ...p };
    const setup = () => this.o.hall.setup;
    const th = () => this.thresholds;
    if (p.devices) this.alerts.addSource('devices', deviceSource(p.devices, th));
    if (p.outbox) this.alerts.addSource('outbox', outboxSource(p.outbox, th));
    if (p.cases) this.alerts.addSource('cases', caseSource(p.cases, setup, th));
    if (p.caseAlerts) this.alerts.addSource('cases', caseSupervisionSource(p.caseAlerts));
    p.onDevicesChange?.(() => this.scheduleEvaluation(['devices']));
    p.onOutboxChange?.(() => this.scheduleEvaluation(['outbox']));
    this.scheduleEvaluation();
  }

  get devices(): DeviceHealth[] | null {
    return this.providers.devices ? this.providers.devices() : null;
  }

  get deviceConfig(): DeviceConfigPort | null {
    return this.providers.deviceConfig ?? null;
  }

  get outbox(): OutboxStatus | null {
    return this.providers.outbox ? this.providers.outbox() : null;
  }

  get thresholds(): AlertThresholds {
    return this.settings.data.alerts ?? this.o.config.alerts ?? DEFAULT_ALERTS;
  }

  /**
   * Thresholds saved from the page stand in for hall.json's `alerts` only while that block is what it was when
   * they were saved, as the setup and the device settings do: an installer who edits the file afterwards
   * means the file. The saved thresholds are then set aside (kept in settings.json), logged and audited.
   */
  private async followEditedThresholds(): Promise<void> {
    const d = this.settings.data;
    if (!d.alerts) return;
    const configured = configuredAlerts(this.o.config);
    if (d.alertsSource === configured) return;
    if (d.alertsSource === undefined) {
      // Saved before fingerprints were kept: made against the file as it is (nothing else is known).
      d.alertsSource = configured;
      await this.settings.write();
      return;
    }
    // In hall time with its offset, as the page shows it.
    d.alertsSetAside = { at: toIso(this.o.hall.now(), this.o.hall.setup.calendar), alerts: d.alerts, source: d.alertsSource };
    delete d.alerts;
    delete d.alertsSource;
    await this.settings.write();
    const detail = '告警阈值在 config/hall.json 中被修改，已按文件生效；页面保存的阈值另存于 manager/settings.json 的 alertsSetAside / hall.json alerts edited after thresholds were saved here: the file is in force, the saved thresholds are kept as alertsSetAside';
    this.o.log.warn({ setAside: d.alertsSetAside.alerts }, 'alert thresholds saved from the manager set aside: config/hall.json alerts are in force');
    await this.record('system', 'thresholds.files', detail);
  }

  /** Thresholds set aside at a start because hall.json's were edited, until a manager has seen it. */
  get thresholdsSetAside(): { at: string; alerts: AlertThresholds } | null {
    const a = this.settings.data.alertsSetAside;
    return a && !a.dismissedAt ? { at: a.at, alerts: a.alerts } : null;
  }

  async dismissThresholdsNotice(by: string): Promise<boolean> {
    const a = this.settings.data.alertsSetAside;
    if (!a || a.dismissedAt) return false;
    a.dismissedAt = new Date(this.o.hall.now()).toISOString();
    await this.settings.write();
    await this.record(by, 'thresholds.notice', 'notice about set-aside thresholds dismissed');
    return true;
  }

  async setThresholds(t: AlertThresholds, by: string): Promise<void> {
    const before = this.thresholds;
    this.settings.data.alerts = t;
    this.settings.data.alertsSource = configuredAlerts(this.o.config);
    // A save is made against the edited file: the notice about the set-aside thresholds has been answered.
    const aside = this.settings.data.alertsSetAside;
    if (aside && !aside.dismissedAt) aside.dismissedAt = new Date(this.o.hall.now()).toISOString();
    await this.settings.write();
    const changed = (Object.keys(t) as (keyof AlertThresholds)[]).filter((k) => t[k] !== before[k]).map((k) => `${k}: ${before[k]} → ${t[k]}`);
    await this.record(by, 'thresholds.change', changed.join('; ') || '(unchanged)');
    this.scheduleEvaluation();
  }

  // ------------------------------------------------------------ alerts

  /**
   * Asks the named sources (all without names) at most every 100 ms: a burst of publications becomes one
   * evaluation of the queue's sources, and devices, the outbox and cases are asked when they change and on
   * the timer (time alone moves waits, pauses, grace periods and deadlines).
   */
  private scheduleEvaluation(sources?: readonly string[]): void {
    if (!sources) this.stale = null;
    else if (this.stale) for (const s of sources) this.stale.add(s);
    if (this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = null;
      const only = this.stale;
      this.stale = new Set();
      void this.evaluate(only ? [...only] : undefined);
    }, 100);
    this.pending.unref();
  }

  /** Evaluates the alerts now: every source, or only `only` (the others keep what they said last). */
  async evaluate(only?: readonly string[]): Promise<void> {
    try {
      await this.alerts.evaluate(this.o.hall.now(), only);
    } catch (err) {
      this.o.log.error({ err: (err as Error).message }, 'alert evaluation failed');
    }
  }

  alertView(a: StoredAlert): AlertView {
    const cal = this.o.hall.setup.calendar;
    const v: AlertView = { id: a.id, key: a.key, kind: a.kind, severity: a.severity, raisedAt: toIso(a.raisedAt, cal), params: a.params };
    if (a.clearedAt !== undefined) v.clearedAt = toIso(a.clearedAt, cal);
    if (a.ack) v.ack = { by: a.ack.by, at: toIso(a.ack.at, cal), ...(a.ack.note ? { note: a.ack.note } : {}) };
    return v;
  }

  alertsPayload(): AlertsPayload {
    const active = this.alerts.active();
    return { active: active.map((a) => this.alertView(a)), holding: active.filter((a) => this.alerts.isHolding(a)).length };
  }

  async acknowledge(id: string, by: string, note?: string): Promise<AlertView> {
    const a = await this.alerts.ack(id, by, this.o.hall.now(), note);
    await this.record(by, 'alert.ack', `${a.kind} ${a.key}${note ? ` — ${note}` : ''}`);
    return this.alertView(a);
  }

  // ------------------------------------------------------------ audit

  async record(by: string, action: string, detail: string): Promise<void> {
    const r: AuditRecord = { at: this.o.hall.now(), by, action, detail };
    await this.audit.append(r);
    this.auditRecords.push(r);
  }

  auditLog(opts: { limit?: number; from?: number; to?: number } = {}): AuditEntry[] {
    const cal = this.o.hall.setup.calendar;
    const out: AuditEntry[] = [];
    for (let i = this.auditRecords.length - 1; i >= 0 && out.length < (opts.limit ?? 200); i--) {
      const r = this.auditRecords[i]!;
      if (opts.from !== undefined && r.at < opts.from) continue;
      if (opts.to !== undefined && r.at > opts.to) continue;
      out.push({ at: toIso(r.at, cal), by: r.by, action: r.action, detail: r.detail });
    }
    return out;
  }

  /**
   * Who did what at the windows on `day`, read from the journal: sign-ins and -outs, pauses, out-of-order
   * calls, transfers, cancellations, live setup changes and follow-up steps. Merged with the manager's own
   * audit records of that day, newest first.
   */
  async dayActivity(day: string): Promise<AuditEntry[]> {
    const cal = this.o.hall.setup.calendar;
    const clerkAt = new Map<string, string>();
    const number = (ticketId: string) => ticketId.slice(ticketId.indexOf('-') + 1);
    const out: { at: number; by: string; action: string; detail: string }[] = [];
    for (const e of await this.eventsBetween(day, day)) {
      const by = (windowId: string) => clerkAt.get(windowId) ?? windowId;
      switch (e.type) {
        case 'WindowSignedIn':
          clerkAt.set(e.windowId, `${e.clerk.id} (${e.clerk.staffNo})`);
          out.push({ at: e.at, by: by(e.windowId), action: 'window.signIn', detail: e.windowId });
          break;
        case 'WindowSignedOut':
          out.push({ at: e.at, by: by(e.windowId), action: 'window.signOut', detail: e.windowId });
          clerkAt.delete(e.windowId);
          break;
        case 'WindowPaused':
          out.push({ at: e.at, by: by(e.windowId), action: 'window.pause', detail: `${e.windowId}: ${e.reason}` });
          break;
        case 'WindowResumed':
          out.push({ at: e.at, by: by(e.windowId), action: 'window.resume', detail: e.windowId });
          break;
        case 'TicketCalled':
          if (e.outOfOrder) out.push({ at: e.at, by: by(e.windowId), action: 'ticket.callOutOfOrder', detail: `${number(e.ticketId)} @ ${e.windowId}: ${e.outOfOrder.reason}` });
          break;
        case 'TicketTransferred': {
          const to = 'sectionId' in e.to ? e.to.sectionId : e.to.windowId;
          out.push({ at: e.at, by: e.fromWindowId ? by(e.fromWindowId) : 'system', action: 'ticket.transfer', detail: `${number(e.ticketId)} → ${to}` });
          break;
        }
        case 'TicketCancelled':
          out.push({ at: e.at, by: 'staff', action: 'ticket.cancel', detail: `${number(e.ticketId)}: ${e.reason}` });
          break;
        default:
          break;
      }
    }
    const start = Date.parse(`${day}T00:00:00Z`) - cal.utcOffsetMinutes * 60000;
    const own = this.auditRecords.filter((r) => r.at >= start && r.at < start + 86_400_000);
    return [...out, ...own]
      .sort((a, b) => b.at - a.at)
      .map((r) => ({ at: toIso(r.at, cal), by: r.by, action: r.action, detail: r.detail }));
  }

  // ------------------------------------------------------------ KPIs and reports

  /** Events of business days from..to, read from the journal (durable records only). */
  async eventsBetween(from: string, to: string): Promise<HallEvent[]> {
    const out: HallEvent[] = [];
    for await (const e of this.o.hall.journal.readSince(0, from)) {
      if (e.type === 'DayOpened' && e.day > to) break;
      out.push(e);
    }
    return out;
  }

  /** Figures of days that are over do not change: kept so the dashboard's last-week chart costs one read. */
  private readonly pastKpis = new Map<string, KpiReport>();

  async kpis(from: string, to: string): Promise<KpiReport> {
    const past = to < this.today();
    const cached = past ? this.pastKpis.get(`${from}|${to}`) : undefined;
    if (cached) return cached;
    const report = await this.computeKpis(from, to);
    if (past) {
      if (this.pastKpis.size >= 64) this.pastKpis.delete(this.pastKpis.keys().next().value!);
      this.pastKpis.set(`${from}|${to}`, report);
    }
    return report;
  }

  private async computeKpis(from: string, to: string): Promise<KpiReport> {
    const events = await this.eventsBetween(from, to);
    const cases = this.providers.caseOutcomes ? await this.providers.caseOutcomes() : undefined;
    return computeKpis(events, { from, to, utcOffsetMinutes: this.o.hall.setup.calendar.utcOffsetMinutes, ...(cases ? { cases } : {}) });
  }

  names(): ReportNames {
    const s = this.o.hall.setup;
    // Only what the report prints: the names go to the PDF worker by copy.
    return {
      hall: this.o.config.hall.name,
      sections: s.sections.map(({ id, prefix, name }) => ({ id, prefix, name })),
      windows: s.windows.map(({ id, number, name }) => ({ id, number, name })),
    };
  }

  today(): string {
    return this.o.hall.state.day ?? localDay(this.o.hall.now(), this.o.hall.setup.calendar);
  }

  async report(kind: 'daily' | 'monthly', period: string, format: 'csv' | 'pdf'): Promise<Buffer> {
    const { from, to, title, compare } = this.period(kind, period);
    const k = await this.kpis(from, to);
    if (format === 'csv') return Buffer.from(reportCsv(k, this.names()), 'utf8');
    const cmp = compare ? { label: compare.label, report: await this.kpis(compare.day, compare.day) } : undefined;
    const options: PdfOptions = { title, generatedAt: toIso(this.o.hall.now(), this.o.hall.setup.calendar), ...(cmp ? { compare: cmp } : {}) };
    return this.o.pdf ? this.o.pdf.render({ kind: 'report', report: k, names: this.names(), options }) : reportPdf(k, this.names(), options);
  }

  period(kind: 'daily' | 'monthly', period: string): { from: string; to: string; title: string; compare?: { day: string; label: string } } {
    if (kind === 'daily') {
      const lastWeek = addDays(period, -7);
      return { from: period, to: period, title: `日报 Daily report ${period}`, compare: { day: lastWeek, label: `上周同日 ${lastWeek}` } };
    }
    const [y, m] = period.split('-').map(Number) as [number, number];
    const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
    return { from: `${period}-01`, to: `${period}-${String(last).padStart(2, '0')}`, title: `月报 Monthly report ${period}` };
  }

  reportsDir(): string {
    return path.join(this.o.dataDir, 'reports');
  }

  /** On a new business day: the day before's daily report and, on a month's first day, last month's. */
  private queueScheduledReports(day: string): void {
    const yesterday = addDays(day, -1);
    const jobs: ['daily' | 'monthly', string][] = [['daily', yesterday]];
    if (day.endsWith('-01')) jobs.push(['monthly', yesterday.slice(0, 7)]);
    this.reportChain = this.reportChain.then(async () => {
      for (const [kind, period] of jobs) await this.writeScheduled(kind, period);
    });
  }

  private async writeScheduled(kind: 'daily' | 'monthly', period: string): Promise<void> {
    const dir = path.join(this.reportsDir(), kind);
    await fsp.mkdir(dir, { recursive: true });
    const { from, to } = this.period(kind, period);
    const days = await this.o.hall.journal.days();
    if (!days.some((d) => d >= from && d <= to)) return; // nothing happened then: no empty report
    for (const format of ['csv', 'pdf'] as const) {
      const file = path.join(dir, `${period}.${format}`);
      try {
        await fsp.access(file);
        continue; // already made
      } catch {
        /* make it */
      }
      try {
        const bytes = await this.report(kind, period, format);
        await fsp.writeFile(`${file}.tmp`, bytes);
        await fsp.rename(`${file}.tmp`, file);
        this.o.log.info({ file }, 'scheduled report written');
      } catch (err) {
        this.o.log.warn({ file, err: (err as Error).message }, 'scheduled report not written');
      }
    }
  }

  /** Resolves when scheduled report jobs queued so far are done (tests, shutdown). */
  async reportsSettled(): Promise<void> {
    await this.reportChain.catch(() => {});
  }

  async listReports(): Promise<{ kind: 'daily' | 'monthly'; name: string; size: number }[]> {
    const out: { kind: 'daily' | 'monthly'; name: string; size: number }[] = [];
    for (const kind of ['daily', 'monthly'] as const) {
      let names: string[] = [];
      try {
        names = await fsp.readdir(path.join(this.reportsDir(), kind));
      } catch {
        continue;
      }
      for (const name of names.filter((n) => /^\d{4}-\d{2}(-\d{2})?\.(csv|pdf)$/.test(n)).sort().reverse()) {
        const st = await fsp.stat(path.join(this.reportsDir(), kind, name));
        out.push({ kind, name, size: st.size });
      }
    }
    return out;
  }

  async close(): Promise<void> {
    this.unsubscribe();
    for (const t of this.timers) clearInterval(t);
    if (this.pending) clearTimeout(this.pending);
    await this.reportsSettled();
    await this.alerts.close();
    await this.audit.close();
  }
}
