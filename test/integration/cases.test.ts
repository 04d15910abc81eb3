// Case capture against the real server: typed applicants, materials, scanned pages, every outcome with its
// PDF (text read back with pdftotext) and slip, refusals, encryption at rest and receipt numbers across a restart.

import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import sharp from 'sharp';
import { idCheckDigit } from '../../drivers/idcard/codec.js';
import { api, login, startTestHall, tempDir, type TestHall } from '../support/hall.js';

const PDFTOTEXT = '/usr/bin/pdftotext';
const ID_NUMBER = (() => {
  const first17 = '44030519850312047';
  return first17 + idCheckDigit(first17);
})();
const NAME = '欧阳小明';

async function pdfText(base: string, token: string, path: string): Promise<string> {
  const res = await fetch(base + path, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status, path).to.equal(200);
  expect(res.headers.get('content-type')).to.match(/application\/pdf/);
  const pdf = Buffer.from(await res.arrayBuffer());
  expect(pdf.subarray(0, 5).toString()).to.equal('%PDF-');
  return execFileSync(PDFTOTEXT, ['-enc', 'UTF-8', '-', '-'], { input: pdf }).toString('utf8');
}

/** The slip of a closed case, decoded from GB18030 (the printer's code page). */
async function slipText(base: string, token: string, caseId: string): Promise<string> {
  const slip = await api(base, 'GET', `/cases/${caseId}/slip`, { token });
  expect(slip.status).to.equal(200);
  return iconv.decode(Buffer.from(slip.body.bytes, 'base64'), 'gb18030');
}

async function allFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await allFiles(p)));
    else out.push(p);
  }
  return out;
}

async function page(text: string): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="800" height="1100"><rect width="800" height="1100" fill="white"/><text x="60" y="120" font-size="48">${text}</text></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

