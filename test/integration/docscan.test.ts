import { expect } from 'chai';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { api, login, startTestHall, type TestHall } from '../support/hall.js';
import { needPoppler, pdfPages, pdfText } from '../support/pdf.js';

describe('document scanning at a window (demo hall, simulated scanners)', function () {
  this.timeout(60_000);
  let h: TestHall;
  let token: string;
  let ticket: { id: string; number: string };

  before(async () => {
    h = await startTestHall();
    token = await login(h.url, 'staff3', 'staff123', 'w3');
    ticket = (await api(h.url, 'POST', '/api/v1/tickets', { body: { sectionId: 'company' } })).body.ticket;
    expect((await api(h.url, 'POST', '/api/v1/windows/w3/call-next', { token })).status).to.equal(200);
  });
  after(async () => {
    await h?.close();
  });

  const device = async (id: string) => (await api(h.url, 'GET', '/api/v1/devices')).body.find((d: { id: string }) => d.id === id);

  it('lists a simulated document scanner at every window', async () => {
    const list = (await api(h.url, 'GET', '/api/v1/devices')).body.filter((d: { kind: string }) => d.kind === 'docscan');
    expect(list).to.have.length(12);
    expect(await device('docscan-w3')).to.deep.include({ kind: 'docscan', attachedTo: 'w3', transport: 'sim:docscan-w3', simulated: true });
  });

  it('scans two pages into the draft of the ticket being served, as normalised JPEGs', async () => {
    const r = await api(h.url, 'POST', '/api/v1/windows/w3/scan', { token });
    expect(r.status).to.equal(201);
    expect(r.body.draft).to.equal(ticket.id);
    expect(r.body.pages.map((p: { n: number }) => p.n)).to.deep.equal([1, 2]);
    for (const p of r.body.pages) {
      expect(p).to.include({ width: 1240, scannerId: 'docscan-w3' });
      expect(Math.abs(p.skewDegrees - 1.5)).to.be.at.most(0.25);
    }
    const listed = await api(h.url, 'GET', '/api/v1/windows/w3/scans', { token });
    expect(listed.body).to.deep.equal(r.body);
    const img = await fetch(`${h.url}/api/v1/windows/w3/scans/${r.body.pages[0].id}`, { headers: { authorization: `Bearer ${token}` } });
    expect(img.headers.get('content-type')).to.equal('image/jpeg');
    const bytes = Buffer.from(await img.arrayBuffer());
    expect([bytes[0], bytes[1]]).to.deep.equal([0xff, 0xd8]);
    expect(bytes.length).to.equal(r.body.pages[0].bytes);
    // Registry counters: a scan is a frame sent, a page a frame received, a failed scan a timeout.
    expect((await device('docscan-w3')).counters).to.include({ framesSent: 1, framesReceived: 2, timeouts: 0 });
  });

  it('keeps the page images sealed on disk: no JPEG at rest, and a changed file is refused, not served', async () => {
    const pages = (await api(h.url, 'GET', '/api/v1/windows/w3/scans', { token })).body.pages as { id: string }[];
    const dir = join(h.dataDir, 'scans', 'w3', ticket.id);
    const files = (await readdir(dir)).sort();
    expect(files.filter((f) => f.endsWith('.jpg'))).to.deep.equal([]);
    for (const p of pages) {
      const sealed = await readFile(join(dir, `${p.id}.sealed`));
      // Neither the JPEG start marker nor any JFIF/EXIF header appears anywhere in the file.
      expect(sealed.includes(Buffer.from([0xff, 0xd8, 0xff]))).to.equal(false);
      expect(sealed.includes(Buffer.from('JFIF'))).to.equal(false);
    }
    // A sealed page moved under another page id no longer opens (it is bound to its place).
    const [a, b] = pages;
    const original = await readFile(join(dir, `${b!.id}.sealed`));
    await writeFile(join(dir, `${b!.id}.sealed`), await readFile(join(dir, `${a!.id}.sealed`)));
    const moved = await fetch(`${h.url}/api/v1/windows/w3/scans/${b!.id}`, { headers: { authorization: `Bearer ${token}` } });
    expect(moved.status).to.equal(404);
    expect(((await moved.json()) as { error: { code: string } }).error.code).to.equal('NOT_FOUND');
    await writeFile(join(dir, `${b!.id}.sealed`), original);
    const back = await fetch(`${h.url}/api/v1/windows/w3/scans/${b!.id}`, { headers: { authorization: `Bearer ${token}` } });
    expect(back.status).to.equal(200);
  });

  it('binds the draft into a PDF whose text names the hall, the window and the ticket in Chinese', async function () {
    needPoppler(this);
    const res = await fetch(`${h.url}/api/v1/windows/w3/scans/pdf`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.equal('application/pdf');
    const pdf = Buffer.from(await res.arrayBuffer());
    expect(pdfPages(pdf)).to.equal(3);
    const text = pdfText(pdf).replace(/[\s\u3000]+/g, '');
    for (const want of ['示范市政务服务中心扫描材料', '窗口：3号窗口企业开办窗口', `号票：${ticket.number}`, '页数：2页', '第1页·扫描于']) {
      expect(text).to.contain(want);
    }
  });

  it('keeps acknowledged pages across a restart', async () => {
    const dataDir = h.dataDir;
    await h.close({ keepData: true });
    h = await startTestHall({ dataDir });
    const r = await api(h.url, 'GET', '/api/v1/windows/w3/scans', { token: await login(h.url, 'staff3', 'staff123', 'w3') });
    expect(r.body.draft).to.equal(ticket.id);
    expect(r.body.pages).to.have.length(2);
    token = await login(h.url, 'staff3', 'staff123', 'w3');
  });

  it('says a scanner that is not there is not there: 503 DEVICE_OFFLINE, and offline in the device list', async () => {
    expect((await api(h.url, 'POST', '/api/v1/sim/devices/docscan-w3/input', { body: { connected: false } })).status).to.equal(200);
    const r = await api(h.url, 'POST', '/api/v1/windows/w3/scan', { token });
    expect(r.status).to.equal(503);
    expect(r.body.error.code).to.equal('DEVICE_OFFLINE');
    expect(await device('docscan-w3')).to.include({ status: 'offline', detail: 'simulated scanner switched off' });
    await api(h.url, 'POST', '/api/v1/sim/devices/docscan-w3/input', { body: { connected: true, pages: 1 } });
    const again = await api(h.url, 'POST', '/api/v1/windows/w3/scan', { token });
    expect(again.status).to.equal(201);
    expect(again.body.pages.map((p: { n: number }) => p.n)).to.deep.equal([3]);
  });

  it('lets only the window\'s clerk or a manager scan, and refuses bad input in the one error shape', async () => {
    const other = await login(h.url, 'staff4', 'staff123', 'w4');
    const admin = await login(h.url, 'admin', 'admin123');
    const cases: [string, string, { token?: string; body?: unknown }, number, string][] = [
      ['POST', '/api/v1/windows/w3/scan', {}, 401, 'UNAUTHORIZED'],
      ['POST', '/api/v1/windows/w3/scan', { token: other }, 403, 'WRONG_WINDOW'],
      ['POST', '/api/v1/windows/w99/scan', { token: admin }, 404, 'UNKNOWN_WINDOW'],
      ['POST', '/api/v1/windows/w3/scan', { token, body: { pages: 3 } }, 400, 'VALIDATION_FAILED'],
      ['GET', '/api/v1/windows/w3/scans/../../accounts', { token }, 404, 'NOT_FOUND'],
      ['GET', '/api/v1/windows/w3/scans/0123456789abcdef', { token }, 404, 'NOT_FOUND'],
      ['POST', '/api/v1/sim/devices/docscan-w3/input', { body: { pages: 0 } }, 400, 'VALIDATION_FAILED'],
      ['POST', '/api/v1/sim/devices/docscan-w3/input', { body: { connected: 'no' } }, 400, 'VALIDATION_FAILED'],
    ];
    for (const [method, path, o, status, code] of cases) {
      const r = await api(h.url, method, path, o);
      expect(r.status, `${method} ${path}`).to.equal(status);
      expect(r.body.error.code, `${method} ${path}`).to.equal(code);
    }
    expect((await api(h.url, 'GET', '/api/v1/windows/w3/scans', { token: admin })).body.pages).to.have.length(3);
  });

  it('clears the draft', async () => {
    const r = await api(h.url, 'DELETE', '/api/v1/windows/w3/scans', { token });
    expect(r.body).to.deep.equal({ cleared: 3 });
    expect((await api(h.url, 'GET', '/api/v1/windows/w3/scans', { token })).body.pages).to.deep.equal([]);
  });
});
