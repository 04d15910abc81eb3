// People ahead, without walking the day. Every ticket answer carries `ahead`, and the exact answer is the
// ticket's place in the section's call order (queue.ts: sectionQueue), whose simulation costs the whole
// section queue per state. A burst of kiosk tickets made that the largest cost of issuing one.
//
// The index follows the hall state by the chunks its ticket table changed (TicketTable.changedIds), and
// keeps per section the queued tickets in call order for the case that covers most of a day: every queued
// ticket is a plain normal one (no priority class, appointment, head place or rejoin hold), where the call
// order is issue order. Then `ahead` is the number of live entries before the ticket. With any other
// ticket queued in the section, the pick engine's own simulation answers, over the section's queued
// tickets only (still no walk of the day).

import { isQueued, Picker, type PickWindow } from './queue.js';
import type { HallSetup, HallState, Ticket } from './types.js';
import { TicketTable } from './ticket-table.js';

/** A plain ticket's place: issue order, as the pick engine's byIssued. */
interface Entry {
  id: string;
  issuedAt: number;
  live: boolean;
  /** Index in its line's `entries`. */
  i: number;
}

const before = (a: { issuedAt: number; id: string }, b: { issuedAt: number; id: string }): boolean =>
  a.issuedAt < b.issuedAt || (a.issuedAt === b.issuedAt && a.id < b.id);

/** One section's queued tickets: plain ones in call order, the rest by id. */
class Line {
  entries: Entry[] = [];
  live = 0;
  readonly others = new Set<string>();

  add(id: string, issuedAt: number): Entry {
    const e: Entry = { id, issuedAt, live: true, i: this.entries.length };
    const last = this.entries.at(-1);
    if (!last || before(last, e)) this.entries.push(e);
    else {
      // Rare: a ticket that becomes plain again after later ones joined (a hold ran out, a transfer back).
      let lo = 0;
      let hi = this.entries.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (before(this.entries[mid]!, e)) lo = mid + 1;
        else hi = mid;
      }
      this.entries.splice(lo, 0, e);
      for (let k = lo; k < this.entries.length; k++) this.entries[k]!.i = k;
    }
    this.live++;
    return e;
  }

  remove(e: Entry): void {
    e.live = false;
    this.live--;
    // Calls take the oldest first, so dead entries gather at the front; drop them once they dominate.
    const dead = this.entries.length - this.live;
    if (dead > 64 && dead * 2 > this.entries.length) {
      this.entries = this.entries.filter((x) => x.live);
      this.entries.forEach((x, k) => (x.i = k));
    }
  }

  /** Live plain entries before `e`, counted from the tail: a new ticket sits near it. */
  ahead(e: Entry): number {
    let after = 0;
    for (let k = this.entries.length - 1; k > e.i; k--) if (this.entries[k]!.live) after++;
    return this.live - 1 - after;
  }
}

interface Place {
  sectionId: string;
  /** Set for a plain ticket. */
  entry?: Entry;
}

export function isPlain(t: Ticket): boolean {
  return t.priority === 'normal' && t.headSince === undefined && !(t.holdCalls !== undefined && t.holdCalls > 0);
}

export class QueueIndex {
  #table: TicketTable = TicketTable.empty();
  readonly #lines = new Map<string, Line>();
  readonly #places = new Map<string, Place>();
  /** The engine's answer for a section with non-plain tickets, kept per state and second. */
  #simulated: { table: TicketTable; setup: HallSetup; second: number; bySection: Map<string, Map<string, number>> } | null = null;

  /** People the section's queue calls before this ticket; 0 when it is not waiting. Equals ticketsAhead. */
  ahead(state: HallState, setup: HallSetup, ticketId: string, now: number): number {
    const t = state.tickets.get(ticketId);
    if (!t || !isQueued(t)) return 0;
    this.follow(state.tickets);
    const line = this.#lines.get(t.sectionId)!;
    const place = this.#places.get(t.id)!;
    if (line.others.size === 0 && place.entry) return line.ahead(place.entry);
    return this.simulated(state, setup, t, now);
  }

  /** The section's queued tickets, in no particular order. */
  queued(state: HallState, sectionId: string): Ticket[] {
    this.follow(state.tickets);
    const line = this.#lines.get(sectionId);
    if (!line) return [];
    const out: Ticket[] = [];
    for (const e of line.entries) if (e.live) out.push(state.tickets.get(e.id)!);
    for (const id of line.others) out.push(state.tickets.get(id)!);
    return out;
  }

  /** Every queued ticket of the state, section by section (call-next picks among these). */
  allQueued(state: HallState): Ticket[] {
    this.follow(state.tickets);
    const out: Ticket[] = [];
    for (const line of this.#lines.values()) {
      for (const e of line.entries) if (e.live) out.push(state.tickets.get(e.id)!);
      for (const id of line.others) out.push(state.tickets.get(id)!);
    }
    return out;
  }

  private simulated(state: HallState, setup: HallSetup, t: Ticket, now: number): number {
    const second = Math.floor(now / 1000);
    let memo = this.#simulated;
    if (!memo || memo.table !== state.tickets || memo.setup !== setup || memo.second !== second) {
      memo = this.#simulated = { table: state.tickets, setup, second, bySection: new Map() };
    }
    let order = memo.bySection.get(t.sectionId);
    if (!order) {
      const win: PickWindow = { id: `section:${t.sectionId}`, sectionIds: [t.sectionId], policy: 'fifo' };
      const picker = new Picker(this.queued(state, t.sectionId), win, { normalsSincePriority: 0, credits: {} }, setup.rules, now);
      order = new Map<string, number>();
      for (let pick = picker.take(), i = 0; pick; pick = picker.take(), i++) order.set(pick.ticket.id, i);
      memo.bySection.set(t.sectionId, order);
    }
    return order.get(t.id) ?? 0;
  }

  /** Moves the index to `table`, touching only the tickets of chunks that differ. */
  private follow(table: TicketTable): void {
    if (table === this.#table) return;
    for (const id of table.changedIds(this.#table)) this.place(id, table.get(id));
    this.#table = table;
  }

  private place(id: string, t: Ticket | undefined): void {
    const old = this.#places.get(id);
    const queued = t !== undefined && isQueued(t);
    if (old && queued && old.sectionId === t.sectionId && (old.entry ? isPlain(t) && old.entry.issuedAt === t.issuedAt : !isPlain(t))) return;
    if (old) {
      const line = this.#lines.get(old.sectionId)!;
      if (old.entry) line.remove(old.entry);
      else line.others.delete(id);
      this.#places.delete(id);
    }
    if (!queued) return;
    let line = this.#lines.get(t.sectionId);
    if (!line) this.#lines.set(t.sectionId, (line = new Line()));
    if (isPlain(t)) this.#places.set(id, { sectionId: t.sectionId, entry: line.add(id, t.issuedAt) });
    else {
      line.others.add(id);
      this.#places.set(id, { sectionId: t.sectionId });
    }
  }
}
