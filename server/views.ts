// Read models: what each client is shown, built from the hall state. Pure functions of (state, setup, now).
// Nothing here returns an identity key or a full name: only masked names leave the server.

import type { HallConfig } from '../config/schema.js';
import {
  estimateWaitMinutes,
  isQueued,
  QueueIndex,
  toIso,
  windowQueue,
} from './hall/index.js';
import type { HallEvent, HallSetup, HallState, Ticket, WindowConfig } from './hall/types.js';
import type {
  Announcement,
  CallPayload,
  ClerkPublic,
  DisplaySnapshot,
  ManagerSnapshot,
  PadSnapshot,
  PadTicket,
  SectionView,
  ServiceSummary,
  StaffQueueItem,
  StaffSnapshot,
  TicketView,
  TodayStats,
  WindowRef,
  WindowView,
} from './realtime/contract.js';
import { maskName } from './privacy.js';


export class Views {
  constructor(
    private readonly config: HallConfig,
    private readonly setupOf: () => HallSetup,
  ) {}

  readonly #queues = new QueueIndex();
  /** A clerk's photo URL by account (server/manager/photos.ts); none until a photo store is plugged in. */
  #photoOf: (clerkId: string) => string | undefined = () => undefined;

  /** Where clerks' photos come from: public URLs that name the photo, never the person. */
  setClerkPhotos(photoOf: (clerkId: string) => string | undefined): void {
    this.#photoOf = photoOf;
  }

  get setup(): HallSetup {
    return this.setupOf();
  }

  iso(ms: number): string {
    return toIso(ms, this.setup.calendar);
  }

  windowConfig(id: string): WindowConfig | undefined {
    return this.setup.windows.find((w) => w.id === id);
  }

  windowRef(id: string): WindowRef {
    const w = this.windowConfig(id);
    return { id, number: w?.number ?? 0, name: w?.name ?? id };
  }

  ticket(state: HallState, t: Ticket, now: number, ahead?: number): TicketView {
    const n = isQueued(t) ? (ahead ?? this.aheadOf(state, t, now)) : 0;
    const v: TicketView = {
      id: t.id,
      number: t.number,
      sectionId: t.sectionId,
      priority: t.priority,
      status: t.status,
      issuedAt: this.iso(t.issuedAt),
      ahead: n,
      estimatedWaitMinutes: isQueued(t) ? estimateWaitMinutes(state, this.setup, t.sectionId, n) : 0,
      calls: t.calls,
    };
    if (t.serviceCode) v.serviceCode = t.serviceCode;
    if (t.windowId) v.window = this.windowRef(t.windowId);
    if (t.lastCalledAt !== undefined) v.calledAt = this.iso(t.lastCalledAt);
    if (t.startedAt !== undefined) v.startedAt = this.iso(t.startedAt);
    if (t.finishedAt !== undefined) v.finishedAt = this.iso(t.finishedAt);
    return v;
  }

  /** `ticketsAhead`, from the index that follows the state (queue-index.ts) instead of a walk of the day. */
  private aheadOf(state: HallState, t: Ticket, now: number): number {
    return this.#queues.ahead(state, this.setup, t.id, now);
  }

  /** `counts` (carried by SectionCounts) saves a pass over the day's tickets; without it they are counted. */
  sections(state: HallState, counts: SectionTally = countSections(state)): SectionView[] {
    const { issued, waiting: waitingBy } = counts;
    return this.setup.sections.map((s) => {
      const waiting = waitingBy.get(s.id) ?? 0;
      const v: SectionView = {
        id: s.id,
        prefix: s.prefix,
        name: s.name,
        open: !s.closed,
        waiting,
        estimatedWaitMinutes: estimateWaitMinutes(state, this.setup, s.id, waiting),
        requireIdCard: s.requireIdCard,
        capacityLeft: Math.max(0, s.dailyCapacity - (issued.get(s.id) ?? 0)),
      };
      if (s.nameEn) v.nameEn = s.nameEn;
      return v;
    });
  }

