import { expect } from 'chai';
import {
  bookingSuggestion,
  estimateWaitMinutes,
  sectionQueue,
  ticketsAhead,
  waitingCount,
  windowQueue,
} from '../../../server/hall/index.js';
import { CITIZEN, Harness, T, makeSetup } from './fixture.js';

describe('queue queries', () => {
  it('orders a section like a FIFO window serving only it, with the interleave counter at zero', () => {
    const h = new Harness();
    for (const priority of ['priority', 'normal', 'normal', 'normal', 'green'] as const) {
      h.issue('A', { priority });
      h.advance(1);
    }
    h.issue('B');
    expect(sectionQueue(h.state, h.setup, 'A', h.now).map((t) => t.number)).to.deep.equal(['A005', 'A002', 'A003', 'A001', 'A004']);
    expect(sectionQueue(h.state, h.setup, 'B', h.now).map((t) => t.number)).to.deep.equal(['B001']);
    expect(sectionQueue(h.state, h.setup, 'Z', h.now)).to.deep.equal([]);
  });

  it('counts the people ahead of a ticket in its section\'s call order', () => {
    const h = new Harness();
    h.signIn('w1');
    const a = h.issue('A');
    const b = h.issue('A', { priority: 'priority' });
    const c = h.issue('A');
    expect([a, b, c].map((t) => ticketsAhead(h.state, h.setup, t.id, h.now))).to.deep.equal([0, 2, 1]);
    h.callNext('w1');
    expect([a, b, c].map((t) => ticketsAhead(h.state, h.setup, t.id, h.now))).to.deep.equal([0, 1, 0]);
    expect(ticketsAhead(h.state, h.setup, 'nope', h.now)).to.equal(0);
  });

  it('includes a ticket transferred to one window in its section\'s order, at the head', () => {
    const h = new Harness();
    h.signIn('w1');
    h.issue('A');
    h.issue('A');
    const t = h.callNext('w1');
    h.ok({ type: 'Transfer', windowId: 'w1', to: { windowId: 'w3' } });
    expect(ticketsAhead(h.state, h.setup, t.id, h.now)).to.equal(0);
    expect(sectionQueue(h.state, h.setup, 'A', h.now).map((x) => x.number)).to.deep.equal(['A001', 'A002']);
  });

  it('counts waiting and transferred tickets as waiting, and not called or cancelled ones', () => {
    const h = new Harness();
    h.signIn('w1');
    h.issue('A');
    h.issue('A');
    const c = h.issue('A');
    h.issue('A');
    expect(waitingCount(h.state, 'A')).to.equal(4);
    h.callNext('w1');
    h.ok({ type: 'CancelTicket', ticketId: c.id, reason: '' });
    expect(waitingCount(h.state, 'A')).to.equal(2);
    h.ok({ type: 'Transfer', windowId: 'w1', to: { sectionId: 'A' } });
    expect(waitingCount(h.state, 'A')).to.equal(3);
    expect(waitingCount(h.state, 'B')).to.equal(0);
  });

  it('returns no queue for an unknown window', () => {
    const h = new Harness();
    h.issue('A');
    expect(windowQueue(h.state, h.setup, 'w99', h.now)).to.deep.equal([]);
  });

  it('shows a window what it would call even while it is closed, without changing its counters', () => {
    const h = new Harness();
    h.issue('A');
    h.issue('B');
    expect(windowQueue(h.state, h.setup, 'w2', h.now).map((t) => t.number)).to.deep.equal(['A001', 'B001']);
    expect(h.state.windows.w2).to.deep.equal({ id: 'w2', status: 'closed', normalsSincePriority: 0, credits: {} });
  });

  describe('estimated wait', () => {
    it('uses the section\'s default service time before any service was timed', () => {
      const h = new Harness();
      h.issue('A');
      // A's default is 10 minutes; no window is open, which counts as one.
      expect(estimateWaitMinutes(h.state, h.setup, 'A', 3)).to.equal(30);
    });

    it('divides by the open windows serving the section, not paused or closed ones', () => {
      const h = new Harness();
      for (const w of ['w1', 'w2', 'w3', 'w5']) h.signIn(w);
      // A is served by w1, w2, w3 (and w6, closed): 3 open.
      expect(estimateWaitMinutes(h.state, h.setup, 'A', 4)).to.equal(Math.ceil((4 * 10) / 3));
      h.ok({ type: 'Pause', windowId: 'w2' });
      expect(estimateWaitMinutes(h.state, h.setup, 'A', 4)).to.equal(20);
      // B: default 6 min, served by w2 (paused), w3, w5 (open).
      expect(estimateWaitMinutes(h.state, h.setup, 'B', 5)).to.equal(15);
    });

    it('uses the mean of the last rollingWindow service times and rounds up', () => {
      const h = new Harness();
      h.signIn('w1');
      const minutes = [20, 1, 2, 3, 4, 5];
      for (const m of minutes) {
        h.issue('A');
        h.callNext('w1');
        h.ok({ type: 'Start', windowId: 'w1' });
        h.advance(m);
        h.ok({ type: 'Finish', windowId: 'w1' });
      }
      // The 20-minute service fell out of the window of 5: mean 3 minutes.
      expect(estimateWaitMinutes(h.state, h.setup, 'A', 1)).to.equal(3);
      expect(estimateWaitMinutes(h.state, h.setup, 'A', 3)).to.equal(9);
      h.issue('A');
      h.callNext('w1');
      h.ok({ type: 'Start', windowId: 'w1' });
      h.advance(0.5);
      h.ok({ type: 'Finish', windowId: 'w1' });
      // Last five: 2, 3, 4, 5, 0.5 → mean 2.9 min; 2 people → 5.8 → 6.
      expect(estimateWaitMinutes(h.state, h.setup, 'A', 2)).to.equal(6);
    });

    it('estimates no wait for nobody ahead or an unknown section', () => {
      const h = new Harness();
      expect(estimateWaitMinutes(h.state, h.setup, 'A', 0)).to.equal(0);
      expect(estimateWaitMinutes(h.state, h.setup, 'Z', 3)).to.equal(0);
    });
  });

  describe('booking suggestion', () => {
    it('lists only the free slots of the first bookable day', () => {
      const h = new Harness();
      h.ok({ type: 'BookAppointment', sectionId: 'A', date: '2026-11-24', slotStart: '09:00' }, CITIZEN);
      h.ok({ type: 'BookAppointment', sectionId: 'A', date: '2026-11-24', slotStart: '09:00' }, CITIZEN);
      h.ok({ type: 'BookAppointment', sectionId: 'A', date: '2026-11-24', slotStart: '10:00' }, CITIZEN);
      expect(bookingSuggestion(h.state, h.setup, 'A', h.now)).to.deep.equal({
        date: '2026-11-24',
        slots: [{ start: '10:00', end: '11:00', left: 1 }],
      });
    });

    it('suggests nothing for a section without slots, an unknown section or a zero horizon', () => {
      const h = new Harness();
      expect(bookingSuggestion(h.state, h.setup, 'C', h.now)).to.equal(null);
      expect(bookingSuggestion(h.state, h.setup, 'Z', h.now)).to.equal(null);
      const none = makeSetup({ rules: { bookingHorizonDays: 0 } });
      expect(bookingSuggestion(h.state, none, 'A', h.now)).to.equal(null);
    });

    it('counts from the hall\'s local day, not the UTC one', () => {
      const h = new Harness();
      // 23:30 local on Tue 11-24 is still Tue 15:30 UTC; the next local working day is Thu 11-26.
      expect(bookingSuggestion(h.state, h.setup, 'A', T('23:30', '2026-11-24'))?.date).to.equal('2026-11-26');
      // 00:30 local on Wed 11-25 is Tue 16:30 UTC; the suggestion is still Thu 11-26.
      expect(bookingSuggestion(h.state, h.setup, 'A', T('00:30', '2026-11-25'))?.date).to.equal('2026-11-26');
    });
  });
});
