// The manager's domain commands: live setup changes and negative-rating follow-ups.

import { expect } from 'chai';
import { apply, decide, initialState } from '../../../server/hall/index.js';
import type { HallEvent, HallSetup } from '../../../server/hall/types.js';
import { CITIZEN, Harness, MANAGER, T, clerkActor, makeSetup } from './fixture.js';

/** A harness whose setup follows SetupChanged, as the runtime's does. */
class LiveHarness extends Harness {
  get live(): HallSetup {
    return this.state.setup ?? this.setup;
  }
  override decide(cmd: Parameters<Harness['decide']>[0], actor = MANAGER as Parameters<Harness['decide']>[1]) {
    return super.decide.call(Object.assign(Object.create(this), { setup: this.live }), cmd, actor);
  }
}

function withWindowSections(setup: HallSetup, windowId: string, sectionIds: string[]): HallSetup {
  return { ...setup, windows: setup.windows.map((w) => (w.id === windowId ? { ...w, sectionIds } : w)) };
}

describe('live setup change', () => {
  it('a window given another section calls from it on the next call-next', () => {
    const h = new LiveHarness();
    h.ok({ type: 'OpenDay' });
    h.signIn('w1');
    h.issue('B');
    h.refused({ type: 'CallNext', windowId: 'w1' }, 'QUEUE_EMPTY', clerkActor('w1'));
    h.ok({ type: 'ChangeSetup', setup: withWindowSections(h.setup, 'w1', ['B']), summary: 'w1 → B' }, MANAGER);
    expect(h.state.setup?.windows.find((w) => w.id === 'w1')?.sectionIds).to.deep.equal(['B']);
    expect(h.callNext('w1').sectionId).to.equal('B');
  });

  it('replaying the journal reaches the same setup, and a new window starts closed', () => {
    const h = new LiveHarness();
    h.ok({ type: 'OpenDay' });
    const more = { ...h.setup, windows: [...h.setup.windows, { id: 'w7', number: 7, name: '7号窗口', sectionIds: ['C'], policy: 'fifo' as const }] };
    h.ok({ type: 'ChangeSetup', setup: more, summary: 'add w7' }, MANAGER);
    expect(h.state.windows.w7?.status).to.equal('closed');
    let replay = initialState(h.setup);
    for (const e of h.events) replay = apply(replay, e, replay.setup ?? h.setup);
    expect(replay).to.deep.equal(h.state);
    // The next day keeps the changed setup's windows.
    h.setTime('08:00', '2026-11-24');
    h.ok({ type: 'OpenDay' });
    expect(Object.keys(h.state.windows)).to.include('w7');
  });

  it('records the configured setup fingerprint with a live change, and a change without one forgets it', () => {
    const setup = makeSetup();
    let state = initialState(setup);
    const change = (source: string | undefined, summary: string) => {
      const d = decide(state, { type: 'ChangeSetup', setup: withWindowSections(setup, 'w1', ['B']), summary }, {
        now: T('09:00'), setup: state.setup ?? setup, actor: MANAGER, ...(source ? { configuredSource: source } : {}),
      });
      if (!d.ok) throw new Error(d.error.message);
      // The first command of a day opens it too.
      for (const body of d.events) state = apply(state, { ...body, seq: state.seq + 1, at: T('09:00') } as HallEvent, setup);
      return d.events.find((e) => e.type === 'SetupChanged') as Extract<HallEvent, { type: 'SetupChanged' }>;
    };
    expect(change('sha256:aa', 'one').source).to.equal('sha256:aa');
    expect(state.setupSource).to.equal('sha256:aa');
    expect(change(undefined, 'two')).not.to.have.property('source');
    expect(state).not.to.have.property('setupSource');
    expect(state.setup?.windows.find((w) => w.id === 'w1')?.sectionIds).to.deep.equal(['B']);
  });

  it('refuses to remove a signed-in window or a section with live tickets, and refuses clerks', () => {
    const h = new LiveHarness();
    h.ok({ type: 'OpenDay' });
    h.signIn('w1');
    h.issue('C', { idKey: 'k' });
    const noW1 = { ...h.setup, windows: h.setup.windows.filter((w) => w.id !== 'w1') };
    expect(h.refused({ type: 'ChangeSetup', setup: noW1, summary: 'x' }, 'SETUP_CONFLICT', MANAGER).details).to.deep.equal({ reason: 'windowSignedIn', windowId: 'w1' });
    const noC = { ...h.setup, sections: h.setup.sections.filter((s) => s.id !== 'C'), windows: h.setup.windows.filter((w) => w.id !== 'w4') };
    h.refused({ type: 'ChangeSetup', setup: noC, summary: 'x' }, 'SETUP_CONFLICT', MANAGER);
    h.refused({ type: 'ChangeSetup', setup: h.setup, summary: 'x' }, 'FORBIDDEN', clerkActor('w1'));
    h.refused({ type: 'ChangeSetup', setup: h.setup, summary: 'x' }, 'FORBIDDEN', CITIZEN);
  });
});

