// KPIs against event histories made by the real domain, with every expected figure worked out by hand.

import { expect } from 'chai';
import { computeKpis, percentile, waitBucket } from '../../../server/manager/kpi.js';
import { Harness, T, clerkActor } from '../hall/fixture.js';

const OPTS = { utcOffsetMinutes: 480 };
const MIN = 60;

/**
 * Monday 2026-11-23: A001 waits 20 min and is served 10 min; A002 waits 25 min, is a no-show, rejoins and is
 * called again 60 min after issue (C001, transferred to the head of A, goes first), served 5 min; C001 waits 15 min, is started at w4 and transferred to section A,
 * where w1 serves it for 10 min; A003 is never called and rolls over. Ratings 5, 1, 3.
 * Tuesday 2026-11-24: A001 is called after 10 min and is a no-show for good.
 */
function twoDays(): Harness {
  const h = new Harness(undefined, T('08:00'));
  h.ok({ type: 'OpenDay' });
  h.signIn('w1');
  h.signIn('w4');
  h.setTime('08:10');
  const a1 = h.issue('A');
  h.setTime('08:20');
  const a2 = h.issue('A');
  h.setTime('08:25');
  const c1 = h.issue('C', { idKey: 'key-1' });

  h.setTime('08:30');
  expect(h.callNext('w1').id).to.equal(a1.id);
  h.setTime('08:32');
  h.ok({ type: 'Start', windowId: 'w1' }, clerkActor('w1'));
  h.setTime('08:40');
  expect(h.callNext('w4').id).to.equal(c1.id);
  h.ok({ type: 'Start', windowId: 'w4' }, clerkActor('w4'));
  h.setTime('08:42');
  h.ok({ type: 'Finish', windowId: 'w1' }, clerkActor('w1'));
  h.ok({ type: 'Rate', ticketId: a1.id, level: 5 });
  h.setTime('08:45');
  expect(h.callNext('w1').id).to.equal(a2.id);
  h.ok({ type: 'Transfer', windowId: 'w4', to: { sectionId: 'A' } }, clerkActor('w4'));
  h.setTime('08:50');
  h.ok({ type: 'NoShow', windowId: 'w1' }, clerkActor('w1'));
  h.setTime('08:55');
  h.ok({ type: 'Rejoin', ticketId: a2.id });
  h.setTime('09:00');
  // C001 stands at the head of A (transfer); A002 waits behind it.
  expect(h.callNext('w1').id).to.equal(c1.id);
  h.ok({ type: 'Start', windowId: 'w1' }, clerkActor('w1'));
  h.setTime('09:10');
  h.ok({ type: 'Finish', windowId: 'w1' }, clerkActor('w1'));
  h.ok({ type: 'Rate', ticketId: c1.id, level: 3 });
  h.setTime('09:20');
  expect(h.callNext('w1').id).to.equal(a2.id);
  h.ok({ type: 'Start', windowId: 'w1' }, clerkActor('w1'));
  h.setTime('09:25');
  h.ok({ type: 'Finish', windowId: 'w1' }, clerkActor('w1'));
  h.ok({ type: 'Rate', ticketId: a2.id, level: 1, reasons: ['等待时间过长'] });
  h.setTime('09:30');
  h.issue('A');

  const day2 = '2026-11-24';
  h.setTime('08:00', day2);
  h.ok({ type: 'OpenDay' });
  h.signIn('w1');
  h.setTime('08:10', day2);
  h.issue('A');
  h.setTime('08:20', day2);
  h.callNext('w1');
  h.setTime('08:25', day2);
  h.ok({ type: 'NoShow', windowId: 'w1' }, clerkActor('w1'));
  return h;
}

