// The alert engine. Sources say which conditions hold now (each under a stable key); the engine raises an
// alert when a key starts to hold, marks it cleared when it stops, and keeps every alert until a manager
// acknowledges it. Raised, cleared and acknowledged are appended to a durable log, so the history survives
// restarts. Sources plug in: the queue's own conditions are built here; devices, the outbox and case
// deadlines come from their modules through the narrow provider interfaces below.

import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { AlertThresholds } from '../../config/schema.js';
import { HallError } from '../errors.js';
import { addWorkingDays, localDay, localInstant } from '../hall/calendar.js';
import { isQueued } from '../hall/queue.js';
import { TicketTable } from '../hall/ticket-table.js';
import type { HallSetup, HallState } from '../hall/types.js';
import { AppendLog } from './applog.js';
import type { AlertKind, AlertSeverity } from './contract.js';

export interface AlertCandidate {
  key: string;
  kind: AlertKind;
  severity: AlertSeverity;
  params: Record<string, string | number>;
}

/** Conditions that hold at `now`. Must be cheap and must not throw for ordinary data. */
export type AlertSource = (now: number) => AlertCandidate[];

export interface StoredAlert extends AlertCandidate {
  id: string;
  raisedAt: number;
  clearedAt?: number;
  ack?: { by: string; at: number; note?: string };
}

type LogRecord =
  | { t: 'raised'; alert: StoredAlert }
  | { t: 'cleared'; id: string; at: number }
  | { t: 'acked'; id: string; by: string; at: number; note?: string };

export class AlertEngine {
  private readonly alerts = new Map<string, StoredAlert>();
  /** Key → id of the alert raised for it that has not cleared yet. */
  private readonly holding = new Map<string, string>();
  private readonly sources = new Map<string, AlertSource>();
  /** What each source said at its last run: an evaluation of some sources keeps the others' word. */
  private readonly said = new Map<string, AlertCandidate[]>();
  private readonly listeners = new Set<() => void>();
  private running: Promise<boolean> | null = null;

  private constructor(private readonly log: AppendLog<LogRecord>) {}

  static async open(dataDir: string): Promise<AlertEngine> {
    const { log, records } = await AppendLog.open<LogRecord>(path.join(dataDir, 'manager', 'alerts.ndjson'));
    const engine = new AlertEngine(log);
    for (const r of records) engine.replay(r);
    return engine;
  }

  private replay(r: LogRecord): void {
    if (r.t === 'raised') {
      this.alerts.set(r.alert.id, r.alert);
      this.holding.set(r.alert.key, r.alert.id);
      return;
    }
    const a = this.alerts.get(r.id);
    if (!a) return;
    if (r.t === 'cleared') {
      a.clearedAt = r.at;
      if (this.holding.get(a.key) === a.id) this.holding.delete(a.key);
    } else {
      a.ack = { by: r.by, at: r.at, ...(r.note ? { note: r.note } : {}) };
    }
  }

  /** Adds or replaces a named source (e.g. 'devices' once the device registry is there). */
  addSource(name: string, source: AlertSource): void {
    this.sources.set(name, source);
    this.said.delete(name);
  }

  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /**
   * Compares what holds now with what is raised; one evaluation at a time. Resolves true if anything changed.
   * `only` names the sources whose data changed: the others are not asked again and keep what they said
   * last (a source that never ran is asked anyway). Without it every source is asked.
   */
  evaluate(now: number, only?: readonly string[]): Promise<boolean> {
    const run = (this.running ?? Promise.resolve(false)).then(() => this.evaluateOnce(now, only));
    this.running = run.catch(() => false);
    return run;
  }

  private async evaluateOnce(now: number, only?: readonly string[]): Promise<boolean> {
    const seen = new Map<string, AlertCandidate>();
    for (const [name, source] of this.sources) {
      let said = this.said.get(name);
      if (!said || !only || only.includes(name)) this.said.set(name, (said = source(now)));
      for (const c of said) seen.set(c.key, c);
    }
    const records: LogRecord[] = [];
    for (const [key, c] of seen) {
      if (this.holding.has(key)) continue;
      const alert: StoredAlert = { ...c, id: `${now.toString(36)}-${randomBytes(3).toString('hex')}`, raisedAt: now };
      records.push({ t: 'raised', alert });
    }
    for (const [key, id] of this.holding) {
      if (!seen.has(key)) records.push({ t: 'cleared', id, at: now });
    }
    if (records.length === 0) return false;
    for (const r of records) {
      await this.log.append(r);
      this.replay(r);
    }
    this.notify();
    return true;
  }

