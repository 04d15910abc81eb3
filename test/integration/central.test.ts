// The hall's link to the central approval system, through the real server: ratings and day figures pushed
// through the outbox, backlog and last error shown to the manager (HTTP and the /manager socket), an
// outage and lost answers absorbed, progress queries cached and answered clearly when central is away.

import { expect } from 'chai';
import { io as connect, type Socket } from 'socket.io-client';
import type { CentralView, ManagerSnapshot } from '../../server/realtime/contract.js';
import { CentralContract } from '../../server/central/openapi.js';
import type { RatingPush, DailyStatsPush } from '../../server/central/contract.js';
import { api, login, startTestHall, type TestHall } from '../support/hall.js';
import { sampleCase, startTestCentral, TEST_CENTRAL_KEY, until, type TestCentral } from '../support/central.js';

const HALL = 'ZWFW-DEMO-001';
const contract = CentralContract.load();
const FAST = { baseSeconds: 0.02, maxSeconds: 0.1, concurrency: 4 };

/** Serves one ticket at window w1 and rates it; returns the ticket id. */
async function serveAndRate(h: TestHall, token: string, level: 1 | 2 | 3 | 4 | 5): Promise<string> {
  const sectionId = h.running.config.setup.windows.find((w) => w.id === 'w1')!.sectionIds[0]!;
  const t = await api(h.url, 'POST', '/api/v1/tickets', { body: { sectionId } });
  expect(t.status).to.equal(201);
  expect((await api(h.url, 'POST', '/api/v1/windows/w1/call-next', { token })).status).to.equal(200);
  expect((await api(h.url, 'POST', '/api/v1/windows/w1/start', { token })).status).to.equal(200);
  expect((await api(h.url, 'POST', '/api/v1/windows/w1/finish', { token })).status).to.equal(200);
  const reasons = level <= 2 ? [h.running.config.pad.negativeReasons[0]!] : [];
  await h.running.hall.execute({ type: 'Rate', ticketId: t.body.ticket.id, level, reasons }, { kind: 'citizen' });
  return t.body.ticket.id as string;
}

