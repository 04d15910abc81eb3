// The manager's live settings beyond the queue setup: staff accounts changed and disabled (their sessions end
// at once), devices reconfigured in the running registry (the old driver closed, the new one opened), and
// report PDFs rendered on the shared PDF worker thread.

import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket as NetSocket } from 'node:net';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import type { PdfRenderer } from '../../server/cases/pdf-renderer.js';
import { localInstant } from '../../server/hall/index.js';
import { api, login, startTestHall, tempDir, type TestHall } from '../support/hall.js';
import { until } from '../support/devices.js';

describe('manager settings: accounts, devices, report PDFs', () => {
  let h: TestHall;
  let admin: string;
  let dataDir: string;
  const sockets: Socket[] = [];

  beforeEach(async () => {
    dataDir = await tempDir();
    h = await startTestHall({ dataDir });
    admin = await login(h.url, 'admin', 'admin123');
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.close();
    await h?.close();
  });

  const connect = (nsp: string, token: string) =>
    new Promise<Socket>((resolve, reject) => {
      const s = io(`${h.url}${nsp}`, { auth: { token }, transports: ['websocket'], reconnection: false });
      sockets.push(s);
      s.once('snapshot', () => resolve(s));
      s.once('connect_error', reject);
    });

  it("disabling a clerk ends the clerk's token, live stream and window sign-in at once; enabling lets the clerk back", async () => {
    const clerk = await login(h.url, 'staff3', 'staff123', 'w3');
    const staff = await connect('/staff', clerk);
    const gone = new Promise<string>((resolve) => staff.once('disconnect', (reason) => resolve(reason)));
    expect((await api(h.url, 'GET', '/api/v1/windows')).body.find((w: any) => w.id === 'w3').status).to.not.equal('closed');

    const r = await api(h.url, 'PATCH', '/api/v1/manager/accounts/staff3', { token: admin, body: { disabled: true } });
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    expect(r.body).to.include({ username: 'staff3', disabled: true });
    expect(await gone).to.equal('io server disconnect');
    expect((await api(h.url, 'POST', '/api/v1/windows/w3/call-next', { token: clerk })).status).to.equal(401);
    expect((await api(h.url, 'GET', '/api/v1/windows')).body.find((w: any) => w.id === 'w3').status).to.equal('closed');
    expect((await api(h.url, 'POST', '/api/v1/auth/login', { body: { username: 'staff3', password: 'staff123', windowId: 'w3' } })).status).to.equal(401);
    const listed = (await api(h.url, 'GET', '/api/v1/manager/accounts', { token: admin })).body.find((a: any) => a.username === 'staff3');
    expect(listed.disabled).to.equal(true);

    await api(h.url, 'PATCH', '/api/v1/manager/accounts/staff3', { token: admin, body: { disabled: false, name: '王小明', staffNo: 'S0303' } });
    const again = await login(h.url, 'staff3', 'staff123', 'w3');
    expect((await api(h.url, 'GET', '/api/v1/me', { token: again })).body).to.include({ staffNo: 'S0303', name: '王*明' });

    const audit = (await api(h.url, 'GET', '/api/v1/manager/audit', { token: admin })).body;
    const updates = audit.filter((e: any) => e.action === 'account.update').map((e: any) => e.detail);
    expect(updates).to.have.length(2);
    expect(updates[1]).to.contain('staff3: disabled=true (sessions ended)');
  });

  it('a new password ends the old tokens; a role change too; refusals keep the hall with an admin and the manager in', async () => {
    const made = await api(h.url, 'POST', '/api/v1/manager/accounts', { token: admin, body: { username: 'lead', password: 'lead-pass-1', role: 'manager', name: '李主任', staffNo: 'M01' } });
    expect(made.status).to.equal(201);
    const lead = await login(h.url, 'lead', 'lead-pass-1');
    const leadStream = await connect('/manager', lead);
    const gone = new Promise<void>((resolve) => leadStream.once('disconnect', () => resolve()));

    // A manager may not change the admin, nor make anyone a manager, nor disable themselves.
    expect((await api(h.url, 'PATCH', '/api/v1/manager/accounts/admin', { token: lead, body: { disabled: true } })).body.error.code).to.equal('FORBIDDEN');
    expect((await api(h.url, 'PATCH', '/api/v1/manager/accounts/staff1', { token: lead, body: { role: 'manager' } })).body.error.code).to.equal('FORBIDDEN');
    const self = await api(h.url, 'PATCH', '/api/v1/manager/accounts/admin', { token: admin, body: { disabled: true } });
    expect([self.status, self.body.error.code]).to.deep.equal([409, 'ACCOUNT_LOCKOUT']);
    expect((await api(h.url, 'PATCH', '/api/v1/manager/accounts/nobody', { token: admin, body: { disabled: true } })).status).to.equal(404);
    expect((await api(h.url, 'PATCH', '/api/v1/manager/accounts/staff1', { token: admin, body: { password: 'short' } })).body.error.code).to.equal('VALIDATION_FAILED');
    expect((await api(h.url, 'PATCH', '/api/v1/manager/accounts/staff1', { token: admin, body: { role: 'root' } })).status).to.equal(400);

    // A manager resets a clerk's password: the clerk's earlier token stops working.
    const clerk = await login(h.url, 'staff2', 'staff123', 'w2');
    expect((await api(h.url, 'PATCH', '/api/v1/manager/accounts/staff2', { token: lead, body: { password: 'new-pass-22' } })).status).to.equal(200);
    expect((await api(h.url, 'POST', '/api/v1/windows/w2/pause', { token: clerk, body: {} })).status).to.equal(401);
    expect((await api(h.url, 'POST', '/api/v1/auth/login', { body: { username: 'staff2', password: 'staff123', windowId: 'w2' } })).status).to.equal(401);
    await login(h.url, 'staff2', 'new-pass-22', 'w2');

    // The admin demotes the manager to clerk: the manager's stream and token end.
    expect((await api(h.url, 'PATCH', '/api/v1/manager/accounts/lead', { token: admin, body: { role: 'clerk' } })).status).to.equal(200);
    await gone;
    expect((await api(h.url, 'GET', '/api/v1/manager/alerts', { token: lead })).status).to.equal(401);
  });

  describe('devices', () => {
    let tcp: Server;
    let port = 0;
    const received: Buffer[] = [];
    const peers: NetSocket[] = [];
    let closedPeers = 0;

    beforeEach(async () => {
      received.length = 0;
      closedPeers = 0;
      tcp = createServer((s) => {
        peers.push(s);
        s.on('data', (b) => received.push(b));
        s.on('close', () => closedPeers++);
      });
      await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', () => resolve()));
      port = (tcp.address() as { port: number }).port;
    });
    afterEach(async () => {
      for (const p of peers.splice(0)) p.destroy();
      await new Promise<void>((resolve) => tcp.close(() => resolve()));
    });

    it("moves a kiosk printer from the simulator to a TCP printer live: the next ticket's bytes reach it; back to the simulator closes the link; a restart keeps the change", async () => {
      const cfg = (await api(h.url, 'GET', '/api/v1/manager/devices/config', { token: admin })).body;
      const before = cfg.devices.find((d: any) => d.id === 'kiosk-1-printer');
      expect(before.transport).to.deep.equal({ type: 'sim' });

      const changed = { ...before, transport: { type: 'tcp', host: '127.0.0.1', port }, statusQueries: false };
      const r = await api(h.url, 'PUT', '/api/v1/manager/devices/config/kiosk-1-printer', { token: admin, body: changed });
      expect(r.status, JSON.stringify(r.body)).to.equal(200);
      await until(() => peers.length === 1, 'the hall connects to the TCP printer');
      const listed = await until(async () => {
        const d = (await api(h.url, 'GET', '/api/v1/devices', { token: admin })).body.find((x: any) => x.id === 'kiosk-1-printer');
        return d.status === 'online' ? d : null;
      }, 'the new printer reports online');
      expect(listed).to.include({ transport: `tcp:127.0.0.1:${port}`, simulated: false });

      const t = await api(h.url, 'POST', '/api/v1/tickets', { body: { sectionId: 'company', kioskId: 'kiosk-1' } });
      expect(t.status).to.equal(201);
      expect(t.body.ticket.printed).to.equal(true);
      const bytes = Buffer.concat(received);
      expect(bytes.subarray(0, 2).toString('hex')).to.equal('1b40'); // ESC @: a print job began on the TCP printer
      expect(bytes.includes(Buffer.from(t.body.ticket.number, 'ascii'))).to.equal(true);

      // Back to the simulator: the TCP link is closed, the simulated printer prints again.
      const back = await api(h.url, 'PUT', '/api/v1/manager/devices/config/kiosk-1-printer', { token: admin, body: before });
      expect(back.status).to.equal(200);
      await until(() => closedPeers === 1, 'the old TCP printer is closed');
      const t2 = await api(h.url, 'POST', '/api/v1/tickets', { body: { sectionId: 'company', kioskId: 'kiosk-1' } });
      expect(t2.body.ticket.printed).to.equal(true);
      const jobs = (await api(h.url, 'GET', '/api/v1/sim/devices/kiosk-1-printer/output')).body.jobs;
      expect(jobs).to.have.length(1);

      // Remove a window scanner, add it back with another mode: both audited; refusals name the field.
      expect((await api(h.url, 'DELETE', '/api/v1/manager/devices/config/w12-scanner', { token: admin })).status).to.equal(200);
      expect((await api(h.url, 'GET', '/api/v1/devices', { token: admin })).body.some((d: any) => d.id === 'w12-scanner')).to.equal(false);
      const added = await api(h.url, 'PUT', '/api/v1/manager/devices/config/w12-scanner', { token: admin, body: { id: 'w12-scanner', kind: 'scanner', attachedTo: 'w12', mode: 'line', transport: { type: 'sim' } } });
      expect(added.status).to.equal(201);
      const bad = await api(h.url, 'PUT', '/api/v1/manager/devices/config/w13-printer', { token: admin, body: { id: 'w13-printer', kind: 'printer', attachedTo: 'w13', transport: { type: 'sim' } } });
      expect([bad.status, bad.body.error.code]).to.deep.equal([400, 'VALIDATION_FAILED']);
      expect(bad.body.error.details.issues[0].path).to.contain('attachedTo');
      const twice = await api(h.url, 'PUT', '/api/v1/manager/devices/config/w12-printer2', { token: admin, body: { id: 'w12-printer2', kind: 'printer', attachedTo: 'w12', transport: { type: 'sim' } } });
      expect(twice.body.error.message).to.contain('already has a printer');
      const junk = await api(h.url, 'PUT', '/api/v1/manager/devices/config/w12-scanner', { token: admin, body: { id: 'w12-scanner', kind: 'scanner', attachedTo: 'w12', transport: { type: 'serial' } } });
      expect(junk.status).to.equal(400);
      expect((await api(h.url, 'GET', '/api/v1/manager/devices/config', { token: await login(h.url, 'staff1', 'staff123', 'w1') })).status).to.equal(403);
      const actions = (await api(h.url, 'GET', '/api/v1/manager/audit', { token: admin })).body.map((e: any) => e.action);
      expect(actions.filter((a: string) => a.startsWith('device.'))).to.deep.equal(['device.add', 'device.remove', 'device.change', 'device.change']);

      // A restart reads the manager's device list: w12's scanner stays in line mode.
      await h.close({ keepData: true });
      h = await startTestHall({ dataDir });
      admin = await login(h.url, 'admin', 'admin123');
      const after = (await api(h.url, 'GET', '/api/v1/manager/devices/config', { token: admin })).body.devices.find((d: any) => d.id === 'w12-scanner');
      expect(after.mode).to.equal('line');
    });
  });

  it('renders the monthly report PDF on the PDF worker thread, with its Chinese text and charts', async () => {
    const clerk = await login(h.url, 'staff10', 'staff123', 'w10');
    await api(h.url, 'POST', '/api/v1/tickets', { body: { sectionId: 'tax' } });
    await api(h.url, 'POST', '/api/v1/windows/w10/call-next', { token: clerk });
    const month = (await api(h.url, 'GET', '/api/v1/manager/compare', { token: admin })).body.day.slice(0, 7);
    const renderer = h.running.manager.o.pdf as PdfRenderer;
    const before = renderer.rendered.worker;
    const res = await fetch(`${h.url}/api/v1/manager/reports/monthly/${month}?format=pdf`, { headers: { authorization: `Bearer ${admin}` } });
    expect(res.status).to.equal(200);
    const pdf = Buffer.from(await res.arrayBuffer());
    expect(pdf.subarray(0, 5).toString()).to.equal('%PDF-');
    expect(renderer.rendered.worker).to.equal(before + 1);
    expect(renderer.rendered.inProcess).to.equal(0);
    if (spawnSync('pdftotext', ['-v']).error) {
      if (process.env.CI === 'true') expect.fail('pdftotext (poppler-utils) is missing');
      return;
    }
    const file = join(dataDir, 'month.pdf');
    await writeFile(file, pdf);
    const text = execFileSync('pdftotext', ['-layout', file, '-']).toString();
    expect(text).to.contain(`月报 Monthly report ${month}`);
    expect(text).to.contain('每小时取号 Tickets per hour');
    expect(text).to.contain('取号 Issued：1');
  });
});

