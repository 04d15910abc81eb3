import { expect } from 'chai';
import { addWorkingDays, decide } from '../../../server/hall/index.js';
import type { Appointment, Command, EventBody } from '../../../server/hall/types.js';
import { CITIZEN, Harness, T, clerk, makeSetup } from './fixture.js';

const book = (date: string, slotStart = '09:00', extra: Partial<Extract<Command, { type: 'BookAppointment' }>> = {}): Command => ({
  type: 'BookAppointment',
  sectionId: 'A',
  date,
  slotStart,
  ...extra,
});

function appointmentOf(events: EventBody[]): Appointment {
  const e = events.find((x) => x.type === 'AppointmentBooked');
  if (e?.type !== 'AppointmentBooked') return expect.fail('no AppointmentBooked');
  return e.appointment;
}

describe('booking appointments', () => {
  // Today is Mon 2026-11-23; the horizon is 7 days: up to Mon 11-30.
  it('books a slot with a code from the edge and the slot\'s times', () => {
    const h = new Harness();
    let calls = 0;
    h.newCode = () => {
      calls++;
      return 'YY2026';
    };
    const a = appointmentOf(h.ok(book('2026-11-24', '10:00', { serviceCode: 'A-01', idKey: 'id-1', nameMasked: '张*三' }), CITIZEN));
    expect(calls).to.equal(1);
    expect(a).to.deep.equal({
      code: 'YY2026',
      sectionId: 'A',
      serviceCode: 'A-01',
      date: '2026-11-24',
      slotStart: '10:00',
      slotEnd: '11:00',
      idKey: 'id-1',
      nameMasked: '张*三',
      bookedAt: h.now,
      status: 'booked',
    });
    expect(h.state.appointments.YY2026).to.deep.equal(a);
  });

  it('derives the same code from the same state when the edge gives none, and a fresh one for the next booking', () => {
    const h = new Harness();
    const first = h.decide(book('2026-11-24'), CITIZEN);
    const again = h.decide(book('2026-11-24'), CITIZEN);
    expect(first).to.deep.equal(again);
    const a = appointmentOf(h.ok(book('2026-11-24'), CITIZEN));
    expect(a.code).to.match(/^[0-9A-Z]{10}$/);
    const b = appointmentOf(h.ok(book('2026-11-24'), CITIZEN));
    expect(b.code).to.not.equal(a.code);
  });

  it('falls back to a derived code when the edge offers one already in use', () => {
    const h = new Harness();
    h.newCode = () => 'SAME';
    h.ok(book('2026-11-24'), CITIZEN);
    const b = appointmentOf(h.ok(book('2026-11-26'), CITIZEN));
    expect(b.code).to.not.equal('SAME');
    expect(Object.keys(h.state.appointments)).to.have.length(2);
  });

  it('refuses today, past days, days beyond the horizon and malformed dates with BOOKING_RANGE', () => {
    const h = new Harness();
    for (const date of ['2026-11-23', '2026-11-20', '2026-12-01', '2026-11-31', 'tomorrow']) {
      const err = h.refused(book(date), 'BOOKING_RANGE', CITIZEN);
      expect(err.details).to.deep.equal({ from: '2026-11-24', to: '2026-11-30' });
    }
    expect(appointmentOf(h.ok(book('2026-11-30'), CITIZEN)).date).to.equal('2026-11-30');
  });

  it('refuses holidays and weekends but books a make-up Saturday', () => {
    const h = new Harness();
    h.refused(book('2026-11-25'), 'NOT_WORKING_DAY', CITIZEN);
    h.refused(book('2026-11-29'), 'NOT_WORKING_DAY', CITIZEN);
    expect(appointmentOf(h.ok(book('2026-11-28'), CITIZEN)).date).to.equal('2026-11-28');
  });

  it('refuses a slot that does not exist or is full, listing what is still free', () => {
    const h = new Harness();
    h.refused(book('2026-11-24', '11:00'), 'SLOT_UNAVAILABLE', CITIZEN);
    h.ok(book('2026-11-24'), CITIZEN);
    h.ok(book('2026-11-24'), CITIZEN);
    const err = h.refused(book('2026-11-24'), 'SLOT_UNAVAILABLE', CITIZEN);
    expect(err.details).to.deep.equal({ date: '2026-11-24', slots: [{ start: '10:00', end: '11:00', left: 2 }] });
  });

  it('gives a cancelled booking\'s place back to the slot', () => {
    const h = new Harness();
    const a = appointmentOf(h.ok(book('2026-11-24'), CITIZEN));
    h.ok(book('2026-11-24'), CITIZEN);
    h.ok({ type: 'CancelAppointment', code: a.code }, CITIZEN);
    expect(h.state.appointments[a.code]?.status).to.equal('cancelled');
    h.ok(book('2026-11-24'), CITIZEN);
  });

  it('allows one booking per ID, section and date', () => {
    const h = new Harness();
    h.ok(book('2026-11-24', '09:00', { idKey: 'id-1' }), CITIZEN);
    h.refused(book('2026-11-24', '10:00', { idKey: 'id-1' }), 'ID_LIMIT_SECTION', CITIZEN);
    h.ok(book('2026-11-26', '10:00', { idKey: 'id-1' }), CITIZEN);
    h.ok({ type: 'BookAppointment', sectionId: 'B', date: '2026-11-24', slotStart: '09:00', idKey: 'id-1' }, CITIZEN);
    h.ok(book('2026-11-24', '10:00', { idKey: 'id-2' }), CITIZEN);
  });

  it('refuses an unknown section or a service of another section', () => {
    const h = new Harness();
    h.refused({ type: 'BookAppointment', sectionId: 'Z', date: '2026-11-24', slotStart: '09:00' }, 'UNKNOWN_SECTION', CITIZEN);
    h.refused(book('2026-11-24', '09:00', { serviceCode: 'C-01' }), 'UNKNOWN_SERVICE', CITIZEN);
  });

  it('cancels a booking once: a second cancel or a check-in after it is refused', () => {
    const h = new Harness();
    const a = appointmentOf(h.ok(book('2026-11-24'), CITIZEN));
    h.ok({ type: 'CancelAppointment', code: a.code }, CITIZEN);
    h.refused({ type: 'CancelAppointment', code: a.code }, 'APPOINTMENT_USED', CITIZEN);
    h.refused({ type: 'CancelAppointment', code: 'NOPE' }, 'UNKNOWN_APPOINTMENT', CITIZEN);
  });

  it('refuses to cancel a booking that was already checked in', () => {
    const h = new Harness();
    const a = appointmentOf(h.ok(book('2026-11-24'), CITIZEN));
    h.setTime('09:00', '2026-11-24');
    h.issue('A', { appointmentCode: a.code });
    h.refused({ type: 'CancelAppointment', code: a.code }, 'APPOINTMENT_USED', CITIZEN);
  });
});

