// Counts that IssueTicket checks on every request (capacity, per-ID limits), memoised per tickets object.
// apply hands the index on to the tickets object it creates, so a server deciding against each new state
// never rescans the day's tickets. Pure memoisation: the answers equal a full recount.

import type { Ticket } from './types.js';
import type { TicketTable } from './ticket-table.js';

export interface TicketIndex {
  /** Walk-in tickets issued per section today (appointments are booked against slot capacity instead). */
  walkIns: Map<string, number>;
  /** Live (waiting/called/serving/transferred) tickets per idKey and section. */
  liveByIdSection: Map<string, number>;
  /** Tickets taken per idKey today. */
  byIdDay: Map<string, number>;
}

const cache = new WeakMap<TicketTable, TicketIndex>();

export const idSectionKey = (idKey: string, sectionId: string): string => `${idKey}\u0000${sectionId}`;

function isLiveStatus(t: Ticket): boolean {
  return t.status === 'waiting' || t.status === 'transferred' || t.status === 'called' || t.status === 'serving';
}

function add(m: Map<string, number>, k: string, d: number): void {
  const n = (m.get(k) ?? 0) + d;
  if (n === 0) m.delete(k);
  else m.set(k, n);
}

/** Adds (+1) or removes (−1) one ticket's contribution. */
function count(ix: TicketIndex, t: Ticket, d: 1 | -1): void {
  // A transfer moves the ticket, not the capacity it used: count it where it was issued.
  if (!t.appointmentCode) add(ix.walkIns, t.transfers[0]?.fromSectionId ?? t.sectionId, d);
  if (t.idKey) {
    add(ix.byIdDay, t.idKey, d);
    if (isLiveStatus(t)) add(ix.liveByIdSection, idSectionKey(t.idKey, t.sectionId), d);
  }
}

export function ticketIndex(tickets: TicketTable): TicketIndex {
  const cached = cache.get(tickets);
  if (cached) return cached;
  const ix: TicketIndex = { walkIns: new Map(), liveByIdSection: new Map(), byIdDay: new Map() };
  for (const t of tickets) count(ix, t, 1);
  cache.set(tickets, ix);
  return ix;
}

/**
 * Moves the index of `from` to `to`, updated for the tickets that changed (`[before, after]`; before is
 * undefined for a new ticket). `from` loses its index and rebuilds it if it is ever asked again.
 */
export function carryIndex(
  from: TicketTable,
  to: TicketTable,
  changed: [Ticket | undefined, Ticket][],
): void {
  const ix = cache.get(from);
  if (!ix || from === to) return;
  cache.delete(from);
  for (const [before, after] of changed) {
    if (before) count(ix, before, -1);
    count(ix, after, 1);
  }
  cache.set(to, ix);
}
