// Key figures as a fold over journaled events: any past day or range can be recomputed from the journal
// alone, with the same answer every time. Pure: no clock, no I/O.
//
// Attribution (written down because reports are compared across halls):
// - A ticket counts in the section it was issued in. A transfer also counts once as `transfersOut` of the
//   section it left and `transfersIn` of the one it went to.
// - wait = first call − issue; for a no-show that rejoined, the last call − issue (DESIGN.md).
// - Service time is start → finish of the segment finished at a window; `served` and service time belong
//   to the window (and the clerk signed in there) that finished the ticket.
// - no-show rate = tickets whose last call ended as a no-show ÷ tickets called at least once.
// - satisfaction = ratings at levels 3–5 ÷ ratings given (a pad timeout is not a rating).
// - A ticket still open when its day closed (rollover) counts as `rolledOver`, never as served.
// - Cases (办件) come from the case module when it reports them: a case completed in the range counts, on
//   time when it was completed on or before its promised day; it belongs to the section, window and clerk
//   that accepted it. Without case data the figure is null, never zero.

import type { HallEvent, RatingLevel } from '../hall/types.js';

/** Upper bounds (minutes, exclusive) of the waiting-time distribution's buckets; the last is open-ended. */
export const WAIT_BUCKETS = [5, 10, 15, 20, 30, 45, 60] as const;

export interface Figures {
  issued: number;
  called: number;
  served: number;
  noShow: number;
  /** noShow ÷ called, null before the first call. */
  noShowRate: number | null;
  cancelled: number;
  rolledOver: number;
  transfersOut: number;
  transfersIn: number;
  avgWaitSeconds: number | null;
  p90WaitSeconds: number | null;
  avgServiceSeconds: number | null;
  ratings: { 1: number; 2: number; 3: number; 4: number; 5: number; unrated: number };
  /** Share of given ratings at levels 3–5, null before the first rating. */
  satisfaction: number | null;
  /** Cases completed in the range and how many on time; null when no case data was given. */
  cases: { completed: number; onTime: number; onTimeRate: number | null } | null;
}

/** One case as the case module reports it, for the on-time completion rate. */
export interface CaseOutcome {
  sectionId: string;
  windowId: string;
  clerkId?: string;
  /** 'YYYY-MM-DD' promised completion day. */
  dueDate: string;
  /** 'YYYY-MM-DD' day it was completed (即办件: the acceptance day); absent while still open. */
  completedDay?: string;
}

export interface KpiReport {
  from: string;
  to: string;
  days: string[];
  hall: Figures;
  sections: ({ id: string } & Figures)[];
  windows: ({ id: string } & Figures)[];
  clerks: ({ id: string; name: string; staffNo: string } & Figures)[];
  /** Per local hour 0–23: tickets issued and served. */
  hourly: { hour: number; issued: number; served: number }[];
  /** Counts of waits per bucket of WAIT_BUCKETS (one more bucket than bounds: the open end). */
  waitDistribution: number[];
}

interface TicketRecord {
  id: string;
  day: string;
  sectionId: string;
  issuedAt: number;
  firstCalledAt?: number;
  lastCalledAt?: number;
  everNoShow: boolean;
  noShowNow: boolean;
  done: boolean;
}

class Tally {
  issued = 0;
  called = 0;
  served = 0;
  noShow = 0;
  cancelled = 0;
  rolledOver = 0;
  transfersOut = 0;
  transfersIn = 0;
  waits: number[] = [];
  services: number[] = [];
  ratings = { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0, unrated: 0 };
  cases: { completed: number; onTime: number } | null = null;

  figures(): Figures {
    const given = this.ratings[1] + this.ratings[2] + this.ratings[3] + this.ratings[4] + this.ratings[5];
    return {
      issued: this.issued,
      called: this.called,
      served: this.served,
      noShow: this.noShow,
      noShowRate: this.called ? this.noShow / this.called : null,
      cancelled: this.cancelled,
      rolledOver: this.rolledOver,
      transfersOut: this.transfersOut,
      transfersIn: this.transfersIn,
      avgWaitSeconds: mean(this.waits),
      p90WaitSeconds: percentile(this.waits, 0.9),
      avgServiceSeconds: mean(this.services),
      ratings: { ...this.ratings },
      satisfaction: given ? (this.ratings[3] + this.ratings[4] + this.ratings[5]) / given : null,
      cases: this.cases ? { ...this.cases, onTimeRate: this.cases.completed ? this.cases.onTime / this.cases.completed : null } : null,
    };
  }
}

