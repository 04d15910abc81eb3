import { expect } from 'chai';
import { apply, decide, initialState, QueueIndex, sectionQueue, TicketTable, windowQueue } from '../../../server/hall/index.js';
import { ticketIndex } from '../../../server/hall/ticket-index.js';
import type { Actor, Command, HallEvent, HallSetup, HallState, PriorityClass, Ticket, TransferTarget } from '../../../server/hall/types.js';
import { Harness, T, clerk, makeSetup } from './fixture.js';
import { prng } from '../../support/prng.js';

interface Gen {
  cmd: Command;
  actor: Actor;
  /** Deliberately malformed: BAD_COMMAND is the expected answer. */
  garbage: boolean;
}

function generator(rand: () => number, setup: HallSetup) {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const windows = setup.windows.map((w) => w.id);
  const sections = setup.sections.map((s) => s.id);
  const ids = ['id-1', 'id-2', 'id-3', 'id-4'];

  return (state: HallState): Gen => {
    const tickets = state.tickets.values().map((t) => t.id);
    const codes = Object.keys(state.appointments);
    const ticketId = (prefer?: string) => {
      const fitting = prefer ? tickets.filter((id) => state.tickets.get(id)!.status === prefer) : [];
      if (fitting.length > 0 && rand() < 0.8) return pick(fitting);
      return tickets.length > 0 && rand() < 0.9 ? pick(tickets) : '20260101-Z001';
    };
    const windowId = (prefer?: 'open' | 'current') => {
      const fitting = prefer
        ? windows.filter((w) => (prefer === 'open' ? state.windows[w]?.status === 'open' : !!state.windows[w]?.currentTicketId))
        : [];
      if (fitting.length > 0 && rand() < 0.8) return pick(fitting);
      return rand() < 0.97 ? pick(windows) : 'w-unknown';
    };
    const r = rand();
    let cmd: Command;
    if (r < 0.25) {
      const sectionId = rand() < 0.97 ? pick(sections) : 'Z';
      const c: Extract<Command, { type: 'IssueTicket' }> = { type: 'IssueTicket', sectionId };
      if (rand() < 0.5) c.idKey = pick(ids);
      if (rand() < 0.4) c.priority = pick<Exclude<PriorityClass, 'appointment'>>(['normal', 'priority', 'green']);
      if (codes.length > 0 && rand() < 0.15) c.appointmentCode = pick(codes);
      cmd = c;
    } else if (r < 0.45) cmd = { type: 'CallNext', windowId: windowId('open') };
    else if (r < 0.52) cmd = { type: 'SignIn', windowId: windowId(), clerk: clerk(Math.floor(rand() * 6) + 1) };
    else if (r < 0.53) cmd = { type: 'SignOut', windowId: windowId() };
    else if (r < 0.56) cmd = { type: 'CallTicket', windowId: windowId('open'), ticketId: ticketId('waiting'), reason: rand() < 0.8 ? '特殊情况' : '' };
    else if (r < 0.6) cmd = { type: 'Recall', windowId: windowId('current') };
    else if (r < 0.65) cmd = { type: 'Start', windowId: windowId('current') };
    else if (r < 0.7) cmd = { type: 'Finish', windowId: windowId('current') };
    else if (r < 0.76) cmd = { type: 'NoShow', windowId: windowId('current') };
    else if (r < 0.79) cmd = { type: 'Rejoin', ticketId: ticketId('no_show') };
    else if (r < 0.82) {
      const to: TransferTarget = rand() < 0.5 ? { sectionId: rand() < 0.9 ? pick(sections) : 'Z' } : { windowId: windowId() };
      cmd = { type: 'Transfer', windowId: windowId('current'), to };
    } else if (r < 0.84) cmd = { type: 'Pause', windowId: windowId() };
    else if (r < 0.86) cmd = { type: 'Resume', windowId: windowId() };
    else if (r < 0.88) cmd = { type: 'CancelTicket', ticketId: ticketId(), reason: '' };
    else if (r < 0.91) {
      const day = state.day ?? '2026-11-23';
      const offset = Math.floor(rand() * 10) - 1;
      const date = new Date(Date.parse(`${day}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);
      cmd = { type: 'BookAppointment', sectionId: pick(sections), date, slotStart: pick(['09:00', '10:00', '11:00']), ...(rand() < 0.5 ? { idKey: pick(ids) } : {}) };
    } else if (r < 0.92) cmd = { type: 'CancelAppointment', code: codes.length > 0 ? pick(codes) : 'NONE' };
    else if (r < 0.96) {
      const level = pick([1, 2, 3, 4, 5] as const);
      cmd = { type: 'Rate', ticketId: ticketId('done'), level, ...(rand() < 0.6 ? { reasons: ['等候太久'] } : {}) };
    } else if (r < 0.97) cmd = { type: 'RatingTimeout', ticketId: ticketId('done') };
    else if (r < 0.98) cmd = { type: 'OpenDay' };
    else {
      const junk: unknown[] = [null, {}, { type: 'Nope' }, { type: 'CallNext' }, { type: 'Rate', ticketId: 'x', level: 9 }, { type: 'Transfer', windowId: 'w1', to: {} }];
      return { cmd: pick(junk) as Command, actor: { kind: 'system' }, garbage: true };
    }

    const a = rand();
    let actor: Actor = { kind: 'system' };
    if (a < 0.15) actor = { kind: 'citizen', kioskId: 'k1' };
    else if (a < 0.3) {
      const w = 'windowId' in cmd && rand() < 0.8 ? (cmd as { windowId: string }).windowId : pick(windows);
      actor = { kind: 'clerk', clerk: clerk(Number(w.slice(1)) || 1), windowId: w };
    } else if (a < 0.35) actor = { kind: 'manager', userId: 'm' };
    return { cmd, actor, garbage: false };
  };
}

function checkInvariants(state: HallState, events: HallEvent[], where: string): void {
  expect(state.seq, where).to.equal(events.length);
  // The index apply carries forward must equal a recount over a fresh copy of the tickets.
  expect(ticketIndex(state.tickets), `${where}: carried ticket index drifted`).to.deep.equal(ticketIndex(TicketTable.of(state.tickets.values())));
  const current = new Map<string, string>();
  for (const w of Object.values(state.windows)) {
    if (w.status === 'closed') expect(w.currentTicketId, `${where}: closed window ${w.id} holds a ticket`).to.equal(undefined);
    if (!w.currentTicketId) continue;
    const t = state.tickets.get(w.currentTicketId);
    expect(t, `${where}: window ${w.id} points at a missing ticket`).to.not.equal(undefined);
    expect(['called', 'serving'], where).to.include(t!.status);
    expect(t!.windowId, `${where}: ticket ${t!.id} does not point back to ${w.id}`).to.equal(w.id);
    expect(current.has(t!.id), `${where}: ticket ${t!.id} current at two windows`).to.equal(false);
    current.set(t!.id, w.id);
  }
  for (const t of state.tickets) {
    expect(t.day, where).to.equal(state.day);
    if (t.status === 'called' || t.status === 'serving') expect(current.get(t.id), `${where}: ${t.number} ${t.status} but no window has it`).to.equal(t.windowId);
    if (t.holdCalls !== undefined) {
      expect(t.holdCalls, where).to.be.greaterThan(0);
      expect(t.status, where).to.equal('waiting');
      expect(t.headSince, `${where}: ${t.number} both holding and at the head`).to.equal(undefined);
    }
  }
}

/** The index's `ahead` for every queued ticket equals its place in the engine's section order. */
function aheadMatchesSectionOrder(index: QueueIndex, state: HallState, setup: HallSetup, now: number, where: string): void {
  for (const s of setup.sections) {
    sectionQueue(state, setup, s.id, now).forEach((t, i) => {
      expect(index.ahead(state, setup, t.id, now), `${where}: ahead of ${t.number} (${t.priority})`).to.equal(i);
    });
  }
  for (const t of state.tickets) if (t.status !== 'waiting' && t.status !== 'transferred') expect(index.ahead(state, setup, t.id, now), where).to.equal(0);
}

/** From `start`, signs in at `windowId`, clears it, and calls until empty: must match windowQueue in full. */
function drainMatchesPrediction(start: HallState, setup: HallSetup, windowId: string, now: number): number {
  let state = start;
  let seq = state.seq;
  const run = (cmd: Command) => {
    const d = decide(state, cmd, { now, setup, actor: { kind: 'system' } });
    if (d.ok) for (const b of d.events) state = apply(state, { ...b, seq: ++seq, at: now } as HallEvent, setup);
    return d;
  };
  run({ type: 'SignIn', windowId, clerk: clerk(9) });
  run({ type: 'Finish', windowId });
  const predicted = windowQueue(state, setup, windowId, now).map((t) => t.id);
  const called: string[] = [];
  for (let d = run({ type: 'CallNext', windowId }); d.ok; d = run({ type: 'CallNext', windowId })) {
    const e = d.events.find((x) => x.type === 'TicketCalled');
    if (e?.type === 'TicketCalled') called.push(e.ticketId);
    run({ type: 'Finish', windowId });
  }
  expect(called, `draining ${windowId}`).to.deep.equal(predicted);
  return called.length;
}

describe('random command sequences (seeded)', () => {
  const seeds = [1, 2, 3, 42, 2026, 90210];
  const STEPS = 1000;
  for (const seed of seeds) {
    it(`never throws, keeps the invariants and replays to the same state (seed ${seed})`, () => {
      const rand = prng(seed);
      const setup = makeSetup({
        rules: { normalPerPriority: 1 + Math.floor(rand() * 3), rejoinPositionsFromHead: Math.floor(rand() * 4), rejoinWithinMinutes: 120 },
        sections: { B: { dailyCapacity: 4 } },
      });
      const h = new Harness(setup, T('07:30'));
      h.newCode = rand() < 0.5 ? () => `C${Math.floor(rand() * 1e6)}` : undefined;
      const next = generator(rand, setup);
      const issued = new Set<string>();
      const codes = new Map<string, number>();
      let accepted = 0;
      // An independent model of rejoin holds: calls counted in the section since the rejoin.
      const holds = new Map<string, { section: string; hold: number; calls: number }>();
      // One index follows the states as a server's views do, now and then asked about an older state.
      const index = new QueueIndex();
      const randIndex = prng(seed ^ 0x5eed);
      const past: HallState[] = [];

      for (let step = 0; step < STEPS; step++) {
        const where = `seed ${seed} step ${step}`;
        if (rand() < 0.01) h.advance(24 * 60 - 60 + Math.floor(rand() * 120));
        else h.advance(Math.floor(rand() * 8));
        const g = next(h.state);
        const before = h.state;
        const predicted = g.cmd && typeof g.cmd === 'object' && g.cmd.type === 'CallNext' && before.day !== null
          ? windowQueue(before, setup, g.cmd.windowId, h.now)[0]?.id
          : undefined;
        let d;
        try {
          d = h.run(g.cmd, g.actor);
        } catch (err) {
          expect.fail(`${where}: ${JSON.stringify(g.cmd)} threw ${(err as Error).stack}`);
        }
        if (!d.ok) {
          if (g.garbage) expect(d.error.code, where).to.equal('BAD_COMMAND');
          else expect(d.error.code, `${where}: ${JSON.stringify(g.cmd)}`).to.not.equal('BAD_COMMAND');
          continue;
        }
        accepted++;
        for (const e of d.events) {
          if (e.type === 'TicketIssued') {
            const key = `${e.ticket.day}/${e.ticket.number}`;
            expect(issued.has(key), `${where}: number ${key} issued twice`).to.equal(false);
            issued.add(key);
            const n = (codes.get(`${e.ticket.day}/${e.ticket.sectionId}`) ?? 0) + 1;
            codes.set(`${e.ticket.day}/${e.ticket.sectionId}`, n);
            expect(h.state.counters[e.ticket.sectionId], where).to.be.at.least(n);
          }
          if (e.type === 'DayOpened') holds.clear();
          if (e.type === 'TicketRejoined') holds.set(e.ticketId, { section: h.state.tickets.get(e.ticketId)!.sectionId, hold: e.holdCalls, calls: 0 });
          if (e.type === 'TicketCalled' && !e.recall) {
            holds.delete(e.ticketId);
            const section = h.state.tickets.get(e.ticketId)?.sectionId;
            for (const x of holds.values()) if (x.section === section) x.calls++;
          }
          if (e.type === 'TicketCalled' && !e.recall && !e.outOfOrder && g.cmd.type === 'CallNext' && before.day === h.state.day) {
            expect(e.ticketId, `${where}: call-next and windowQueue disagree`).to.equal(predicted);
          }
        }
        checkInvariants(h.state, h.events, where);
        aheadMatchesSectionOrder(index, h.state, setup, h.now, where);
        past.push(h.state);
        if (randIndex() < 0.05) aheadMatchesSectionOrder(index, past[Math.floor(randIndex() * past.length)]!, setup, h.now, `${where} (older state)`);
        for (const [id, x] of holds) {
          const t = h.state.tickets.get(id);
          if (!t || t.status !== 'waiting') {
            holds.delete(id);
          } else if (x.calls < x.hold) {
            expect(t.holdCalls, `${where}: hold of ${t.number}`).to.equal(x.hold - x.calls);
          } else {
            expect(t.holdCalls, `${where}: hold of ${t.number} should have run out`).to.equal(undefined);
            expect(t.headSince, where).to.be.a('number');
          }
        }
      }

      expect(accepted, 'the sequence should exercise the domain').to.be.greaterThan(STEPS / 5);
      expect(issued.size).to.be.greaterThan(20);
      let replayed = initialState(setup);
      for (const e of h.events) replayed = apply(replayed, e, setup);
      expect(replayed).to.deep.equal(h.state);
      // What a checkpoint holds: JSON, with the ticket table written as its record and read back.
      const parsed = JSON.parse(JSON.stringify(h.state)) as Omit<HallState, 'tickets'> & { tickets: Record<string, Ticket> };
      expect({ ...parsed, tickets: TicketTable.fromJSON(parsed.tickets) }).to.deep.equal(h.state);
      let drained = 0;
      for (const w of setup.windows) drained += drainMatchesPrediction(h.state, setup, w.id, h.now);
      expect(drained, 'some tickets should be left to drain').to.be.greaterThan(0);
    });
  }
});

describe('speed', () => {
  it('measures 10,000 ticket decisions against 2,000 waiting tickets, and apply, call-next and queue costs', function () {
    this.timeout(120_000);
    const setup = makeSetup({ sections: { A: { dailyCapacity: 50_000 }, B: { dailyCapacity: 50_000 } } });
    const now = T('09:00');
    const ctx = (actor: Actor) => ({ now, setup, actor });
    const sys = ctx({ kind: 'system' });
    let state = initialState(setup);
    let seq = 0;
    const push = (cmd: Command) => {
      const d = decide(state, cmd, sys);
      if (!d.ok) return expect.fail(d.error.code);
      for (const b of d.events) state = apply(state, { ...b, seq: ++seq, at: now } as HallEvent, setup);
    };
    for (let i = 0; i < 2000; i++) push({ type: 'IssueTicket', sectionId: i % 2 ? 'A' : 'B', idKey: `id-${i}`, priority: i % 5 === 0 ? 'priority' : 'normal' });
    expect(state.tickets.values().map((t) => t.id)).to.have.length(2000);

    const t0 = performance.now();
    let okCount = 0;
    for (let i = 0; i < 10_000; i++) {
      const d = decide(state, { type: 'IssueTicket', sectionId: i % 2 ? 'A' : 'B', idKey: `new-${i}` }, ctx({ kind: 'citizen' }));
      if (d.ok) okCount++;
    }
    const decideMs = performance.now() - t0;
    expect(okCount).to.equal(10_000);

    // Deciding and applying each ticket in turn: apply copies the day's ticket record, so this grows with it.
    let chained = state;
    let chainSeq = seq;
    const t1 = performance.now();
    for (let i = 0; i < 2000; i++) {
      const d = decide(chained, { type: 'IssueTicket', sectionId: i % 2 ? 'A' : 'B', idKey: `chain-${i}` }, sys);
      if (!d.ok) return expect.fail(d.error.code);
      for (const b of d.events) chained = apply(chained, { ...b, seq: ++chainSeq, at: now } as HallEvent, setup);
    }
    const chainMs = performance.now() - t1;
    expect(chained.tickets.size).to.equal(4000);

    push({ type: 'SignIn', windowId: 'w3', clerk: clerk(3) });
    const t2 = performance.now();
    const q = windowQueue(state, setup, 'w3', now);
    const queueMs = performance.now() - t2;
    expect(q).to.have.length(2000);
    const t3 = performance.now();
    for (let i = 0; i < 100; i++) decide(state, { type: 'CallNext', windowId: 'w3' }, sys);
    const callMs = (performance.now() - t3) / 100;

    console.log(
      `      10,000 IssueTicket decisions vs 2,000 waiting: ${decideMs.toFixed(0)} ms; ` +
        `2,000 decide+apply from 2,000 to 4,000 tickets: ${chainMs.toFixed(0)} ms (${(chainMs / 2000).toFixed(2)} ms each); ` +
        `windowQueue over 2,000: ${queueMs.toFixed(1)} ms; CallNext decide: ${callMs.toFixed(2)} ms`,
    );
  });
});
