import { expect } from 'chai';
import { initialState, QueueIndex, sectionQueue, TicketTable } from '../../../server/hall/index.js';
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
});
