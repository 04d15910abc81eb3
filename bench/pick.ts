// Call-next's pick on a long day: the pick over the queued tickets a QueueIndex keeps, against the walk of
// every ticket of the day it replaced (the baseline), both in this process, both warmed up. The day has
// 5,000 tickets of which 100 still wait, as a busy hall has by late afternoon.

import { initialState, QueueIndex, TicketTable } from '../server/hall/index.js';
import { pickNext } from '../server/hall/queue.js';
import type { HallSetup, HallState, Ticket } from '../server/hall/types.js';
import { loadConfig } from '../config/schema.js';
import { round } from './stats.js';

export interface PickBench {
  tickets: number;
  waiting: number;
  walkUs: number;
  indexedUs: number;
  ratio: number;
}

function day(setup: HallSetup, size: number, waiting: number): HallState {
  const sections = setup.sections.map((s) => s.id);
  const tickets: Ticket[] = [];
  for (let n = 1; n <= size; n++) {
    const sectionId = sections[n % sections.length]!;
    const prefix = setup.sections.find((s) => s.id === sectionId)!.prefix;
    const number = `${prefix}${String(n).padStart(4, '0')}`;
    tickets.push({
      id: `20261123-${number}`,
      number,
      day: '2026-11-23',
      sectionId,
      priority: 'normal',
      status: n > size - waiting ? 'waiting' : 'done',
      issuedAt: 1_000 + n,
      calls: n > size - waiting ? 0 : 1,
      transfers: [],
    } as Ticket);
  }
  return { ...initialState(setup), day: '2026-11-23', tickets: TicketTable.of(tickets) };
}

function timeUs(fn: () => unknown, rounds: number): number {
  for (let i = 0; i < rounds; i++) fn(); // warm-up
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) fn();
  return Number(process.hrtime.bigint() - t0) / 1000 / rounds;
}

export function benchPick(size = 5_000, waiting = 100, rounds = 2_000): PickBench {
  const setup = loadConfig().setup;
  const state = day(setup, size, waiting);
  const win = setup.windows[0]!;
  const index = new QueueIndex();
  const walkUs = timeUs(() => pickNext(state, setup, win, 5_000_000), rounds);
  // As call-next runs it: the index follows the state (already in step here) and hands over the queued.
  const indexedUs = timeUs(() => pickNext(state, setup, win, 5_000_000, index.allQueued(state)), rounds);
  return { tickets: size, waiting, walkUs: round(walkUs, 1), indexedUs: round(indexedUs, 1), ratio: round(indexedUs / walkUs, 3) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = benchPick();
  console.log(`call-next pick, ${r.tickets} tickets (${r.waiting} waiting): walk ${r.walkUs} µs, indexed ${r.indexedUs} µs (${r.ratio}×)`);
}