  services(sectionId: string): ServiceSummary[] | undefined {
    const s = this.setup.sections.find((x) => x.id === sectionId);
    return s?.services.map((x) => {
      const v: ServiceSummary = {
        code: x.code,
        name: x.name,
        kind: x.kind,
        summary: x.summary,
        promisedLimitDays: x.promisedLimitDays,
      };
      if (x.nameEn) v.nameEn = x.nameEn;
      return v;
    });
  }

  clerk(state: HallState, windowId: string): ClerkPublic | undefined {
    const c = state.windows[windowId]?.clerk;
    if (!c) return undefined;
    const photoUrl = this.#photoOf(c.id);
    return { name: maskName(c.name), staffNo: c.staffNo, ...(photoUrl ? { photoUrl } : {}) };
  }

  window(state: HallState, w: WindowConfig): WindowView {
    const ws = state.windows[w.id];
    const v: WindowView = { id: w.id, number: w.number, name: w.name, sectionIds: [...w.sectionIds], status: ws?.status ?? 'closed' };
    if (w.nameEn) v.nameEn = w.nameEn;
    if (ws?.status === 'paused') {
      v.pauseReason = ws.pauseReason ?? '暂停服务';
      if (ws.pausedAt !== undefined) v.pausedSince = this.iso(ws.pausedAt);
    }
    const clerk = this.clerk(state, w.id);
    if (clerk) v.clerk = clerk;
    const cur = ws?.currentTicketId ? state.tickets.get(ws.currentTicketId) : undefined;
    if (cur) v.current = { id: cur.id, number: cur.number, sectionId: cur.sectionId, status: cur.status };
    return v;
  }

  windows(state: HallState): WindowView[] {
    return this.setup.windows.map((w) => this.window(state, w));
  }

  announcement(number: string, windowNumber: number): Announcement {
    const text = `请 ${number} 号到 ${windowNumber} 号窗口办理`;
    const tokens = ['请', ...[...number], '号', '到', ...numberWords(windowNumber), '号窗口', '办理'];
    return { text, tokens };
  }

  call(state: HallState, ticketId: string, windowId: string, recall: boolean, at: number): Omit<CallPayload, 'seq'> {
    const t = state.tickets.get(ticketId);
    const win = this.windowRef(windowId);
    const number = t?.number ?? '';
    return {
      ticket: { id: ticketId, number, sectionId: t?.sectionId ?? '' },
      window: win,
      announcement: this.announcement(number, win.number),
      recall,
      at: this.iso(at),
    };
  }

  display(state: HallState, recentCalls: Omit<CallPayload, 'seq'>[], seq: number): DisplaySnapshot {
    const hall: DisplaySnapshot['hall'] = { name: this.config.hall.name };
    if (this.config.hall.nameEn) hall.nameEn = this.config.hall.nameEn;
    return {
      seq,
      hall,
      day: state.day,
      sections: this.sections(state),
      windows: this.windows(state),
      recentCalls,
      notices: [...this.config.hall.notices],
    };
  }

  padTicket(state: HallState, t: Ticket): PadTicket {
    const v: PadTicket = { id: t.id, number: t.number, sectionId: t.sectionId };
    const name = t.serviceCode ? this.serviceName(t.sectionId, t.serviceCode) : undefined;
    if (name) v.serviceName = name;
    return v;
  }

  serviceName(sectionId: string, code: string): string | undefined {
    return this.setup.sections.find((s) => s.id === sectionId)?.services.find((x) => x.code === code)?.name;
  }

  /** The ticket a window's pad should ask to rate: finished there, not rated yet, the newest. */
  awaitingRating(state: HallState, windowId: string): Ticket | undefined {
    let best: Ticket | undefined;
    for (const t of state.tickets.values()) {
      if (t.windowId === windowId && t.status === 'done' && !t.rated && (!best || (t.finishedAt ?? 0) > (best.finishedAt ?? 0))) best = t;
    }
    return best;
  }