function mean(xs: number[]): number | null {
  if (xs.length === 0) return null;
  return Math.round(xs.reduce((a, b) => a + b, 0) / xs.length / 1000);
}

/** Nearest-rank percentile, in seconds. */
export function percentile(xs: number[], p: number): number | null {
  if (xs.length === 0) return null;
  const sorted = [...xs].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return Math.round(sorted[rank - 1]! / 1000);
}

export function waitBucket(ms: number): number {
  const minutes = ms / 60000;
  const i = WAIT_BUCKETS.findIndex((b) => minutes < b);
  return i === -1 ? WAIT_BUCKETS.length : i;
}

export interface KpiOptions {
  /** First and last business day included, 'YYYY-MM-DD'. */
  from: string;
  to: string;
  /** Minutes east of UTC, for the hourly series. */
  utcOffsetMinutes: number;
  /** Case outcomes, if the case module reports them (any range: those completed from..to count). */
  cases?: CaseOutcome[];
}

/**
 * Folds events (oldest first; events before `from` may be included, they only seed window sign-ins) into
 * the figures of the business days from..to. The day of an event is the day the last DayOpened named.
 */
export function computeKpis(events: Iterable<HallEvent>, opts: KpiOptions): KpiReport {
  const hall = new Tally();
  const sections = new Map<string, Tally>();
  const windows = new Map<string, Tally>();
  const clerks = new Map<string, Tally>();
  const clerkInfo = new Map<string, { name: string; staffNo: string }>();
  const signedIn = new Map<string, string>();
  const tickets = new Map<string, TicketRecord>();
  const hourly = Array.from({ length: 24 }, (_, hour) => ({ hour, issued: 0, served: 0 }));
  const dist = new Array<number>(WAIT_BUCKETS.length + 1).fill(0);
  const days: string[] = [];
  let day: string | null = null;

  const tally = (m: Map<string, Tally>, key: string | undefined): Tally | null => {
    if (!key) return null;
    let t = m.get(key);
    if (!t) m.set(key, (t = new Tally()));
    return t;
  };
  const each = (fn: (t: Tally) => void, ...ts: (Tally | null)[]) => {
    for (const t of ts) if (t) fn(t);
  };
  const hourOf = (at: number) => new Date(at + opts.utcOffsetMinutes * 60000).getUTCHours();
  const inRange = () => day !== null && day >= opts.from && day <= opts.to;

  // Waits and no-shows are settled per ticket once its day is over (or the history ends).
  const settle = (r: TicketRecord) => {
    const targets = [hall, tally(sections, r.sectionId)];
    if (r.noShowNow && !r.done) {
      each((x) => x.noShow++, ...targets);
      return;
    }
    const calledAt = r.everNoShow ? r.lastCalledAt : r.firstCalledAt;
    if (calledAt === undefined) return;
    const wait = calledAt - r.issuedAt;
    each((x) => x.waits.push(wait), ...targets);
    dist[waitBucket(wait)]!++;
  };

  for (const e of events) {
    if (e.type === 'DayOpened') {
      // Tickets the day closed were issued in range only if their own day is.
      for (const id of e.closedTicketIds) {
        const r = tickets.get(id);
        if (r && r.day >= opts.from && r.day <= opts.to) each((t) => t.rolledOver++, hall, tally(sections, r.sectionId));
      }
      for (const r of tickets.values()) settle(r);
      tickets.clear();
      signedIn.clear();
      day = e.day;
      if (day > opts.to) break;
      if (inRange()) days.push(day);
      continue;
    }
    switch (e.type) {
      case 'WindowSignedIn':
        signedIn.set(e.windowId, e.clerk.id);
        clerkInfo.set(e.clerk.id, { name: e.clerk.name, staffNo: e.clerk.staffNo });
        continue;
      case 'WindowSignedOut':
        signedIn.delete(e.windowId);
        continue;
      default:
        break;
    }
    if (!inRange()) continue;
    switch (e.type) {
      case 'TicketIssued': {
        const t = e.ticket;
        tickets.set(t.id, { id: t.id, day: t.day, sectionId: t.sectionId, issuedAt: t.issuedAt, everNoShow: false, noShowNow: false, done: false });
        each((x) => x.issued++, hall, tally(sections, t.sectionId));
        hourly[hourOf(t.issuedAt)]!.issued++;
        break;
      }
      case 'TicketCalled': {
        const r = tickets.get(e.ticketId);
        if (!r) break;
        if (r.firstCalledAt === undefined) each((x) => x.called++, hall, tally(sections, r.sectionId));
        r.firstCalledAt ??= e.at;
        r.lastCalledAt = e.at;
        if (!e.recall) r.noShowNow = false;
        break;
      }
      case 'TicketNoShow': {
        const r = tickets.get(e.ticketId);
        if (r) {
          r.everNoShow = true;
          r.noShowNow = true;
        }
        break;
      }
      case 'TicketFinished': {
        const r = tickets.get(e.ticketId);
        const clerkId = signedIn.get(e.windowId);
        each(
          (x) => {
            x.served++;
            if (e.serviceMs > 0) x.services.push(e.serviceMs);
          },
          hall,
          r ? tally(sections, r.sectionId) : null,
          tally(windows, e.windowId),
          tally(clerks, clerkId),
        );
        if (r) r.done = true;
        hourly[hourOf(e.at)]!.served++;
        break;
      }
      case 'TicketTransferred': {
        const r = tickets.get(e.ticketId);
        if (!r) break;
        tally(sections, r.sectionId)!.transfersOut++;
        hall.transfersOut++;
        hall.transfersIn++;
        const to = 'sectionId' in e.to ? e.to.sectionId : undefined;
        if (to) tally(sections, to)!.transfersIn++;
        break;
      }
      case 'TicketCancelled': {
        const r = tickets.get(e.ticketId);
        each((x) => x.cancelled++, hall, r ? tally(sections, r.sectionId) : null);
        break;
      }
      case 'RatingRecorded': {
        const rt = e.rating;
        const r = tickets.get(rt.ticketId);
        const key: RatingLevel | 'unrated' = rt.level ?? 'unrated';
        each((x) => x.ratings[key]++, hall, r ? tally(sections, r.sectionId) : null, tally(windows, rt.windowId), tally(clerks, rt.clerkId));
        break;
      }
      default:
        break;
    }
  }

  for (const r of tickets.values()) settle(r);

  if (opts.cases) {
    const count = (t: Tally | null, onTime: boolean) => {
      if (!t) return;
      t.cases ??= { completed: 0, onTime: 0 };
      t.cases.completed++;
      if (onTime) t.cases.onTime++;
    };
    hall.cases = { completed: 0, onTime: 0 };
    for (const c of opts.cases) {
      if (!c.completedDay || c.completedDay < opts.from || c.completedDay > opts.to) continue;
      const onTime = c.completedDay <= c.dueDate;
      for (const t of [hall, tally(sections, c.sectionId), tally(windows, c.windowId), tally(clerks, c.clerkId)]) count(t, onTime);
    }
    // Every row says "no case completed" rather than "no data" once case data exists.
    for (const m of [sections, windows, clerks]) for (const t of m.values()) t.cases ??= { completed: 0, onTime: 0 };
  }

  const list = <T>(m: Map<string, Tally>, extra: (id: string) => T) =>
    [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([id, t]) => ({ id, ...extra(id), ...t.figures() }));
  return {
    from: opts.from,
    to: opts.to,
    days,
    hall: hall.figures(),
    sections: list(sections, () => ({})),
    windows: list(windows, () => ({})),
    clerks: list(clerks, (id) => clerkInfo.get(id) ?? { name: id, staffNo: '' }),
    hourly,
    waitDistribution: dist,
  };
}