describe('KPIs from the event history', () => {
  it('a day with a rejoin, a transfer and a rollover gives the hand-checked hall figures', () => {
    const k = computeKpis(twoDays().events, { from: '2026-11-23', to: '2026-11-23', ...OPTS });
    expect(k.days).to.deep.equal(['2026-11-23']);
    const f = k.hall;
    expect({ issued: f.issued, called: f.called, served: f.served, noShow: f.noShow, rolledOver: f.rolledOver, transfersOut: f.transfersOut }).to.deep.equal({
      issued: 4,
      called: 3,
      served: 3,
      noShow: 0,
      rolledOver: 1,
      transfersOut: 1,
    });
    expect(f.noShowRate).to.equal(0);
    // Waits 20, 15 and 60 min (the rejoined no-show counts from its last call).
    expect(f.avgWaitSeconds).to.equal(Math.round((95 * MIN) / 3));
    expect(f.p90WaitSeconds).to.equal(60 * MIN);
    // Services 10, 10 (C001's second start) and 5 min.
    expect(f.avgServiceSeconds).to.equal(Math.round((25 * MIN) / 3));
    expect(f.ratings).to.deep.equal({ 1: 1, 2: 0, 3: 1, 4: 0, 5: 1, unrated: 0 });
    expect(f.satisfaction).to.be.closeTo(2 / 3, 1e-9);
  });

  it('sections count tickets where they were issued and transfers on both sides', () => {
    const k = computeKpis(twoDays().events, { from: '2026-11-23', to: '2026-11-23', ...OPTS });
    const a = k.sections.find((s) => s.id === 'A')!;
    const c = k.sections.find((s) => s.id === 'C')!;
    expect([a.issued, a.called, a.served, a.rolledOver, a.transfersIn, a.transfersOut]).to.deep.equal([3, 2, 2, 1, 1, 0]);
    expect(a.avgWaitSeconds).to.equal(40 * MIN);
    expect(a.ratings[5]).to.equal(1);
    expect(a.ratings[1]).to.equal(1);
    expect([c.issued, c.called, c.served, c.transfersOut, c.transfersIn]).to.deep.equal([1, 1, 1, 1, 0]);
    expect(c.avgWaitSeconds).to.equal(15 * MIN);
    expect(c.satisfaction).to.equal(1);
  });

  it('windows and clerks get the tickets they finished and the ratings they were given', () => {
    const k = computeKpis(twoDays().events, { from: '2026-11-23', to: '2026-11-23', ...OPTS });
    const w1 = k.windows.find((w) => w.id === 'w1')!;
    expect(w1.served).to.equal(3);
    expect(w1.avgServiceSeconds).to.equal(Math.round((25 * MIN) / 3));
    expect(w1.satisfaction).to.be.closeTo(2 / 3, 1e-9);
    expect(k.windows.find((w) => w.id === 'w4')).to.equal(undefined);
    expect(k.clerks.map((c) => [c.id, c.staffNo, c.served])).to.deep.equal([['c1', 'S001', 3]]);
  });

  it('the hourly series and the wait distribution place each ticket by local time and wait', () => {
    const k = computeKpis(twoDays().events, { from: '2026-11-23', to: '2026-11-23', ...OPTS });
    expect(k.hourly[8]).to.deep.equal({ hour: 8, issued: 3, served: 1 });
    expect(k.hourly[9]).to.deep.equal({ hour: 9, issued: 1, served: 2 });
    expect(k.hourly.reduce((n, h) => n + h.issued, 0)).to.equal(4);
    // 15 → [15,20), 20 → [20,30), 60 → 60 and over
    expect(k.waitDistribution).to.deep.equal([0, 0, 0, 1, 1, 0, 0, 1]);
  });

  it('a later day alone shows its own no-show, and a range adds both days', () => {
    const events = twoDays().events;
    const d2 = computeKpis(events, { from: '2026-11-24', to: '2026-11-24', ...OPTS });
    expect([d2.hall.issued, d2.hall.called, d2.hall.noShow, d2.hall.served]).to.deep.equal([1, 1, 1, 0]);
    expect(d2.hall.noShowRate).to.equal(1);
    expect(d2.hall.avgWaitSeconds).to.equal(null);
    expect(d2.hall.satisfaction).to.equal(null);
    const both = computeKpis(events, { from: '2026-11-23', to: '2026-11-24', ...OPTS });
    expect(both.days).to.deep.equal(['2026-11-23', '2026-11-24']);
    expect([both.hall.issued, both.hall.called, both.hall.noShow, both.hall.served, both.hall.rolledOver]).to.deep.equal([5, 4, 1, 3, 1]);
    expect(both.hall.noShowRate).to.equal(0.25);
  });

  it('recomputing gives the same answer, and a range with no days is all zero', () => {
    const events = twoDays().events;
    const opts = { from: '2026-11-23', to: '2026-11-24', ...OPTS };
    expect(computeKpis(events, opts)).to.deep.equal(computeKpis(events, opts));
    const none = computeKpis(events, { from: '2026-12-01', to: '2026-12-31', ...OPTS });
    expect(none.days).to.deep.equal([]);
    expect(none.hall.issued).to.equal(0);
    expect(none.hall.noShowRate).to.equal(null);
  });

  it('counts cases completed in the range and on time against their promised day, only when case data is given', () => {
    const events = twoDays().events;
    const opts = { from: '2026-11-23', to: '2026-11-23', ...OPTS };
    expect(computeKpis(events, opts).hall.cases).to.equal(null);
    const cases = [
      { sectionId: 'A', windowId: 'w1', clerkId: 'c1', dueDate: '2026-11-23', completedDay: '2026-11-23' }, // 即办件, same day
      { sectionId: 'A', windowId: 'w1', clerkId: 'c1', dueDate: '2026-11-20', completedDay: '2026-11-23' }, // late
      { sectionId: 'C', windowId: 'w4', dueDate: '2026-11-30' }, // still open
      { sectionId: 'C', windowId: 'w4', dueDate: '2026-11-30', completedDay: '2026-11-24' }, // outside the range
    ];
    const k = computeKpis(events, { ...opts, cases });
    expect(k.hall.cases).to.deep.equal({ completed: 2, onTime: 1, onTimeRate: 0.5 });
    expect(k.sections.find((s) => s.id === 'A')!.cases).to.deep.equal({ completed: 2, onTime: 1, onTimeRate: 0.5 });
    expect(k.sections.find((s) => s.id === 'C')!.cases).to.deep.equal({ completed: 0, onTime: 0, onTimeRate: null });
    expect(k.clerks.find((c) => c.id === 'c1')!.cases!.completed).to.equal(2);
  });

  it('percentiles use the nearest rank and buckets are half-open', () => {
    const ms = (m: number) => m * 60_000;
    expect(percentile([ms(1), ms(2), ms(3), ms(4), ms(5), ms(6), ms(7), ms(8), ms(9), ms(10)], 0.9)).to.equal(9 * 60);
    expect(percentile([ms(7)], 0.9)).to.equal(7 * 60);
    expect(percentile([], 0.9)).to.equal(null);
    expect(waitBucket(ms(4.99))).to.equal(0);
    expect(waitBucket(ms(5))).to.equal(1);
    expect(waitBucket(ms(60))).to.equal(7);
  });
});
