// The alert engine. Sources say which conditions hold now (each under a stable key); the engine raises an
// alert when a key starts to hold, marks it cleared when it stops, and keeps every alert until a manager
// acknowledges it. Raised, cleared and acknowledged are appended to a durable log, so the history survives
// restarts. Sources plug in: the queue's own conditions are built here; devices, the outbox and case
// deadlines come from their modules through the narrow provider interfaces below.

import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { AlertThresholds } from '../../config/schema.js';
import { HallError } from '../errors.js';
import { isQueued } from '../hall/queue.js';
import { addWorkingDays, localDay } from '../hall/calendar.js';
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
  }

  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Compares what holds now with what is raised; one evaluation at a time. Resolves true if anything changed. */
  evaluate(now: number): Promise<boolean> {
    const run = (this.running ?? Promise.resolve(false)).then(() => this.evaluateOnce(now));
    this.running = run.catch(() => false);
    return run;
  }

  private async evaluateOnce(now: number): Promise<boolean> {
    const seen = new Map<string, AlertCandidate>();
    for (const source of this.sources.values()) {
      for (const c of source(now)) seen.set(c.key, c);
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

export function queueSources(state: () => HallState, setup: () => HallSetup, thresholds: () => AlertThresholds): Record<string, AlertSource> {
  return {
    wait(now) {
      const limit = thresholds().waitMinutes;
      const oldest = new Map<string, number>();
      for (const t of state().tickets) {
        if (!isQueued(t)) continue;
        const since = oldest.get(t.sectionId);
        if (since === undefined || t.issuedAt < since) oldest.set(t.sectionId, t.issuedAt);
      }
      const out: AlertCandidate[] = [];
      for (const s of setup().sections) {
        const since = oldest.get(s.id);
        if (since === undefined) continue;
        const minutes = Math.floor((now - since) / 60000);
        if (minutes < limit) continue;
        out.push({
          key: `wait:${s.id}`,
          kind: 'wait',
          severity: minutes >= limit * 2 ? 'critical' : 'warning',
          params: { sectionId: s.id, prefix: s.prefix, section: s.name, sectionEn: s.nameEn ?? s.name, minutes, threshold: limit },
        });
      }
      return out;
    },
    paused(now) {
      const limit = thresholds().pausedMinutes;
      const out: AlertCandidate[] = [];
      for (const w of setup().windows) {
        const ws = state().windows[w.id];
        if (ws?.status !== 'paused' || ws.pausedAt === undefined) continue;
        const minutes = Math.floor((now - ws.pausedAt) / 60000);
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
      if (!thresholds().negativeRating) return [];
      const s = state();
      const out: AlertCandidate[] = [];
      for (const r of Object.values(s.ratings)) {
        if (r.level === null || r.level > 2) continue;
        const number = setup().windows.find((w) => w.id === r.windowId)?.number ?? 0;
        out.push({
          key: `rating:${r.ticketId}`,
          kind: 'rating',
          severity: r.level === 1 ? 'critical' : 'warning',
          params: { ticketId: r.ticketId, ticket: numberOf(r.ticketId), windowId: r.windowId, window: number, level: r.level, reasons: r.reasons.join('、') },
        });
      }
      return out;
    },
    followup(now) {
      const today = localDay(now, setup().calendar);
      const out: AlertCandidate[] = [];
      for (const f of Object.values(state().followUps)) {
        if (f.status !== 'open' || f.dueDate >= today) continue;
        out.push({ key: `followup:${f.ticketId}`, kind: 'followup', severity: 'critical', params: { ticketId: f.ticketId, ticket: numberOf(f.ticketId), dueDate: f.dueDate } });
      }
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
