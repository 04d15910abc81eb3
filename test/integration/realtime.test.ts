import { expect } from 'chai';
import { io, type Socket } from 'socket.io-client';
import { api, login, startTestHall, type TestHall } from '../support/hall.js';
import { until } from '../support/poll.js';

/** A socket client that records every event it receives, in order. */
function connect(url: string, nsp: string, auth: Record<string, unknown> = {}): Socket & { log: [string, any][] } {
  const s = io(url + nsp, { auth, transports: ['websocket'], reconnection: false, forceNew: true }) as Socket & { log: [string, any][] };
  s.log = [];
  s.onAny((name, payload) => s.log.push([name, payload]));
  return s;
}


function connectError(s: Socket): Promise<{ message: string; data?: { code: string } }> {
  return new Promise((resolve) => s.once('connect_error', (e) => resolve(e as never)));
}

describe('Socket.IO streams on the real server', () => {
  let h: TestHall;
  let sockets: Socket[] = [];
  let windowId: string;
  let sectionId: string;
  let token: string;

  beforeEach(async () => {
    h = await startTestHall();
    const windows = (await api(h.url, 'GET', '/api/v1/windows')).body;
    windowId = windows[0].id;
    sectionId = windows[0].sectionIds[0];
    token = await login(h.url, 'staff1', 'staff123', windowId);
    sockets = [];
  });
  afterEach(async () => {
    for (const s of sockets) s.close();
    await h.close();
  });
  const track = <S extends Socket>(s: S): S => (sockets.push(s), s);

  it('sends the display a snapshot, then numbered events with the call and its announcement', async () => {
    const d = track(connect(h.url, '/display'));
    const snap = await until(() => d.log.find(([n]) => n === 'snapshot')?.[1], 'snapshot');
    expect(snap.sections).to.have.length(7);
    expect(snap.windows).to.have.length(12);
    const t = (await api(h.url, 'POST', '/api/v1/tickets', { body: { sectionId } })).body.ticket;
    await api(h.url, 'POST', `/api/v1/windows/${windowId}/call-next`, { token });
    const call = await until(() => d.log.find(([n]) => n === 'call')?.[1], 'call');
    expect(call.ticket.number).to.equal(t.number);
    expect(call.window.id).to.equal(windowId);
    expect(call.recall).to.equal(false);
    expect(call.announcement.text).to.equal(`请 ${t.number} 号到 ${call.window.number} 号窗口办理`);
    const events = d.log.slice(1).map(([, p]) => p.seq as number);
    events.forEach((seq, i) => expect(seq).to.equal(snap.seq + i + 1));
  });

  it('tells the pad about the call, the service and the finish, and takes one rating', async () => {
    const pad = track(connect(h.url, '/pad', { windowId }));
    const padSnap = await until(() => pad.log.find(([n]) => n === 'snapshot')?.[1], 'pad snapshot');
    expect(padSnap.negativeReasons.length).to.be.greaterThan(0);
    expect(padSnap.negativeReasonsEn).to.have.length(padSnap.negativeReasons.length);
    expect(padSnap.negativeReasonsEn[0]).to.match(/^[\x20-\x7e]+$/);
    const t = (await api(h.url, 'POST', '/api/v1/tickets', { body: { sectionId } })).body.ticket;
    await api(h.url, 'POST', `/api/v1/windows/${windowId}/call-next`, { token });
    await api(h.url, 'POST', `/api/v1/windows/${windowId}/start`, { token });
    await api(h.url, 'POST', `/api/v1/windows/${windowId}/finish`, { token });
    const finished = await until(() => pad.log.find(([n]) => n === 'finished')?.[1], 'finished');
    expect(finished.ticket.number).to.equal(t.number);
    expect(pad.log.map(([n]) => n)).to.include.members(['call', 'serving', 'finished']);

    const refused = await pad.emitWithAck('rate', { ticketId: t.id, level: 1 });
    expect(refused).to.deep.include({ ok: false });
    expect(refused.error.code).to.equal('REASONS_REQUIRED');
    const bad = await pad.emitWithAck('rate', { ticketId: t.id, level: 9 });
    expect(bad.error.code).to.equal('VALIDATION_FAILED');
    expect(await pad.emitWithAck('rate', { ticketId: t.id, level: 5 })).to.deep.equal({ ok: true });
    const twice = await pad.emitWithAck('rate', { ticketId: t.id, level: 4 });
    expect(twice.error.code).to.equal('ALREADY_RATED');
    await until(() => pad.log.find(([n]) => n === 'rated'), 'rated');

    const admin = await login(h.url, 'admin', 'admin123');
    expect((await api(h.url, 'GET', '/api/v1/stats/today', { token: admin })).body.satisfaction).to.equal(1);
    const seqs = pad.log.slice(1).map(([, p]) => p.seq as number);
    seqs.forEach((s, i) => expect(s).to.equal(seqs[0]! + i));
  });

  it('refuses a pad for an unknown window and a console without a valid token', async () => {
    const pad = track(connect(h.url, '/pad', { windowId: 'nope' }));
    expect((await connectError(pad)).data?.code).to.equal('UNKNOWN_WINDOW');
    const staff = track(connect(h.url, '/staff', { token: 'v1.bad.token' }));
    expect((await connectError(staff)).data?.code).to.equal('UNAUTHORIZED');
    const mgr = track(connect(h.url, '/manager', { token }));
    expect((await connectError(mgr)).data?.code).to.equal('FORBIDDEN');
  });

  it('takes the console token from an Authorization header too, padded as the HTTP routes accept it', async () => {
    const staff = track(io(h.url + '/staff', { transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: { authorization: `Bearer  ${token}` } }));
    const snap = await new Promise<any>((resolve, reject) => {
      staff.once('snapshot', resolve);
      staff.once('connect_error', reject);
    });
    expect(snap.window.id).to.equal(windowId);
  });

  it('gives the console its queue in call order and updates it live', async () => {
    const staff = track(connect(h.url, '/staff', { token }));
    const snap = await until(() => staff.log.find(([n]) => n === 'snapshot')?.[1], 'staff snapshot');
    expect(snap.window.id).to.equal(windowId);
    expect(snap.queue).to.deep.equal([]);
    await api(h.url, 'POST', '/api/v1/tickets', { body: { sectionId } });
    await until(() => staff.log.find(([n, p]) => n === 'update' && p.queue.length === 1)?.[1], 'update');
    // A console view folded from an earlier change (the sign-in) may come first; the seq stay consecutive.
    const seqs = staff.log.filter(([n]) => n === 'update').map(([, p]) => p.seq as number);
    expect(seqs).to.deep.equal(seqs.map((_, i) => snap.seq + 1 + i));
  });

  it('lets a client that missed events catch up with a resync', async () => {
    const d = track(connect(h.url, '/display'));
    const first = await until(() => d.log.find(([n]) => n === 'snapshot')?.[1], 'snapshot');
    d.disconnect();
    const t = (await api(h.url, 'POST', '/api/v1/tickets', { body: { sectionId } })).body.ticket;
    await api(h.url, 'POST', `/api/v1/windows/${windowId}/call-next`, { token });
    d.connect();
    const second = await until(() => d.log.filter(([n]) => n === 'snapshot')[1]?.[1], 'second snapshot');
    expect(second.seq).to.be.greaterThan(first.seq);
    expect(second.recentCalls[0].ticket.number).to.equal(t.number);
    expect(second.windows.find((w: { id: string }) => w.id === windowId).current.number).to.equal(t.number);
    // An explicit resync answers with a snapshot at the stream's current seq.
    d.emit('resync');
    const third = await until(() => d.log.filter(([n]) => n === 'snapshot')[2]?.[1], 'third snapshot');
    expect(third.seq).to.equal(second.seq);
  });

  it('sends the manager live figures', async () => {
    const admin = await login(h.url, 'admin', 'admin123');
    const m = track(connect(h.url, '/manager', { token: admin }));
    const snap = await until(() => m.log.find(([n]) => n === 'snapshot')?.[1], 'manager snapshot');
    expect(snap.stats.issued).to.equal(0);
    await api(h.url, 'POST', '/api/v1/tickets', { body: { sectionId } });
    const update = await until(() => m.log.find(([n, p]) => n === 'update' && p.stats.issued === 1)?.[1], 'manager update');
    expect(update.sections.find((s: { id: string }) => s.id === sectionId).waiting).to.equal(1);
    expect(m.log.some(([n]) => n === 'queue')).to.equal(true);
  });

  it('folds a burst of tickets into a few section-count events that end on the right count', async () => {
    const d = track(connect(h.url, '/display'));
    const snap = await until(() => d.log.find(([n]) => n === 'snapshot')?.[1], 'snapshot');
    const before = snap.sections.find((x: { id: string }) => x.id === sectionId).waiting as number;
    const burst = 40;
    const answers = await Promise.all(Array.from({ length: burst }, () => api(h.url, 'POST', '/api/v1/tickets', { body: { sectionId } })));
    expect(answers.every((a) => a.status === 201)).to.equal(true);
    const waitingIn = (p: any) => p.sections.find((x: { id: string }) => x.id === sectionId).waiting as number;
    await until(() => d.log.some(([n, p]) => n === 'queue' && waitingIn(p) === before + burst), 'final count');
    const queues = d.log.filter(([n]) => n === 'queue');
    // One event per ticket would be 40; the first comes at once, the rest at most one per interval.
    expect(queues.length).to.be.greaterThan(0).and.lessThan(burst / 2);
    const seqs = d.log.filter(([n]) => n !== 'snapshot').map(([, p]) => p.seq as number);
    expect(seqs).to.deep.equal(seqs.map((_, i) => snap.seq + 1 + i));
  });
});
