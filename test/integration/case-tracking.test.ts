// Accepted cases followed into the back office: the hall asks the mock central system for each accepted
// case's progress (the contract has no callback), records review → approve → done in the case, and once
// central says done the case counts as completed in the manager's on-time figures and e-supervision stops
// warning about it. The hall and the mock share one test clock, so the mock's stages pass without waiting.

import { expect } from 'chai';
import { io as connect } from 'socket.io-client';
import { idCheckDigit } from '../../drivers/idcard/codec.js';
import { addWorkingDays } from '../../server/hall/calendar.js';
import { api, login, startTestHall, type TestHall } from '../support/hall.js';
import { startTestCentral, TEST_CENTRAL_KEY, until, type TestCentral } from '../support/central.js';

const FAST = { baseSeconds: 0.02, maxSeconds: 0.1, concurrency: 4 };
const ID = '44030519850312047' + idCheckDigit('44030519850312047');
const STAGE_MS = 60_000;

/** The supervision report in a fresh /manager snapshot. */
async function managerSupervision(url: string, token: string): Promise<{ cases: { caseId: string; level: string }[] }> {
  const s = connect(`${url}/manager`, { auth: { token }, transports: ['websocket'], reconnection: false });
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no /manager snapshot')), 10_000);
      s.once('connect_error', (e: Error) => reject(e));
      s.once('snapshot', (snap: { supervision: { cases: { caseId: string; level: string }[] } }) => {
        clearTimeout(timer);
        resolve(snap.supervision);
      });
    });
  } finally {
    s.close();
  }
}

