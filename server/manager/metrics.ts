// Prometheus text exposition (format 0.0.4) of the hall's live figures. Computed at scrape time from the
// published state, except call latency, which is observed as calls are published.

import { isQueued } from '../hall/queue.js';
import type { HallEvent, HallSetup, HallState } from '../hall/types.js';
import type { JournalStats } from '../store/journal.js';
import type { DeviceHealth, OutboxStatus } from './alerts.js';

/** Seconds: decision → durable → published (what a display sees after a clerk presses call). */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const WAIT_BUCKETS_S = [300, 600, 900, 1200, 1800, 2700, 3600];

export class Histogram {
  readonly counts: number[];
  sum = 0;
  count = 0;
  constructor(readonly bounds: number[]) {
    this.counts = new Array<number>(bounds.length).fill(0);
  }
  observe(v: number): void {
    this.sum += v;
    this.count++;
    this.bounds.forEach((b, i) => {
      if (v <= b) this.counts[i]!++;
    });
  }
}

/** Records call latency from the hall's publications; `now` is the wall clock at publication. */
export function observeCalls(h: Histogram, events: readonly HallEvent[], now: number): void {
  for (const e of events) if (e.type === 'TicketCalled') h.observe(Math.max(0, now - e.at) / 1000);
}

function esc(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

class Out {
  readonly lines: string[] = [];
  metric(name: string, type: 'gauge' | 'counter' | 'histogram', help: string): void {
    this.lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  }
  sample(name: string, labels: Record<string, string>, value: number): void {
    const l = Object.entries(labels)
      .map(([k, v]) => `${k}="${esc(v)}"`)
      .join(',');
    this.lines.push(`${name}${l ? `{${l}}` : ''} ${Number.isFinite(value) ? value : 0}`);
  }
  histogram(name: string, labels: Record<string, string>, bounds: number[], counts: number[], sum: number, count: number): void {
    bounds.forEach((b, i) => this.sample(`${name}_bucket`, { ...labels, le: String(b) }, counts[i]!));
    this.sample(`${name}_bucket`, { ...labels, le: '+Inf' }, count);
    this.sample(`${name}_sum`, labels, sum);
    this.sample(`${name}_count`, labels, count);
  }
}

export interface MetricsInput {
  state: HallState;
  setup: HallSetup;
  now: number;
  journal: JournalStats & { lastSeq: number };
  callLatency: Histogram;
  alertsActive: number;
  devices: DeviceHealth[] | null;
  outbox: OutboxStatus | null;
}

export function renderMetrics(m: MetricsInput): string {
  const o = new Out();
  const waiting = new Map<string, number>();
  const oldest = new Map<string, number>();
  const waitHist = new Histogram(WAIT_BUCKETS_S);
  const byStatus = new Map<string, number>();
  for (const t of m.state.tickets) {
    byStatus.set(t.status, (byStatus.get(t.status) ?? 0) + 1);
    if (isQueued(t)) {
      waiting.set(t.sectionId, (waiting.get(t.sectionId) ?? 0) + 1);
      oldest.set(t.sectionId, Math.min(oldest.get(t.sectionId) ?? Infinity, t.issuedAt));
    }
    const calledAt = t.noShowAt !== undefined || t.holdCalls !== undefined ? t.lastCalledAt : t.firstCalledAt;
    if (calledAt !== undefined && t.status !== 'no_show') waitHist.observe((calledAt - t.issuedAt) / 1000);
  }

  o.metric('hall_queue_waiting', 'gauge', 'Tickets waiting per section.');
  for (const s of m.setup.sections) o.sample('hall_queue_waiting', { section: s.id }, waiting.get(s.id) ?? 0);
  o.metric('hall_queue_longest_wait_seconds', 'gauge', 'How long the longest-waiting ticket of each section has waited.');
  for (const s of m.setup.sections) {
    const since = oldest.get(s.id);
    o.sample('hall_queue_longest_wait_seconds', { section: s.id }, since === undefined ? 0 : Math.max(0, Math.round((m.now - since) / 1000)));
  }
  o.metric('hall_tickets_today', 'gauge', "Today's tickets by status.");
  for (const st of ['waiting', 'called', 'serving', 'done', 'no_show', 'transferred', 'cancelled', 'closed']) {
    o.sample('hall_tickets_today', { status: st }, byStatus.get(st) ?? 0);
  }
  o.metric('hall_wait_seconds', 'histogram', "Waits of today's called tickets (issue to call).");
  o.histogram('hall_wait_seconds', {}, WAIT_BUCKETS_S, waitHist.counts, waitHist.sum, waitHist.count);

  o.metric('hall_window_status', 'gauge', 'Windows by status (1 for the status the window is in).');
  for (const w of m.setup.windows) {
    const st = m.state.windows[w.id]?.status ?? 'closed';
    for (const s of ['open', 'paused', 'closed']) o.sample('hall_window_status', { window: w.id, status: s }, st === s ? 1 : 0);
  }

  o.metric('hall_call_latency_seconds', 'histogram', 'Call decided to call published (durable), since start.');
  const h = m.callLatency;
  o.histogram('hall_call_latency_seconds', {}, h.bounds, h.counts, h.sum, h.count);

  o.metric('hall_journal_seq', 'counter', 'Seq of the last durable event.');
  o.sample('hall_journal_seq', {}, m.journal.lastSeq);
  o.metric('hall_journal_flushes_total', 'counter', 'Journal write + fdatasync rounds since start.');
  o.sample('hall_journal_flushes_total', {}, m.journal.flushes);
  o.metric('hall_journal_last_flush_seconds', 'gauge', 'Duration of the last journal flush.');
  o.sample('hall_journal_last_flush_seconds', {}, m.journal.lastFlushMs / 1000);
  o.metric('hall_journal_failed_flushes_total', 'counter', 'Journal flushes that failed.');
  o.sample('hall_journal_failed_flushes_total', {}, m.journal.failedFlushes);

  o.metric('hall_alerts_active', 'gauge', 'Alerts not yet acknowledged.');
  o.sample('hall_alerts_active', {}, m.alertsActive);

  // Devices and outbox only when their modules report: an absent source is not a healthy zero.
  if (m.devices) {
    o.metric('hall_device_up', 'gauge', '1 when the device is online.');
    for (const d of m.devices) o.sample('hall_device_up', { device: d.id, kind: d.kind }, d.status === 'online' ? 1 : 0);
  }
  if (m.outbox) {
    o.metric('hall_outbox_backlog', 'gauge', 'Records waiting to go to the central approval system.');
    o.sample('hall_outbox_backlog', {}, m.outbox.backlog);
  }
  return o.lines.join('\n') + '\n';
}