describe('manager schedule and metrics', () => {
  const CAL = { utcOffsetMinutes: 480, holidays: [], workdays: [] };
  let t = localInstant('2026-11-30', '09:00', CAL);
  let h: TestHall;
  let admin: string;

  beforeEach(async () => {
    t = localInstant('2026-11-30', '09:00', CAL);
    h = await startTestHall({ now: () => t });
    admin = await login(h.url, 'admin', 'admin123');
  });
  afterEach(async () => {
    await h?.close();
  });

  it("the first business day of a month writes last month's report and yesterday's, CSV and PDF, on the PDF worker", async () => {
    const clerk = await login(h.url, 'staff10', 'staff123', 'w10');
    await api(h.url, 'POST', '/api/v1/tickets', { body: { sectionId: 'tax' } });
    t += 12 * 60_000;
    await api(h.url, 'POST', '/api/v1/windows/w10/call-next', { token: clerk });
    const renderer = h.running.manager.o.pdf as PdfRenderer;
    const before = renderer.rendered.worker;

    t = localInstant('2026-12-01', '08:00', CAL);
    await h.running.hall.execute({ type: 'OpenDay' }, { kind: 'system' });
    await h.running.manager.reportsSettled();
    admin = await login(h.url, 'admin', 'admin123');
    const files = (await api(h.url, 'GET', '/api/v1/manager/reports', { token: admin })).body.map((f: any) => `${f.kind}/${f.name}`);
    expect(files).to.include.members(['daily/2026-11-30.csv', 'daily/2026-11-30.pdf', 'monthly/2026-11.csv', 'monthly/2026-11.pdf']);
    expect(renderer.rendered.worker - before).to.equal(2);
    const res = await fetch(`${h.url}/api/v1/manager/reports/files/monthly/2026-11.csv`, { headers: { authorization: `Bearer ${admin}` } });
    const rows = (await res.text()).replace(/^\uFEFF/, '').trim().split(/\r\n/).map((l) => l.split(','));
    const hall = rows.find((r) => r[0] === 'hall')!;
    expect(hall[1]).to.equal('2026-11-01..2026-11-30');
    expect(hall[rows[0]!.indexOf('avg_wait_s')]).to.equal('720');
  });

  it('/metrics carries queue lengths, longest and finished waits, window states, device health and the outbox backlog', async () => {
    const clerk = await login(h.url, 'staff10', 'staff123', 'w10');
    await api(h.url, 'POST', '/api/v1/tickets', { body: { sectionId: 'tax' } });
    await api(h.url, 'POST', '/api/v1/tickets', { body: { sectionId: 'tax' } });
    t += 12 * 60_000;
    await api(h.url, 'POST', '/api/v1/windows/w10/call-next', { token: clerk });
    // The central system goes down and a rating waits in the outbox.
    const mock = h.running.central.mock!;
    await fetch(`${mock.url}/admin/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ down: true }) });
    await api(h.url, 'POST', '/api/v1/windows/w10/start', { token: clerk });
    const done = (await api(h.url, 'POST', '/api/v1/windows/w10/finish', { token: clerk })).body.ticket as { id: string };
    await h.running.hall.execute({ type: 'Rate', ticketId: done.id, level: 5 }, { kind: 'citizen' });
    await until(() => h.running.central.link.outbox.status().backlog >= 1, 'the rating waits in the outbox');
    await until(() => h.running.devices.list().find((d) => d.id === 'kiosk-1-printer')?.status === 'online', 'the simulated printer is online');
    const text = await (await fetch(`${h.url}/metrics`)).text();
    expect(text).to.match(/^hall_queue_waiting\{section="tax"\} 1$/m);
    expect(text).to.match(/^hall_queue_longest_wait_seconds\{section="tax"\} 720$/m);
    expect(text).to.match(/^hall_wait_seconds_count 1$/m);
    expect(text).to.match(/^hall_window_status\{window="w10",status="open"\} 1$/m);
    expect(text).to.match(/^hall_device_up\{device="kiosk-1-printer",kind="printer"\} 1$/m);
    expect(text).to.match(/^hall_outbox_backlog [1-9]\d*$/m);
  });

  it("a follow-up's deadline follows the working days set live in the setup", async () => {
    const setup = (await api(h.url, 'GET', '/api/v1/manager/setup', { token: admin })).body;
    const put = await api(h.url, 'PUT', '/api/v1/manager/setup', { token: admin, body: { setup: { ...setup, rules: { ...setup.rules, followUpWorkingDays: 5 } }, summary: '差评回访期限 5 个工作日' } });
    expect(put.status, JSON.stringify(put.body)).to.equal(200);
    const bad = await api(h.url, 'PUT', '/api/v1/manager/setup', { token: admin, body: { setup: { ...setup, rules: { ...setup.rules, followUpWorkingDays: 0 } } } });
    expect(bad.status).to.equal(400);
    const clerk = await login(h.url, 'staff10', 'staff123', 'w10');
    await api(h.url, 'POST', '/api/v1/tickets', { body: { sectionId: 'tax' } });
    await api(h.url, 'POST', '/api/v1/windows/w10/call-next', { token: clerk });
    await api(h.url, 'POST', '/api/v1/windows/w10/start', { token: clerk });
    const done = (await api(h.url, 'POST', '/api/v1/windows/w10/finish', { token: clerk })).body.ticket as { id: string };
    await h.running.hall.execute({ type: 'Rate', ticketId: done.id, level: 2, reasons: ['办理时间长'] }, { kind: 'citizen' });
    const list = (await api(h.url, 'GET', '/api/v1/manager/follow-ups', { token: admin })).body;
    expect(list[0].dueDate).to.equal('2026-12-07'); // Monday 30 Nov + 5 working days
    const audit = (await api(h.url, 'GET', '/api/v1/manager/audit', { token: admin })).body;
    expect(audit[0]).to.include({ action: 'setup.change', detail: '差评回访期限 5 个工作日' });
  });
});