describe('case capture (integration)', function () {
  this.timeout(60000);
  let h: TestHall;
  let token: string;
  const base = () => `${h.url}/api/v1`;

  before(function () {
    if (!existsSync(PDFTOTEXT)) {
      if (process.env.CI === 'true') throw new Error('pdftotext is missing (apt-get install poppler-utils)');
      console.log('    (skipped: pdftotext not installed; apt-get install poppler-utils)');
      this.skip();
    }
  });
  beforeEach(async () => {
    h = await startTestHall();
    token = await login(h.url, 'staff1', 'staff123', 'w1');
  });
  afterEach(async () => {
    await h?.close();
  });

  const create = async (serviceCode: string, tok = token) =>
    api(base(), 'POST', '/cases', { token: tok, body: { windowId: 'w1', serviceCode, applicant: { name: NAME, idNumber: ID_NUMBER } } });
  const materials = async (id: string, list: { name: string; state: string; note?: string }[]) => api(base(), 'PUT', `/cases/${id}/materials`, { token, body: { materials: list } });
  const decide = async (id: string, body: Record<string, unknown>) => api(base(), 'POST', `/cases/${id}/outcome`, { token, body });

  it('captures an immediate case with a scanned page, closes it on the spot and binds the documents', async () => {
    const c = await create('B01');
    expect(c.status).to.equal(201);
    const kase = c.body.case;
    expect(kase).to.include({ status: 'draft', serviceCode: 'B01', windowId: 'w1' });
    expect(kase.applicant).to.deep.equal({ nameMasked: '欧**明', idMasked: `440***********${ID_NUMBER.slice(-4)}`, source: 'typed' });
    expect(JSON.stringify(c.body)).not.to.include(ID_NUMBER);
    expect(kase.materials.every((m: { state: string }) => m.state === 'missing')).to.equal(true);

    const up = await fetch(`${base()}/cases/${kase.id}/pages`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'image/png' }, body: await page('SCAN 1') });
    expect(up.status).to.equal(201);
    const withPage = (await up.json()) as { case: { pages: { id: string; width: number }[] } };
    expect(withPage.case.pages).to.have.length(1);

    const early = await decide(kase.id, { outcome: 'done' });
    expect(early.status).to.equal(409);
    expect(early.body.error.code).to.equal('OUTCOME_NOT_ALLOWED');

    const all = kase.materials.map((m: { name: string }) => ({ name: m.name, state: 'provided' }));
    expect((await materials(kase.id, all)).status).to.equal(200);
    const done = await decide(kase.id, { outcome: 'done' });
    expect(done.status).to.equal(200);
    const closed = done.body.case;
    expect(closed.status).to.equal('closed');
    expect(closed.receiptNo).to.match(/^ZWFW-DEMO-001-\d{4}-000001$/);
    expect(closed.documents.map((d: { name: string }) => d.name)).to.deep.equal(['done.pdf', 'materials.pdf']);
    // The demo window's simulated receipt printer prints the slip.
    expect(done.body.print).to.include({ printed: true });

    const text = await pdfText(base(), token, `/api/v1/cases/${kase.id}/documents/done.pdf`.replace('/api/v1', ''));
    expect(text).to.include('办结通知书');
    expect(text).to.include('企业设立登记');
    expect(text).to.include(closed.receiptNo);
    expect(text).to.include('欧**明');
    expect(text).not.to.include(ID_NUMBER);
    const bound = await pdfText(base(), token, `/cases/${kase.id}/documents/materials.pdf`);
    expect(bound).to.include('共 1 页');

    // The slip is the receipt layout in GB18030.
    const slip = await api(base(), 'GET', `/cases/${kase.id}/slip`, { token });
    const bytes = Buffer.from(slip.body.bytes, 'base64');
    expect(bytes.includes(iconv.encode('办结通知书', 'gb18030'))).to.equal(true);
    expect(bytes.includes(Buffer.from(closed.receiptNo, 'ascii'))).to.equal(true);

    // A closed case cannot change.
    const again = await materials(kase.id, all);
    expect(again.status).to.equal(409);
    expect(again.body.error.code).to.equal('CASE_CLOSED');
  });

  it('accepts a promised case with deadlines in working days, and 容缺受理 with a commitment', async () => {
    const a = (await create('A01')).body.case;
    await materials(a.id, a.materials.map((m: { name: string }) => ({ name: m.name, state: 'provided' })));
    const acc = await decide(a.id, { outcome: 'accepted' });
    expect(acc.status).to.equal(200);
    expect(acc.body.case.outcome).to.equal('accepted');
    expect(acc.body.case.promisedDue > acc.body.case.decidedDay).to.equal(true);
    expect(acc.body.case.legalDue > acc.body.case.promisedDue).to.equal(true);
    const text = await pdfText(base(), token, `/cases/${a.id}/documents/receipt.pdf`);
    expect(text).to.include('受理通知书');
    expect(text).to.include('承诺办结时限 10 个工作日');
    const aslip = await slipText(base(), token, a.id);
    expect(aslip).to.include('受理通知书').and.include(acc.body.case.receiptNo).and.include(acc.body.case.promisedDue);

    const p = (await create('A01')).body.case;
    const list = p.materials.map((m: { name: string; required: boolean }, i: number) => ({ name: m.name, state: i === 4 ? 'missing' : 'provided' }));
    await materials(p.id, list);
    const noCommitment = await decide(p.id, { outcome: 'accepted_pending' });
    expect(noCommitment.status).to.equal(400);
    const pend = await decide(p.id, { outcome: 'accepted_pending', commitment: '本人承诺5个工作日内补交宗地勘测定界图', commitmentWorkingDays: 5 });
    expect(pend.status).to.equal(200);
    expect(pend.body.case.commitmentDue).to.be.a('string');
    expect(pend.body.case.receiptNo).to.not.equal(acc.body.case.receiptNo);
    const ptext = await pdfText(base(), token, `/cases/${p.id}/documents/receipt-pending.pdf`);
    expect(ptext).to.include('容缺受理通知书');
    expect(ptext).to.include('宗地勘测定界图');
    const pslip = await slipText(base(), token, p.id);
    expect(pslip).to.include('容缺受理通知书').and.include(pend.body.case.commitmentDue).and.include(p.materials[4].name.slice(0, 6));
  });

  it('lists every missing and defective material in the one-time notice, and refuses with reason and basis', async () => {
    const n = (await create('A01')).body.case;
    await materials(n.id, [
      { name: n.materials[0].name, state: 'provided' },
      { name: n.materials[1].name, state: 'defective', note: '复印件不清晰，请提供加盖公章的复印件' },
    ]);
    const notice = await decide(n.id, { outcome: 'notice' });
    expect(notice.status).to.equal(200);
    const text = (await pdfText(base(), token, `/cases/${n.id}/documents/notice.pdf`)).replace(/\s+/g, '');
    expect(text).to.include('一次性告知书');
    for (const m of n.materials.slice(1)) expect(text, m.name).to.include(m.name.replace(/\s+/g, ''));
    expect(text).to.include('复印件不清晰');
    expect(text).not.to.include(`1.${n.materials[0].name}`);
    const nslip = await slipText(base(), token, n.id);
    expect(nslip).to.include('一次性告知书').and.include(notice.body.case.receiptNo);

    const r = (await create('A01')).body.case;
    const bare = await decide(r.id, { outcome: 'refused', reason: '申请事项不属于本机关职权范围' });
    expect(bare.status).to.equal(400);
    expect(bare.body.error.code).to.equal('VALIDATION_FAILED');
    const refused = await decide(r.id, { outcome: 'refused', reason: '申请事项不属于本机关职权范围', legalBasis: '《中华人民共和国行政许可法》第三十二条第一款第（二）项' });
    expect(refused.status).to.equal(200);
    const rtext = await pdfText(base(), token, `/cases/${r.id}/documents/refusal.pdf`);
    expect(rtext).to.include('不予受理通知书');
    expect(rtext).to.include('申请事项不属于本机关职权范围');
    expect(rtext).to.include('行政许可法');
    const rslip = await slipText(base(), token, r.id);
    expect(rslip).to.include('不予受理通知书').and.include('不属于本机关职权');
  });

  it('refuses bad input with the one error shape: checksum, unknown service, other window, not an image', async () => {
    const bad = ID_NUMBER.slice(0, 17) + (ID_NUMBER[17] === '0' ? '1' : '0');
    const r1 = await api(base(), 'POST', '/cases', { token, body: { windowId: 'w1', serviceCode: 'B01', applicant: { name: NAME, idNumber: bad } } });
    expect(r1.status).to.equal(400);
    expect(r1.body.error.code).to.equal('VALIDATION_FAILED');
    const r2 = await api(base(), 'POST', '/cases', { token, body: { windowId: 'w1', serviceCode: 'ZZ9', applicant: { name: NAME, idNumber: ID_NUMBER } } });
    expect(r2.status).to.equal(404);
    expect(r2.body.error.code).to.equal('UNKNOWN_SERVICE');
    const r3 = await api(base(), 'POST', '/cases', { token, body: { windowId: 'w2', serviceCode: 'B01', applicant: { name: NAME, idNumber: ID_NUMBER } } });
    expect(r3.status).to.equal(403);
    const r4 = await api(base(), 'POST', '/cases', { token, body: { windowId: 'w1', serviceCode: 'B01', useCard: true } });
    expect(r4.status).to.equal(409);
    expect(r4.body.error.code).to.equal('NO_CARD_READ');
    const r5 = await api(base(), 'POST', '/cases', { token, raw: '{"windowId":' });
    expect(r5.status).to.equal(400);
    const c = (await create('B01')).body.case;
    const notImage = await fetch(`${base()}/cases/${c.id}/pages`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'image/png' }, body: Buffer.from('not a png') });
    expect(notImage.status).to.equal(400);
    expect(((await notImage.json()) as { error: { code: string } }).error.code).to.equal('VALIDATION_FAILED');
    const other = await login(h.url, 'staff2', 'staff123', 'w2');
    const r6 = await api(base(), 'GET', `/cases/${c.id}`, { token: other });
    expect(r6.status).to.equal(403);
    const r7 = await api(base(), 'GET', '/cases/NOPE', { token });
    expect(r7.status).to.equal(404);
    expect(r7.body.error.code).to.equal('UNKNOWN_CASE');
    const r8 = await api(base(), 'GET', '/supervision', { token });
    expect(r8.status).to.equal(403);
    const admin = await login(h.url, 'admin', 'admin123');
    const r9 = await api(base(), 'GET', '/supervision', { token: admin });
    expect(r9.status).to.equal(200);
    expect(r9.body.counts).to.have.keys('warning', 'overdue', 'legalOverdue', 'commitmentOverdue', 'waitAlerts', 'serviceAlerts');
  });

  it('keeps the ID number and full name out of every file in the data dir (sealed at rest)', async () => {
    const c = (await create('B01')).body.case;
    await fetch(`${base()}/cases/${c.id}/pages`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'image/png' }, body: await page('ID COPY') });
    await materials(c.id, c.materials.map((m: { name: string }) => ({ name: m.name, state: 'provided' })));
    expect((await decide(c.id, { outcome: 'done' })).status).to.equal(200);
    const files = await allFiles(h.dataDir);
    expect(files.some((f) => f.includes(join('cases', 'files')))).to.equal(true);
    const needles = [Buffer.from(ID_NUMBER), Buffer.from(ID_NUMBER.slice(0, 14)), Buffer.from(NAME, 'utf8'), Buffer.from(JSON.stringify(NAME).slice(1, -1))];
    for (const f of files) {
      const bytes = await readFile(f);
      for (const n of needles) expect(bytes.includes(n), `${f} contains ${n.toString()}`).to.equal(false);
    }
    // The server still reads it back: the document opens.
    expect((await pdfText(base(), token, `/cases/${c.id}/documents/done.pdf`))).to.include('办结通知书');
  });

  it('numbers receipts uniquely per year across a restart', async () => {
    const dataDir = await tempDir();
    await h.close();
    const close = async (tok: string) => {
      const c = (await api(base(), 'POST', '/cases', { token: tok, body: { windowId: 'w1', serviceCode: 'B02', applicant: { name: NAME, idNumber: ID_NUMBER } } })).body.case;
      await api(base(), 'PUT', `/cases/${c.id}/materials`, { token: tok, body: { materials: c.materials.map((m: { name: string }) => ({ name: m.name, state: 'provided' })) } });
      const d = await api(base(), 'POST', `/cases/${c.id}/outcome`, { token: tok, body: { outcome: 'done' } });
      expect(d.status).to.equal(200);
      return d.body.case.receiptNo as string;
    };
    const seen: string[] = [];
    h = await startTestHall({ dataDir });
    let tok = await login(h.url, 'staff1', 'staff123', 'w1');
    seen.push(...(await Promise.all([close(tok), close(tok), close(tok)])));
    await h.close({ keepData: true });
    h = await startTestHall({ dataDir });
    tok = await login(h.url, 'staff1', 'staff123', 'w1');
    seen.push(await close(tok), await close(tok));
    expect(new Set(seen).size).to.equal(5);
    expect(seen.map((s) => Number(s.slice(-6))).sort()).to.deep.equal([1, 2, 3, 4, 5]);
    const listed = await api(base(), 'GET', '/cases?status=closed', { token: tok });
    expect(listed.body.cases).to.have.length(5);
  });
});