describe('central link of the hall server', function () {
  this.timeout(60_000);
  let c: TestCentral;
  let h: TestHall;
  let clock = Date.parse('2026-03-16T01:30:00Z'); // 09:30 in the hall, a Monday
  let manager: string;
  let clerk: string;

  beforeEach(async () => {
    clock = Date.parse('2026-03-16T01:30:00Z');
    c = await startTestCentral();
    h = await startTestHall({ now: () => clock, central: { url: c.url, apiKey: TEST_CENTRAL_KEY, retry: FAST, progressCacheSeconds: 30 } });
    manager = await login(h.url, 'admin', 'admin123');
    clerk = await login(h.url, 'staff1', 'staff123', 'w1');
  });
  afterEach(async () => {
    await h.close();
    await c.close();
  });

  it('pushes each rating once, in the contract, and shows the delivery to the manager', async () => {
    const ticketId = await serveAndRate(h, clerk, 2);
    await until(() => c.mock.received('rating').length === 1, 20_000, 'rating at central');
    const got = c.mock.received('rating')[0]!;
    expect(got.idempotencyKey).to.equal(`rating:${HALL}:${ticketId}`);
    const body = c.mock.body(HALL, got.idempotencyKey) as RatingPush;
    expect(body).to.include({ hallCode: HALL, ticketNumber: ticketId.split('-')[1], windowId: 'w1', windowNumber: 1, level: 2, staffNo: h.running.accounts.find('staff1')!.staffNo });
    expect(body.reasons).to.have.length(1);
    expect(body.followUpDueDate).to.match(/^\d{4}-\d{2}-\d{2}$/);
    expect(c.mock.contractViolations).to.deep.equal([]);

    const st = await api(h.url, 'GET', '/api/v1/central/status', { token: manager });
    expect(st.status).to.equal(200);
    expect(st.body).to.deep.include({ mode: 'remote', url: c.url });
    expect(st.body.outbox).to.include({ backlog: 0, delivered: 1, rejected: 0, central: 'up' });
    expect((await api(h.url, 'GET', '/api/v1/central/status')).status).to.equal(401);
    expect((await api(h.url, 'GET', '/api/v1/central/status', { token: clerk })).status).to.equal(403);
  });

  it('holds ratings through an outage, shows backlog, last error and lag live on /manager, then delivers each once', async () => {
    const socket: Socket = connect(`${h.url}/manager`, { auth: { token: manager }, transports: ['websocket'], reconnection: false });
    const views: CentralView[] = [];
    let snapshot: ManagerSnapshot | null = null;
    socket.on('snapshot', (s: ManagerSnapshot) => (snapshot = s));
    socket.on('central', (v: CentralView & { seq: number }) => views.push(v));
    try {
      await until(() => snapshot !== null, 10_000, 'manager snapshot');
      expect(snapshot!.central).to.deep.include({ mode: 'remote' });
      c.mock.setFaults({ down: true });
      const ids = [await serveAndRate(h, clerk, 5), await serveAndRate(h, clerk, 4), await serveAndRate(h, clerk, 1)];
      clock += 90_000;
      const status = async () => (await api(h.url, 'GET', '/api/v1/central/status', { token: manager })).body as CentralView;
      await until(async () => {
        const s = (await status()).outbox;
        return s.backlog === 3 && s.lastError?.code === 'CENTRAL_UNREACHABLE' && s.lastError.attempts >= 3;
      }, 30_000, 'outage in the status');
      await until(() => views.some((v) => v.outbox.backlog === 3 && v.outbox.central === 'down' && v.outbox.lastError?.code === 'CENTRAL_UNREACHABLE'), 30_000, 'outage on /manager');
      const down = await status();
      expect(down.outbox).to.include({ backlog: 3, central: 'down' });
      expect(down.outbox.byKind.rating).to.equal(3);
      expect(Date.parse(down.outbox.downSince!)).to.be.at.most(clock);
      expect(down.lagSeconds).to.be.at.least(90);
      expect(c.mock.received()).to.have.length(0);

      // Back, but losing the answers to the first two recordings: the hall delivers those again.
      c.mock.setFaults({ down: false, duplicates: 2 });
      await until(() => views.at(-1)?.outbox.backlog === 0, 30_000, 'backlog drained');
      expect(c.mock.received('rating').map((r) => r.idempotencyKey).sort()).to.deep.equal(ids.map((id) => `rating:${HALL}:${id}`).sort());
      expect(c.mock.deliveries).to.be.at.least(5);
      const last = views.at(-1)!;
      expect(last.outbox).to.include({ delivered: 3, duplicates: 2, central: 'up', lastError: null, downSince: null });
    } finally {
      socket.close();
    }
  });

  it('pushes the closed day figures when the next day opens', async () => {
    await serveAndRate(h, clerk, 5);
    await serveAndRate(h, clerk, 3);
    const sectionId = h.running.config.setup.windows.find((w) => w.id === 'w1')!.sectionIds[0]!;
    await api(h.url, 'POST', '/api/v1/tickets', { body: { sectionId } });
    clock += 24 * 3600_000;
    await h.running.hall.execute({ type: 'OpenDay' }, { kind: 'system' });
    await until(() => c.mock.received('daily-stats').length === 1, 20_000, 'daily stats');
    const got = c.mock.received('daily-stats')[0]!;
    expect(got.id).to.equal('2026-03-16');
    const body = c.mock.body(HALL, got.idempotencyKey) as DailyStatsPush;
    expect(body.totals).to.include({ issued: 3, served: 2, noShow: 0 });
    expect(body.ratings).to.deep.equal({ count: 2, byLevel: { '1': 0, '2': 0, '3': 1, '4': 0, '5': 1 }, satisfaction: 1 });
    expect(body.sections.find((s) => s.sectionId === sectionId)).to.include({ issued: 3, served: 2 });
    expect(body.sections).to.have.length(h.running.config.setup.sections.length);
    expect(c.mock.contractViolations).to.deep.equal([]);
  });

  it('resumes feeding from the journal after a restart: a rating recorded while the link was away still goes', async () => {
    const first = await serveAndRate(h, clerk, 4);
    await until(() => c.mock.received('rating').length === 1, 20_000, 'first rating');
    // Stop only the link (as if the process died after the journal write), record a rating, start again.
    await h.running.central.close();
    const second = await serveAndRate(h, clerk, 5);
    await h.close({ keepData: true });
    h = await startTestHall({ dataDir: h.dataDir, now: () => clock, central: { url: c.url, apiKey: TEST_CENTRAL_KEY, retry: FAST } });
    await until(() => c.mock.received('rating').length === 2, 20_000, 'second rating');
    expect(c.mock.received('rating').map((r) => r.idempotencyKey)).to.deep.equal([`rating:${HALL}:${first}`, `rating:${HALL}:${second}`]);
  });

  it('answers progress by receipt from central, then from its cache, and clearly when central is unreachable', async () => {
    const kase = sampleCase('C-000100');
    await h.running.central.link.outbox.enqueue({ kind: 'case', key: kase.caseId, idempotencyKey: `case:${kase.caseId}:1`, payload: kase });
    await until(() => c.mock.received('case').length === 1, 20_000, 'case at central');
    const progress = h.running.central.link.progress;

    // A search (POST) answers a list of cases; the receipt route (GET) one case, as central reports it.
    const a = await api(h.url, 'POST', '/api/v1/progress', { body: { receiptNumber: kase.receiptNo } });
    expect(a.status).to.equal(200);
    expect(a.body).to.include({ available: true, cached: false });
    expect(a.body.cases).to.have.length(1);
    expect(a.body.cases[0]).to.include({ caseId: 'C-000100', receiptNumber: kase.receiptNo, status: 'accepted', statusText: '已受理 / Accepted', applicantName: '张*三', dueDate: '2026-03-30' });
    const asked = progress.centralRequests;
    const b = await api(h.url, 'GET', `/api/v1/progress?receipt=${kase.receiptNo}`);
    expect(b.body).to.include({ available: true, cached: true });
    expect(b.body.progress).to.include({ caseId: 'C-000100', receiptNo: kase.receiptNo, status: 'accepted', applicantName: '张*三' });
    expect(progress.centralRequests).to.equal(asked);

    c.mock.setFaults({ down: true });
    // Within the cache time the answer still comes from the cache…
    expect((await api(h.url, 'POST', '/api/v1/progress', { body: { receiptNumber: kase.receiptNo } })).body.cached).to.equal(true);
    // …after it, central is asked, cannot be reached, and the kiosk gets a clear answer with the last known state.
    clock += 31_000;
    const d = await api(h.url, 'GET', `/api/v1/progress?receipt=${kase.receiptNo}`);
    expect(d.status).to.equal(200);
    expect(d.body.available).to.equal(false);
    expect(d.body.error.code).to.equal('CENTRAL_UNREACHABLE');
    expect(d.body.error.message).to.include('中心审批系统');
    expect(d.body.retryAfterSeconds).to.be.a('number');
    expect(d.body.stale.progress.caseId).to.equal('C-000100');
    const d2 = await api(h.url, 'POST', '/api/v1/progress', { body: { receiptNumber: kase.receiptNo } });
    expect(d2.status).to.equal(200);
    expect(d2.body).to.include({ available: false });
    expect(d2.body.stale.cases[0].caseId).to.equal('C-000100');
    const e = await api(h.url, 'GET', '/api/v1/progress?receipt=SL2026999999');
    expect(e.status).to.equal(200);
    expect(e.body).to.include({ available: false });
    expect(e.body).not.to.have.property('stale');

    c.mock.setFaults({ down: false });
    const f = await api(h.url, 'GET', '/api/v1/progress?receipt=SL2026999999');
    expect(f.status).to.equal(404);
    expect(f.body.error.code).to.equal('CASE_NOT_FOUND');
    const f2 = await api(h.url, 'POST', '/api/v1/progress', { body: { receiptNumber: 'SL2026999998' } });
    expect(f2.status).to.equal(200);
    expect(f2.body).to.deep.include({ available: true, cases: [] });
    expect((await api(h.url, 'GET', '/api/v1/progress?receipt=%3Cscript%3E')).status).to.equal(400);
    for (const bad of [{ receiptNumber: '<script>' }, { receiptNumber: 'SL1', extra: 1 }, {}, { useCard: false }]) {
      const g = await api(h.url, 'POST', '/api/v1/progress', { body: bad });
      expect(g.status, JSON.stringify(bad)).to.equal(400);
      expect(g.body.error.code).to.equal('VALIDATION_FAILED');
    }
  });

  it('finds an applicant’s cases by ID number without the number in any answer', async () => {
    const kase = sampleCase('C-000200');
    await h.running.central.link.outbox.enqueue({ kind: 'case', key: kase.caseId, idempotencyKey: `case:${kase.caseId}:1`, payload: kase });
    await until(() => c.mock.received('case').length === 1, 20_000, 'case at central');
    const r = await api(h.url, 'POST', '/api/v1/progress', { body: { idNumber: '11010519491231002x' } });
    expect(r.status).to.equal(200);
    expect(r.body.cases.map((p: { caseId: string }) => p.caseId)).to.deep.equal(['C-000200']);
    expect(JSON.stringify(r.body)).not.to.include('11010519491231002');
    const bad = await api(h.url, 'POST', '/api/v1/progress', { body: { idNumber: '110105194912310021' } });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.code).to.equal('VALIDATION_FAILED');
    // No card was placed on kiosk-1's reader: a query by card says so.
    const card = await api(h.url, 'POST', '/api/v1/progress', { body: { useCard: true, kioskId: 'kiosk-1' } });
    expect(card.status).to.equal(409);
    expect(card.body.error.code).to.equal('NO_CARD_READ');
    expect(contract.checkRequest({ method: 'POST', path: '/v1/progress/search', headers: { 'x-hall-code': HALL }, body: { idNumber: '11010519491231002X' } }).ok).to.equal(true);
  });

  it('outside the demo, a search by ID number needs a kiosk or staff token; a receipt number does not', async () => {
    const real = await startTestHall({ demo: false, central: { url: c.url, apiKey: TEST_CENTRAL_KEY, retry: FAST } });
    try {
      const byId = await api(real.url, 'POST', '/api/v1/progress', { body: { idNumber: '11010519491231002X' } });
      expect(byId.status).to.equal(401);
      expect(byId.body.error.code).to.equal('UNAUTHORIZED');
      const byReceipt = await api(real.url, 'POST', '/api/v1/progress', { body: { receiptNumber: 'SL2026000001' } });
      expect(byReceipt.status).to.equal(200);
      expect(byReceipt.body.cases).to.deep.equal([]);
    } finally {
      await real.close();
    }
  });

  it('takes a case captured at the window to central once, in the contract, documents included, and answers its progress', async () => {
    const first17 = '44030519850312047';
    const { idCheckDigit } = await import('../../drivers/idcard/codec.js');
    const idNumber = first17 + idCheckDigit(first17);
    const made = await api(h.url, 'POST', '/api/v1/cases', { token: clerk, body: { windowId: 'w1', serviceCode: 'A01', applicant: { name: '欧阳小明', idNumber } } });
    expect(made.status).to.equal(201);
    const kase = made.body.case as { id: string; materials: { name: string }[] };
    await api(h.url, 'PUT', `/api/v1/cases/${kase.id}/materials`, { token: clerk, body: { materials: kase.materials.map((m) => ({ name: m.name, state: 'provided' })) } });
    c.mock.setFaults({ duplicates: 1 });
    const decided = await api(h.url, 'POST', `/api/v1/cases/${kase.id}/outcome`, { token: clerk, body: { outcome: 'accepted' } });
    expect(decided.status).to.equal(200);
    await until(() => c.mock.received('case').length === 1 && h.running.central.link.outbox.status().backlog === 0, 30_000, 'case at central');
    expect(c.mock.contractViolations).to.deep.equal([]);
    expect(h.running.central.link.outbox.status().duplicates).to.equal(1);
    const got = c.mock.received('case')[0]!;
    expect(got.id).to.equal(kase.id);
    const body = c.mock.body(HALL, got.idempotencyKey) as { outcome: string; receiptNo: string; applicant: { nameMasked: string }; documents: { type: string; sha256: string }[] };
    expect(body.outcome).to.equal('accepted');
    expect(body.applicant.nameMasked).to.equal('欧**明');
    expect(JSON.stringify(body)).not.to.include(idNumber);
    // The full ID number arrived intact: central finds the case by it.
    const search = await api(h.url, 'POST', '/api/v1/progress', { body: { idNumber } });
    expect(search.body.cases.map((x: { caseId: string }) => x.caseId)).to.deep.equal([kase.id]);
    expect(body.documents.map((d) => d.type)).to.include('receipt');
    const p = await api(h.url, 'GET', `/api/v1/progress?receipt=${body.receiptNo}`);
    expect(p.body).to.deep.include({ available: true });
    expect(p.body.progress).to.include({ caseId: kase.id, status: 'accepted', applicantName: '欧**明' });
  });

  it('settles a revision older than the one central holds as superseded instead of parking it', async () => {
    await c.mock.setFaults({});
    const link = h.running.central.link;
    // Revision 2 arrives first; then a revision 1 that central refuses as stale: nothing is lost, nothing waits for the manager.
    await link.outbox.enqueue({ kind: 'case', key: 'C-000300', idempotencyKey: 'case:C-000300:2', payload: { ...sampleCase('C-000300'), revision: 2 } });
    await link.outbox.enqueue({ kind: 'case', key: 'C-000300', idempotencyKey: 'case:C-000300:1', payload: sampleCase('C-000300', 1) });
    await link.outbox.enqueue({ kind: 'case', key: 'C-000300', idempotencyKey: 'case:C-000300:3', payload: sampleCase('C-000300', 3) });
    await until(() => link.outbox.status().backlog === 0, 20_000, 'all settled');
    expect(c.mock.received('case').map((r) => r.revision)).to.deep.equal([2, 3]);
    const st = await api(h.url, 'GET', '/api/v1/central/status', { token: manager });
    expect(st.body.outbox).to.include({ rejected: 0, superseded: 1 });
    expect((await api(h.url, 'GET', '/api/v1/central/outbox/rejected', { token: manager })).body.items).to.deep.equal([]);
  });

  it('parks a push central refuses for good and shows it to the manager; requeue and retry check their input', async () => {
    await c.mock.setFaults({});
    const link = h.running.central.link;
    // A document whose digest does not match its bytes: central refuses it with 400, a retry cannot change that.
    const bad = sampleCase('C-000301');
    bad.documents[0]!.sha256 = '0'.repeat(64);
    await link.outbox.enqueue({ kind: 'case', key: 'C-000301', idempotencyKey: 'case:C-000301:1', payload: bad });
    await until(() => link.outbox.status().rejected === 1, 20_000, 'refusal');
    const rejected = await api(h.url, 'GET', '/api/v1/central/outbox/rejected', { token: manager });
    expect(rejected.body.items).to.have.length(1);
    expect(rejected.body.items[0]).to.include({ code: 'DOCUMENT_DIGEST_MISMATCH', kind: 'case', key: 'C-000301' });
    expect(JSON.stringify(rejected.body)).not.to.include('11010519491231002X');
    const st = await api(h.url, 'GET', '/api/v1/central/status', { token: manager });
    expect(st.body.outbox.rejected).to.equal(1);
    expect((await api(h.url, 'POST', '/api/v1/central/outbox/abc/requeue', { token: manager })).status).to.equal(400);
    expect((await api(h.url, 'POST', '/api/v1/central/outbox/999/requeue', { token: manager })).status).to.equal(404);
    expect((await api(h.url, 'POST', '/api/v1/central/outbox/retry', { token: manager })).status).to.equal(200);
  });
});
