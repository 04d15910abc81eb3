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
    expect(h.refused({ type: 'ChangeSetup', setup: noW1, summary: 'x' }, 'SETUP_CONFLICT', MANAGER).details).to.deep.equal({ windowId: 'w1' });
    const noC = { ...h.setup, sections: h.setup.sections.filter((s) => s.id !== 'C'), windows: h.setup.windows.filter((w) => w.id !== 'w4') };
    h.refused({ type: 'ChangeSetup', setup: noC, summary: 'x' }, 'SETUP_CONFLICT', MANAGER);
    h.refused({ type: 'ChangeSetup', setup: h.setup, summary: 'x' }, 'FORBIDDEN', clerkActor('w1'));
    h.refused({ type: 'ChangeSetup', setup: h.setup, summary: 'x' }, 'FORBIDDEN', CITIZEN);
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