describe('case retention (integration)', function () {
  this.timeout(60000);
  it('purges a closed case, its record and its files, once its retention period has passed', async function () {
    if (!existsSync(PDFTOTEXT) && process.env.CI !== 'true') this.skip();
    let clock = Date.parse('2026-11-23T10:00:00+08:00');
    const h = await startTestHall({ now: () => clock });
    try {
      const token = await login(h.url, 'staff1', 'staff123', 'w1');
      const base = `${h.url}/api/v1`;
      const c = (await api(base, 'POST', '/cases', { token, body: { windowId: 'w1', serviceCode: 'B02', applicant: { name: NAME, idNumber: ID_NUMBER } } })).body.case;
      await api(base, 'PUT', `/cases/${c.id}/materials`, { token, body: { materials: c.materials.map((m: { name: string }) => ({ name: m.name, state: 'provided' })) } });
      const d = await api(base, 'POST', `/cases/${c.id}/outcome`, { token, body: { outcome: 'done' } });
      expect(d.body.case.purgeAfter).to.equal('2029-11-22'); // 1095 days after 2026-11-23
      expect(await h.running.cases.purgeExpired()).to.equal(0);
      clock = Date.parse('2029-11-22T12:00:00+08:00');
      expect(await h.running.cases.purgeExpired()).to.equal(0);
      clock = Date.parse('2029-11-23T09:00:00+08:00');
      expect(await h.running.cases.purgeExpired()).to.equal(1);
      const admin = await login(h.url, 'admin', 'admin123');
      const gone = await api(base, 'GET', `/cases/${c.id}`, { token: admin });
      expect(gone.status).to.equal(404);
      expect(existsSync(join(h.dataDir, 'cases', 'files', c.id))).to.equal(false);
    } finally {
      await h.close();
    }
  });
});

