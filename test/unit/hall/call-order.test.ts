import { expect } from 'chai';
import { windowQueue } from '../../../server/hall/index.js';
import type { Appointment, EventBody } from '../../../server/hall/types.js';
import { CITIZEN, Harness, T, makeSetup } from './fixture.js';

/** Issues one ticket per letter, a minute apart: n = normal, p = priority, g = green. */
function issueSeq(h: Harness, sectionId: string, pattern: string): string[] {
  const out: string[] = [];
  for (const c of pattern) {
    const priority = c === 'p' ? 'priority' : c === 'g' ? 'green' : 'normal';
    out.push(h.issue(sectionId, { priority }).number);
    h.advance(1);
  }
  return out;
}

function classOf(h: Harness, number: string): string {
  return h.byNumber(number).priority;
}

describe('call order at a window', () => {
  it('answers QUEUE_EMPTY when nobody is waiting for the window', () => {
    const h = new Harness();
    h.signIn('w1');
    h.refused({ type: 'CallNext', windowId: 'w1' }, 'QUEUE_EMPTY');
    h.issue('B');
    h.refused({ type: 'CallNext', windowId: 'w1' }, 'QUEUE_EMPTY');
  });

  it('calls green-channel tickets first, earliest first, even when issued last', () => {
    const h = new Harness();
    h.signIn('w1');
    issueSeq(h, 'A', 'nnpgg');
    expect(h.drain('w1')).to.deep.equal(['A004', 'A005', 'A001', 'A002', 'A003']);
  });

  it('calls the priority and normal classes each in issue order when alone', () => {
    const h = new Harness();
    h.signIn('w1');
    issueSeq(h, 'A', 'ppp');
    expect(h.drain('w1')).to.deep.equal(['A001', 'A002', 'A003']);
    issueSeq(h, 'A', 'nnnn');
    expect(h.drain('w1')).to.deep.equal(['A004', 'A005', 'A006', 'A007']);
  });

  it('interleaves one priority per two normal calls over a long run, each class in issue order', () => {
    const h = new Harness(makeSetup({ rules: { agingMinutes: 10_000 }, sections: { A: { dailyCapacity: 100 } } }));
    h.signIn('w1');
    issueSeq(h, 'A', 'p'.repeat(20) + 'n'.repeat(40));
    const called = h.drain('w1');
    expect(called).to.have.length(60);
    const classes = called.map((n) => classOf(h, n));
    for (let i = 0; i + 3 <= 60; i += 3) {
      expect(classes.slice(i, i + 3), `calls ${i + 1}..${i + 3}`).to.deep.equal(['normal', 'normal', 'priority']);
    }
    const prio = called.filter((n) => classOf(h, n) === 'priority');
    expect(prio).to.deep.equal([...prio].sort());
  });

  it('keeps the interleave counter per window and in the state', () => {
    const h = new Harness(makeSetup({ rules: { agingMinutes: 10_000 } }));
    h.signIn('w1');
    h.signIn('w6');
    issueSeq(h, 'A', 'ppnnnnnn');
    expect(classOf(h, h.callNext('w1').number)).to.equal('normal');
    h.ok({ type: 'Finish', windowId: 'w1' });
    expect(classOf(h, h.callNext('w1').number)).to.equal('normal');
    h.ok({ type: 'Finish', windowId: 'w1' });
    expect(h.state.windows.w1?.normalsSincePriority).to.equal(2);
    // w6 has made no normal calls yet: it still owes two normals.
    expect(classOf(h, h.callNext('w6').number)).to.equal('normal');
    expect(classOf(h, h.callNext('w1').number)).to.equal('priority');
    expect(h.state.windows.w1?.normalsSincePriority).to.equal(0);
    expect(h.state.windows.w6?.normalsSincePriority).to.equal(1);
  });

  it('lets aging override the ratio in favour of an old normal ticket', () => {
    const h = new Harness();
    h.signIn('w1');
    issueSeq(h, 'A', 'nnn'); // 08:00, 08:01, 08:02
    h.advance(45);
    issueSeq(h, 'A', 'p'); // 08:48
    h.callNext('w1');
    h.ok({ type: 'Finish', windowId: 'w1' });
    h.callNext('w1');
    h.ok({ type: 'Finish', windowId: 'w1' });
    // Two normals were called, so the ratio picks the priority A004; A003 has waited 46 minutes longer.
    expect(h.callNext('w1').number).to.equal('A003');
    expect(h.state.windows.w1?.normalsSincePriority).to.equal(3);
    h.ok({ type: 'Finish', windowId: 'w1' });
    expect(h.callNext('w1').number).to.equal('A004');
  });

  it('lets aging override the ratio in favour of an old priority ticket', () => {
    const h = new Harness();
    h.signIn('w1');
    issueSeq(h, 'A', 'p'); // 08:00
    h.advance(30);
    issueSeq(h, 'A', 'nn'); // 08:31, 08:32: the ratio wants a normal first
    const d = h.run({ type: 'CallNext', windowId: 'w1' });
    expect(d.ok && d.events.find((e) => e.type === 'TicketCalled')).to.deep.include({ ticketId: h.byNumber('A001').id });
    expect(h.state.windows.w1?.normalsSincePriority).to.equal(0);
  });

  it('does not age a head that waited less than the aging time longer', () => {
    const h = new Harness();
    h.signIn('w1');
    issueSeq(h, 'A', 'p');
    h.advance(28);
    issueSeq(h, 'A', 'n'); // issued 29 minutes after the priority ticket
    expect(h.callNext('w1').number).to.equal('A002');
  });

  describe('appointments', () => {
    function booked(h: Harness, slotStart: string): Appointment {
      const e = h.ok({ type: 'BookAppointment', sectionId: 'A', date: '2026-11-24', slotStart }, CITIZEN).find((x) => x.type === 'AppointmentBooked');
      if (e?.type !== 'AppointmentBooked') return expect.fail('not booked');
      return e.appointment;
    }

    it('calls a due appointment before priority and normal tickets, by slot start', () => {
      const h = new Harness(makeSetup(), T('15:00'));
      const nine = booked(h, '09:00');
      const ten = booked(h, '10:00');
      h.setTime('08:00', '2026-11-24');
      h.signIn('w1');
      issueSeq(h, 'A', 'pn'); // A001 p, A002 n
      h.setTime('09:46', '2026-11-24');
      h.issue('A', { appointmentCode: ten.code }); // A003, due from 09:45
      h.issue('A', { appointmentCode: nine.code }); // A004, due until 10:15
      expect(h.drain('w1')).to.deep.equal(['A004', 'A003', 'A002', 'A001']);
    });

    it('treats an appointment ticket as normal before its slot opens for check-in', () => {
      const h = new Harness(makeSetup(), T('15:00'));
      const ten = booked(h, '10:00');
      h.setTime('09:00', '2026-11-24');
      h.signIn('w1');
      h.issue('A', { appointmentCode: ten.code }); // A001 at 09:00
      h.advance(1);
      issueSeq(h, 'A', 'n'); // A002
      h.setTime('09:44', '2026-11-24');
      // 09:44 is before 10:00 − 15 min: A001 is a normal ticket, earliest of its class.
      expect(windowQueue(h.state, h.setup, 'w1', h.now).map((t) => t.number)).to.deep.equal(['A001', 'A002']);
      h.setTime('09:45', '2026-11-24');
      expect(h.callNext('w1').number).to.equal('A001');
      expect(h.state.windows.w1?.normalsSincePriority).to.equal(0);
    });

    it('counts an early appointment call as a normal call for the interleave', () => {
      const h = new Harness(makeSetup(), T('15:00'));
      const ten = booked(h, '10:00');
      h.setTime('08:00', '2026-11-24');
      h.signIn('w1');
      h.issue('A', { appointmentCode: ten.code });
      expect(h.callNext('w1').priority).to.equal('appointment');
      expect(h.state.windows.w1?.normalsSincePriority).to.equal(1);
    });

    it('treats an appointment ticket as normal once the late allowance after its slot has passed', () => {
      const h = new Harness(makeSetup(), T('15:00'));
      const nine = booked(h, '09:00');
      h.setTime('08:00', '2026-11-24');
      h.signIn('w1');
      issueSeq(h, 'A', 'n'); // A001 at 08:00
      h.setTime('10:14', '2026-11-24');
      h.issue('A', { appointmentCode: nine.code }); // A002
      h.setTime('10:15', '2026-11-24');
      expect(windowQueue(h.state, h.setup, 'w1', h.now)[0]?.number).to.equal('A002');
      h.setTime('10:16', '2026-11-24');
      expect(windowQueue(h.state, h.setup, 'w1', h.now)[0]?.number).to.equal('A001');
    });

    it('still calls green tickets before a due appointment', () => {
      const h = new Harness(makeSetup(), T('15:00'));
      const nine = booked(h, '09:00');
      h.setTime('09:00', '2026-11-24');
      h.signIn('w1');
      h.issue('A', { appointmentCode: nine.code });
      issueSeq(h, 'A', 'g');
      expect(h.drain('w1')).to.deep.equal(['A002', 'A001']);
    });
  });

  describe('section policies', () => {
    it('fifo: merges the window\'s sections and calls the earliest first', () => {
      const h = new Harness();
      h.signIn('w6');
      h.issue('B');
      h.advance(1);
      h.issue('A');
      h.advance(1);
      h.issue('B');
      expect(h.drain('w6')).to.deep.equal(['B001', 'A001', 'B002']);
    });

    it('strict: calls the first listed section while it has tickets, then the next', () => {
      const h = new Harness();
      h.signIn('w2');
      h.issue('B');
      h.advance(1);
      h.issue('A');
      h.advance(1);
      h.issue('B');
      h.advance(1);
      h.issue('A');
      expect(h.drain('w2')).to.deep.equal(['A001', 'A002', 'B001', 'B002']);
    });

    it('strict: still lets a green ticket of a later section go first', () => {
      const h = new Harness();
      h.signIn('w2');
      h.issue('A');
      h.issue('B', { priority: 'green' });
      expect(h.callNext('w2').number).to.equal('B001');
    });

    it('weighted: shares calls 2:1 between sections, spread out, with credits kept in the state', () => {
      const h = new Harness(makeSetup({ sections: { B: { dailyCapacity: 50 } } }));
      h.signIn('w3');
      for (let i = 0; i < 6; i++) {
        h.issue('A');
        h.issue('B');
        h.advance(1);
      }
      const first = [0, 1, 2, 3, 4, 5].map(() => {
        const t = h.callNext('w3');
        h.ok({ type: 'Finish', windowId: 'w3' });
        return t.sectionId;
      });
      expect(first).to.deep.equal(['A', 'B', 'A', 'A', 'B', 'A']);
      expect(h.state.windows.w3?.credits).to.deep.equal({ A: 0, B: 0 });
      const rest = h.drain('w3');
      expect(rest).to.deep.equal(['A005', 'B003', 'A006', 'B004', 'B005', 'B006']);
    });

    it('weighted: takes the only section that has tickets without building up its credit', () => {
      const h = new Harness();
      h.signIn('w3');
      h.issue('B');
      h.issue('B');
      h.drain('w3');
      expect(h.state.windows.w3?.credits).to.deep.equal({ B: 0 });
    });
  });

  it('predicts with windowQueue exactly what repeated call-next calls', () => {
    const h = new Harness(makeSetup({ sections: { B: { dailyCapacity: 50 } } }), T('15:00'));
    h.ok({ type: 'BookAppointment', sectionId: 'A', date: '2026-11-24', slotStart: '09:00' }, CITIZEN);
    const code = Object.keys(h.state.appointments)[0]!;
    h.setTime('08:00', '2026-11-24');
    h.signIn('w3');
    h.signIn('w1');
    issueSeq(h, 'A', 'nnpnpgn');
    issueSeq(h, 'B', 'npnnpn');
    h.issue('A', { appointmentCode: code });
    const gone = h.callNext('w1');
    h.ok({ type: 'NoShow', windowId: 'w1' });
    h.ok({ type: 'Rejoin', ticketId: gone.id });
    h.setTime('09:00', '2026-11-24');
    const predicted = windowQueue(h.state, h.setup, 'w3', h.now).map((t) => t.number);
    expect(predicted).to.have.length(14);
    expect(h.drain('w3')).to.deep.equal(predicted);
  });
});

