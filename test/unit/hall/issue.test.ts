import { expect } from 'chai';
import type { Appointment, EventBody } from '../../../server/hall/types.js';
import { CITIZEN, DAY, Harness, T, makeSetup } from './fixture.js';

function bookedFor(h: Harness, date: string, slotStart = '09:00', sectionId = 'A', idKey?: string): Appointment {
  const events = h.ok({ type: 'BookAppointment', sectionId, date, slotStart, ...(idKey ? { idKey } : {}) }, CITIZEN);
  const e = events.find((x) => x.type === 'AppointmentBooked');
  if (e?.type !== 'AppointmentBooked') return expect.fail('no AppointmentBooked');
  return e.appointment;
}

describe('issuing tickets', () => {
  it('opens the business day before the first ticket and numbers it A001', () => {
    const h = new Harness();
    const events = h.ok({ type: 'IssueTicket', sectionId: 'A' }, CITIZEN);
    expect(events.map((e) => e.type)).to.deep.equal(['DayOpened', 'TicketIssued']);
    const t = h.state.tickets.values()[0]!;
    expect(t).to.include({ id: '20261123-A001', number: 'A001', day: DAY, sectionId: 'A', status: 'waiting', priority: 'normal', calls: 0, issuedAt: h.now, kioskId: 'k1' });
    expect(h.state.day).to.equal(DAY);
  });

  it('numbers each section on its own daily sequence', () => {
    const h = new Harness();
    const numbers = [h.issue('A'), h.issue('B'), h.issue('A'), h.issue('C', { idKey: 'id-1' }), h.issue('A')].map((t) => t.number);
    expect(numbers).to.deep.equal(['A001', 'B001', 'A002', 'C001', 'A003']);
    expect(h.state.counters).to.deep.equal({ A: 3, B: 1, C: 1 });
  });

  it('never reuses a number of a cancelled ticket within the day', () => {
    const h = new Harness();
    const first = h.issue('A');
    h.ok({ type: 'CancelTicket', ticketId: first.id, reason: '不办了' });
    expect(h.issue('A').number).to.equal('A002');
  });

  it('pads numbers to three digits and keeps counting past 999 as A1000', () => {
    const h = new Harness(makeSetup({ sections: { A: { dailyCapacity: 1200 } } }));
    const numbers: string[] = [];
    for (let i = 0; i < 1001; i++) numbers.push(h.issue('A').number);
    expect(numbers[0]).to.equal('A001');
    expect(numbers[98]).to.equal('A099');
    expect(numbers[998]).to.equal('A999');
    expect(numbers[999]).to.equal('A1000');
    expect(numbers[1000]).to.equal('A1001');
    expect(new Set(numbers).size).to.equal(1001);
    expect(h.state.tickets.get('20261123-A1000')?.number).to.equal('A1000');
  });

  it('takes the priority class from the command and defaults to normal', () => {
    const h = new Harness();
    expect(h.issue('A').priority).to.equal('normal');
    expect(h.issue('A', { priority: 'priority' }).priority).to.equal('priority');
    expect(h.issue('A', { priority: 'green' }).priority).to.equal('green');
  });

  it('refuses an unknown section and a service of another section', () => {
    const h = new Harness();
    h.refused({ type: 'IssueTicket', sectionId: 'Z' }, 'UNKNOWN_SECTION', CITIZEN);
    h.refused({ type: 'IssueTicket', sectionId: 'A', serviceCode: 'B-01' }, 'UNKNOWN_SERVICE', CITIZEN);
    expect(h.issue('A', { serviceCode: 'A-02' }).serviceCode).to.equal('A-02');
  });

  it('refuses a section the manager closed for ticketing', () => {
    const h = new Harness(makeSetup({ sections: { B: { closed: true } } }));
    const err = h.refused({ type: 'IssueTicket', sectionId: 'B' }, 'SECTION_CLOSED', CITIZEN);
    expect(err.details).to.deep.equal({ sectionId: 'B' });
  });

  describe('ticketing hours', () => {
    const hours = { open: '08:30', close: '17:00' };

    it('refuses before opening and from closing time on, and issues in between', () => {
      const h = new Harness(makeSetup({ ticketingHours: hours }), T('08:29'));
      h.refused({ type: 'IssueTicket', sectionId: 'A' }, 'SECTION_CLOSED', CITIZEN);
      h.setTime('08:30');
      expect(h.issue('A').number).to.equal('A001');
      h.setTime('16:59');
      expect(h.issue('A').number).to.equal('A002');
      h.setTime('17:00');
      const err = h.refused({ type: 'IssueTicket', sectionId: 'A' }, 'SECTION_CLOSED', CITIZEN);
      expect(err.details).to.deep.equal(hours);
    });

    it('refuses on a weekday holiday and on an ordinary Sunday within the hours', () => {
      const h = new Harness(makeSetup({ ticketingHours: hours }), T('10:00', '2026-11-25'));
      h.refused({ type: 'IssueTicket', sectionId: 'A' }, 'SECTION_CLOSED', CITIZEN);
      h.setTime('10:00', '2026-11-29');
      h.refused({ type: 'IssueTicket', sectionId: 'A' }, 'SECTION_CLOSED', CITIZEN);
    });

    it('issues on a make-up Saturday', () => {
      const h = new Harness(makeSetup({ ticketingHours: hours }), T('10:00', '2026-11-28'));
      expect(h.issue('A').id).to.equal('20261128-A001');
    });

    it('issues at any hour on any day when the hall sets no hours', () => {
      const h = new Harness(makeSetup(), T('03:00', '2026-11-29'));
      expect(h.issue('A').number).to.equal('A001');
    });
  });

  describe('identity limits', () => {
    it('requires an ID card where the section says so', () => {
      const h = new Harness();
      h.refused({ type: 'IssueTicket', sectionId: 'C' }, 'ID_REQUIRED', CITIZEN);
      h.refused({ type: 'IssueTicket', sectionId: 'C', idKey: '' }, 'ID_REQUIRED', CITIZEN);
      expect(h.issue('C', { idKey: 'id-1' }).idKey).to.equal('id-1');
    });

    it('refuses a second live ticket for the same ID in a section until the first is finished', () => {
      const h = new Harness();
      h.signIn('w1');
      h.issue('A', { idKey: 'id-1' });
      // The refusal names the number already held, so the kiosk can tell the citizen which one to wait for.
      expect(h.refused({ type: 'IssueTicket', sectionId: 'A', idKey: 'id-1' }, 'ID_LIMIT_SECTION', CITIZEN).details).to.deep.include({ held: ['A001'] });
      expect(h.issue('A', { idKey: 'id-2' }).number).to.equal('A002');
      h.callNext('w1');
      h.refused({ type: 'IssueTicket', sectionId: 'A', idKey: 'id-1' }, 'ID_LIMIT_SECTION', CITIZEN);
      h.ok({ type: 'Start', windowId: 'w1' });
      h.refused({ type: 'IssueTicket', sectionId: 'A', idKey: 'id-1' }, 'ID_LIMIT_SECTION', CITIZEN);
      h.ok({ type: 'Finish', windowId: 'w1' });
      expect(h.issue('A', { idKey: 'id-1' }).number).to.equal('A003');
    });

    it('counts a transferred ticket as live in the section it was sent to', () => {
      const h = new Harness();
      h.signIn('w1');
      h.issue('A', { idKey: 'id-1' });
      h.callNext('w1');
      h.ok({ type: 'Transfer', windowId: 'w1', to: { sectionId: 'B' } });
      expect(h.refused({ type: 'IssueTicket', sectionId: 'B', idKey: 'id-1' }, 'ID_LIMIT_SECTION', CITIZEN).details).to.deep.include({ held: ['A001'] });
      expect(h.issue('A', { idKey: 'id-1' }).number).to.equal('A002');
    });

    it('refuses a fourth ticket per ID per day across sections, whatever became of the others', () => {
      const h = new Harness();
      const first = h.issue('A', { idKey: 'id-1' });
      h.issue('B', { idKey: 'id-1' });
      h.issue('C', { idKey: 'id-1' });
      h.ok({ type: 'CancelTicket', ticketId: first.id, reason: '' });
      const err = h.refused({ type: 'IssueTicket', sectionId: 'A', idKey: 'id-1' }, 'ID_LIMIT_DAY', CITIZEN);
      expect(err.details).to.deep.equal({ limit: 3 });
      expect(h.issue('A', { idKey: 'id-2' }).number).to.equal('A002');
    });

    it('applies no identity limit to tickets taken without an ID', () => {
      const h = new Harness();
      for (let i = 0; i < 5; i++) h.issue('A');
      expect(h.state.tickets.size).to.equal(5);
    });
  });

  describe('daily capacity', () => {
    it('refuses once the section has issued its capacity, counting cancelled tickets too', () => {
      const h = new Harness(makeSetup(), T('09:00', '2026-11-24'));
      const first = h.issue('B');
      h.issue('B');
      h.issue('B');
      h.ok({ type: 'CancelTicket', ticketId: first.id, reason: '' });
      const err = h.refused({ type: 'IssueTicket', sectionId: 'B' }, 'CAPACITY_EXHAUSTED', CITIZEN);
      expect(err.details).to.include({ sectionId: 'B', capacity: 3 });
    });

    it('suggests the first later working day with a free slot, skipping holidays and weekends and honouring make-up workdays', () => {
      // Tue 11-24: Wed 11-25 is a holiday, so Thu 11-26 comes first.
      const h = new Harness(makeSetup({ sections: { B: { dailyCapacity: 0 } } }), T('09:00', '2026-11-24'));
      const suggest = () => h.refused({ type: 'IssueTicket', sectionId: 'B' }, 'CAPACITY_EXHAUSTED', CITIZEN).details?.suggestion;
      expect(suggest()).to.deep.equal({ date: '2026-11-26', slots: [{ start: '09:00', end: '10:00', left: 1 }] });
      bookedFor(h, '2026-11-26', '09:00', 'B');
      bookedFor(h, '2026-11-27', '09:00', 'B');
      // Sat 11-28 is a make-up workday.
      expect(suggest()).to.deep.equal({ date: '2026-11-28', slots: [{ start: '09:00', end: '10:00', left: 1 }] });
      bookedFor(h, '2026-11-28', '09:00', 'B');
      // Sun 11-29 is skipped.
      expect(suggest()).to.deep.equal({ date: '2026-11-30', slots: [{ start: '09:00', end: '10:00', left: 1 }] });
      bookedFor(h, '2026-11-30', '09:00', 'B');
      bookedFor(h, '2026-12-01', '09:00', 'B');
      // 12-02 is 8 days ahead, past the 7-day horizon.
      expect(suggest()).to.equal(null);
    });

    it('frees a slot for the suggestion when its booking is cancelled', () => {
      const h = new Harness(makeSetup({ sections: { B: { dailyCapacity: 0 } } }), T('09:00', '2026-11-24'));
      const a = bookedFor(h, '2026-11-26', '09:00', 'B');
      h.ok({ type: 'CancelAppointment', code: a.code }, CITIZEN);
      const err = h.refused({ type: 'IssueTicket', sectionId: 'B' }, 'CAPACITY_EXHAUSTED', CITIZEN);
      expect((err.details?.suggestion as { date: string }).date).to.equal('2026-11-26');
    });
  });

  describe('appointment check-in', () => {
    function withBooking(): { h: Harness; a: Appointment } {
      const h = new Harness(makeSetup(), T('16:00', '2026-11-23'));
      h.newCode = () => 'QR12345';
      const a = bookedFor(h, '2026-11-24', '10:00', 'A', 'id-9');
      return { h, a };
    }

    it('issues an appointment ticket in the booked section with its slot, and marks the booking checked in', () => {
      const { h, a } = withBooking();
      h.setTime('09:50', '2026-11-24');
      const events = h.ok({ type: 'IssueTicket', sectionId: 'B', appointmentCode: a.code }, CITIZEN);
      const issued = events.find((e): e is Extract<EventBody, { type: 'TicketIssued' }> => e.type === 'TicketIssued')!;
      expect(issued.appointmentCode).to.equal('QR12345');
      const t = h.ticket(issued.ticket.id);
      expect(t).to.include({ sectionId: 'A', number: 'A001', priority: 'appointment', appointmentCode: 'QR12345', idKey: 'id-9' });
      expect(t.slot).to.deep.equal({ start: T('10:00', '2026-11-24'), end: T('11:00', '2026-11-24') });
      expect(h.state.appointments.QR12345).to.include({ status: 'checked_in', ticketId: t.id });
    });

    it('refuses an unknown code, a booking for another day and a second check-in', () => {
      const { h, a } = withBooking();
      h.refused({ type: 'IssueTicket', sectionId: 'A', appointmentCode: 'NOPE' }, 'UNKNOWN_APPOINTMENT', CITIZEN);
      h.refused({ type: 'IssueTicket', sectionId: 'A', appointmentCode: a.code }, 'APPOINTMENT_NOT_TODAY', CITIZEN);
      h.setTime('09:00', '2026-11-24');
      h.issue('A', { appointmentCode: a.code });
      h.refused({ type: 'IssueTicket', sectionId: 'A', appointmentCode: a.code }, 'APPOINTMENT_USED', CITIZEN);
    });

    it('refuses a cancelled booking at check-in', () => {
      const { h, a } = withBooking();
      h.ok({ type: 'CancelAppointment', code: a.code }, CITIZEN);
      h.setTime('09:00', '2026-11-24');
      h.refused({ type: 'IssueTicket', sectionId: 'A', appointmentCode: a.code }, 'APPOINTMENT_USED', CITIZEN);
    });

    it('does not spend daily capacity on appointment tickets', () => {
      const h = new Harness(makeSetup({ sections: { B: { dailyCapacity: 1 } } }), T('16:00', '2026-11-23'));
      const a = bookedFor(h, '2026-11-24', '09:00', 'B');
      h.setTime('08:50', '2026-11-24');
      h.issue('B');
      h.refused({ type: 'IssueTicket', sectionId: 'B' }, 'CAPACITY_EXHAUSTED', CITIZEN);
      expect(h.issue('B', { appointmentCode: a.code }).number).to.equal('B002');
    });
  });
});

