// Feeds the outbox from the hall's journal: every rating (好差评) as it is recorded, and each business day's
// figures when the next day opens. The outbox stores, with the items, the seq of the last hall event fed
// ("hall-seq", in the same atomic record), so after any crash the feed resumes from the journal exactly
// where it stopped: nothing is skipped, nothing is enqueued twice.

import type { Hall, Publication } from '../hall/hall.js';
import type { HallEvent, HallSetup } from '../hall/types.js';
import { isoWithOffset, type DailyStatsPush, type RatingPush } from './contract.js';
import { dailyFigures } from './daily-stats.js';
import type { Outbox, OutboxInput } from './outbox.js';

export const HALL_SEQ_MARK = 'hall-seq';

export interface FeedOptions {
  hall: Hall;
  outbox: Outbox;
  hallCode: string;
  /** Staff number of a clerk account id, if known (ratings name the clerk by staff number). */
  staffNo: (clerkId: string) => string | undefined;
  now: () => number;
  log: (level: 'info' | 'warn' | 'error', msg: string, fields: Record<string, unknown>) => void;
}

/** '20260315-A012' → { day: '2026-03-15', number: 'A012' } */
export function splitTicketId(ticketId: string): { day: string; number: string } | null {
  const m = /^(\d{4})(\d{2})(\d{2})-([A-Z]\d{3,})$/.exec(ticketId);
  return m ? { day: `${m[1]}-${m[2]}-${m[3]}`, number: m[4]! } : null;
}

export class CentralFeed {
  private readonly o: FeedOptions;
  private fed: number;
  private chain: Promise<void> = Promise.resolve();
  private readonly buffered: Publication[] = [];
  private caughtUp = false;
  private unsubscribe: (() => void) | null = null;
  private stopped = false;
  /** The mark as last written to the outbox. */
  private saved: number;
  private markTimer: NodeJS.Timeout | null = null;

  constructor(o: FeedOptions) {
    this.o = o;
    const mark = o.outbox.mark(HALL_SEQ_MARK);
    this.fed = typeof mark === 'number' ? mark : 0;
    this.saved = this.fed;
  }

  get setup(): HallSetup {
    return this.o.hall.setup;
  }

  /** Hall events up to this seq are in the outbox. */
  get fedSeq(): number {
    return this.fed;
  }

  /** Subscribes to new events, then catches up from the journal; resolves when caught up. */
  async start(): Promise<void> {
    this.unsubscribe = this.o.hall.subscribe((p) => {
      if (!this.caughtUp) return void this.buffered.push(p);
      this.chain = this.chain.then(() => this.feed(p.events)).catch((err: unknown) => this.failed(err));
    });
    const upTo = this.o.hall.journal.lastSeq;
    if (this.fed < upTo) {
      const events: HallEvent[] = [];
      for await (const e of this.o.hall.journal.readSince(this.fed)) {
        if (e.seq > upTo) break;
        events.push(e);
        // Feed in slices so a long history does not build one huge record.
        if (events.length >= 500) await this.feed(events.splice(0));
      }
      await this.feed(events);
    }
    this.caughtUp = true;
    const later = this.buffered.splice(0).flatMap((p) => p.events);
    this.chain = this.chain.then(() => this.feed(later)).catch((err: unknown) => this.failed(err));
    await this.chain;
    await this.saveMark();
    this.markTimer = setInterval(() => {
      this.chain = this.chain.then(() => this.saveMark()).catch((err: unknown) => this.failed(err));
    }, 60_000);
    this.markTimer.unref();
  }

  /** Waits for what is being fed now (tests, shutdown). */
  async idle(): Promise<void> {
    await this.chain;
  }