describe('ratings', () => {
  function served(): { h: Harness; id: string } {
    const h = new Harness();
    h.signIn('w1');
    const t = h.issue('A');
    h.callNext('w1');
    h.ok({ type: 'Start', windowId: 'w1' });
    h.advance(6);
    h.ok({ type: 'Finish', windowId: 'w1' });
    return { h, id: t.id };
  }

  it('records a rating against the window and clerk who finished the ticket', () => {
    const { h, id } = served();
    h.ok({ type: 'SignIn', windowId: 'w1', clerk: clerk(8) });
    h.advance(1);
    const events = h.ok({ type: 'Rate', ticketId: id, level: 5, comment: ' 很好 ' }, CITIZEN);
    expect(events).to.deep.equal([
      { type: 'RatingRecorded', rating: { ticketId: id, windowId: 'w1', clerkId: 'c1', level: 5, reasons: [], comment: '很好', at: h.now } },
    ]);
    expect(h.state.ratings[id]?.level).to.equal(5);
    expect(h.ticket(id).rated).to.equal(true);
    expect(h.state.followUps).to.deep.equal({});
  });

  it('refuses to rate a ticket twice', () => {
    const { h, id } = served();
    h.ok({ type: 'Rate', ticketId: id, level: 4 }, CITIZEN);
    h.refused({ type: 'Rate', ticketId: id, level: 5 }, 'ALREADY_RATED', CITIZEN);
  });

  it('refuses to rate a ticket that is not finished or does not exist', () => {
    const h = new Harness();
    h.signIn('w1');
    const t = h.issue('A');
    h.refused({ type: 'Rate', ticketId: t.id, level: 5 }, 'NOT_RATABLE', CITIZEN);
    h.callNext('w1');
    h.refused({ type: 'Rate', ticketId: t.id, level: 5 }, 'NOT_RATABLE', CITIZEN);
    h.refused({ type: 'Rate', ticketId: 'nope', level: 5 }, 'UNKNOWN_TICKET', CITIZEN);
  });

  it('needs at least one non-blank reason for levels 1 and 2', () => {
    const { h, id } = served();
    h.refused({ type: 'Rate', ticketId: id, level: 2 }, 'REASONS_REQUIRED', CITIZEN);
    h.refused({ type: 'Rate', ticketId: id, level: 1, reasons: ['  '] }, 'REASONS_REQUIRED', CITIZEN);
    h.ok({ type: 'Rate', ticketId: id, level: 3 }, CITIZEN);
  });

  it('opens a follow-up due fifteen working days later for a negative rating, skipping the holiday and counting the make-up Saturday', () => {
    const { h, id } = served();
    const events = h.ok({ type: 'Rate', ticketId: id, level: 1, reasons: ['态度差', ''] }, CITIZEN);
    const e = events[0]!;
    if (e.type !== 'RatingRecorded') return expect.fail('expected RatingRecorded');
    expect(e.rating.reasons).to.deep.equal(['态度差']);
    expect(e.followUp).to.deep.equal({ ticketId: id, level: 1, openedAt: h.now, dueDate: '2026-12-14', status: 'open' });
    expect(h.state.followUps[id]?.dueDate).to.equal(addWorkingDays('2026-11-23', 15, h.setup.calendar));
  });

  it('takes the follow-up period from the rules', () => {
    const h = new Harness(makeSetup({ rules: { followUpWorkingDays: 5 } }));
    h.signIn('w1');
    const t = h.issue('A');
    h.callNext('w1');
    h.ok({ type: 'Finish', windowId: 'w1' });
    h.ok({ type: 'Rate', ticketId: t.id, level: 2, reasons: ['等候太久'] }, CITIZEN);
    // 24, 26, 27, 28 (make-up Saturday), 30.
    expect(h.state.followUps[t.id]?.dueDate).to.equal('2026-11-30');
  });

  it('records a pad timeout as not rated, without a follow-up, and closes the ticket to later ratings', () => {
    const { h, id } = served();
    const events = h.ok({ type: 'RatingTimeout', ticketId: id }, CITIZEN);
    expect(events).to.deep.equal([{ type: 'RatingRecorded', rating: { ticketId: id, windowId: 'w1', clerkId: 'c1', level: null, reasons: [], at: h.now } }]);
    h.refused({ type: 'Rate', ticketId: id, level: 5 }, 'ALREADY_RATED', CITIZEN);
    h.refused({ type: 'RatingTimeout', ticketId: id }, 'ALREADY_RATED', CITIZEN);
  });

  it('refuses to rate a ticket of a past business day, which has left the live state', () => {
    const { h, id } = served();
    h.setTime('08:00', '2026-11-24');
    h.refused({ type: 'Rate', ticketId: id, level: 5 }, 'UNKNOWN_TICKET', CITIZEN);
  });

  it('keeps open follow-ups across the business day', () => {
    const { h, id } = served();
    h.ok({ type: 'Rate', ticketId: id, level: 1, reasons: ['x'] }, CITIZEN);
    h.setTime('08:00', '2026-11-24');
    h.ok({ type: 'OpenDay' });
    expect(Object.keys(h.state.followUps)).to.deep.equal([id]);
  });

  it('does not let decide change the state it was given', () => {
    const { h, id } = served();
    const snapshot = JSON.stringify(h.state);
    decide(h.state, { type: 'Rate', ticketId: id, level: 1, reasons: ['x'] }, { now: T('10:00'), setup: h.setup, actor: CITIZEN });
    expect(JSON.stringify(h.state)).to.equal(snapshot);
  });
});