  async ack(id: string, by: string, at: number, note?: string): Promise<StoredAlert> {
    const a = this.alerts.get(id);
    if (!a) throw new HallError('NOT_FOUND', `未知告警 / unknown alert ${id}`);
    if (a.ack) throw new HallError('ALREADY_ACKNOWLEDGED', '该告警已确认 / alert already acknowledged');
    const r: LogRecord = { t: 'acked', id, by, at, ...(note ? { note } : {}) };
    await this.log.append(r);
    this.replay(r);
    this.notify();
    return a;
  }

  /** Unacknowledged alerts, newest first. */
  active(): StoredAlert[] {
    return [...this.alerts.values()].filter((a) => !a.ack).sort((a, b) => b.raisedAt - a.raisedAt);
  }

  /** Every alert raised from..to (epoch ms), newest first. */
  history(from = 0, to = Number.MAX_SAFE_INTEGER, limit = 500): StoredAlert[] {
    return [...this.alerts.values()]
      .filter((a) => a.raisedAt >= from && a.raisedAt <= to)
      .sort((a, b) => b.raisedAt - a.raisedAt)
      .slice(0, limit);
  }

  isHolding(a: StoredAlert): boolean {
    return this.holding.get(a.key) === a.id;
  }

  private notify(): void {
    for (const fn of this.listeners) fn();
  }

  async close(): Promise<void> {
    await this.running;
    await this.log.close();
  }
}

// ---------------------------------------------------------------- the queue's own conditions

/** The number part of a ticket id 'YYYYMMDD-A012' (the ticket may have left the state after its day). */
function numberOf(ticketId: string): string {
  return ticketId.slice(ticketId.indexOf('-') + 1);
}

/**
 * When each section's longest-waiting ticket was issued, following the hall's ticket table by the chunks
 * that changed. A burst of new tickets never moves the oldest; a call of the oldest marks its section for
 * one pass over the section's queued tickets at the next read.
 */
export class OldestQueued {
  #table: TicketTable = TicketTable.empty();
  /** Section → its queued tickets' issue times, by ticket id. */
  readonly #queued = new Map<string, Map<string, number>>();
  /** Ticket id → its section, for queued tickets. */
  readonly #sectionOf = new Map<string, string>();
  /** Section → the oldest issue time, or null when it must be found again. */
  readonly #oldest = new Map<string, number | null>();

  /** Epoch ms the section's longest-waiting ticket was issued; undefined when nobody waits. */
  since(tickets: TicketTable, sectionId: string): number | undefined {
    this.follow(tickets);
    const q = this.#queued.get(sectionId);
    if (!q || q.size === 0) return undefined;
    let oldest = this.#oldest.get(sectionId) ?? null;
    if (oldest === null) {
      oldest = Infinity;
      for (const at of q.values()) if (at < oldest) oldest = at;
      this.#oldest.set(sectionId, oldest);
    }
    return oldest;
  }