describe('cases followed at central (integration)', function () {
  this.timeout(60_000);
  let c: TestCentral;
  let h: TestHall;
  let clock = Date.parse('2026-03-16T01:30:00Z'); // 09:30 in the hall, a Monday
  let clerk: string;
  let manager: string;

  beforeEach(async () => {
    clock = Date.parse('2026-03-16T01:30:00Z');
    c = await startTestCentral({ now: () => clock, stageMs: STAGE_MS });
    h = await startTestHall({ now: () => clock, central: { url: c.url, apiKey: TEST_CENTRAL_KEY, retry: FAST } });
    clerk = await login(h.url, 'staff1', 'staff123', 'w1');
    manager = await login(h.url, 'admin', 'admin123');
  });
  afterEach(async () => {
    await h.close();
    await c.close();
  });

  async function accept(serviceCode: string): Promise<{ id: string; version: number; promisedDue: string }> {
    const made = await api(h.url, 'POST', '/api/v1/cases', { token: clerk, body: { windowId: 'w1', serviceCode, applicant: { name: '欧阳小明', idNumber: ID } } });
    expect(made.status).to.equal(201);
    const kase = made.body.case as { id: string; materials: { name: string }[] };
    await api(h.url, 'PUT', `/api/v1/cases/${kase.id}/materials`, { token: clerk, body: { materials: kase.materials.map((m) => ({ name: m.name, state: 'provided' })) } });
    const decided = await api(h.url, 'POST', `/api/v1/cases/${kase.id}/outcome`, { token: clerk, body: { outcome: 'accepted' } });
    expect(decided.status).to.equal(200);
    return decided.body.case;
  }

  it('records central’s stages in the case, and once done stops supervising it and counts it completed on time', async () => {
    const kase = await accept('A01');
    await until(() => c.mock.received('case').length === 1 && h.running.central.link.outbox.status().backlog === 0, 20_000, 'case at central');
    const cases = h.running.cases;
    await until(async () => (await cases.trackCentral()).asked > 0, 10_000, 'case handed over and asked about');
    let view = (await api(h.url, 'GET', `/api/v1/cases/${kase.id}`, { token: clerk })).body.case;
    expect(view.central.status).to.equal('accepted');
    expect(view.completedDay).to.equal(undefined);

    // Two working days before the promised day, supervision warns about the case.
    const cal = h.running.hall.setup.calendar;
    const warnDay = addWorkingDays(kase.promisedDue, -2, cal);
    const warnAt = Date.parse(`${warnDay}T02:00:00Z`);
    expect(cases.supervision(warnAt).cases.map((a) => [a.caseId, a.level])).to.deep.include([kase.id, 'warning']);
    // The manager's page gets the report in its snapshot (its e-supervision panel).
    const before = clock;
    clock = warnAt;
    expect((await managerSupervision(h.url, await login(h.url, 'admin', 'admin123'))).cases.map((a) => [a.caseId, a.level])).to.deep.include([kase.id, 'warning']);
    clock = before;

    // Central moves it on: review after one stage, then approved, then done.
    clock += STAGE_MS;
    expect((await cases.trackCentral()).changed).to.equal(1);
    view = (await api(h.url, 'GET', `/api/v1/cases/${kase.id}`, { token: clerk })).body.case;
    expect(view.central.status).to.equal('review');
    expect(view.central.steps.map((s: { status: string }) => s.status)).to.deep.equal(['received', 'accepted', 'review']);
    // Nothing new at central: nothing written.
    expect((await cases.trackCentral()).changed).to.equal(0);

    clock += 2 * STAGE_MS;
    expect(await cases.trackCentral()).to.include({ changed: 1, completed: 1 });
    view = (await api(h.url, 'GET', `/api/v1/cases/${kase.id}`, { token: clerk })).body.case;
    expect(view.central.status).to.equal('done');
    expect(view.completedDay).to.equal('2026-03-16');
    expect(view.completedAt).to.match(/^2026-03-16T09:3\d:\d{2}(\.\d+)?\+08:00$/);
    // Same revision: following central never sends the case back.
    expect(view.version).to.equal(kase.version);
    expect(c.mock.received('case')).to.have.length(1);

    // Done cases are neither warned about nor asked about again.
    expect(cases.supervision(warnAt).cases.map((a) => a.caseId)).not.to.include(kase.id);
    const later = clock;
    clock = warnAt;
    expect((await managerSupervision(h.url, await login(h.url, 'admin', 'admin123'))).cases.map((a) => a.caseId)).not.to.include(kase.id);
    clock = later;
    expect((await cases.trackCentral()).asked).to.equal(0);
    const sup = await api(h.url, 'GET', '/api/v1/supervision', { token: manager });
    expect(sup.body.cases.map((a: { caseId: string }) => a.caseId)).not.to.include(kase.id);
    const k = await h.running.manager.kpis('2026-03-16', '2026-03-16');
    expect(k.hall.cases).to.deep.equal({ completed: 1, onTime: 1, onTimeRate: 1 });
  });

  it('takes the materials of a 容缺受理 case brought later as a new revision to central, and ends the commitment alert', async () => {
    const made = await api(h.url, 'POST', '/api/v1/cases', { token: clerk, body: { windowId: 'w1', serviceCode: 'A01', applicant: { name: '欧阳小明', idNumber: ID } } });
    const kase = made.body.case as { id: string; materials: { name: string }[] };
    const missing = kase.materials[4]!.name;
    await api(h.url, 'PUT', `/api/v1/cases/${kase.id}/materials`, { token: clerk, body: { materials: kase.materials.map((m) => ({ name: m.name, state: m.name === missing ? 'missing' : 'provided' })) } });
    // Supplementing needs a 容缺 case: a draft is refused.
    const early = await api(h.url, 'POST', `/api/v1/cases/${kase.id}/supplement`, { token: clerk, body: {} });
    expect(early.status).to.equal(409);
    const decided = await api(h.url, 'POST', `/api/v1/cases/${kase.id}/outcome`, { token: clerk, body: { outcome: 'accepted_pending', commitment: '五个工作日内补交', commitmentWorkingDays: 2 } });
    expect(decided.status).to.equal(200);
    const closed = decided.body.case as { version: number; commitmentDue: string };
    const cal = h.running.hall.setup.calendar;
    const afterDue = Date.parse(`${addWorkingDays(closed.commitmentDue, 1, cal)}T02:00:00Z`);
    const levels = () => h.running.cases.supervision(afterDue).cases.filter((a) => a.caseId === kase.id).map((a) => a.level);
    expect(levels()).to.include('commitment_overdue');

    const bad = await api(h.url, 'POST', `/api/v1/cases/${kase.id}/supplement`, { token: clerk, body: { materials: [kase.materials[0]!.name] } });
    expect(bad.status).to.equal(400);
    const other = await login(h.url, 'staff2', 'staff123', 'w2');
    expect((await api(h.url, 'POST', `/api/v1/cases/${kase.id}/supplement`, { token: other, body: {} })).status).to.equal(403);
    const done = await api(h.url, 'POST', `/api/v1/cases/${kase.id}/supplement`, { token: clerk, body: { materials: [missing] } });
    expect(done.status).to.equal(200);
    expect(done.body.case.version).to.equal(closed.version + 1);
    expect(done.body.case.materials.every((m: { state: string }) => m.state === 'provided')).to.equal(true);
    expect(levels()).not.to.include('commitment_overdue');
    expect((await api(h.url, 'POST', `/api/v1/cases/${kase.id}/supplement`, { token: clerk, body: {} })).body.error.code).to.equal('OUTCOME_NOT_ALLOWED');

    // Central gets both revisions, in order, the second with the material provided.
    await until(() => c.mock.received('case').filter((r) => r.id === kase.id).length === 2 && h.running.central.link.outbox.status().backlog === 0, 20_000, 'both revisions at central');
    const revs = c.mock.received('case').filter((r) => r.id === kase.id);
    expect(revs.map((r) => r.revision)).to.deep.equal([closed.version, closed.version + 1]);
    const body = c.mock.body('ZWFW-DEMO-001', revs[1]!.idempotencyKey) as { materials: { name: string; provided: boolean }[] };
    expect(body.materials.find((m) => m.name === missing)!.provided).to.equal(true);
    expect(c.mock.contractViolations).to.deep.equal([]);
  });

  it('keeps what it knew when central cannot be reached, and catches up afterwards', async () => {
    const kase = await accept('C01');
    await until(() => h.running.central.link.outbox.status().backlog === 0 && c.mock.received('case').length === 1, 20_000, 'case at central');
    await until(async () => (await h.running.cases.trackCentral()).asked > 0, 10_000, 'asked');
    c.mock.setFaults({ down: true });
    clock += 3 * STAGE_MS;
    const round = await h.running.cases.trackCentral();
    expect(round.error).to.equal('CENTRAL_UNREACHABLE');
    let view = (await api(h.url, 'GET', `/api/v1/cases/${kase.id}`, { token: clerk })).body.case;
    expect(view.central.status).to.equal('accepted');
    c.mock.setFaults({ down: false });
    expect(await h.running.cases.trackCentral()).to.include({ completed: 1 });
    view = (await api(h.url, 'GET', `/api/v1/cases/${kase.id}`, { token: clerk })).body.case;
    expect(view.central.status).to.equal('done');
    // The record survives a restart with what central said.
    const dataDir = h.dataDir;
    await h.close({ keepData: true });
    h = await startTestHall({ dataDir, now: () => clock, central: { url: c.url, apiKey: TEST_CENTRAL_KEY, retry: FAST } });
    clerk = await login(h.url, 'staff1', 'staff123', 'w1');
    view = (await api(h.url, 'GET', `/api/v1/cases/${kase.id}`, { token: clerk })).body.case;
    expect(view).to.include({ completedDay: '2026-03-16' });
    expect(view.central.status).to.equal('done');
  });
});
