// The day's tickets as an immutable table. Applying an event must leave the old state intact (decide looks
// ahead, the runtime publishes an older state while a newer one is being written), yet copying a record of
// every ticket on each event made a busy day's cost grow with its length. Here a change copies only the
// chunk of 64 that holds the ticket plus the chunk list, so a day of 10,000 tickets copies ~220 slots.
//
// Tickets keep the order in which they joined the table (issue order within a day).

import type { Ticket } from './types.js';

const SHIFT = 6;
const CHUNK = 1 << SHIFT;
const MASK = CHUNK - 1;

/**
 * Where each id sits, shared by every table grown from the same start. Positions are only ever added at
 * `length`, so a table of size n reads the entries below n and ignores later ones. A table that grows
 * while a later table already exists (a branch) takes its own copy first.
 */
class Positions {
  readonly at: Map<string, number>;
  length: number;

  constructor(at = new Map<string, number>(), length = 0) {
    this.at = at;
    this.length = length;
  }

  /** A copy holding only the first `n` positions. */
  prefix(n: number): Positions {
    const at = new Map<string, number>();
    for (const [id, i] of this.at) if (i < n) at.set(id, i);
    return new Positions(at, n);
  }
}

// Private (#) fields leave no enumerable keys: Object.values(table) is empty rather than internals, and
// deep equality (chai) falls back to comparing the iterated tickets.
export class TicketTable implements Iterable<Ticket> {
  readonly #chunks: readonly (readonly Ticket[])[];
  readonly #size: number;
  readonly #positions: Positions;

  private constructor(chunks: readonly (readonly Ticket[])[], size: number, positions: Positions) {
    this.#chunks = chunks;
    this.#size = size;
    this.#positions = positions;
  }

  /** Number of tickets. */
  get size(): number {
    return this.#size;
  }

  static empty(): TicketTable {
    return new TicketTable([], 0, new Positions());
  }

  static of(tickets: Iterable<Ticket>): TicketTable {
    return TicketTable.empty().with(tickets);
  }

  /** From the plain record `toJSON` writes (checkpoints). */
  static fromJSON(record: Record<string, Ticket>): TicketTable {
    return TicketTable.of(Object.values(record));
  }

  private indexOf(id: string): number | undefined {
    const i = this.#positions.at.get(id);
    return i !== undefined && i < this.#size ? i : undefined;
  }

  /** The ticket's place in issue order (the order `values()` gives), or undefined when it is not here. */
  position(id: string): number | undefined {
    return this.indexOf(id);
  }

  get(id: string): Ticket | undefined {
    const i = this.indexOf(id);
    return i === undefined ? undefined : this.#chunks[i >> SHIFT]![i & MASK];
  }

  has(id: string): boolean {
    return this.indexOf(id) !== undefined;
  }

  /** A table with these tickets replaced (same id) or appended; this one is left as it was. */
  with(changed: Iterable<Ticket>): TicketTable {
    const chunks = this.#chunks.slice();
    const copied = new Set<number>();
    let positions = this.#positions;
    let size = this.#size;
    const writable = (c: number): Ticket[] => {
      if (c === chunks.length) chunks.push([]);
      else if (!copied.has(c)) chunks[c] = chunks[c]!.slice();
      copied.add(c);
      return chunks[c] as Ticket[];
    };
    for (const t of changed) {
      const at = positions.at.get(t.id);
      if (at !== undefined && at < size) {
        writable(at >> SHIFT)[at & MASK] = t;
        continue;
      }
      // Appending: a branch (someone already grew the shared positions past this table) copies them first.
      if (positions.length !== size) positions = positions.prefix(size);
      writable(size >> SHIFT).push(t);
      positions.at.set(t.id, size);
      size++;
      positions.length = size;
    }
    if (size === this.#size && copied.size === 0) return this;
    return new TicketTable(chunks, size, positions);
  }

  /**
   * Ids whose ticket may differ between this table and `other`: every id in a chunk the two tables do not
   * share. Tables grown from one another share every untouched chunk, so after a batch this is the batch's
   * chunks only; unrelated tables (another day, a restored checkpoint) share none and list every id.
   */
  changedIds(other: TicketTable): Set<string> {
    const out = new Set<string>();
    const a = this.#chunks;
    const b = other.#chunks;
    for (let c = 0; c < Math.max(a.length, b.length); c++) {
      if (a[c] === b[c]) continue;
      for (const t of a[c] ?? []) out.add(t.id);
      for (const t of b[c] ?? []) out.add(t.id);
    }
    return out;
  }

  /** Only the tickets that pass `keep`, in the same order (a day opening drops older days). */
  filter(keep: (t: Ticket) => boolean): TicketTable {
    return TicketTable.of(this.values().filter(keep));
  }

  values(): Ticket[] {
    const out: Ticket[] = new Array<Ticket>(this.#size);
    let i = 0;
    for (const chunk of this.#chunks) for (const t of chunk) out[i++] = t;
    return out;
  }

  *[Symbol.iterator](): Iterator<Ticket> {
    for (const chunk of this.#chunks) yield* chunk;
  }

  /** Checkpoints and tests see the plain record `{id: ticket}` in table order. */
  toJSON(): Record<string, Ticket> {
    const out: Record<string, Ticket> = {};
    for (const chunk of this.#chunks) for (const t of chunk) out[t.id] = t;
    return out;
  }
}