describe('the business day', () => {
  it('closes yesterday\'s open tickets at the first command after midnight and restarts numbering', () => {
    const h = new Harness(makeSetup(), T('09:00'));
    h.signIn('w1');
    h.signIn('w6');
    const waiting = h.issue('A');
    const called = h.issue('A');
    const serving = h.issue('B');
    const done = h.issue('A');
    h.ok({ type: 'CallTicket', windowId: 'w1', ticketId: done.id, reason: '演示' });
    h.ok({ type: 'Start', windowId: 'w1' });
    h.advance(5);
    h.ok({ type: 'Finish', windowId: 'w1' });
    h.ok({ type: 'Rate', ticketId: done.id, level: 5 }, CITIZEN);
    h.ok({ type: 'CallTicket', windowId: 'w6', ticketId: serving.id, reason: '演示' });
    h.ok({ type: 'Start', windowId: 'w6' });
    h.ok({ type: 'CallTicket', windowId: 'w1', ticketId: called.id, reason: '演示' });
    const serviceTimes = h.state.serviceTimes;
    expect(serviceTimes).to.deep.equal({ A: [5 * 60_000] });
    expect(Object.keys(h.state.ratings)).to.deep.equal([done.id]);

    h.setTime('00:00', '2026-11-24');
    const events = h.ok({ type: 'IssueTicket', sectionId: 'A' }, CITIZEN);
    const opened = events[0]!;
    expect(opened.type).to.equal('DayOpened');
    if (opened.type !== 'DayOpened') return;
    expect(opened.day).to.equal('2026-11-24');
    expect([...opened.closedTicketIds].sort()).to.deep.equal([waiting.id, called.id, serving.id].sort());
    expect(h.state.tickets.values().map((t) => t.id)).to.deep.equal(['20261124-A001']);
    expect(h.state.counters).to.deep.equal({ A: 1 });
    for (const w of Object.values(h.state.windows)) {
      expect(w).to.deep.equal({ id: w.id, status: 'closed', normalsSincePriority: 0, credits: {} });
    }
    expect(h.state.serviceTimes).to.deep.equal(serviceTimes);
    expect(h.state.ratings).to.deep.equal({});
  });

  it('turns yesterday\'s unused bookings into missed ones and keeps future bookings', () => {
    const h = new Harness(makeSetup(), T('09:00'));
    let n = 0;
    h.newCode = () => `AP${++n}`;
    h.ok({ type: 'BookAppointment', sectionId: 'A', date: '2026-11-24', slotStart: '09:00' }, CITIZEN);
    h.ok({ type: 'BookAppointment', sectionId: 'A', date: '2026-11-24', slotStart: '10:00' }, CITIZEN);
    h.ok({ type: 'BookAppointment', sectionId: 'A', date: '2026-11-26', slotStart: '09:00' }, CITIZEN);
    h.setTime('09:00', '2026-11-24');
    h.issue('A', { appointmentCode: 'AP2' });
    h.setTime('00:01', '2026-11-26');
    const events = h.ok({ type: 'OpenDay' });
    expect(events).to.have.length(1);
    const e = events[0]!;
    if (e.type !== 'DayOpened') return expect.fail('expected DayOpened');
    expect(e.missedAppointmentCodes).to.deep.equal(['AP1']);
    expect(Object.keys(h.state.appointments)).to.deep.equal(['AP3']);
  });

  it('opens the day once: OpenDay later the same day emits nothing', () => {
    const h = new Harness();
    expect(h.ok({ type: 'OpenDay' }).map((e) => e.type)).to.deep.equal(['DayOpened']);
    expect(h.ok({ type: 'OpenDay' })).to.deep.equal([]);
    h.setTime('23:59');
    expect(h.ok({ type: 'OpenDay' })).to.deep.equal([]);
  });

  it('never reopens an older day when the clock steps back over midnight', () => {
    const h = new Harness(makeSetup(), T('00:05', '2026-11-24'));
    h.issue('A');
    h.setTime('23:58', '2026-11-23');
    expect(h.ok({ type: 'OpenDay' })).to.deep.equal([]);
    expect(h.issue('A').id).to.equal('20261124-A002');
  });

  it('keeps nothing of a refused command, not even the day it would have opened', () => {
    const h = new Harness(makeSetup(), T('09:00'));
    h.signIn('w1');
    h.setTime('08:00', '2026-11-24');
    h.refused({ type: 'CallNext', windowId: 'w1' }, 'WINDOW_CLOSED');
    expect(h.state.day).to.equal(DAY);
  });

  it('signs every clerk out at rollover so call-next needs a fresh sign-in', () => {
    const h = new Harness(makeSetup(), T('09:00'));
    h.signIn('w1');
    h.setTime('08:00', '2026-11-24');
    h.issue('A');
    h.refused({ type: 'CallNext', windowId: 'w1' }, 'WINDOW_CLOSED');
    h.signIn('w1');
    expect(h.callNext('w1').id).to.equal('20261124-A001');
  });
});