  private follow(table: TicketTable): void {
    if (table === this.#table) return;
    for (const id of table.changedIds(this.#table)) {
      const found = table.get(id);
      const t = found && isQueued(found) ? found : undefined;
      const was = this.#sectionOf.get(id);
      if (was !== undefined) {
        const q = this.#queued.get(was)!;
        const at = q.get(id)!;
        if (t && t.sectionId === was && t.issuedAt === at) continue;
        q.delete(id);
        this.#sectionOf.delete(id);
        if (this.#oldest.get(was) === at) this.#oldest.set(was, null);
      }
      if (t) {
        let q = this.#queued.get(t.sectionId);
        if (!q) this.#queued.set(t.sectionId, (q = new Map()));
        q.set(id, t.issuedAt);
        this.#sectionOf.set(id, t.sectionId);
        const oldest = this.#oldest.get(t.sectionId);
        if (oldest !== null) this.#oldest.set(t.sectionId, Math.min(oldest ?? Infinity, t.issuedAt));
      }
    }
    this.#table = table;
  }
}

/**
 * True once the hall's business day lies behind the local date at `now`. The hall opens a day with the
 * first command after local midnight (the server sends one within 30 s of it, and at start); until then
 * its state still holds the day that ended: tickets nobody called, windows left paused. The opening closes
 * them all, so none of them is waiting or paused today.
 */
export function dayIsOver(state: HallState, now: number, setup: HallSetup): boolean {
  return state.day !== null && state.day < localDay(now, setup.calendar);
}

/** The names of the queue's own sources: what a publication of the hall can change. */
export const QUEUE_SOURCES = ['wait', 'paused', 'rating', 'followup'] as const;

/**
 * The queue's own conditions. Each runs on every publication of a ticket burst, so none walks the day:
 * waits read each section's oldest queued ticket from an index that follows the state by changed chunks,
 * ratings and follow-ups are recomputed only when their part of the state (or the date) changed.
 */
export function queueSources(state: () => HallState, setup: () => HallSetup, thresholds: () => AlertThresholds): Record<(typeof QUEUE_SOURCES)[number], AlertSource> {
  const oldest = new OldestQueued();
  let ratings: { of: HallState['ratings']; setup: HallSetup; on: boolean; out: AlertCandidate[] } | null = null;
  let followUps: { of: HallState['followUps']; today: string; out: AlertCandidate[] } | null = null;
  return {
    wait(now) {
      const s = state();
      const su = setup();
      if (dayIsOver(s, now, su)) return [];
      const limit = thresholds().waitMinutes;
      const out: AlertCandidate[] = [];
      for (const sec of su.sections) {
        const since = oldest.since(s.tickets, sec.id);
        if (since === undefined) continue;
        const minutes = Math.floor((now - since) / 60000);
        if (minutes < limit) continue;
        out.push({
          key: `wait:${sec.id}`,
          kind: 'wait',
          severity: minutes >= limit * 2 ? 'critical' : 'warning',
          params: { sectionId: sec.id, prefix: sec.prefix, section: sec.name, sectionEn: sec.nameEn ?? sec.name, minutes, threshold: limit },
        });
      }
      return out;
    },
    paused(now) {
      const s = state();
      const su = setup();
      if (dayIsOver(s, now, su)) return [];
      const limit = thresholds().pausedMinutes;
      // Before ticketing opens nobody waits on a window: a pause taken then counts from the opening.
      const opens = su.ticketingHours && s.day ? localInstant(s.day, su.ticketingHours.open, su.calendar) : Number.NaN;
      const out: AlertCandidate[] = [];
      for (const w of su.windows) {
        const ws = s.windows[w.id];
        if (ws?.status !== 'paused' || ws.pausedAt === undefined) continue;
        const from = Number.isNaN(opens) ? ws.pausedAt : Math.max(ws.pausedAt, opens);
        const minutes = Math.floor((now - from) / 60000);
        if (minutes < limit) continue;
        out.push({
          key: `paused:${w.id}:${ws.pausedAt}`,
          kind: 'paused',
          severity: 'warning',
          params: { windowId: w.id, window: w.number, reason: ws.pauseReason ?? '', minutes, threshold: limit },
        });
      }
      return out;
    },
    rating() {
      const s = state();
      const su = setup();
      const on = thresholds().negativeRating;
      if (ratings && ratings.of === s.ratings && ratings.setup === su && ratings.on === on) return ratings.out;
      const out: AlertCandidate[] = [];
      for (const r of on ? Object.values(s.ratings) : []) {
        if (r.level === null || r.level > 2) continue;
        const number = su.windows.find((w) => w.id === r.windowId)?.number ?? 0;
        out.push({
          key: `rating:${r.ticketId}`,
          kind: 'rating',
          severity: r.level === 1 ? 'critical' : 'warning',
          params: { ticketId: r.ticketId, ticket: numberOf(r.ticketId), windowId: r.windowId, window: number, level: r.level, reasons: r.reasons.join('、') },
        });
      }
      ratings = { of: s.ratings, setup: su, on, out };
      return out;
    },
    followup(now) {
      const s = state();
      // Due dates are working days; the day after one is overdue, whatever kind of day it is.
      const today = localDay(now, setup().calendar);
      if (followUps && followUps.of === s.followUps && followUps.today === today) return followUps.out;
      const out: AlertCandidate[] = [];
      for (const f of Object.values(s.followUps)) {
        if (f.status !== 'open' || f.dueDate >= today) continue;
        out.push({ key: `followup:${f.ticketId}`, kind: 'followup', severity: 'critical', params: { ticketId: f.ticketId, ticket: numberOf(f.ticketId), dueDate: f.dueDate } });
      }
      followUps = { of: s.followUps, today, out };
      return out;
    },
  };
}

// ---------------------------------------------------------------- plug-in providers (other modules)

/** What the device registry tells the manager. */
export interface DeviceHealth {
  id: string;
  kind: string;
  status: 'online' | 'offline' | 'fault';
  detail?: string;
  /** Epoch ms the status last changed, if known. */
  since?: number;
}

/** A device must stay offline or faulty this long before it alerts: starting up and reconnects are not faults. */
export const DEVICE_GRACE_MS = 30_000;

export function deviceSource(list: () => DeviceHealth[], thresholds: () => AlertThresholds): AlertSource {
  return (now) =>
    thresholds().deviceFault
      ? list()
          .filter((d) => d.status !== 'online' && (d.since === undefined || now - d.since >= DEVICE_GRACE_MS))
          .map((d) => ({
            key: `device:${d.id}:${d.status}`,
            kind: 'device' as const,
            severity: d.status === 'fault' ? ('critical' as const) : ('warning' as const),
            params: { deviceId: d.id, deviceKind: d.kind, status: d.status, detail: d.detail ?? '' },
          }))
      : [];
}

/** The outbox to the central approval system. */
export interface OutboxStatus {
  backlog: number;
  lastError?: { at: number; message: string } | null;
}

export function outboxSource(status: () => OutboxStatus, thresholds: () => AlertThresholds): AlertSource {
  return () => {
    const s = status();
    const out: AlertCandidate[] = [];
    const limit = thresholds().outboxBacklog;
    if (s.backlog >= limit) out.push({ key: 'outbox:backlog', kind: 'outbox', severity: 'warning', params: { backlog: s.backlog, threshold: limit, error: '' } });
    if (s.lastError) {
      out.push({ key: `outbox:error:${s.lastError.at}`, kind: 'outbox', severity: 'critical', params: { backlog: s.backlog, threshold: limit, error: s.lastError.message } });
    }
    return out;
  };
}

/** A case with a promised deadline (办件 e-supervision). */
export interface CaseDeadline {
  id: string;
  receiptNo: string;
  service: string;
  /** 'YYYY-MM-DD' promised completion day. */
  dueDate: string;
  done: boolean;
}

export function caseSource(list: () => CaseDeadline[], setup: () => HallSetup, thresholds: () => AlertThresholds): AlertSource {
  return (now) => {
    const cal = setup().calendar;
    const today = localDay(now, cal);
    const warnFrom = addWorkingDays(today, thresholds().caseWarnDays, cal);
    const out: AlertCandidate[] = [];
    for (const c of list()) {
      if (c.done || c.dueDate > warnFrom) continue;
      const past = c.dueDate < today;
      out.push({
        key: `case:${c.id}:${past ? 'past' : 'near'}`,
        kind: 'case',
        severity: past ? 'critical' : 'warning',
        params: { caseId: c.id, receiptNo: c.receiptNo, service: c.service, dueDate: c.dueDate, state: past ? 'past' : 'near' },
      });
    }
    return out;
  };
}

/** A supervision alert as the case module computes it (its own warning threshold, working days). */
export interface CaseSupervisionAlert {
  caseId: string;
  receiptNo?: string;
  serviceName: string;
  level: 'warning' | 'overdue' | 'legal_overdue' | 'commitment_overdue';
  due: string;
}

/** Case alerts straight from the case module's electronic supervision. */
export function caseSupervisionSource(list: () => CaseSupervisionAlert[]): AlertSource {
  return () =>
    list().map((c) => ({
      key: `case:${c.caseId}:${c.level}`,
      kind: 'case' as const,
      severity: c.level === 'warning' ? ('warning' as const) : ('critical' as const),
      params: { caseId: c.caseId, receiptNo: c.receiptNo ?? c.caseId, service: c.serviceName, dueDate: c.due, state: c.level === 'warning' ? 'near' : 'past', level: c.level },
    }));
}