describe('live setup change: what still depends on an item', () => {
  const without = (setup: HallSetup, change: { section?: string; service?: string; window?: string }): HallSetup => ({
    ...setup,
    sections: setup.sections
      .filter((x) => x.id !== change.section)
      .map((x) => ({ ...x, services: x.services.filter((v) => v.code !== change.service) })),
    windows: setup.windows
      .filter((w) => w.id !== change.window)
      .map((w) => ({ ...w, sectionIds: w.sectionIds.filter((id) => id !== change.section), ...(w.weights ? { weights: { A: 2 } } : {}) }))
      .filter((w) => w.sectionIds.length > 0),
  });

  it('keeps a section with bookings still to come, and lets it go once they are cancelled', () => {
    const h = new LiveHarness();
    h.ok({ type: 'OpenDay' });
    const [booked] = h.ok({ type: 'BookAppointment', sectionId: 'B', date: '2026-11-24', slotStart: '09:00' }, CITIZEN);
    const code = (booked as { appointment: { code: string } }).appointment.code;
    const err = h.refused({ type: 'ChangeSetup', setup: without(h.setup, { section: 'B' }), summary: 'x' }, 'SETUP_CONFLICT', MANAGER);
    expect(err.details).to.deep.equal({ reason: 'sectionBookings', sectionId: 'B', count: 1 });
    h.ok({ type: 'CancelAppointment', code }, CITIZEN);
    h.ok({ type: 'ChangeSetup', setup: without(h.setup, { section: 'B' }), summary: 'x' }, MANAGER);
    expect(h.live.sections.map((x) => x.id)).to.deep.equal(['A', 'C']);
  });

  it('keeps a service a live ticket or a booking names; a finished ticket does not hold it', () => {
    const h = new LiveHarness();
    h.ok({ type: 'OpenDay' });
    h.signIn('w1');
    h.issue('A', { serviceCode: 'A-02' });
    const err = h.refused({ type: 'ChangeSetup', setup: without(h.setup, { service: 'A-02' }), summary: 'x' }, 'SETUP_CONFLICT', MANAGER);
    expect(err.details).to.deep.equal({ reason: 'serviceLiveTickets', serviceCode: 'A-02', count: 1 });
    h.callNext('w1');
    h.ok({ type: 'Finish', windowId: 'w1' }, clerkActor('w1'));
    h.ok({ type: 'BookAppointment', sectionId: 'A', serviceCode: 'A-01', date: '2026-11-24', slotStart: '10:00' }, CITIZEN);
    expect(h.refused({ type: 'ChangeSetup', setup: without(h.setup, { service: 'A-01' }), summary: 'x' }, 'SETUP_CONFLICT', MANAGER).details).to.deep.equal({
      reason: 'serviceBookings',
      serviceCode: 'A-01',
      count: 1,
    });
    h.ok({ type: 'ChangeSetup', setup: without(h.setup, { service: 'A-02' }), summary: 'x' }, MANAGER);
  });

  it('keeps a closed window while tickets transferred to it wait', () => {
    const h = new LiveHarness();
    h.ok({ type: 'OpenDay' });
    h.signIn('w1');
    h.issue('A');
    h.callNext('w1');
    h.ok({ type: 'Transfer', windowId: 'w1', to: { windowId: 'w6' } }, clerkActor('w1'));
    const err = h.refused({ type: 'ChangeSetup', setup: without(h.setup, { window: 'w6' }), summary: 'x' }, 'SETUP_CONFLICT', MANAGER);
    expect(err.details).to.deep.equal({ reason: 'windowLiveTickets', windowId: 'w6', count: 1 });
  });

  it("does not give a prefix that numbered today's tickets to another section (numbers would repeat)", () => {
    const h = new LiveHarness();
    h.ok({ type: 'OpenDay' });
    h.issue('B');
    h.signIn('w2');
    h.callNext('w2');
    h.ok({ type: 'Finish', windowId: 'w2' }, clerkActor('w2'));
    // B leaves (nothing live); a new section D may not reuse B today.
    const gone = without(h.setup, { section: 'B' });
    const d = { ...h.setup.sections[1]!, id: 'D', name: '新板块' };
    const err = h.refused({ type: 'ChangeSetup', setup: { ...gone, sections: [...gone.sections, d], windows: [...gone.windows, { id: 'w7', number: 7, name: '7', sectionIds: ['D'], policy: 'fifo' }] }, summary: 'x' }, 'SETUP_CONFLICT', MANAGER);
    expect(err.details).to.deep.equal({ reason: 'prefixUsedToday', prefix: 'B', sectionId: 'B' });
    // B itself may change its prefix: its counter goes on under the new letter.
    h.ok({ type: 'ChangeSetup', setup: { ...h.setup, sections: h.setup.sections.map((x) => (x.id === 'B' ? { ...x, prefix: 'E' } : x)) }, summary: 'x' }, MANAGER);
    expect(h.issue('B').number).to.equal('E002');
    // Tomorrow the letter is free again.
    h.setTime('08:00', '2026-11-24');
    h.ok({ type: 'OpenDay' });
    h.ok({ type: 'ChangeSetup', setup: { ...h.live, sections: [...h.live.sections, { ...d, prefix: 'B' }], windows: [...h.live.windows, { id: 'w7', number: 7, name: '7', sectionIds: ['D'], policy: 'fifo' }] }, summary: 'x' }, MANAGER);
  });
});