  /** Stops feeding; `idle()` then waits for the last writes, including the mark. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.unsubscribe?.();
    if (this.markTimer) clearInterval(this.markTimer);
    this.chain = this.chain.then(() => this.saveMark()).catch((err: unknown) => this.failed(err));
  }

  private failed(err: unknown): void {
    // The mark did not move: a restart feeds these events again from the journal.
    this.o.log('error', 'central feed: events not put in the outbox; they will be fed again after a restart', { err: (err as Error).message });
  }

  private async feed(events: HallEvent[]): Promise<void> {
    const fresh = events.filter((e) => e.seq > this.fed);
    if (fresh.length === 0 || this.stopped) return;
    const items: OutboxInput[] = [];
    for (const e of fresh) {
      if (e.type === 'RatingRecorded') {
        const r = this.rating(e);
        if (r) items.push(r);
      } else if (e.type === 'DayOpened') {
        const s = await this.dayClosed(e);
        if (s) items.push(s);
      }
    }
    const last = fresh.at(-1)!.seq;
    if (items.length === 0) {
      // Most events owe central nothing: no write on the hot path. The mark catches up with the next item or
      // the periodic save; a restart before then only reads those events again and finds nothing to send.
      this.fed = last;
      return;
    }
    // Items and the mark in one record: after a crash both are there or neither.
    await this.o.outbox.enqueueMany(items, { [HALL_SEQ_MARK]: last });
    this.fed = last;
    this.saved = last;
  }

  /** Stores the mark if events without items moved it (bounds what a restart reads again). */
  async saveMark(): Promise<void> {
    if (this.fed <= this.saved) return;
    const fed = this.fed;
    await this.o.outbox.setMark(HALL_SEQ_MARK, fed);
    this.saved = Math.max(this.saved, fed);
  }

  private rating(e: Extract<HallEvent, { type: 'RatingRecorded' }>): OutboxInput | null {
    const r = e.rating;
    if (r.level === null) return null; // the pad timed out: nothing was rated
    const id = splitTicketId(r.ticketId);
    if (!id) return null;
    const ticket = this.o.hall.state.tickets.get(r.ticketId);
    const win = this.setup.windows.find((w) => w.id === r.windowId);
    const staffNo = r.clerkId ? this.o.staffNo(r.clerkId) : undefined;
    const offset = this.setup.calendar.utcOffsetMinutes;
    const payload: RatingPush = {
      ratingId: `${this.o.hallCode}-${r.ticketId}`.slice(0, 64),
      hallCode: this.o.hallCode,
      day: id.day,
      ticketNumber: id.number,
      ...(ticket ? { sectionId: ticket.sectionId } : {}),
      ...(ticket?.serviceCode ? { serviceCode: ticket.serviceCode } : {}),
      windowId: r.windowId,
      windowNumber: win?.number ?? 0,
      ...(staffNo ? { staffNo } : {}),
      level: r.level,
      reasons: r.reasons,
      ...(r.comment ? { comment: r.comment } : {}),
      ratedAt: isoWithOffset(r.at, offset),
      ...(e.followUp ? { followUpDueDate: e.followUp.dueDate } : {}),
    };
    return { kind: 'rating', key: `rating:${r.ticketId}`, idempotencyKey: `rating:${this.o.hallCode}:${r.ticketId}`, payload };
  }

  /** The figures of the day before the one that just opened, folded from that day's journal file. */
  private async dayClosed(e: Extract<HallEvent, { type: 'DayOpened' }>): Promise<OutboxInput | null> {
    const days = (await this.o.hall.journal.days()).filter((d) => d < e.day);
    const closed = days.at(-1);
    if (!closed) return null;
    const events: HallEvent[] = [];
    for await (const x of this.o.hall.journal.readSince(0, closed)) {
      if (x.seq >= e.seq) break;
      events.push(x);
    }
    const figures = dailyFigures(
      closed,
      events,
      this.setup.sections.map((s) => s.id),
    );
    const payload: DailyStatsPush = { hallCode: this.o.hallCode, ...figures, generatedAt: isoWithOffset(this.o.now(), this.setup.calendar.utcOffsetMinutes) };
    return { kind: 'daily-stats', key: 'daily-stats', idempotencyKey: `daily-stats:${this.o.hallCode}:${closed}`, payload };
  }
}
