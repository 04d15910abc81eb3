import { expect } from 'chai';
import { api, login, startTestHall, type TestHall } from '../support/hall.js';

describe('HTTP API on the real server', () => {
  let h: TestHall;
  let firstSection: string;
  let windows: { id: string; sectionIds: string[]; number: number }[];

  beforeEach(async () => {
    h = await startTestHall();
    const s = await api(h.url, 'GET', '/api/v1/sections');
    firstSection = s.body[0].id;
    windows = (await api(h.url, 'GET', '/api/v1/windows')).body;
  });
  afterEach(async () => h.close());

  /** A window that serves the given section, with staffN signed in to it. */
  async function clerkFor(sectionId: string): Promise<{ windowId: string; token: string }> {
    const i = windows.findIndex((w) => w.sectionIds.includes(sectionId));
    const token = await login(h.url, `staff${i + 1}`, 'staff123', windows[i]!.id);
    return { windowId: windows[i]!.id, token };
  }

  it('reports health with the journal seq', async () => {
    const r = await api(h.url, 'GET', '/api/v1/health');
    expect(r.status).to.equal(200);
    expect(r.body.status).to.equal('ok');
    expect(r.body.seq).to.be.a('number');
    expect(r.body.devices).to.be.an('array');
  });

  it('lists the seven business sections with their queue figures', async () => {
    const r = await api(h.url, 'GET', '/api/v1/sections');
    expect(r.body).to.have.length(7);
    for (const s of r.body) expect(s).to.include.keys('id', 'prefix', 'name', 'open', 'waiting', 'estimatedWaitMinutes');
  });

  it('issues a ticket that can be read back', async () => {
    const r = await api(h.url, 'POST', '/api/v1/tickets', { body: { sectionId: firstSection } });
    expect(r.status).to.equal(201);
    const t = r.body.ticket;
    expect(t.number).to.match(/^[A-Z]\d{3,}$/);
    expect(t.status).to.equal('waiting');
    expect(t.ahead).to.equal(0);
    expect(t.issuedAt).to.match(/T\d{2}:\d{2}:\d{2}(\.\d+)?\+08:00$/);
    const back = await api(h.url, 'GET', `/api/v1/tickets/${t.id}`);
    expect(back.status).to.equal(200);
    expect(back.body.ticket.number).to.equal(t.number);
  });

  it('counts people ahead and estimates the wait', async () => {
    await api(h.url, 'POST', '/api/v1/tickets', { body: { sectionId: firstSection } });
    await api(h.url, 'POST', '/api/v1/tickets', { body: { sectionId: firstSection } });
    const r = await api(h.url, 'POST', '/api/v1/tickets', { body: { sectionId: firstSection } });
    expect(r.body.ticket.ahead).to.equal(2);
    expect(r.body.ticket.estimatedWaitMinutes).to.be.greaterThan(0);
    const s = (await api(h.url, 'GET', '/api/v1/sections')).body.find((x: { id: string }) => x.id === firstSection);
    expect(s.waiting).to.equal(3);
  });

  it('refuses malformed input with structured 4xx errors and never a 5xx', async () => {
    const cases: [string, string, { body?: unknown; raw?: string }, number, string][] = [
      ['POST', '/api/v1/tickets', { raw: '{"sectionId": ' }, 400, 'VALIDATION_FAILED'],
      ['POST', '/api/v1/tickets', { body: { sectionId: firstSection, extra: 1 } }, 400, 'VALIDATION_FAILED'],
      ['POST', '/api/v1/tickets', { body: { sectionId: 42 } }, 400, 'VALIDATION_FAILED'],
      ['POST', '/api/v1/tickets', { body: [] }, 400, 'VALIDATION_FAILED'],
      ['POST', '/api/v1/tickets', { raw: 'null' }, 400, 'VALIDATION_FAILED'],
      ['POST', '/api/v1/tickets', { body: { sectionId: firstSection, idNumber: '110101199003070000' } }, 400, 'VALIDATION_FAILED'],
      ['POST', '/api/v1/tickets', { body: { sectionId: 'nope' } }, 404, 'UNKNOWN_SECTION'],
      ['POST', '/api/v1/tickets', { raw: JSON.stringify({ sectionId: 'x'.repeat(100_000) }) }, 413, 'PAYLOAD_TOO_LARGE'],
      ['GET', '/api/v1/tickets/20000101-Z999', {}, 404, 'UNKNOWN_TICKET'],
      ['POST', '/api/v1/auth/login', { body: { username: 'admin' } }, 400, 'VALIDATION_FAILED'],
      ['POST', '/api/v1/auth/login', { body: { username: 'admin', password: 'wrong' } }, 401, 'UNAUTHORIZED'],
      ['POST', '/api/v1/auth/login', { body: { username: 'staff1', password: 'staff123' } }, 400, 'VALIDATION_FAILED'],
      ['POST', '/api/v1/windows/x/call-next', {}, 401, 'UNAUTHORIZED'],
      ['GET', '/api/v1/stats/today', {}, 401, 'UNAUTHORIZED'],
      ['GET', '/api/v1/no-such-thing', {}, 404, 'NOT_FOUND'],
    ];
    for (const [method, path, opts, status, code] of cases) {
      const r = await api(h.url, method, path, opts);
      expect(r.status, `${method} ${path} ${JSON.stringify(opts).slice(0, 60)}`).to.equal(status);
      expect(r.body.error.code, `${method} ${path}`).to.equal(code);
      expect(r.body.error.message).to.be.a('string').and.not.empty;
    }
    expect((await api(h.url, 'GET', '/api/v1/health')).body.status).to.equal('ok');
  });

  it('answers POST /tickets alike on the lean path and through express', async () => {
    // A query string sends the request through express; a plain JSON request takes the lean path.
    const post = async (path: string, body: string, type = 'application/json') => {
      const r = await fetch(h.url + path, { method: 'POST', headers: { 'content-type': type }, body });
      return { status: r.status, type: r.headers.get('content-type'), body: (await r.json()) as { ticket?: Record<string, unknown>; error?: { code: string; message: string } } };
    };
    const lean = await post('/api/v1/tickets', JSON.stringify({ sectionId: firstSection }));
    const viaExpress = await post('/api/v1/tickets?via=express', JSON.stringify({ sectionId: firstSection }));
    expect([lean.status, viaExpress.status]).to.deep.equal([201, 201]);
    expect(lean.type).to.match(/^application\/json; charset=utf-8$/i);
    expect(Object.keys(lean.body.ticket!).sort()).to.deep.equal(Object.keys(viaExpress.body.ticket!).sort());
    expect(viaExpress.body.ticket!.ahead).to.equal(1);
    const bad: [string, string][] = [
      ['{"sectionId": ', 'VALIDATION_FAILED'],
      ['', 'VALIDATION_FAILED'],
      ['"text"', 'VALIDATION_FAILED'],
      [JSON.stringify({ sectionId: firstSection, priority: 'green' }), 'FORBIDDEN'],
      [JSON.stringify({ sectionId: firstSection, useCard: true }), 'VALIDATION_FAILED'],
      [JSON.stringify({ sectionId: 'x'.repeat(70_000) }), 'PAYLOAD_TOO_LARGE'],
    ];
    for (const [body, code] of bad) {
      const a = await post('/api/v1/tickets', body);
      const b = await post('/api/v1/tickets?via=express', body);
      expect(a.body.error?.code, `lean: ${body.slice(0, 40)}`).to.equal(code);
      expect(b.body.error?.code, `express: ${body.slice(0, 40)}`).to.equal(code);
      expect(a.status, body.slice(0, 40)).to.equal(b.status);
    }
    // Another content type is not JSON to either path: the body is missing, not misread.
    expect((await post('/api/v1/tickets', JSON.stringify({ sectionId: firstSection }), 'text/plain')).body.error?.code).to.equal('VALIDATION_FAILED');
    expect((await api(h.url, 'GET', '/api/v1/sections')).body.find((x: { id: string }) => x.id === firstSection).waiting).to.equal(2);
  });

  it('rejects a forged or expired-looking token', async () => {
    const token = await login(h.url, 'admin', 'admin123');
    const forged = token.slice(0, -3) + (token.endsWith('AAA') ? 'BBB' : 'AAA');
    expect((await api(h.url, 'GET', '/api/v1/stats/today', { token: forged })).status).to.equal(401);
    expect((await api(h.url, 'GET', '/api/v1/stats/today', { token: 'garbage' })).body.error.code).to.equal('UNAUTHORIZED');
    expect((await api(h.url, 'GET', '/api/v1/stats/today', { token })).status).to.equal(200);
  });

  it('walks a ticket through call, start and finish at a window', async () => {
    const { windowId, token } = await clerkFor(firstSection);
    const issued = (await api(h.url, 'POST', '/api/v1/tickets', { body: { sectionId: firstSection } })).body.ticket;

    const called = await api(h.url, 'POST', `/api/v1/windows/${windowId}/call-next`, { token });
    expect(called.status).to.equal(200);
    expect(called.body.ticket.id).to.equal(issued.id);
    expect(called.body.ticket.status).to.equal('called');
    expect(called.body.ticket.window.id).to.equal(windowId);

    const again = await api(h.url, 'POST', `/api/v1/windows/${windowId}/call-next`, { token });
    expect(again.status).to.equal(409);
    expect(again.body.error.code).to.equal('TICKET_OPEN');

    expect((await api(h.url, 'POST', `/api/v1/windows/${windowId}/recall`, { token })).body.ticket.calls).to.equal(2);
    expect((await api(h.url, 'POST', `/api/v1/windows/${windowId}/start`, { token })).body.ticket.status).to.equal('serving');
    const done = await api(h.url, 'POST', `/api/v1/windows/${windowId}/finish`, { token });
    expect(done.body.ticket.status).to.equal('done');

    const empty = await api(h.url, 'POST', `/api/v1/windows/${windowId}/call-next`, { token });
    expect(empty.status).to.equal(404);
    expect(empty.body.error.code).to.equal('QUEUE_EMPTY');

    const w = (await api(h.url, 'GET', '/api/v1/windows')).body.find((x: { id: string }) => x.id === windowId);
    expect(w.status).to.equal('open');
    expect(w.clerk.name).to.include('*');
  });

  it('finishes a serving ticket first when the clerk calls the next one', async () => {
    const { windowId, token } = await clerkFor(firstSection);
    const a = (await api(h.url, 'POST', '/api/v1/tickets', { body: { sectionId: firstSection } })).body.ticket;
    const b = (await api(h.url, 'POST', '/api/v1/tickets', { body: { sectionId: firstSection } })).body.ticket;
    await api(h.url, 'POST', `/api/v1/windows/${windowId}/call-next`, { token });
    await api(h.url, 'POST', `/api/v1/windows/${windowId}/start`, { token });
    const next = await api(h.url, 'POST', `/api/v1/windows/${windowId}/call-next`, { token });
    expect(next.body.ticket.id).to.equal(b.id);
    expect((await api(h.url, 'GET', `/api/v1/tickets/${a.id}`)).body.ticket.status).to.equal('done');
  });

  it('lets a clerk act only for the window they signed in to', async () => {
    const { token } = await clerkFor(firstSection);
    const other = windows.find((w) => !w.sectionIds.includes(firstSection)) ?? windows[windows.length - 1]!;
    const r = await api(h.url, 'POST', `/api/v1/windows/${other.id}/call-next`, { token });
    expect(r.status).to.equal(403);
    expect(r.body.error.code).to.equal('WRONG_WINDOW');
    expect((await api(h.url, 'GET', '/api/v1/stats/today', { token })).status).to.equal(403);
  });

  it('takes away the old clerk rights when a colleague signs in to the same window', async () => {
    const { windowId, token } = await clerkFor(firstSection);
    await login(h.url, 'staff12', 'staff123', windowId);
    const r = await api(h.url, 'POST', `/api/v1/windows/${windowId}/pause`, { token });
    expect(r.status).to.equal(403);
  });

  it('pauses with a reason and resumes a window', async () => {
    const { windowId, token } = await clerkFor(firstSection);
    const p = await api(h.url, 'POST', `/api/v1/windows/${windowId}/pause`, { token, body: { reason: '系统维护' } });
    expect(p.body.window.status).to.equal('paused');
    expect(p.body.window.pauseReason).to.equal('系统维护');
    await api(h.url, 'POST', '/api/v1/tickets', { body: { sectionId: firstSection } });
    const refused = await api(h.url, 'POST', `/api/v1/windows/${windowId}/call-next`, { token });
    expect(refused.body.error.code).to.equal('WINDOW_PAUSED');
    const r = await api(h.url, 'POST', `/api/v1/windows/${windowId}/resume`, { token });
    expect(r.body.window.status).to.equal('open');
  });

  it('transfers the current ticket to the head of another section', async () => {
    const sections = (await api(h.url, 'GET', '/api/v1/sections')).body as { id: string }[];
    const target = sections.find((s) => s.id !== firstSection)!.id;
    const { windowId, token } = await clerkFor(firstSection);
    const t = (await api(h.url, 'POST', '/api/v1/tickets', { body: { sectionId: firstSection } })).body.ticket;
    await api(h.url, 'POST', `/api/v1/windows/${windowId}/call-next`, { token });
    // Someone already waits in the target section: the transferred ticket goes ahead of them.
    await api(h.url, 'POST', '/api/v1/tickets', { body: { sectionId: target } });
    const r = await api(h.url, 'POST', `/api/v1/windows/${windowId}/transfer`, { token, body: { toSectionId: target } });
    expect(r.status).to.equal(200);
    expect(r.body.ticket.number).to.equal(t.number);
    expect(r.body.ticket.status).to.equal('transferred');
    expect(r.body.ticket.ahead).to.equal(0);
  });

  it('marks a no-show and lets the citizen rejoin', async () => {
    const { windowId, token } = await clerkFor(firstSection);
    const t = (await api(h.url, 'POST', '/api/v1/tickets', { body: { sectionId: firstSection } })).body.ticket;
    await api(h.url, 'POST', `/api/v1/windows/${windowId}/call-next`, { token });
    const ns = await api(h.url, 'POST', `/api/v1/windows/${windowId}/no-show`, { token });
    expect(ns.body.ticket.status).to.equal('no_show');
    const back = await api(h.url, 'POST', `/api/v1/tickets/${t.id}/rejoin`, { body: {} });
    expect(back.body.ticket.status).to.equal('waiting');
  });

  it('keeps one live ticket per section per ID number', async () => {
    const idNumber = '11010519491231002X';
    const first = await api(h.url, 'POST', '/api/v1/tickets', { body: { sectionId: firstSection, idNumber, name: '张三' } });
    expect(first.status).to.equal(201);
    const second = await api(h.url, 'POST', '/api/v1/tickets', { body: { sectionId: firstSection, idNumber } });
    expect(second.status).to.equal(409);
    expect(second.body.error.code).to.match(/^ID_LIMIT/);
    expect(JSON.stringify(first.body)).not.to.include(idNumber);
    expect(JSON.stringify(first.body)).not.to.include('张三');
  });

  it('gives the manager today\'s figures', async () => {
    const { windowId, token } = await clerkFor(firstSection);
    await api(h.url, 'POST', '/api/v1/tickets', { body: { sectionId: firstSection } });
    await api(h.url, 'POST', '/api/v1/tickets', { body: { sectionId: firstSection } });
    await api(h.url, 'POST', `/api/v1/windows/${windowId}/call-next`, { token });
    await api(h.url, 'POST', `/api/v1/windows/${windowId}/finish`, { token });
    const admin = await login(h.url, 'admin', 'admin123');
    const s = await api(h.url, 'GET', '/api/v1/stats/today', { token: admin });
    expect(s.body).to.deep.include({ issued: 2, served: 1, noShow: 0, waiting: 1, satisfaction: null });
    expect(s.body.avgWaitSeconds).to.be.a('number');
  });

  it('numbers 200 concurrent tickets without a duplicate', async () => {
    const rs = await Promise.all(Array.from({ length: 200 }, () => api(h.url, 'POST', '/api/v1/tickets', { body: { sectionId: firstSection } })));
    const numbers = rs.map((r) => r.body.ticket.number as string);
    expect(rs.every((r) => r.status === 201)).to.equal(true);
    expect(new Set(numbers).size).to.equal(200);
  });

  it('keeps every ticket across a clean restart', async () => {
    const t = (await api(h.url, 'POST', '/api/v1/tickets', { body: { sectionId: firstSection } })).body.ticket;
    const seq = (await api(h.url, 'GET', '/api/v1/health')).body.seq;
    await h.close({ keepData: true });
    h = await startTestHall({ dataDir: h.dataDir });
    expect((await api(h.url, 'GET', `/api/v1/tickets/${t.id}`)).body.ticket.number).to.equal(t.number);
    expect((await api(h.url, 'GET', '/api/v1/health')).body.seq).to.equal(seq);
    const next = (await api(h.url, 'POST', '/api/v1/tickets', { body: { sectionId: firstSection } })).body.ticket;
    expect(next.number).not.to.equal(t.number);
  });

  it('serves every page and an index that lists them', async () => {
    const index = await fetch(h.url + '/');
    const html = await index.text();
    for (const p of ['kiosk', 'display', 'window', 'pad', 'console', 'manager']) expect(html).to.include(`/${p}/`);
  });
});