describe('negative rating follow-up', () => {
  function rated(): { h: Harness; ticketId: string } {
    const h = new Harness(makeSetup(), T('09:00'));
    h.ok({ type: 'OpenDay' });
    h.signIn('w1');
    const t = h.issue('A');
    h.callNext('w1');
    h.ok({ type: 'Finish', windowId: 'w1' }, clerkActor('w1'));
    h.ok({ type: 'Rate', ticketId: t.id, level: 2, reasons: ['服务态度差'] }, CITIZEN);
    return { h, ticketId: t.id };
  }

  it('records the steps one by one and closes once all three are there', () => {
    const { h, ticketId } = rated();
    expect(h.state.followUps[ticketId]?.status).to.equal('open');
    h.ok({ type: 'RecordFollowUp', ticketId, verification: '  已调取录像核实  ' }, MANAGER);
    const err = h.refused({ type: 'RecordFollowUp', ticketId, close: true }, 'FOLLOW_UP_INCOMPLETE', MANAGER);
    expect(err.details).to.deep.equal({ missing: ['rectification', 'reply'] });
    h.advance(60);
    h.ok({ type: 'RecordFollowUp', ticketId, rectification: '窗口人员培训', reply: '已电话回访', close: true }, MANAGER);
    const f = h.state.followUps[ticketId]!;
    expect(f).to.include({ status: 'closed', verification: '已调取录像核实', rectification: '窗口人员培训', reply: '已电话回访', updatedBy: 'admin' });
    expect(f.closedAt).to.equal(h.now);
    h.refused({ type: 'RecordFollowUp', ticketId, reply: 'again' }, 'FOLLOW_UP_CLOSED', MANAGER);
  });

  it('refuses an unknown ticket, an empty entry and a clerk', () => {
    const { h, ticketId } = rated();
    h.refused({ type: 'RecordFollowUp', ticketId: 'nope' }, 'UNKNOWN_FOLLOW_UP', MANAGER);
    h.refused({ type: 'RecordFollowUp', ticketId, verification: '   ' }, 'BAD_COMMAND', MANAGER);
    h.refused({ type: 'RecordFollowUp', ticketId, verification: 'x' }, 'FORBIDDEN', clerkActor('w1'));
  });
});