  pad(state: HallState, windowId: string, seq: number): PadSnapshot | undefined {
    const w = this.windowConfig(windowId);
    if (!w) return undefined;
    const snap: PadSnapshot = {
      seq,
      window: this.window(state, w),
      ratingTimeoutSeconds: this.config.pad.ratingTimeoutSeconds,
      negativeReasons: [...this.config.pad.negativeReasons],
      negativeReasonsEn: [...this.config.pad.negativeReasonsEn],
    };
    const clerk = this.clerk(state, windowId);
    if (clerk) snap.clerk = clerk;
    const curId = state.windows[windowId]?.currentTicketId;
    const cur = curId ? state.tickets.get(curId) : undefined;
    if (cur) snap.current = { ...this.padTicket(state, cur), status: cur.status };
    const awaiting = this.awaitingRating(state, windowId);
    // A pad asks only for the newest finished ticket, and only while no next citizen is being served.
    if (awaiting && (!cur || (cur.lastCalledAt ?? 0) < (awaiting.finishedAt ?? 0))) snap.awaitingRating = this.padTicket(state, awaiting);
    return snap;
  }

  staff(state: HallState, windowId: string, seq: number, now: number): StaffSnapshot | undefined {
    const w = this.windowConfig(windowId);
    if (!w) return undefined;
    const queue: StaffQueueItem[] = windowQueue(state, this.setup, windowId, now, this.#queues.allQueued(state)).map((t) => {
      const item: StaffQueueItem = {
        id: t.id,
        number: t.number,
        sectionId: t.sectionId,
        priority: t.priority,
        status: t.status,
        issuedAt: this.iso(t.issuedAt),
        waitedMinutes: Math.max(0, Math.floor((now - t.issuedAt) / 60000)),
      };
      if (t.nameMasked) item.nameMasked = t.nameMasked;
      return item;
    });
    const snap: StaffSnapshot = {
      seq,
      window: this.window(state, w),
      queue,
      sections: this.sections(state),
      windows: this.windows(state),
      maxRecalls: this.setup.rules.maxRecalls,
    };
    const curId = state.windows[windowId]?.currentTicketId;
    const cur = curId ? state.tickets.get(curId) : undefined;
    if (cur) snap.current = { ...this.ticket(state, cur, now, 0), ...(cur.nameMasked ? { nameMasked: cur.nameMasked } : {}) };
    return snap;
  }

  stats(state: HallState): TodayStats {
    let issued = 0;
    let served = 0;
    let noShow = 0;
    let waiting = 0;
    let waitSum = 0;
    let waitN = 0;
    let serviceSum = 0;
    let serviceN = 0;
    for (const t of state.tickets.values()) {
      issued++;
      if (t.status === 'done') served++;
      if (t.status === 'no_show') noShow++;
      if (isQueued(t)) waiting++;
      // DESIGN.md figures: wait = first call − issue; for a no-show that rejoined, the last call.
      const calledAt = t.noShowAt !== undefined || t.holdCalls !== undefined ? t.lastCalledAt : t.firstCalledAt;
      if (calledAt !== undefined && t.status !== 'no_show') {
        waitSum += calledAt - t.issuedAt;
        waitN++;
      }
      if (t.status === 'done' && t.startedAt !== undefined && t.finishedAt !== undefined) {
        serviceSum += t.finishedAt - t.startedAt;
        serviceN++;
      }
    }
    let rated = 0;
    let satisfied = 0;
    for (const r of Object.values(state.ratings)) {
      if (r.level === null) continue;
      rated++;
      if (r.level >= 3) satisfied++;
    }
    return {
      issued,
      served,
      noShow,
      waiting,
      avgWaitSeconds: waitN ? Math.round(waitSum / waitN / 1000) : 0,
      avgServiceSeconds: serviceN ? Math.round(serviceSum / serviceN / 1000) : 0,
      satisfaction: rated ? satisfied / rated : null,
    };
  }

  manager(state: HallState, recentCalls: Omit<CallPayload, 'seq'>[], seq: number, now: number): ManagerSnapshot {
    const longest = new Map<string, number>();
    for (const t of state.tickets.values()) {
      if (!isQueued(t)) continue;
      const m = Math.floor((now - t.issuedAt) / 60000);
      if (m > (longest.get(t.sectionId) ?? 0)) longest.set(t.sectionId, m);
    }
    return {
      seq,
      day: state.day,
      stats: this.stats(state),
      sections: this.sections(state).map((s) => ({ ...s, longestWaitMinutes: longest.get(s.id) ?? 0 })),
      windows: this.windows(state),
      recentCalls,
    };
  }
}

