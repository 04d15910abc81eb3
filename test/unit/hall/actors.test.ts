import { expect } from 'chai';
import { decide, initialState } from '../../../server/hall/index.js';
import type { Actor, Command, HallState } from '../../../server/hall/types.js';
import { CITIZEN, Harness, MANAGER, SYSTEM, T, clerk, clerkActor, makeSetup } from './fixture.js';

describe('who may do what', () => {
  it('lets citizens take tickets, book, cancel bookings, rate and rejoin', () => {
    const h = new Harness();
    const t = h.issue('A', {}, CITIZEN);
    const booked = h.ok({ type: 'BookAppointment', sectionId: 'A', date: '2026-11-24', slotStart: '09:00' }, CITIZEN);
    const a = booked.find((e) => e.type === 'AppointmentBooked');
    if (a?.type !== 'AppointmentBooked') return expect.fail('not booked');
    h.ok({ type: 'CancelAppointment', code: a.appointment.code }, CITIZEN);
    h.signIn('w1');
    h.callNext('w1');
    h.ok({ type: 'NoShow', windowId: 'w1' });
    h.ok({ type: 'Rejoin', ticketId: t.id }, CITIZEN);
    h.callNext('w1');
    h.ok({ type: 'Finish', windowId: 'w1' });
    h.ok({ type: 'Rate', ticketId: t.id, level: 4 }, CITIZEN);
  });

  it('forbids citizens every window command, cancelling tickets and opening the day', () => {
    const h = new Harness();
    h.signIn('w1');
    const t = h.issue('A');
    const cmds: Command[] = [
      { type: 'SignIn', windowId: 'w1', clerk: clerk(1) },
      { type: 'SignOut', windowId: 'w1' },
      { type: 'CallNext', windowId: 'w1' },
      { type: 'CallTicket', windowId: 'w1', ticketId: t.id, reason: 'r' },
      { type: 'Recall', windowId: 'w1' },
      { type: 'Start', windowId: 'w1' },
      { type: 'Finish', windowId: 'w1' },
      { type: 'NoShow', windowId: 'w1' },
      { type: 'Transfer', windowId: 'w1', to: { sectionId: 'B' } },
      { type: 'Pause', windowId: 'w1' },
      { type: 'Resume', windowId: 'w1' },
      { type: 'CancelTicket', ticketId: t.id, reason: '' },
      { type: 'OpenDay' },
    ];
    for (const c of cmds) h.refused(c, 'FORBIDDEN', CITIZEN);
  });

  it('lets a clerk work only at the window they signed in to', () => {
    const h = new Harness();
    h.issue('A');
    h.ok({ type: 'SignIn', windowId: 'w1', clerk: clerk(1) }, clerkActor('w1'));
    h.ok({ type: 'CallNext', windowId: 'w1' }, clerkActor('w1'));
    const err = h.refused({ type: 'Recall', windowId: 'w1' }, 'WRONG_WINDOW', clerkActor('w6', 1));
    expect(err.details).to.deep.equal({ windowId: 'w1', actorWindowId: 'w6' });
    h.refused({ type: 'SignIn', windowId: 'w2', clerk: clerk(1) }, 'WRONG_WINDOW', clerkActor('w1'));
  });

  it('refuses a clerk signing in as somebody else', () => {
    const h = new Harness();
    h.refused({ type: 'SignIn', windowId: 'w1', clerk: clerk(2) }, 'FORBIDDEN', clerkActor('w1', 1));
  });

  it('lets clerks take tickets and cancel them, but not open the day', () => {
    const h = new Harness();
    const t = h.issue('A', {}, clerkActor('w1'));
    h.ok({ type: 'CancelTicket', ticketId: t.id, reason: '' }, clerkActor('w1'));
    h.refused({ type: 'OpenDay' }, 'FORBIDDEN', clerkActor('w1'));
  });

  it('reports an unknown window before checking whose window it is', () => {
    const h = new Harness();
    h.refused({ type: 'CallNext', windowId: 'w77' }, 'UNKNOWN_WINDOW', clerkActor('w1'));
  });

  it('lets managers and the system act at any window', () => {
    const h = new Harness();
    h.issue('A');
    h.issue('A');
    h.ok({ type: 'SignIn', windowId: 'w1', clerk: clerk(1) }, MANAGER);
    h.ok({ type: 'CallNext', windowId: 'w1' }, MANAGER);
    h.ok({ type: 'Finish', windowId: 'w1' }, SYSTEM);
    h.ok({ type: 'OpenDay' }, MANAGER);
  });

  it('forbids an actor of unknown kind or a clerk actor without a clerk', () => {
    const h = new Harness();
    h.refused({ type: 'IssueTicket', sectionId: 'A' }, 'FORBIDDEN', { kind: 'robot' } as unknown as Actor);
    const d = decide(h.state, { type: 'IssueTicket', sectionId: 'A' }, { now: h.now, setup: h.setup, actor: undefined as unknown as Actor });
    expect(!d.ok && d.error.code).to.equal('FORBIDDEN');
    h.refused({ type: 'CallNext', windowId: 'w1' }, 'FORBIDDEN', { kind: 'clerk', windowId: 'w1' } as unknown as Actor);
  });
});

