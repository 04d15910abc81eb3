// The manager's back end on the real server: live configuration, alerts, follow-ups, KPIs, reports,
// metrics, audit and backup, with a clock the test moves.

import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { idCheckDigit } from '../../drivers/idcard/codec.js';
import { localInstant } from '../../server/hall/index.js';
import { api, login, startTestHall, tempDir, type TestHall } from '../support/hall.js';

const CAL = { utcOffsetMinutes: 480, holidays: [], workdays: [] };
const DAY = '2026-11-23'; // a Monday
const at = (hm: string, day = DAY) => localInstant(day, hm, CAL);

class Clock {
  constructor(public t: number) {}
  now = () => this.t;
  set(hm: string, day = DAY) {
    this.t = at(hm, day);
  }
  advance(minutes: number) {
    this.t += minutes * 60_000;
  }
}

/** Minimal RFC 4180 reader (quoted cells, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const s = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(cell), (cell = '');
    else if (c === '\n') row.push(cell), rows.push(row), (row = []), (cell = '');
    else if (c !== '\r') cell += c;
  }
  if (cell || row.length) row.push(cell), rows.push(row);
  return rows;
}

async function fetchBytes(url: string, token: string): Promise<{ status: number; type: string; bytes: Buffer }> {
  const r = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  return { status: r.status, type: r.headers.get('content-type') ?? '', bytes: Buffer.from(await r.arrayBuffer()) };
}

describe('hall manager back end', () => {
  let h: TestHall;
  let clock: Clock;
  let admin: string;
  let dataDir: string;

  beforeEach(async () => {
    clock = new Clock(at('08:00'));
    dataDir = await tempDir();
    h = await startTestHall({ now: clock.now, dataDir });
    admin = await login(h.url, 'admin', 'admin123');
  });
  afterEach(async () => {
    await h?.close();
  });

  const issue = async (sectionId: string) => (await api(h.url, 'POST', '/api/v1/tickets', { body: { sectionId } })).body.ticket;

  it("changes a window's sections live: the next call-next obeys, and a restart keeps it", async () => {
    const clerk = await login(h.url, 'staff1', 'staff123', 'w1'); // w1 serves company + tax
    const t = await issue('construction');
    expect((await api(h.url, 'POST', '/api/v1/windows/w1/call-next', { token: clerk })).body.error.code).to.equal('QUEUE_EMPTY');

    const refused = await api(h.url, 'PATCH', '/api/v1/manager/windows/w1', { token: clerk, body: { sectionIds: ['construction'] } });
    expect(refused.status).to.equal(403);
    const bad = await api(h.url, 'PATCH', '/api/v1/manager/windows/w1', { token: admin, body: { sectionIds: ['no-such'] } });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.code).to.equal('VALIDATION_FAILED');
    expect(bad.body.error.message).to.contain('no-such');

    const ok = await api(h.url, 'PATCH', '/api/v1/manager/windows/w1', { token: admin, body: { sectionIds: ['construction', 'company', 'tax'] } });
    expect(ok.status, JSON.stringify(ok.body)).to.equal(200);
    const called = await api(h.url, 'POST', '/api/v1/windows/w1/call-next', { token: clerk });
    expect(called.status).to.equal(200);
    expect(called.body.ticket.number).to.equal(t.number);
    expect((await api(h.url, 'GET', '/api/v1/windows')).body.find((w: any) => w.id === 'w1').sectionIds).to.deep.equal(['construction', 'company', 'tax']);

    const audit = (await api(h.url, 'GET', '/api/v1/manager/audit', { token: admin })).body;
    expect(audit[0]).to.include({ by: 'admin', action: 'setup.change' });
    expect(audit[0].detail).to.contain('w1');

    await h.close({ keepData: true });
    h = await startTestHall({ now: clock.now, dataDir });
    admin = await login(h.url, 'admin', 'admin123');
    const setup = (await api(h.url, 'GET', '/api/v1/manager/setup', { token: admin })).body;
    expect(setup.windows.find((w: any) => w.id === 'w1').sectionIds).to.deep.equal(['construction', 'company', 'tax']);
    expect((await api(h.url, 'GET', '/api/v1/manager/audit', { token: admin })).body[0].action).to.equal('setup.change');
  });

  it('closes a section live and refuses a setup that would strand live tickets', async () => {
    await issue('tax');
    const closed = await api(h.url, 'PATCH', '/api/v1/manager/sections/company', { token: admin, body: { closed: true } });
    expect(closed.status).to.equal(200);
    const r = await api(h.url, 'POST', '/api/v1/tickets', { body: { sectionId: 'company' } });
    expect(r.body.error.code).to.equal('SECTION_CLOSED');
    const setup = (await api(h.url, 'GET', '/api/v1/manager/setup', { token: admin })).body;
    const windows = setup.windows
      .map((w: any) => ({
        ...w,
        sectionIds: w.sectionIds.filter((x: string) => x !== 'tax'),
        ...(w.weights ? { weights: Object.fromEntries(Object.entries(w.weights).filter(([k]) => k !== 'tax')) } : {}),
      }))
      .filter((w: any) => w.sectionIds.length > 0);
    const noTax = { ...setup, sections: setup.sections.filter((s: any) => s.id !== 'tax'), windows };
    const put = await api(h.url, 'PUT', '/api/v1/manager/setup', { token: admin, body: { setup: noTax, summary: 'drop tax' } });
    expect(put.status, JSON.stringify(put.body)).to.equal(409);
    expect(put.body.error.code).to.equal('SETUP_CONFLICT');
    const malformed = await api(h.url, 'PUT', '/api/v1/manager/setup', { token: admin, body: { setup: { sections: 3 } } });
    expect(malformed.status).to.equal(400);
  });

  it("lists a day's activity from the journal and the managers' log: who did what, when", async () => {
    const clerk = await login(h.url, 'staff1', 'staff123', 'w1');
    clock.set('09:00');
    await api(h.url, 'POST', '/api/v1/windows/w1/pause', { token: clerk, body: { reason: '系统维护' } });
    clock.set('09:10');
    await api(h.url, 'POST', '/api/v1/windows/w1/resume', { token: clerk });
    const t = await api(h.url, 'GET', '/api/v1/manager/thresholds', { token: admin });
    clock.set('09:20');
    await api(h.url, 'PUT', '/api/v1/manager/thresholds', { token: admin, body: { ...t.body, pausedMinutes: 10 } });
    const day = (await api(h.url, 'GET', `/api/v1/manager/audit?day=${DAY}`, { token: admin })).body;
    const rows = day.map((e: any) => [e.at.slice(11, 16), e.by, e.action, e.detail]);
    expect(rows.slice(0, 3)).to.deep.equal([
      ['09:20', 'admin', 'thresholds.change', 'pausedMinutes: 15 → 10'],
      ['09:10', 'staff1 (GZ0101)', 'window.resume', 'w1'],
      ['09:00', 'staff1 (GZ0101)', 'window.pause', 'w1: 系统维护'],
    ]);
    expect(rows.at(-1).slice(1, 4)).to.deep.equal(['staff1 (GZ0101)', 'window.signIn', 'w1']);
    expect((await api(h.url, 'GET', '/api/v1/manager/audit?day=2026-11-22', { token: admin })).body).to.deep.equal([]);
    expect((await api(h.url, 'GET', '/api/v1/manager/audit?day=yesterday', { token: admin })).status).to.equal(400);
  });

  it("edits a service's guide and the calendar live, with the same checks as config/", async () => {
    const svc = (await api(h.url, 'GET', '/api/v1/sections/tax/services')).body[0];
    const ok = await api(h.url, 'PATCH', `/api/v1/manager/services/${svc.code}`, { token: admin, body: { fees: '不收费（2026 年起）', procedure: ['取号', '窗口受理', '当场办结'] } });
    expect(ok.status, JSON.stringify(ok.body)).to.equal(200);
    const guide = (await api(h.url, 'GET', `/api/v1/services/${svc.code}`)).body;
    expect(guide.fees).to.equal('不收费（2026 年起）');
    expect(guide.procedure).to.deep.equal(['取号', '窗口受理', '当场办结']);
    const tooLong = await api(h.url, 'PATCH', `/api/v1/manager/services/${svc.code}`, { token: admin, body: { promisedLimitDays: svc.legalLimitDays + 1 } });
    expect(tooLong.status).to.equal(400);
    expect(tooLong.body.error.message).to.contain('promisedLimitDays');
    expect((await api(h.url, 'PATCH', '/api/v1/manager/services/NOPE', { token: admin, body: { fees: 'x' } })).status).to.equal(404);

    const before = (await api(h.url, 'GET', '/api/v1/manager/setup', { token: admin })).body.calendar;
    const weekday = await api(h.url, 'PUT', '/api/v1/manager/calendar', { token: admin, body: { holidays: before.holidays, workdays: ['2026-11-25'] } });
    expect(weekday.status).to.equal(400); // a Wednesday cannot be a make-up workday
    const put = await api(h.url, 'PUT', '/api/v1/manager/calendar', { token: admin, body: { holidays: [...before.holidays, '2026-11-27'], workdays: before.workdays } });
    expect(put.status).to.equal(200);
    expect(put.body.calendar.holidays).to.include('2026-11-27');
    const audit = (await api(h.url, 'GET', '/api/v1/manager/audit', { token: admin })).body.map((e: any) => e.detail);
    expect(audit[0]).to.match(/^calendar: \d+ holidays/);
    expect(audit[1]).to.equal(`service ${svc.code}: fees, procedure`);
  });

  it('raises each kind of alert live, pushes it to /manager, and keeps it after acknowledgement and restart', async () => {
    const m = h.running.manager;
    const sock = io(h.url + '/manager', { auth: { token: admin }, transports: ['websocket'], forceNew: true, reconnection: false }) as Socket;
    const got: any[] = [];
    sock.on('alerts', (p) => got.push(p));
    const snapshot = await new Promise<any>((resolve) => sock.once('snapshot', resolve));
    expect(snapshot.alerts.active).to.deep.equal([]);
    try {
      const clerk = await login(h.url, 'staff3', 'staff123', 'w3');
      await issue('company');
      await api(h.url, 'POST', '/api/v1/windows/w3/pause', { token: clerk, body: { reason: '系统维护' } });
      // Plug-in sources, as the device registry, the outbox and case supervision report them.
      const errorAt = clock.t;
      m.plug({
        devices: () => [{ id: 'printer-1', kind: 'printer', status: 'fault', detail: 'paper out' }],
        outbox: () => ({ backlog: 25, lastError: { at: errorAt, message: 'HTTP 502' } }),
        cases: () => [{ id: 'c1', receiptNo: 'SL-001', service: '营业执照', dueDate: DAY, done: false }],
      });
      clock.advance(31);
      await m.evaluate();
      const kinds = (await api(h.url, 'GET', '/api/v1/manager/alerts', { token: admin })).body.active.map((a: any) => a.kind).sort();
      expect(kinds).to.deep.equal(['case', 'device', 'outbox', 'outbox', 'paused', 'wait']);
      const wait = (await api(h.url, 'GET', '/api/v1/manager/alerts', { token: admin })).body.active.find((a: any) => a.kind === 'wait');
      expect(wait.params).to.include({ sectionId: 'company', prefix: 'B', threshold: 30 });
      expect(wait.params.minutes).to.be.at.least(31);
      for (let i = 0; i < 100 && !got.some((p) => p.active.length === 6); i++) await new Promise((r) => setTimeout(r, 20));
      expect(got.at(-1).active).to.have.length(6);
      expect(got.at(-1).seq).to.be.a('number');

      // Nothing new while the conditions just go on.
      clock.advance(5);
      await m.evaluate();
      expect((await api(h.url, 'GET', '/api/v1/manager/alerts', { token: admin })).body.active).to.have.length(6);

      // Resuming clears the pause alert; it stays listed until acknowledged.
      await api(h.url, 'POST', '/api/v1/windows/w3/resume', { token: clerk });
      await m.evaluate();
      const paused = (await api(h.url, 'GET', '/api/v1/manager/alerts', { token: admin })).body.active.find((a: any) => a.kind === 'paused');
      expect(paused.clearedAt).to.be.a('string');
      const ack = await api(h.url, 'POST', `/api/v1/manager/alerts/${paused.id}/ack`, { token: admin, body: { note: '已恢复' } });
      expect(ack.status).to.equal(200);
      expect(ack.body.alert.ack).to.include({ by: 'admin', note: '已恢复' });
      expect((await api(h.url, 'POST', `/api/v1/manager/alerts/${paused.id}/ack`, { token: admin, body: {} })).body.error.code).to.equal('ALREADY_ACKNOWLEDGED');
      expect((await api(h.url, 'POST', '/api/v1/manager/alerts/nope/ack', { token: admin, body: {} })).status).to.equal(404);
      expect((await api(h.url, 'GET', '/api/v1/manager/alerts', { token: admin })).body.active).to.have.length(5);
    } finally {
      sock.close();
    }

    await h.close({ keepData: true });
    h = await startTestHall({ now: clock.now, dataDir });
    admin = await login(h.url, 'admin', 'admin123');
    const history = (await api(h.url, 'GET', '/api/v1/manager/alerts?history=1', { token: admin })).body;
    const acked = history.find((a: any) => a.kind === 'paused');
    expect(acked.ack.note).to.equal('已恢复');
    // The plug-in sources are gone after the restart: their alerts cleared, still unacknowledged.
    const device = history.find((a: any) => a.kind === 'device');
    expect(device.clearedAt).to.be.a('string');
    expect(device.ack).to.equal(undefined);
  });

  it('a negative rating raises an alert and opens a follow-up that the manager records and closes; overdue ones alert', async () => {
    const m = h.running.manager;
    const clerk = await login(h.url, 'staff9', 'staff123', 'w9');
    const t = await issue('delegated');
    await api(h.url, 'POST', '/api/v1/windows/w9/call-next', { token: clerk });
    await api(h.url, 'POST', '/api/v1/windows/w9/finish', { token: clerk });
    await h.running.hall.execute({ type: 'Rate', ticketId: t.id, level: 1, reasons: ['服务态度差'] }, { kind: 'citizen' });
    await m.evaluate();
    const rating = (await api(h.url, 'GET', '/api/v1/manager/alerts', { token: admin })).body.active.find((a: any) => a.kind === 'rating');
    expect(rating.params).to.include({ ticket: t.number, window: 9, level: 1, reasons: '服务态度差' });

    const list = (await api(h.url, 'GET', '/api/v1/manager/follow-ups', { token: admin })).body;
    expect(list).to.have.length(1);
    expect(list[0]).to.include({ ticketNumber: t.number, status: 'open', overdue: false, windowId: 'w9' });
    expect(list[0].dueDate).to.equal('2026-12-14'); // 15 working days after Monday 2026-11-23

    const early = await api(h.url, 'POST', `/api/v1/manager/follow-ups/${t.id}`, { token: admin, body: { verification: '调取录像核实', close: true } });
    expect(early.status).to.equal(409);
    expect(early.body.error.code).to.equal('FOLLOW_UP_INCOMPLETE');

    // Past the due date with the follow-up still open: an overdue alert.
    clock.set('09:00', '2026-12-15');
    await h.running.hall.execute({ type: 'OpenDay' }, { kind: 'system' });
    admin = await login(h.url, 'admin', 'admin123'); // three weeks on: the morning's token has expired
    await m.evaluate();
    const overdue = (await api(h.url, 'GET', '/api/v1/manager/alerts', { token: admin })).body.active.find((a: any) => a.kind === 'followup');
    expect(overdue.params).to.include({ ticket: t.number, dueDate: '2026-12-14' });

    const done = await api(h.url, 'POST', `/api/v1/manager/follow-ups/${t.id}`, {
      token: admin,
      body: { verification: '调取录像核实', rectification: '对窗口人员进行服务规范培训', reply: '已电话回访，群众表示认可', close: true },
    });
    expect(done.status, JSON.stringify(done.body)).to.equal(200);
    expect(done.body.followUp).to.include({ status: 'closed', reply: '已电话回访，群众表示认可', updatedBy: 'admin' });
    await m.evaluate();
    const after = (await api(h.url, 'GET', '/api/v1/manager/alerts', { token: admin })).body.active.find((a: any) => a.kind === 'followup');
    expect(after.clearedAt).to.be.a('string');
    const audit = (await api(h.url, 'GET', '/api/v1/manager/audit', { token: admin })).body.map((e: any) => e.action);
    expect(audit).to.include('followup.close');
  });

  it("computes KPIs over a range and serves the day's report as CSV and PDF; the next day writes it on schedule", async () => {
    const clerk = await login(h.url, 'staff10', 'staff123', 'w10'); // tax
    clock.set('09:00');
    const a = await issue('tax');
    clock.set('09:10');
    const b = await issue('tax');
    clock.set('09:20');
    await api(h.url, 'POST', '/api/v1/windows/w10/call-next', { token: clerk }); // a waited 20 min
    await api(h.url, 'POST', '/api/v1/windows/w10/start', { token: clerk });
    clock.set('09:32');
    await api(h.url, 'POST', '/api/v1/windows/w10/finish', { token: clerk }); // 12 min
    await h.running.hall.execute({ type: 'Rate', ticketId: a.id, level: 4 }, { kind: 'citizen' });
    clock.set('10:00');
    await api(h.url, 'POST', '/api/v1/windows/w10/call-next', { token: clerk }); // b waited 50 min
    await api(h.url, 'POST', '/api/v1/windows/w10/no-show', { token: clerk });

    const k = (await api(h.url, 'GET', `/api/v1/manager/kpis?from=${DAY}&to=${DAY}`, { token: admin })).body;
    expect(k.hall).to.include({ issued: 2, called: 2, served: 1, noShow: 1, noShowRate: 0.5, avgWaitSeconds: 20 * 60, avgServiceSeconds: 12 * 60, satisfaction: 1 });
    expect(k.clerks[0]).to.include({ id: 'staff10', served: 1 });
    expect((await api(h.url, 'GET', '/api/v1/manager/kpis?from=2026-11-24&to=2026-11-23', { token: admin })).status).to.equal(400);
    expect((await api(h.url, 'GET', '/api/v1/manager/kpis?from=bad&to=2026-11-23', { token: admin })).body.error.code).to.equal('VALIDATION_FAILED');

    const csv = await fetchBytes(`${h.url}/api/v1/manager/reports/daily/${DAY}?format=csv`, admin);
    expect(csv.status).to.equal(200);
    expect(csv.type).to.contain('text/csv');
    const rows = parseCsv(csv.bytes.toString('utf8'));
    const head = rows[0]!;
    const hall = rows.find((r) => r[0] === 'hall')!;
    const col = (name: string) => hall[head.indexOf(name)];
    expect([col('issued'), col('served'), col('no_show'), col('avg_wait_s'), col('satisfaction')]).to.deep.equal(['2', '1', '1', '1200', '1.0000']);
    const tax = rows.find((r) => r[0] === 'section' && r[1] === 'tax')!;
    expect(tax[2]).to.equal('E 税务');
    expect(rows.find((r) => r[0] === 'clerk')![1]).to.match(/^[A-Z0-9]+$/);

    const pdf = await fetchBytes(`${h.url}/api/v1/manager/reports/daily/${DAY}?format=pdf`, admin);
    const pdftotext = spawnSync('pdftotext', ['-v']).error ? null : 'pdftotext';
    // The CJK font ships with the npm packages, so a report PDF never depends on system fonts.
    {
      expect(pdf.status).to.equal(200);
      expect(pdf.bytes.subarray(0, 5).toString()).to.equal('%PDF-');
      if (pdftotext) {
        const file = join(dataDir, 'check.pdf');
        await writeFile(file, pdf.bytes);
        const text = execFileSync('pdftotext', ['-layout', file, '-']).toString();
        expect(text).to.contain('日报');
        expect(text).to.contain('税务');
        expect(text).to.contain('取号 Issued：2');
        expect(text).to.contain('满意率 Satisfaction：100.0%');
      } else if (process.env.CI === 'true') {
        expect.fail('pdftotext (poppler-utils) is missing');
      }
    }

    // The next business day opens: yesterday's report is written without anyone asking.
    clock.set('08:00', '2026-11-24');
    await h.running.hall.execute({ type: 'OpenDay' }, { kind: 'system' });
    await h.running.manager.reportsSettled();
    admin = await login(h.url, 'admin', 'admin123');
    const listed = await api(h.url, 'GET', '/api/v1/manager/reports', { token: admin });
    expect(listed.status, JSON.stringify(listed.body)).to.equal(200);
    const files = listed.body.map((f: any) => f.name);
    expect(files).to.include(`${DAY}.csv`);
    const stored = await fetchBytes(`${h.url}/api/v1/manager/reports/files/daily/${DAY}.csv`, admin);
    expect(stored.status).to.equal(200);
    expect(parseCsv(stored.bytes.toString()).find((r) => r[0] === 'hall')![3]).to.equal('2');
    expect((await fetchBytes(`${h.url}/api/v1/manager/reports/files/daily/..%2Fsecret.csv`, admin)).status).to.equal(400);
    const monthly = parseCsv((await fetchBytes(`${h.url}/api/v1/manager/reports/monthly/2026-11?format=csv`, admin)).bytes.toString());
    expect(monthly.find((r) => r[0] === 'hall')![1]).to.equal('2026-11-01..2026-11-30');
  });

  it('counts cases closed at a window in the on-time completion rate', async () => {
    const clerk = await login(h.url, 'staff1', 'staff123', 'w1');
    const first17 = '44010619900101123';
    const idNumber = first17 + idCheckDigit(first17);
    const created = await api(h.url, 'POST', '/api/v1/cases', { token: clerk, body: { windowId: 'w1', serviceCode: 'B01', applicant: { name: '欧阳明', idNumber } } });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const kase = created.body.case;
    const provided = kase.materials.map((m: { name: string }) => ({ name: m.name, state: 'provided' }));
    expect((await api(h.url, 'PUT', `/api/v1/cases/${kase.id}/materials`, { token: clerk, body: { materials: provided } })).status).to.equal(200);
    const done = await api(h.url, 'POST', `/api/v1/cases/${kase.id}/outcome`, { token: clerk, body: { outcome: 'done' } });
    expect(done.status, JSON.stringify(done.body)).to.equal(200);
    const k = (await api(h.url, 'GET', `/api/v1/manager/kpis?from=${DAY}&to=${DAY}`, { token: admin })).body;
    expect(k.hall.cases).to.deep.equal({ completed: 1, onTime: 1, onTimeRate: 1 });
    expect(k.windows.find((w: any) => w.id === 'w1').cases).to.deep.equal({ completed: 1, onTime: 1, onTimeRate: 1 });
    const none = (await api(h.url, 'GET', '/api/v1/manager/kpis?from=2026-11-24&to=2026-11-24', { token: admin })).body;
    expect(none.hall.cases).to.deep.equal({ completed: 0, onTime: 0, onTimeRate: null });
  });

  it('serves Prometheus metrics, thresholds changed live and audited, and a backup tar of the data', async () => {
    await issue('tax');
    await issue('tax');
    const metrics = await (await fetch(`${h.url}/metrics`)).text();
    expect(metrics).to.contain('# TYPE hall_queue_waiting gauge');
    expect(metrics).to.match(/^hall_queue_waiting\{section="tax"\} 2$/m);
    expect(metrics).to.match(/^hall_tickets_today\{status="waiting"\} 2$/m);
    expect(metrics).to.contain('hall_call_latency_seconds_bucket{le="+Inf"}');
    // The demo hall's simulated devices, as the device registry reports them.
    expect(metrics).to.match(/^hall_device_up\{device="[^"]+",kind="printer"\} [01]$/m);

    const bad = await api(h.url, 'PUT', '/api/v1/manager/thresholds', { token: admin, body: { waitMinutes: 0 } });
    expect(bad.status).to.equal(400);
    const t = (await api(h.url, 'GET', '/api/v1/manager/thresholds', { token: admin })).body;
    const put = await api(h.url, 'PUT', '/api/v1/manager/thresholds', { token: admin, body: { ...t, waitMinutes: 5 } });
    // The simulated devices come online within moments of the start; only then is "wait" the sole alert.
    for (let i = 0; i < 200 && h.running.devices.list().some((d) => d.status !== 'online'); i++) await new Promise((r) => setTimeout(r, 25));
    expect(put.body.waitMinutes).to.equal(5);
    clock.advance(6);
    await h.running.manager.evaluate();
    expect((await api(h.url, 'GET', '/api/v1/manager/alerts', { token: admin })).body.active.map((a: any) => a.kind)).to.deep.equal(['wait']);
    const audit = (await api(h.url, 'GET', '/api/v1/manager/audit', { token: admin })).body;
    expect(audit[0]).to.include({ action: 'thresholds.change', detail: 'waitMinutes: 30 → 5' });

    const tar = await fetchBytes(`${h.url}/api/v1/manager/export`, admin);
    expect(tar.status).to.equal(200);
    const file = join(dataDir, 'backup.tar');
    await writeFile(file, tar.bytes);
    const names = execFileSync('tar', ['-tf', file]).toString().trim().split('\n');
    expect(names).to.include(`hall-backup-${DAY}/journal/${DAY}.ndjson`);
    expect(names).to.include(`hall-backup-${DAY}/accounts.json`);
    expect(names.some((n) => n.endsWith('token.key') || n.endsWith('identity.key'))).to.equal(false);
    const journal = execFileSync('tar', ['-xOf', file, `hall-backup-${DAY}/journal/${DAY}.ndjson`]).toString();
    expect(journal).to.equal(await readFile(join(dataDir, 'journal', `${DAY}.ndjson`), 'utf8'));
    expect(existsSync(join(dataDir, 'manager', 'audit.ndjson'))).to.equal(true);

    const clerk = await login(h.url, 'staff1', 'staff123', 'w1');
    for (const path of ['/api/v1/manager/alerts', '/api/v1/manager/kpis?from=2026-11-23&to=2026-11-23', '/api/v1/manager/export']) {
      expect((await api(h.url, 'GET', path, { token: clerk })).status).to.equal(403);
      expect((await api(h.url, 'GET', path)).status).to.equal(401);
    }
  });
});
