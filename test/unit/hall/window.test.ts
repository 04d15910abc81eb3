import { expect } from 'chai';
import { windowQueue } from '../../../server/hall/index.js';
import { Harness, clerk, makeSetup } from './fixture.js';

function ready(): Harness {
  const h = new Harness();
  h.signIn('w1');
  return h;
}

describe('window commands', () => {
  describe('sign-in and call-next preconditions', () => {
    it('refuses call-next at an unknown window, a window without a clerk, and a paused one', () => {
      const h = new Harness();
      h.issue('A');
      h.refused({ type: 'CallNext', windowId: 'w9' }, 'UNKNOWN_WINDOW');
      h.refused({ type: 'CallNext', windowId: 'w1' }, 'WINDOW_CLOSED');
      h.signIn('w1');
      h.ok({ type: 'Pause', windowId: 'w1' });
      h.refused({ type: 'CallNext', windowId: 'w1' }, 'WINDOW_PAUSED');
    });

    it('opens the window for the clerk who signs in, replacing the previous clerk and keeping the current ticket', () => {
      const h = ready();
      expect(h.state.windows.w1).to.include({ status: 'open', openedAt: h.now });
      expect(h.state.windows.w1?.clerk).to.deep.equal(clerk(1));
      h.issue('A');
      const t = h.callNext('w1');
      h.ok({ type: 'SignIn', windowId: 'w1', clerk: clerk(7) });
      expect(h.state.windows.w1?.clerk).to.deep.equal(clerk(7));
      expect(h.state.windows.w1?.currentTicketId).to.equal(t.id);
    });

    it('refuses sign-in at an unknown window', () => {
      const h = new Harness();
      h.refused({ type: 'SignIn', windowId: 'nope', clerk: clerk(1) }, 'UNKNOWN_WINDOW');
    });
  });

  describe('call-next', () => {
    it('marks the called ticket with the window, one call and the call times', () => {
      const h = ready();
      const issued = h.issue('A');
      h.advance(3);
      const t = h.callNext('w1');
      expect(t).to.include({ id: issued.id, status: 'called', windowId: 'w1', calls: 1, firstCalledAt: h.now, lastCalledAt: h.now });
      expect(h.state.windows.w1?.currentTicketId).to.equal(t.id);
    });

    it('refuses a second call-next while the called ticket is still open (TICKET_OPEN)', () => {
      const h = ready();
      h.issue('A');
      h.issue('A');
      const t = h.callNext('w1');
      const err = h.refused({ type: 'CallNext', windowId: 'w1' }, 'TICKET_OPEN');
      expect(err.details).to.deep.equal({ ticketId: t.id, number: 'A001' });
    });

    it('finishes a serving ticket first, records its service time, then calls the next', () => {
      const h = ready();
      h.issue('A');
      h.issue('A');
      const first = h.callNext('w1');
      h.ok({ type: 'Start', windowId: 'w1' });
      h.advance(7);
      const events = h.ok({ type: 'CallNext', windowId: 'w1' });
      const second = h.byNumber('A002');
      expect(events.map((e) => e.type)).to.deep.equal(['TicketFinished', 'TicketCalled']);
      expect(events[0]).to.deep.equal({ type: 'TicketFinished', ticketId: first.id, windowId: 'w1', serviceMs: 7 * 60_000 });
      expect(events[1]).to.deep.include({ ticketId: second.id, finishedFirst: first.id, recall: false });
      expect(h.ticket(first.id)).to.include({ status: 'done', finishedAt: h.now, windowId: 'w1', clerkId: 'c1' });
      expect(h.state.serviceTimes.A).to.deep.equal([7 * 60_000]);
      expect(h.state.windows.w1?.currentTicketId).to.equal(second.id);
    });

    it('leaves a serving ticket alone when call-next finds the queue empty', () => {
      const h = ready();
      h.issue('A');
      const t = h.callNext('w1');
      h.ok({ type: 'Start', windowId: 'w1' });
      h.refused({ type: 'CallNext', windowId: 'w1' }, 'QUEUE_EMPTY');
      expect(h.ticket(t.id).status).to.equal('serving');
    });
  });

  describe('calling a named ticket out of order', () => {
    it('calls the named ticket with the audited reason', () => {
      const h = ready();
      h.issue('A');
      const later = h.issue('A');
      const events = h.ok({ type: 'CallTicket', windowId: 'w1', ticketId: later.id, reason: '  残疾人优先  ' });
      expect(events).to.deep.equal([{ type: 'TicketCalled', ticketId: later.id, windowId: 'w1', recall: false, outOfOrder: { reason: '残疾人优先' } }]);
      expect(h.ticket(later.id).status).to.equal('called');
    });

    it('refuses without a reason, for a ticket not waiting, and for one the window does not serve', () => {
      const h = ready();
      const a = h.issue('A');
      const b = h.issue('B');
      h.refused({ type: 'CallTicket', windowId: 'w1', ticketId: a.id, reason: '   ' }, 'REASONS_REQUIRED');
      h.refused({ type: 'CallTicket', windowId: 'w1', ticketId: 'x', reason: 'r' }, 'UNKNOWN_TICKET');
      h.refused({ type: 'CallTicket', windowId: 'w1', ticketId: b.id, reason: 'r' }, 'BAD_STATE');
      h.ok({ type: 'CancelTicket', ticketId: a.id, reason: '' });
      h.refused({ type: 'CallTicket', windowId: 'w1', ticketId: a.id, reason: 'r' }, 'BAD_STATE');
    });

    it('refuses a ticket transferred to another window even in the window\'s own section', () => {
      const h = ready();
      h.signIn('w6');
      h.issue('A');
      const t = h.callNext('w6');
      h.ok({ type: 'Transfer', windowId: 'w6', to: { windowId: 'w3' } });
      h.refused({ type: 'CallTicket', windowId: 'w1', ticketId: t.id, reason: 'r' }, 'BAD_STATE');
    });

    it('follows the same window checks as call-next', () => {
      const h = ready();
      const a = h.issue('A');
      const b = h.issue('A');
      h.callNext('w1');
      h.refused({ type: 'CallTicket', windowId: 'w1', ticketId: b.id, reason: 'r' }, 'TICKET_OPEN');
      h.ok({ type: 'Start', windowId: 'w1' });
      const events = h.ok({ type: 'CallTicket', windowId: 'w1', ticketId: b.id, reason: 'r' });
      expect(events.map((e) => e.type)).to.deep.equal(['TicketFinished', 'TicketCalled']);
      expect(h.ticket(a.id).status).to.equal('done');
      h.ok({ type: 'Pause', windowId: 'w1' });
      h.refused({ type: 'CallTicket', windowId: 'w1', ticketId: b.id, reason: 'r' }, 'WINDOW_PAUSED');
    });
  });

  describe('recall', () => {
    it('recalls up to the limit, counting calls, then refuses with RECALL_LIMIT', () => {
      const h = ready();
      h.issue('A');
      const t = h.callNext('w1');
      const first = h.now;
      h.advance(1);
      h.ok({ type: 'Recall', windowId: 'w1' });
      h.advance(1);
      h.ok({ type: 'Recall', windowId: 'w1' });
      expect(h.ticket(t.id)).to.include({ calls: 3, firstCalledAt: first, lastCalledAt: h.now });
      const err = h.refused({ type: 'Recall', windowId: 'w1' }, 'RECALL_LIMIT');
      expect(err.details).to.deep.equal({ calls: 3, max: 3 });
    });

    it('emits a recall event that screens can announce again', () => {
      const h = ready();
      const t = h.issue('A');
      h.callNext('w1');
      expect(h.ok({ type: 'Recall', windowId: 'w1' })).to.deep.equal([{ type: 'TicketCalled', ticketId: t.id, windowId: 'w1', recall: true }]);
    });

    it('refuses a recall with nothing called, or once service has started', () => {
      const h = ready();
      h.refused({ type: 'Recall', windowId: 'w1' }, 'NO_CURRENT_TICKET');
      h.issue('A');
      h.callNext('w1');
      h.ok({ type: 'Start', windowId: 'w1' });
      h.refused({ type: 'Recall', windowId: 'w1' }, 'NO_CURRENT_TICKET');
    });
  });

  describe('start and finish', () => {
    it('starts a called ticket and refuses to start it twice', () => {
      const h = ready();
      h.refused({ type: 'Start', windowId: 'w1' }, 'NO_CURRENT_TICKET');
      h.issue('A');
      const t = h.callNext('w1');
      h.advance(2);
      h.ok({ type: 'Start', windowId: 'w1' });
      expect(h.ticket(t.id)).to.include({ status: 'serving', startedAt: h.now });
      h.refused({ type: 'Start', windowId: 'w1' }, 'BAD_STATE');
    });

    it('finishes a called ticket by starting and finishing it at once, without a service time', () => {
      const h = ready();
      h.issue('A');
      const t = h.callNext('w1');
      expect(h.ok({ type: 'Finish', windowId: 'w1' })).to.deep.equal([
        { type: 'TicketStarted', ticketId: t.id, windowId: 'w1' },
        { type: 'TicketFinished', ticketId: t.id, windowId: 'w1', serviceMs: 0 },
      ]);
      expect(h.ticket(t.id).status).to.equal('done');
      expect(h.state.windows.w1).to.not.have.property('currentTicketId');
      expect(h.state.serviceTimes).to.deep.equal({});
    });

    it('keeps only the last rollingWindow service times of a section', () => {
      const h = ready();
      for (let i = 1; i <= 7; i++) {
        h.issue('A');
        h.callNext('w1');
        h.ok({ type: 'Start', windowId: 'w1' });
        h.advance(i);
        h.ok({ type: 'Finish', windowId: 'w1' });
      }
      expect(h.state.serviceTimes.A).to.deep.equal([3, 4, 5, 6, 7].map((m) => m * 60_000));
    });

    it('refuses to finish with nothing at the window', () => {
      const h = ready();
      h.refused({ type: 'Finish', windowId: 'w1' }, 'NO_CURRENT_TICKET');
    });
  });

  describe('no-show and rejoin', () => {
    it('marks a called ticket as a no-show and frees the window', () => {
      const h = ready();
      h.issue('A');
      const t = h.callNext('w1');
      h.ok({ type: 'NoShow', windowId: 'w1' });
      expect(h.ticket(t.id)).to.include({ status: 'no_show', noShowAt: h.now });
      expect(h.state.windows.w1).to.not.have.property('currentTicketId');
      h.refused({ type: 'NoShow', windowId: 'w1' }, 'NO_CURRENT_TICKET');
    });

    it('refuses a no-show for a ticket already being served', () => {
      const h = ready();
      h.issue('A');
      h.callNext('w1');
      h.ok({ type: 'Start', windowId: 'w1' });
      h.refused({ type: 'NoShow', windowId: 'w1' }, 'BAD_STATE');
    });

    it('lets a no-show rejoin up to the limit, then refuses with REJOIN_EXPIRED', () => {
      const h = ready();
      h.issue('A');
      h.issue('A');
      const t = h.callNext('w1');
      h.ok({ type: 'NoShow', windowId: 'w1' });
      h.advance(31);
      h.refused({ type: 'Rejoin', ticketId: t.id }, 'REJOIN_EXPIRED');
      h.advance(-1);
      h.ok({ type: 'Rejoin', ticketId: t.id });
      expect(h.ticket(t.id)).to.include({ status: 'waiting', calls: 0, holdCalls: 3 });
      expect(h.ticket(t.id)).to.not.have.property('windowId');
    });

    it('keeps the first call time when a rejoined ticket is called again', () => {
      const h = ready();
      h.issue('A');
      const t = h.callNext('w1');
      const first = h.now;
      h.ok({ type: 'NoShow', windowId: 'w1' });
      h.advance(5);
      h.ok({ type: 'Rejoin', ticketId: t.id });
      h.advance(1);
      expect(h.callNext('w1')).to.include({ id: t.id, firstCalledAt: first, lastCalledAt: h.now, calls: 1 });
    });

    it('refuses to rejoin a ticket that is not a no-show, or that does not exist', () => {
      const h = ready();
      const t = h.issue('A');
      h.refused({ type: 'Rejoin', ticketId: t.id }, 'BAD_STATE');
      h.refused({ type: 'Rejoin', ticketId: '20261123-A999' }, 'UNKNOWN_TICKET');
    });
  });

  describe('transfer', () => {
    it('refuses to transfer a no-show: it has left the window and must rejoin first', () => {
      const h = ready();
      h.issue('A');
      const t = h.callNext('w1');
      h.ok({ type: 'NoShow', windowId: 'w1' });
      h.refused({ type: 'Transfer', windowId: 'w1', to: { sectionId: 'B' } }, 'NO_CURRENT_TICKET');
      expect(h.ticket(t.id).status).to.equal('no_show');
    });

    it('sends the current ticket to the head of another section with its number and history', () => {
      const h = ready();
      h.issue('A');
      const t = h.callNext('w1');
      h.advance(2);
      h.ok({ type: 'Transfer', windowId: 'w1', to: { sectionId: 'B' } });
      const moved = h.ticket(t.id);
      expect(moved).to.include({ status: 'transferred', sectionId: 'B', number: 'A001', calls: 0, headSince: h.now });
      expect(moved.transferTarget).to.deep.equal({ sectionId: 'B' });
      expect(moved.transfers).to.deep.equal([{ at: h.now, fromSectionId: 'A', fromWindowId: 'w1', to: { sectionId: 'B' } }]);
      expect(moved).to.not.have.property('windowId');
      expect(h.state.windows.w1).to.not.have.property('currentTicketId');
    });

    it('allows a transfer into the same section, which puts the ticket at its head', () => {
      const h = ready();
      h.issue('A');
      h.issue('A');
      const t = h.callNext('w1');
      h.ok({ type: 'Transfer', windowId: 'w1', to: { sectionId: 'A' } });
      expect(windowQueue(h.state, h.setup, 'w1', h.now)[0]?.id).to.equal(t.id);
    });

    it('records no service time for a transferred serving ticket', () => {
      const h = ready();
      h.issue('A');
      h.callNext('w1');
      h.ok({ type: 'Start', windowId: 'w1' });
      h.advance(10);
      h.ok({ type: 'Transfer', windowId: 'w1', to: { sectionId: 'B' } });
      expect(h.state.serviceTimes).to.deep.equal({});
    });

    it('refuses an unknown section or window and the window itself as targets', () => {
      const h = ready();
      h.issue('A');
      h.callNext('w1');
      h.refused({ type: 'Transfer', windowId: 'w1', to: { sectionId: 'Q' } }, 'TRANSFER_TARGET');
      h.refused({ type: 'Transfer', windowId: 'w1', to: { windowId: 'w42' } }, 'TRANSFER_TARGET');
      h.refused({ type: 'Transfer', windowId: 'w1', to: { windowId: 'w1' } }, 'TRANSFER_TARGET');
    });

    it('refuses a transfer with nothing at the window', () => {
      const h = ready();
      h.refused({ type: 'Transfer', windowId: 'w1', to: { sectionId: 'B' } }, 'NO_CURRENT_TICKET');
    });
  });

  describe('sign-out', () => {
    it('puts a ticket called but not served back at the head of its section and closes the window', () => {
      const h = ready();
      h.signIn('w6');
      h.issue('A');
      h.issue('A');
      const t = h.callNext('w1');
      h.advance(1);
      expect(h.ok({ type: 'SignOut', windowId: 'w1' })).to.deep.equal([{ type: 'WindowSignedOut', windowId: 'w1' }]);
      expect(h.ticket(t.id)).to.include({ status: 'waiting', calls: 0, headSince: h.now });
      expect(h.ticket(t.id)).to.not.have.property('windowId');
      expect(h.state.windows.w1).to.deep.equal({ id: 'w1', status: 'closed', normalsSincePriority: 1, credits: {} });
      expect(h.callNext('w6').id).to.equal(t.id);
    });

    it('finishes a serving ticket at sign-out', () => {
      const h = ready();
      h.issue('A');
      const t = h.callNext('w1');
      h.ok({ type: 'Start', windowId: 'w1' });
      h.advance(4);
      const events = h.ok({ type: 'SignOut', windowId: 'w1' });
      expect(events.map((e) => e.type)).to.deep.equal(['TicketFinished', 'WindowSignedOut']);
      expect(h.ticket(t.id)).to.include({ status: 'done', clerkId: 'c1' });
    });

    it('refuses to sign out a window that is already closed', () => {
      const h = new Harness();
      h.refused({ type: 'SignOut', windowId: 'w1' }, 'WINDOW_CLOSED');
    });
  });

  describe('pause and resume', () => {
    it('pauses an open window with a default reason and resumes it', () => {
      const h = ready();
      h.ok({ type: 'Pause', windowId: 'w1' });
      expect(h.state.windows.w1).to.include({ status: 'paused', pauseReason: '暂停服务', pausedAt: h.now });
      h.ok({ type: 'Resume', windowId: 'w1' });
      expect(h.state.windows.w1?.status).to.equal('open');
      expect(h.state.windows.w1).to.not.have.any.keys('pauseReason', 'pausedAt');
    });

    it('keeps the reason the clerk gives', () => {
      const h = ready();
      h.ok({ type: 'Pause', windowId: 'w1', reason: '系统维护' });
      expect(h.state.windows.w1?.pauseReason).to.equal('系统维护');
    });

    it('lets a window pause while serving and finish that ticket, but not call the next', () => {
      const h = ready();
      h.issue('A');
      h.issue('A');
      const t = h.callNext('w1');
      h.ok({ type: 'Start', windowId: 'w1' });
      h.ok({ type: 'Pause', windowId: 'w1' });
      h.refused({ type: 'CallNext', windowId: 'w1' }, 'WINDOW_PAUSED');
      h.ok({ type: 'Finish', windowId: 'w1' });
      expect(h.ticket(t.id).status).to.equal('done');
      h.ok({ type: 'Resume', windowId: 'w1' });
      expect(h.callNext('w1').number).to.equal('A002');
    });

    it('refuses to pause a closed or already paused window and to resume one that is not paused', () => {
      const h = new Harness();
      h.refused({ type: 'Pause', windowId: 'w1' }, 'WINDOW_CLOSED');
      h.refused({ type: 'Resume', windowId: 'w1' }, 'WINDOW_NOT_PAUSED');
      h.signIn('w1');
      h.refused({ type: 'Resume', windowId: 'w1' }, 'WINDOW_NOT_PAUSED');
      h.ok({ type: 'Pause', windowId: 'w1' });
      h.refused({ type: 'Pause', windowId: 'w1' }, 'WINDOW_PAUSED');
    });
  });

  describe('cancelling a ticket', () => {
    it('cancels waiting, transferred and no-show tickets', () => {
      const h = ready();
      const waiting = h.issue('A');
      h.ok({ type: 'CancelTicket', ticketId: waiting.id, reason: '离开' });
      expect(h.ticket(waiting.id).status).to.equal('cancelled');
      h.issue('A');
      const noShow = h.callNext('w1');
      h.ok({ type: 'NoShow', windowId: 'w1' });
      h.ok({ type: 'CancelTicket', ticketId: noShow.id, reason: '' });
      expect(h.ticket(noShow.id).status).to.equal('cancelled');
      h.issue('A');
      const moved = h.callNext('w1');
      h.ok({ type: 'Transfer', windowId: 'w1', to: { sectionId: 'B' } });
      h.ok({ type: 'CancelTicket', ticketId: moved.id, reason: '' });
      expect(h.ticket(moved.id).status).to.equal('cancelled');
    });

    it('refuses to cancel a called, served or unknown ticket', () => {
      const h = ready();
      h.issue('A');
      const t = h.callNext('w1');
      h.refused({ type: 'CancelTicket', ticketId: t.id, reason: '' }, 'BAD_STATE');
      h.ok({ type: 'Finish', windowId: 'w1' });
      h.refused({ type: 'CancelTicket', ticketId: t.id, reason: '' }, 'BAD_STATE');
      h.refused({ type: 'CancelTicket', ticketId: 'nope', reason: '' }, 'UNKNOWN_TICKET');
    });
  });

  it('never calls a rejoined ticket that was cancelled while holding', () => {
    const h = new Harness(makeSetup({ rules: { rejoinPositionsFromHead: 1 } }));
    h.signIn('w1');
    h.issue('A');
    h.issue('A');
    const t = h.callNext('w1');
    h.ok({ type: 'NoShow', windowId: 'w1' });
    h.ok({ type: 'Rejoin', ticketId: t.id });
    h.ok({ type: 'CancelTicket', ticketId: t.id, reason: '' });
    expect(h.ticket(t.id)).to.not.have.any.keys('holdCalls', 'headSince');
    expect(h.callNext('w1').number).to.equal('A002');
    expect(h.ticket(t.id).status).to.equal('cancelled');
  });
});
