import { expect } from 'chai';
import { initialState, QueueIndex, sectionQueue, TicketTable } from '../../../server/hall/index.js';
import { pickNext, windowQueue } from '../../../server/hall/queue.js';
import type { HallState, Ticket } from '../../../server/hall/types.js';
import { makeSetup, tableTicket as ticket } from './fixture.js';

const setup = makeSetup();
const NOW = 5_000_000;

const stateOf = (tickets: TicketTable): HallState => ({ ...initialState(setup), day: '2026-11-23', tickets });

/** Every ticket's `ahead` from the index equals its place in the engine's order for its section. */
function expectEngineOrder(index: QueueIndex, state: HallState): number {
  let checked = 0;
  for (const s of setup.sections) {
    sectionQueue(state, setup, s.id, NOW).forEach((t, i) => {
      expect(index.ahead(state, setup, t.id, NOW), `ahead of ${t.id}`).to.equal(i);
      checked++;
    });
  }
  return checked;
}

describe('QueueIndex', () => {
  it('counts plain tickets ahead in issue order, and drops called ones', () => {
    const index = new QueueIndex();
    let table = TicketTable.of(Array.from({ length: 300 }, (_, i) => ticket(i + 1)));
    expect(index.ahead(stateOf(table), setup, ticket(300).id, NOW)).to.equal(299);
    expect(index.ahead(stateOf(table), setup, ticket(1).id, NOW)).to.equal(0);
    // Calls take the oldest 200: enough dead entries to compact the line.
    table = table.with(Array.from({ length: 200 }, (_, i) => ticket(i + 1, { status: 'called' })));
    const s = stateOf(table);
    expect(index.ahead(s, setup, ticket(300).id, NOW)).to.equal(99);
    expect(index.ahead(s, setup, ticket(5).id, NOW), 'a called ticket has nobody ahead').to.equal(0);
    expect(expectEngineOrder(index, s)).to.equal(100);
  });

  it('follows the engine once other classes are queued, and goes back to counting when they leave', () => {
    const index = new QueueIndex();
    let table = TicketTable.of(Array.from({ length: 20 }, (_, i) => ticket(i + 1)));
    table = table.with([ticket(21, { priority: 'priority' }), ticket(22, { priority: 'green' }), ticket(23, { holdCalls: 2 }), ticket(24, { headSince: 1_500 })]);
    const mixed = stateOf(table);
    expect(expectEngineOrder(index, mixed)).to.equal(24);
    expect(index.ahead(mixed, setup, ticket(24).id, NOW), 'the head ticket is first').to.equal(0);
    table = table.with([21, 22, 23, 24].map((n) => ticket(n, { status: 'cancelled' })));
    const plain = stateOf(table);
    expect(index.ahead(plain, setup, ticket(20).id, NOW)).to.equal(19);
    // An older state is answered as exactly, in either direction.
    expect(index.ahead(mixed, setup, ticket(20).id, NOW)).to.equal(sectionQueue(mixed, setup, 'A', NOW).findIndex((t) => t.id === ticket(20).id));
  });

  it('places a ticket that turns plain after later ones in issue order', () => {
    const index = new QueueIndex();
    let table = TicketTable.of(Array.from({ length: 10 }, (_, i) => ticket(i + 1, i === 2 ? { priority: 'priority' } : {})));
    expectEngineOrder(index, stateOf(table));
    table = table.with([ticket(3)]);
    const s = stateOf(table);
    expect(index.ahead(s, setup, ticket(3).id, NOW)).to.equal(2);
    expect(index.ahead(s, setup, ticket(10).id, NOW)).to.equal(9);
    expect(expectEngineOrder(index, s)).to.equal(10);
  });

  it('starts over on a table of another day and moves a ticket between sections', () => {
    const index = new QueueIndex();
    const day1 = TicketTable.of(Array.from({ length: 70 }, (_, i) => ticket(i + 1)));
    expectEngineOrder(index, stateOf(day1));
    const day2 = TicketTable.of([ticket(1, { issuedAt: 90_000 }), ticket(2, { issuedAt: 90_001, sectionId: 'B' })]);
    expect(index.ahead(stateOf(day2), setup, ticket(1).id, NOW)).to.equal(0);
    expect(index.ahead(stateOf(day2), setup, ticket(2).id, NOW)).to.equal(0);
    const moved = day2.with([ticket(1, { issuedAt: 90_000, sectionId: 'B' })]);
    expect(index.ahead(stateOf(moved), setup, ticket(2).id, NOW)).to.equal(1);
    expect(index.queued(stateOf(moved), 'A')).to.deep.equal([]);
  });
  it('gives call-next the same pick and window order from its queued tickets as from a walk of the day, over many random days', () => {
    // A small seeded generator (mulberry32), so a failure names a day that can be replayed.
    const rand = (seed: number) => () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const sections = ['A', 'B', 'C'] as const;
    const windows = setup.windows;
    let compared = 0;
    for (let day = 1; day <= 60; day++) {
      const r = rand(day);
      const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
      const make = (n: number): Ticket => {
        const sectionId = pick(sections);
        const extra: Partial<Ticket> = { sectionId, number: `${sectionId}${String(n).padStart(4, '0')}`, id: `20261123-${sectionId}${String(n).padStart(4, '0')}`, issuedAt: 1_000 + Math.floor(r() * 400) };
        const roll = r();
        if (roll < 0.1) extra.priority = 'priority';
        else if (roll < 0.14) extra.priority = 'green';
        if (r() < 0.1) extra.holdCalls = 1 + Math.floor(r() * 3);
        if (r() < 0.06) extra.headSince = 1_200 + Math.floor(r() * 100);
        if (r() < 0.12) {
          extra.appointmentCode = `AP${n}`;
          const start = NOW + Math.floor((r() - 0.5) * 4 * 3_600_000);
          extra.slot = { start, end: start + 3_600_000 };
        }
        const st = r();
        extra.status = st < 0.55 ? 'waiting' : st < 0.65 ? 'transferred' : st < 0.75 ? 'called' : st < 0.9 ? 'done' : 'cancelled';
        if (extra.status === 'transferred') extra.transferTarget = r() < 0.5 ? { windowId: pick(windows).id } : { sectionId };
        return ticket(n, extra);
      };
      const index = new QueueIndex();
      let table = TicketTable.of(Array.from({ length: 40 + Math.floor(r() * 200) }, (_, i) => make(i + 1)));
      for (let step = 0; step < 4; step++) {
        const state: HallState = stateOf(table);
        for (const w of windows) {
          state.windows[w.id] = { ...state.windows[w.id]!, normalsSincePriority: Math.floor(r() * 3), credits: { A: Math.floor(r() * 3) - 1, B: Math.floor(r() * 3) - 1 } };
        }
        const queued = index.allQueued(state);
        for (const w of windows) {
          const walked = pickNext(state, setup, w, NOW);
          const indexed = pickNext(state, setup, w, NOW, queued);
          expect(indexed?.ticket.id, `day ${day} step ${step} window ${w.id}`).to.equal(walked?.ticket.id);
          expect(indexed?.counters, `day ${day} step ${step} window ${w.id} counters`).to.deep.equal(walked?.counters);
          expect(windowQueue(state, setup, w.id, NOW, queued).map((t) => t.id), `day ${day} step ${step} window ${w.id} order`).to.deep.equal(windowQueue(state, setup, w.id, NOW).map((t) => t.id));
          compared++;
        }
        // The day moves on: some tickets change, some are new; the index follows the changed chunks.
        const size = table.size;
        const changed = Array.from({ length: 1 + Math.floor(r() * 30) }, () => make(1 + Math.floor(r() * (size + 20))));
        table = table.with(changed);
      }
    }
    expect(compared).to.equal(60 * 4 * windows.length);
  });
});
