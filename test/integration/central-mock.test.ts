// The mock central approval system against its contract (docs/central-api.yaml): idempotency, revisions,
// document digests, refusals of off-contract requests, progress on a timer, failure injection. Every answer
// is checked against the document too, and the hall's own client is what sends the requests.

import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CentralClient } from '../../server/central/client.js';
import { CentralContract } from '../../server/central/openapi.js';
import type { OutboxItem } from '../../server/central/outbox.js';
import { parseArgs } from '../../server/central-mock/main.js';
import { sampleCase, startTestCentral, TEST_CENTRAL_KEY, type TestCentral } from '../support/central.js';

const HALL = 'ZWFW-DEMO-001';
const contract = CentralContract.load();

async function raw(c: TestCentral, method: string, path: string, opts: { body?: unknown; headers?: Record<string, string> } = {}) {
  const res = await fetch(c.url + path, {
    method,
    headers: { authorization: `Bearer ${TEST_CENTRAL_KEY}`, 'x-hall-code': HALL, ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}), ...opts.headers },
    ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

function item(kind: OutboxItem['kind'], idempotencyKey: string, payload: unknown, key = 'k'): OutboxItem {
  return { id: 1, kind, key, idempotencyKey, payload, enqueuedAt: 0 };
}

describe('mock central approval system (contract)', function () {
  this.timeout(30_000);
  let c: TestCentral;
  let now = Date.parse('2026-03-16T02:00:00Z');
  let client: CentralClient;
  beforeEach(async () => {
    now = Date.parse('2026-03-16T02:00:00Z');
    c = await startTestCentral({ now: () => now, stageMs: 60_000 });
    client = new CentralClient({ url: c.url, apiKey: TEST_CENTRAL_KEY, hallCode: HALL, timeoutMs: 5000 });
  });
  afterEach(async () => {
    await c.close();
  });

  it('documents every operation the hall uses', () => {
    expect(contract.operations().map((o) => o.operationId).sort()).to.deep.equal(
      ['caseProgress', 'health', 'progressByReceipt', 'progressSearch', 'pushCase', 'pushDailyStats', 'pushRating'].sort(),
    );
  });

  it('records a case once per idempotency key and answers a repeat with the first answer', async () => {
    const body = sampleCase('C-000001');
    const first = await raw(c, 'POST', '/v1/cases', { body, headers: { 'idempotency-key': 'case:C-000001:r1' } });
    expect(first.status).to.equal(201);
    expect(contract.checkResponse('pushCase', 201, first.body)).to.deep.equal([]);
    const again = await raw(c, 'POST', '/v1/cases', { body, headers: { 'idempotency-key': 'case:C-000001:r1' } });
    expect(again.status).to.equal(200);
    expect(again.headers.get('idempotent-replayed')).to.equal('true');
    expect(again.body).to.deep.equal({ ...first.body, duplicate: true });
    expect(contract.checkResponse('pushCase', 200, again.body)).to.deep.equal([]);
    expect(c.mock.received('case')).to.have.length(1);
    expect(c.mock.deliveries).to.equal(2);
    // What the mock keeps on disk names the applicant only masked and holds no ID number.
    const onDisk = await readFile(join(c.dataDir, 'received.ndjson'), 'utf8');
    expect(onDisk).to.include('张*三');
    expect(onDisk).not.to.include('11010519491231002X');
    expect(onDisk).not.to.include('张小三');
  });

  it('refuses the same idempotency key with a different body, and an older revision of a case', async () => {
    await raw(c, 'POST', '/v1/cases', { body: sampleCase('C-000002', 2), headers: { 'idempotency-key': 'k-2' } });
    const reused = await raw(c, 'POST', '/v1/cases', { body: sampleCase('C-000002', 3), headers: { 'idempotency-key': 'k-2' } });
    expect(reused.status).to.equal(409);
    expect(reused.body.error.code).to.equal('IDEMPOTENCY_KEY_REUSED');
    const stale = await raw(c, 'POST', '/v1/cases', { body: sampleCase('C-000002', 1), headers: { 'idempotency-key': 'k-1' } });
    expect(stale.status).to.equal(409);
    expect(stale.body.error.code).to.equal('STALE_REVISION');
    expect(contract.checkResponse('pushCase', 409, stale.body)).to.deep.equal([]);
  });

  it('refuses a document whose digest does not match its bytes', async () => {
    const body = sampleCase('C-000003');
    body.documents[0]!.sha256 = '0'.repeat(64);
    const r = await raw(c, 'POST', '/v1/cases', { body, headers: { 'idempotency-key': 'k-3' } });
    expect(r.status).to.equal(400);
    expect(r.body.error.code).to.equal('DOCUMENT_DIGEST_MISMATCH');
  });

  it('refuses off-contract requests with 400 and counts them: no idempotency key, missing fields, bad ID number', async () => {
    const noKey = await raw(c, 'POST', '/v1/ratings', { body: { ratingId: 'r1' } });
    expect(noKey.status).to.equal(400);
    expect(noKey.body.error.code).to.equal('VALIDATION_FAILED');
    expect(noKey.body.error.message).to.include('Idempotency-Key');
    const badCase = await raw(c, 'POST', '/v1/cases', { body: { ...sampleCase('C-4'), applicant: { name: '张三', idNumber: '123' } }, headers: { 'idempotency-key': 'k-4' } });
    expect(badCase.status).to.equal(400);
    const refused = await raw(c, 'POST', '/v1/cases', { body: { ...sampleCase('C-5'), outcome: 'refused' }, headers: { 'idempotency-key': 'k-5' } });
    expect(refused.status, 'a refusal needs its reason').to.equal(400);
    expect(c.mock.contractViolations).to.have.length(3);
    expect(c.mock.received()).to.have.length(0);
  });

  it('refuses a wrong hall key with 401, and the client retries that later instead of dropping the item', async () => {
    const r = await raw(c, 'GET', '/v1/health', { headers: { authorization: 'Bearer wrong-key-123' } });
    expect(r.status).to.equal(401);
    const wrong = new CentralClient({ url: c.url, apiKey: 'wrong-key-123', hallCode: HALL, timeoutMs: 5000 });
    const sent = await wrong.send(item('case', 'k-6', sampleCase('C-000006')), new AbortController().signal);
    expect(sent).to.include({ ok: false, retry: true, code: 'UNAUTHORIZED' });
  });

  it('the client classifies answers: recorded, duplicate, final refusal, retry after a 500', async () => {
    const it1 = item('case', 'k-7', sampleCase('C-000007'));
    expect(await client.send(it1, new AbortController().signal)).to.deep.equal({ ok: true, duplicate: false });
    expect(await client.send(it1, new AbortController().signal)).to.deep.equal({ ok: true, duplicate: true });
    const bad = await client.send(item('case', 'k-8', { ...sampleCase('C-000008'), revision: 0 }), new AbortController().signal);
    expect(bad).to.include({ ok: false, retry: false, code: 'VALIDATION_FAILED' });
    c.mock.setFaults({ errors: 1 });
    const e500 = await client.send(item('case', 'k-9', sampleCase('C-000009')), new AbortController().signal);
    expect(e500).to.include({ ok: false, retry: true, code: 'CENTRAL_INTERNAL' });
  });

  it('moves a promised case through accepted → review → approved → done as its stages pass', async () => {
    await client.send(item('case', 'k-10', sampleCase('C-000010')), new AbortController().signal);
    const at = async () => {
      const r = await client.progressByCase('C-000010');
      if (!r.ok) throw new Error('no progress');
      expect(contract.checkResponse('caseProgress', 200, { progress: r.value })).to.deep.equal([]);
      return r.value;
    };
    expect((await at()).status).to.equal('accepted');
    now += 60_000;
    expect((await at()).status).to.equal('review');
    now += 60_000;
    expect((await at()).status).to.equal('approved');
    now += 60_000;
    const done = await at();
    expect(done.status).to.equal('done');
    expect(done.steps.map((s) => s.status)).to.deep.equal(['received', 'accepted', 'review', 'approved', 'done']);
    expect(done.applicantName).to.equal('张*三');
    expect(JSON.stringify(done)).not.to.include('11010519491231002X');
    const byReceipt = await client.progressByReceipt(sampleCase('C-000010').receiptNo);
    expect(byReceipt.ok && byReceipt.value.caseId).to.equal('C-000010');
    const search = await client.progressSearch('11010519491231002X');
    expect(search.ok && search.value.map((p) => p.caseId)).to.deep.equal(['C-000010']);
    expect(await client.progressByReceipt('SL2099000000')).to.deep.equal({ ok: false, reason: 'not_found' });
  });

  it('a case done on the spot is done at once; a refused one says so', async () => {
    await client.send(item('case', 'k-11', sampleCase('C-000011', 1, { outcome: 'done_on_spot' })), new AbortController().signal);
    await client.send(item('case', 'k-12', sampleCase('C-000012', 1, { outcome: 'refused', refusal: { reason: '不属于本机关职权范围', legalBasis: '《行政许可法》第三十二条' } })), new AbortController().signal);
    const a = await client.progressByCase('C-000011');
    const b = await client.progressByCase('C-000012');
    expect(a.ok && a.value.status).to.equal('done');
    expect(b.ok && b.value.status).to.equal('refused');
  });

  it('injects faults: down cuts connections, slow delays, duplicates record then lose the answer', async () => {
    c.mock.setFaults({ down: true });
    const down = await client.send(item('rating', 'k-13', {}), new AbortController().signal);
    expect(down).to.include({ ok: false, retry: true, code: 'CENTRAL_UNREACHABLE' });
    expect((await client.health()).ok).to.equal(false);
    // The admin route still answers while the contract side is down.
    const admin = await fetch(`${c.url}/admin/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ down: false, duplicates: 1 }) });
    expect(admin.status).to.equal(200);
    const lost = await client.send(item('case', 'k-14', sampleCase('C-000014')), new AbortController().signal);
    expect(lost).to.include({ ok: false, retry: true });
    expect(c.mock.received('case')).to.have.length(1);
    const again = await client.send(item('case', 'k-14', sampleCase('C-000014')), new AbortController().signal);
    expect(again).to.deep.equal({ ok: true, duplicate: true });
    expect(c.mock.received('case')).to.have.length(1);
    const badFaults = await fetch(`${c.url}/admin/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ errorRate: 2 }) });
    expect(badFaults.status).to.equal(400);
    expect(((await badFaults.json()) as { error: { code: string } }).error.code).to.equal('VALIDATION_FAILED');
  });

  it('keeps what it recorded across a restart, so a repeat after the restart is still recognised', async () => {
    await client.send(item('case', 'k-15', sampleCase('C-000015')), new AbortController().signal);
    await c.mock.close();
    const { CentralMock } = await import('../../server/central-mock/mock.js');
    const again = new CentralMock({ dataDir: c.dataDir, apiKey: TEST_CENTRAL_KEY, now: () => now });
    await again.open();
    const url = await again.listen(0);
    c.mock = again;
    c.url = url;
    const client2 = new CentralClient({ url, apiKey: TEST_CENTRAL_KEY, hallCode: HALL, timeoutMs: 5000 });
    expect(await client2.send(item('case', 'k-15', sampleCase('C-000015')), new AbortController().signal)).to.deep.equal({ ok: true, duplicate: true });
    expect(again.received()).to.have.length(1);
  });

  it('reads faults and settings from flags and CENTRAL_FAULTS, and refuses unknown ones', () => {
    const a = parseArgs(['--port=9001', '--slow=250', '--duplicates=2'], { CENTRAL_FAULTS: 'down,error-rate=0.25' });
    expect(a.port).to.equal(9001);
    expect(a.faults).to.deep.equal({ down: true, errorRate: 0.25, slowMs: 250, duplicates: 2 });
    expect(() => parseArgs(['--explode'], {})).to.throw('unknown setting');
    expect(() => parseArgs(['--error-rate=3'], {})).to.throw();
  });
});