/** Per section: walk-in tickets issued today (against the daily capacity) and tickets waiting. */
export interface SectionTally {
  issued: Map<string, number>;
  waiting: Map<string, number>;
}

function tally(c: SectionTally, t: Ticket, d: 1 | -1): void {
  if (!t.appointmentCode) {
    // Capacity is used where the ticket was issued, even after a transfer.
    const home = t.transfers[0]?.fromSectionId ?? t.sectionId;
    c.issued.set(home, (c.issued.get(home) ?? 0) + d);
  }
  if (isQueued(t)) c.waiting.set(t.sectionId, (c.waiting.get(t.sectionId) ?? 0) + d);
}

export function countSections(state: HallState): SectionTally {
  const c: SectionTally = { issued: new Map(), waiting: new Map() };
  for (const t of state.tickets.values()) tally(c, t, 1);
  return c;
}

/**
 * Section counts carried from one published state to the next by the tickets its events touch, so each
 * publication costs the tickets that changed rather than the whole day. A day opening, or any break in the
 * seq chain, recounts.
 */
export class SectionCounts {
  private state: HallState | null = null;
  private counts: SectionTally = { issued: new Map(), waiting: new Map() };

  advance(state: HallState, events: readonly HallEvent[]): SectionTally {
    const prev = this.state;
    const chained = prev !== null && events.length > 0 && events[0]!.seq === prev.seq + 1 && !events.some((e) => e.type === 'DayOpened');
    if (!chained) {
      this.counts = countSections(state);
    } else {
      const touched = new Set<string>();
      for (const e of events) {
        if ('ticketId' in e) touched.add(e.ticketId);
        if (e.type === 'TicketIssued') touched.add(e.ticket.id);
        if (e.type === 'TicketCalled' && e.finishedFirst) touched.add(e.finishedFirst);
        if (e.type === 'WindowSignedOut') {
          const cur = prev.windows[e.windowId]?.currentTicketId;
          if (cur) touched.add(cur);
        }
      }
      for (const id of touched) {
        const before = prev.tickets.get(id);
        const after = state.tickets.get(id);
        if (before === after) continue;
        if (before) tally(this.counts, before, -1);
        if (after) tally(this.counts, after, 1);
      }
    }
    this.state = state;
    return this.counts;
  }
}

const DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/** How a window number is read aloud: 3 → 三, 12 → 十二, 20 → 二十, 105 → 一百零五. */
export function numberWords(n: number): string[] {
  if (!Number.isInteger(n) || n < 0) return [...String(n)];
  if (n < 10) return [DIGITS[n]!];
  if (n < 20) return n === 10 ? ['十'] : ['十', DIGITS[n % 10]!];
  if (n < 100) return n % 10 === 0 ? [DIGITS[Math.floor(n / 10)]!, '十'] : [DIGITS[Math.floor(n / 10)]!, '十', DIGITS[n % 10]!];
  if (n < 1000) {
    const h = [DIGITS[Math.floor(n / 100)]!, '百'];
    const rest = n % 100;
    if (rest === 0) return h;
    if (rest < 10) return [...h, '零', DIGITS[rest]!];
    return [...h, ...(rest < 20 ? ['一', ...numberWords(rest)] : numberWords(rest))];
  }
  return [...String(n)].map((d) => DIGITS[Number(d)]!);
}