describe('rejoined and transferred tickets in the call order', () => {
  function noShowFirst(h: Harness): string {
    h.signIn('w1');
    const t = h.callNext('w1');
    h.ok({ type: 'NoShow', windowId: 'w1' });
    return t.id;
  }

  it('lets the set number of other calls in the section pass before a rejoined ticket', () => {
    const h = new Harness();
    issueSeq(h, 'A', 'nnnnnn');
    const id = noShowFirst(h);
    const events = h.ok({ type: 'Rejoin', ticketId: id });
    expect(events).to.deep.equal([{ type: 'TicketRejoined', ticketId: id, holdCalls: 3 }]);
    expect(h.ticket(id)).to.include({ status: 'waiting', holdCalls: 3, calls: 0 });
    expect(h.drain('w1')).to.deep.equal(['A002', 'A003', 'A004', 'A001', 'A005', 'A006']);
  });

  it('releases the hold only through calls in the ticket\'s own section, at any window', () => {
    const h = new Harness();
    issueSeq(h, 'A', 'nnnnn');
    h.issue('B');
    h.issue('B');
    const id = noShowFirst(h);
    h.ok({ type: 'Rejoin', ticketId: id });
    h.signIn('w5');
    h.callNext('w5');
    h.ok({ type: 'Finish', windowId: 'w5' });
    h.callNext('w5');
    expect(h.ticket(id).holdCalls).to.equal(3);
    h.signIn('w6');
    expect(h.callNext('w6').number).to.equal('A002');
    expect(h.ticket(id).holdCalls).to.equal(2);
    expect(h.callNext('w1').number).to.equal('A003');
    h.ok({ type: 'Finish', windowId: 'w1' });
    expect(h.callNext('w1').number).to.equal('A004');
    expect(h.ticket(id)).to.not.have.property('holdCalls');
    expect(h.ticket(id).headSince).to.equal(h.now);
    h.ok({ type: 'Finish', windowId: 'w1' });
    expect(h.callNext('w1').id).to.equal(id);
  });

  it('calls a holding ticket when nothing else is left', () => {
    const h = new Harness();
    issueSeq(h, 'A', 'nn');
    const id = noShowFirst(h);
    h.ok({ type: 'Rejoin', ticketId: id });
    expect(h.drain('w1')).to.deep.equal(['A002', 'A001']);
  });

  it('puts a rejoined ticket straight at the head when the rule holds it for no calls', () => {
    const h = new Harness(makeSetup({ rules: { rejoinPositionsFromHead: 0 } }));
    issueSeq(h, 'A', 'nnng');
    h.signIn('w1');
    expect(h.callNext('w1').number).to.equal('A004');
    h.ok({ type: 'NoShow', windowId: 'w1' });
    h.ok({ type: 'Rejoin', ticketId: h.byNumber('A004').id });
    expect(h.byNumber('A004').headSince).to.equal(h.now);
    expect(h.callNext('w1').number).to.equal('A004');
  });

  it('puts a ticket transferred to a section ahead of that section\'s green and older tickets', () => {
    const h = new Harness(makeSetup({ sections: { B: { dailyCapacity: 50 } } }));
    issueSeq(h, 'B', 'nng');
    h.issue('A');
    h.signIn('w1');
    h.callNext('w1');
    h.ok({ type: 'Transfer', windowId: 'w1', to: { sectionId: 'B' } });
    h.signIn('w5');
    expect(h.drain('w5')).to.deep.equal(['A001', 'B003', 'B001', 'B002']);
  });

  it('orders several transferred tickets by when they reached the head', () => {
    const h = new Harness();
    h.issue('A');
    h.issue('A');
    h.issue('B');
    h.signIn('w1');
    h.callNext('w1');
    h.advance(1);
    h.ok({ type: 'Transfer', windowId: 'w1', to: { sectionId: 'B' } });
    h.callNext('w1');
    h.advance(1);
    h.ok({ type: 'Transfer', windowId: 'w1', to: { sectionId: 'B' } });
    h.signIn('w5');
    expect(h.drain('w5')).to.deep.equal(['A001', 'A002', 'B001']);
  });

  it('lets only the named window call a ticket transferred to it', () => {
    const h = new Harness();
    h.issue('A');
    h.issue('A');
    h.signIn('w1');
    h.signIn('w6');
    h.signIn('w3');
    const t = h.callNext('w1');
    h.ok({ type: 'Transfer', windowId: 'w1', to: { windowId: 'w3' } });
    expect(h.ticket(t.id)).to.include({ status: 'transferred', sectionId: 'A' });
    expect(windowQueue(h.state, h.setup, 'w6', h.now).map((x) => x.number)).to.deep.equal(['A002']);
    expect(windowQueue(h.state, h.setup, 'w1', h.now).map((x) => x.number)).to.deep.equal(['A002']);
    expect(h.callNext('w3').id).to.equal(t.id);
  });

  it('moves a ticket sent to a window that does not serve its section into that window\'s first section', () => {
    const h = new Harness();
    h.issue('A');
    h.signIn('w1');
    const t = h.callNext('w1');
    const events: EventBody[] = h.ok({ type: 'Transfer', windowId: 'w1', to: { windowId: 'w5' } });
    expect(events).to.deep.equal([{ type: 'TicketTransferred', ticketId: t.id, fromWindowId: 'w1', to: { windowId: 'w5' } }]);
    expect(h.ticket(t.id).sectionId).to.equal('B');
    h.signIn('w5');
    expect(h.callNext('w5').id).to.equal(t.id);
  });
});