describe('malformed input', () => {
  const setup = makeSetup();
  const state: HallState = initialState(setup);
  const ctx = { now: T('09:00'), setup, actor: SYSTEM };

  const bad: [string, unknown][] = [
    ['null', null],
    ['a string', 'CallNext'],
    ['no type', {}],
    ['an unknown type', { type: 'Explode' }],
    ['a window command without a window', { type: 'CallNext' }],
    ['a numeric section', { type: 'IssueTicket', sectionId: 7 }],
    ['the appointment class asked for directly', { type: 'IssueTicket', sectionId: 'A', priority: 'appointment' }],
    ['a sign-in without a clerk', { type: 'SignIn', windowId: 'w1' }],
    ['a transfer to both a section and a window', { type: 'Transfer', windowId: 'w1', to: { sectionId: 'A', windowId: 'w2' } }],
    ['a transfer to nowhere', { type: 'Transfer', windowId: 'w1', to: null }],
    ['a rating of 7', { type: 'Rate', ticketId: 'x', level: 7 }],
    ['a rating of 2.5', { type: 'Rate', ticketId: 'x', level: 2.5 }],
    ['reasons that are not strings', { type: 'Rate', ticketId: 'x', level: 1, reasons: [1] }],
    ['a booking without a date', { type: 'BookAppointment', sectionId: 'A', slotStart: '09:00' }],
    ['a call without a reason', { type: 'CallTicket', windowId: 'w1', ticketId: 'x' }],
  ];
  for (const [what, cmd] of bad) {
    it(`refuses ${what} with BAD_COMMAND instead of throwing`, () => {
      const d = decide(state, cmd as Command, ctx);
      expect(d.ok).to.equal(false);
      if (!d.ok) expect(d.error.code).to.equal('BAD_COMMAND');
    });
  }

  it('refuses a non-finite clock or a missing setup with BAD_COMMAND', () => {
    for (const c of [{ ...ctx, now: Number.NaN }, { ...ctx, now: Infinity }, { now: 1, actor: SYSTEM }]) {
      const d = decide(state, { type: 'OpenDay' }, c as typeof ctx);
      expect(d.ok).to.equal(false);
      if (!d.ok) expect(d.error.code).to.equal('BAD_COMMAND');
    }
  });

  it('refuses a state that is not a hall state with BAD_COMMAND', () => {
    const d = decide({ day: null } as unknown as HallState, { type: 'OpenDay' }, ctx);
    expect(!d.ok && d.error.code).to.equal('BAD_COMMAND');
  });
});
