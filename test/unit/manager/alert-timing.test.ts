// The queue's alert sources against the hall calendar: what is left over from a business day that ended
// (tickets nobody called, windows left paused) alerts neither after midnight nor once the day opens; a
// pause taken before ticketing opens counts from the opening; follow-up and case deadlines count working
// days across a holiday. Plus the waits' index against a plain walk of the day.

import { expect } from 'chai';
import { DEFAULT_ALERTS, type AlertThresholds } from '../../../config/schema.js';
import { isQueued } from '../../../server/hall/queue.js';
import { caseSource, OldestQueued, queueSources, type AlertCandidate, type CaseDeadline } from '../../../server/manager/alerts.js';
import { Harness, makeSetup, T } from '../hall/fixture.js';
import { prng } from '../../support/prng.js';

const keys = (c: AlertCandidate[]) => c.map((a) => a.key);

function sourcesOf(h: Harness, thresholds: AlertThresholds = DEFAULT_ALERTS) {
  return queueSources(() => h.state, () => h.setup, () => thresholds);
}

describe('alert timing', () => {
  it('tickets left waiting when the day ended raise no wait alert after midnight, before or after the day opens', () => {
    const h = new Harness(makeSetup(), T('16:00'));
    h.issue('A');
    const src = sourcesOf(h);
    expect(keys(src.wait(T('16:40')))).to.deep.equal(['wait:A']);
    // Past midnight the state still holds Monday until the first command of Tuesday opens it.
    expect(h.state.day).to.equal('2026-11-23');
    expect(src.wait(T('00:00', '2026-11-24') + 10_000)).to.deep.equal([]);
    expect(src.wait(T('08:30', '2026-11-24'))).to.deep.equal([]);
    h.setTime('08:31', '2026-11-24').ok({ type: 'OpenDay' });
    expect(h.state.day).to.equal('2026-11-24');
    expect(src.wait(T('08:32', '2026-11-24'))).to.deep.equal([]);
    // Tuesday's own tickets alert as usual.
    h.setTime('09:00', '2026-11-24').issue('B');
    expect(src.wait(T('09:29', '2026-11-24'))).to.deep.equal([]);
    expect(src.wait(T('09:30', '2026-11-24')).map((a) => [a.key, a.params.minutes])).to.deep.equal([['wait:B', 30]]);
  });

  it('a window left paused when the day ended raises no pause alert after midnight', () => {
    const h = new Harness(makeSetup(), T('17:00'));
    h.signIn('w1');
    h.setTime('17:30').ok({ type: 'Pause', windowId: 'w1', reason: '下班' });
    const src = sourcesOf(h);
    expect(keys(src.paused(T('17:45')))).to.deep.equal([`paused:w1:${T('17:30')}`]);
    expect(src.paused(T('00:05', '2026-11-24'))).to.deep.equal([]);
    expect(src.paused(T('08:00', '2026-11-24'))).to.deep.equal([]);
  });

  it('a pause taken before ticketing opens counts from the opening', () => {
    const h = new Harness(makeSetup({ ticketingHours: { open: '09:00', close: '17:00' } }), T('08:00'));
    h.signIn('w1');
    h.setTime('08:10').ok({ type: 'Pause', windowId: 'w1', reason: '准备' });
    const src = sourcesOf(h);
    expect(src.paused(T('09:10'))).to.deep.equal([]);
    expect(src.paused(T('09:15')).map((a) => a.params.minutes)).to.deep.equal([15]);
    // A pause taken during the day counts from the pause itself.
    h.setTime('10:00').ok({ type: 'Resume', windowId: 'w1' });
    h.setTime('12:00').ok({ type: 'Pause', windowId: 'w1', reason: '午休' });
    expect(src.paused(T('12:14'))).to.deep.equal([]);
    expect(src.paused(T('12:20')).map((a) => [a.key, a.params.minutes])).to.deep.equal([[`paused:w1:${T('12:00')}`, 20]]);
  });

  it('a follow-up due after a holiday is not overdue on the holiday nor on its due day, and is the day after', () => {
    // Wed 2026-11-25 is a holiday in the fixture: two working days after Monday is Thursday.
    const h = new Harness(makeSetup({ rules: { followUpWorkingDays: 2 } }), T('09:00'));
    h.signIn('w1');
    const t = h.issue('A');
    h.callNext('w1');
    h.ok({ type: 'Start', windowId: 'w1' });
    h.ok({ type: 'Finish', windowId: 'w1' });
    h.ok({ type: 'Rate', ticketId: t.id, level: 1, reasons: ['服务态度差'] });
    expect(h.state.followUps[t.id]?.dueDate).to.equal('2026-11-26');
    const src = sourcesOf(h);
    expect(src.followup(T('12:00', '2026-11-25'))).to.deep.equal([]);
    expect(src.followup(T('23:59', '2026-11-26'))).to.deep.equal([]);
    expect(keys(src.followup(T('00:00', '2026-11-27')))).to.deep.equal([`followup:${t.id}`]);
    // Answered: the same state object is not asked again, a new one is.
    expect(src.followup(T('00:00', '2026-11-27'))).to.have.length(1);
  });

  it("case deadlines count working days: a holiday between today and the due day leaves it one day away", () => {
    const setup = makeSetup();
    let today = T('10:00', '2026-11-23');
    const list: CaseDeadline[] = [{ id: 'c1', receiptNo: 'R1', service: '营业执照', dueDate: '2026-11-26', done: false }];
    const src = caseSource(() => list, () => setup, () => ({ ...DEFAULT_ALERTS, caseWarnDays: 1 }));
    expect(src(today)).to.deep.equal([]); // Monday: Tuesday and Thursday are left
    today = T('10:00', '2026-11-24');
    expect(keys(src(today))).to.deep.equal(['case:c1:near']); // Tuesday: the holiday does not count
    today = T('10:00', '2026-11-25');
    expect(keys(src(today))).to.deep.equal(['case:c1:near']); // on the holiday itself
    today = T('10:00', '2026-11-26');
    expect(keys(src(today))).to.deep.equal(['case:c1:near']);
    today = T('10:00', '2026-11-27');
    expect(keys(src(today))).to.deep.equal(['case:c1:past']);
  });

  it("the waits' index finds each section's oldest queued ticket as a walk of the day does, through calls, no-shows, rejoins and transfers", () => {
    const rnd = prng(20261123);
    const h = new Harness(makeSetup({ sections: { B: { dailyCapacity: 1000 } } }), T('08:30'));
    for (const w of ['w1', 'w2', 'w3', 'w4', 'w5', 'w6']) h.signIn(w);
    const index = new OldestQueued();
    const byWalk = (sectionId: string) => {
      let oldest: number | undefined;
      for (const t of h.state.tickets) if (isQueued(t) && t.sectionId === sectionId && (oldest === undefined || t.issuedAt < oldest)) oldest = t.issuedAt;
      return oldest;
    };
    for (let step = 0; step < 1500; step++) {
      h.advance(rnd() < 0.5 ? 1 : 0);
      const r = rnd();
      const w = ['w1', 'w2', 'w3', 'w5', 'w6'][Math.floor(rnd() * 5)]!;
      if (r < 0.45) h.run({ type: 'IssueTicket', sectionId: rnd() < 0.6 ? 'A' : 'B', ...(rnd() < 0.1 ? { priority: 'priority' as const } : {}) }, { kind: 'manager', userId: 'm' });
      else if (r < 0.7) h.run({ type: 'CallNext', windowId: w });
      else if (r < 0.8) h.run({ type: 'NoShow', windowId: w });
      else if (r < 0.85) {
        const gone = h.state.tickets.values().find((t) => t.status === 'no_show');
        if (gone) h.run({ type: 'Rejoin', ticketId: gone.id });
      } else if (r < 0.9) h.run({ type: 'Transfer', windowId: w, to: { sectionId: rnd() < 0.5 ? 'A' : 'B' } });
      else h.run({ type: 'Finish', windowId: w });
      if (step % 7 === 0 || rnd() < 0.2) {
        for (const s of ['A', 'B']) expect(index.since(h.state.tickets, s), `step ${step} section ${s}`).to.equal(byWalk(s));
      }
    }
    // A new day drops the old tickets.
    h.setTime('08:00', '2026-11-24').ok({ type: 'OpenDay' });
    expect(index.since(h.state.tickets, 'A')).to.equal(undefined);
  });
});