describe('cases to the central outbox (integration)', function () {
  this.timeout(60000);
  it('hands each closed case over once in the central contract shape, and again after a restart only if it was not', async function () {
    if (!existsSync(PDFTOTEXT) && process.env.CI !== 'true') this.skip();
    const dataDir = await tempDir();
    const got: { kind: string; key: string; idempotencyKey: string; payload: any }[] = [];
    let down = true;
    const outbox = {
      async enqueue(input: { kind: 'case'; key: string; idempotencyKey: string; payload: unknown }) {
        if (down) throw new Error('outbox not writable');
        got.push(input as (typeof got)[number]);
        return input;
      },
    };
    let h = await startTestHall({ dataDir, start: { caseOutbox: outbox } });
    try {
      const token = await login(h.url, 'staff1', 'staff123', 'w1');
      const base = `${h.url}/api/v1`;
      const c = (await api(base, 'POST', '/cases', { token, body: { windowId: 'w1', serviceCode: 'A01', applicant: { name: NAME, idNumber: ID_NUMBER, phone: '138 0000 0000' } } })).body.case;
      await api(base, 'PUT', `/cases/${c.id}/materials`, { token, body: { materials: c.materials.map((m: { name: string }, i: number) => ({ name: m.name, state: i === 0 ? 'missing' : 'provided' })) } });
      const d = await api(base, 'POST', `/cases/${c.id}/outcome`, { token, body: { outcome: 'accepted_pending', commitment: '五个工作日内补交申请表' } });
      expect(d.status).to.equal(200);
      // The outbox failed: nothing handed over yet, and the case is still closed and durable.
      expect(got).to.have.length(0);
      await h.close({ keepData: true });

      down = false;
      h = await startTestHall({ dataDir, start: { caseOutbox: outbox } });
      const until = Date.now() + 20000;
      while (got.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      expect(got).to.have.length(1);
      const item = got[0]!;
      expect(item).to.include({ kind: 'case', key: c.id, idempotencyKey: `${c.id}:v${d.body.case.version}` });
      const p = item.payload;
      expect(p).to.include({ caseId: c.id, revision: d.body.case.version, receiptNo: d.body.case.receiptNo, hallCode: 'ZWFW-DEMO-001', outcome: 'accepted_pending_materials' });
      expect(p.applicant).to.deep.equal({ name: NAME, idNumber: ID_NUMBER, phone: '138 0000 0000' });
      expect(p.materialsDueDate).to.equal(d.body.case.commitmentDue);
      expect(p.materials[0]).to.include({ provided: false, required: true });
      expect(p.documents).to.have.length(1);
      const doc = p.documents[0];
      expect(doc).to.include({ type: 'commitment', mediaType: 'application/pdf' });
      const bytes = Buffer.from(doc.contentBase64, 'base64');
      expect(doc.size).to.equal(bytes.length);
      expect(doc.sha256).to.equal(createHash('sha256').update(bytes).digest('hex'));

      // Handed over once: a further restart does not hand it over again.
      await h.close({ keepData: true });
      h = await startTestHall({ dataDir, start: { caseOutbox: outbox } });
      await new Promise((r) => setTimeout(r, 500));
      expect(got).to.have.length(1);
    } finally {
      await h.close();
    }
  });
});

describe('cases with the window devices (integration)', function () {
  this.timeout(60000);
  it('takes the applicant from the card read at the window and prints the slip on the window printer', async function () {
    if (!existsSync(PDFTOTEXT) && process.env.CI !== 'true') this.skip();
    let read: { at: number; card: { name: string; idNumber: string; sex: string; address: string } } | undefined;
    const printed: { windowId: string; bytes: Buffer }[] = [];
    let paperOut = false;
    const devices = {
      lastIdentity: (w: string) => (w === 'w1' ? read : undefined),
      printerFor: (w: string) =>
        w === 'w1'
          ? {
              async print(bytes: Uint8Array) {
                if (paperOut) return { ok: false as const, code: 'PAPER_OUT', message: 'paper out' };
                printed.push({ windowId: w, bytes: Buffer.from(bytes) });
                return { ok: true as const };
              },
            }
          : undefined,
    };
    const h = await startTestHall({ start: { caseDevices: devices } });
    try {
      const token = await login(h.url, 'staff1', 'staff123', 'w1');
      const base = `${h.url}/api/v1`;
      const none = await api(base, 'POST', '/cases', { token, body: { windowId: 'w1', serviceCode: 'B02', useCard: true } });
      expect(none.body.error.code).to.equal('NO_CARD_READ');
      read = { at: Date.now(), card: { name: '司马光明', idNumber: ID_NUMBER, sex: '男', address: '深圳市南山区某路1号' } };
      const c = await api(base, 'POST', '/cases', { token, body: { windowId: 'w1', serviceCode: 'B02', useCard: true } });
      expect(c.status).to.equal(201);
      expect(c.body.case.applicant).to.deep.equal({ nameMasked: '司**明', idMasked: `440***********${ID_NUMBER.slice(-4)}`, source: 'card' });
      await api(base, 'PUT', `/cases/${c.body.case.id}/materials`, { token, body: { materials: c.body.case.materials.map((m: { name: string }) => ({ name: m.name, state: 'provided' })) } });
      const d = await api(base, 'POST', `/cases/${c.body.case.id}/outcome`, { token, body: { outcome: 'done' } });
      expect(d.body.print).to.deep.equal({ printed: true });
      expect(printed).to.have.length(1);
      expect(printed[0]!.bytes.includes(iconv.encode('办结通知书', 'gb18030'))).to.equal(true);
      expect(printed[0]!.bytes.includes(Buffer.from(ID_NUMBER))).to.equal(false);
      paperOut = true;
      const again = await api(base, 'POST', `/cases/${c.body.case.id}/print`, { token, body: {} });
      expect(again.body).to.deep.equal({ printed: false, code: 'PAPER_OUT', message: 'paper out' });
      // A read older than 60 s is not taken.
      read = { ...read, at: Date.now() - 61_000 };
      const stale = await api(base, 'POST', '/cases', { token, body: { windowId: 'w1', serviceCode: 'B02', useCard: true } });
      expect(stale.body.error.code).to.equal('NO_CARD_READ');
    } finally {
      await h.close();
    }
  });
});

describe('cases in the manager figures (integration)', function () {
  this.timeout(60000);
  it('counts an immediate case as completed on time in the KPIs', async function () {
    if (!existsSync(PDFTOTEXT) && process.env.CI !== 'true') this.skip();
    const h = await startTestHall();
    try {
      const token = await login(h.url, 'staff1', 'staff123', 'w1');
      const base = `${h.url}/api/v1`;
      const c = (await api(base, 'POST', '/cases', { token, body: { windowId: 'w1', serviceCode: 'B02', applicant: { name: NAME, idNumber: ID_NUMBER } } })).body.case;
      await api(base, 'PUT', `/cases/${c.id}/materials`, { token, body: { materials: c.materials.map((m: { name: string }) => ({ name: m.name, state: 'provided' })) } });
      expect((await api(base, 'POST', `/cases/${c.id}/outcome`, { token, body: { outcome: 'done' } })).status).to.equal(200);
      const day = c.createdAt.slice(0, 10);
      const k = await h.running.manager.kpis(day, day);
      expect(k.hall.cases).to.deep.equal({ completed: 1, onTime: 1, onTimeRate: 1 });
    } finally {
      await h.close();
    }
  });
});
