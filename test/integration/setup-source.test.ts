// Which setup is in force after a restart: a live change (manager) while config/ is as it was when the change
// was made; the files once an installer has edited them (their setup is then put in force by a journaled
// change, audited). A file edit that cannot take over now (it drops a signed-in window) leaves the live setup.
// And what was changed live reaches the devices: a live window's clerk gets the window's card reader feed,
// a live section's name is printed on its tickets.

import { expect } from 'chai';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { configDir } from '../../config/schema.js';
import { readEscPos } from '../unit/drivers/escpos-reader.js';
import { api, login, startTestHall, tempDir, type TestHall } from '../support/hall.js';
import { until } from '../support/devices.js';

async function copyOfConfig(): Promise<string> {
  const dir = await tempDir('hall-config-');
  cpSync(configDir, dir, { recursive: true, filter: (src) => !src.endsWith('.ts') });
  return dir;
}

function editJson(file: string, edit: (doc: any) => void): void {
  const doc = JSON.parse(readFileSync(file, 'utf8'));
  edit(doc);
  writeFileSync(file, JSON.stringify(doc, null, 2));
}

describe('the setup in force across restarts: live changes and edited config files', function () {
  this.timeout(60_000);
  let h: TestHall | undefined;
  let dataDir: string;
  let cfg: string;
  const start = async () => {
    h = await startTestHall({ dataDir, configDir: cfg });
    return { hall: h, admin: await login(h.url, 'admin', 'admin123') };
  };
  const stop = async () => {
    await h?.close({ keepData: true });
    h = undefined;
  };
  const section = async (hall: TestHall, token: string, id: string) =>
    ((await api(hall.url, 'GET', '/api/v1/manager/setup', { token })).body.sections as any[]).find((s) => s.id === id);
  const audit = async (hall: TestHall, token: string): Promise<any[]> => (await api(hall.url, 'GET', '/api/v1/manager/audit', { token })).body;

  beforeEach(async () => {
    dataDir = await tempDir();
    cfg = await copyOfConfig();
  });
  afterEach(stop);

  it('keeps a live change while the files are unchanged, and lets edited files win, audited', async () => {
    let { hall, admin } = await start();
    const fileTarget = (await section(hall, admin, 'construction')).targetWaitMinutes;
    const live = await api(hall.url, 'PATCH', '/api/v1/manager/sections/construction', { token: admin, body: { targetWaitMinutes: fileTarget + 7 } });
    expect(live.status).to.equal(200);
    await stop();

    ({ hall, admin } = await start());
    expect((await section(hall, admin, 'construction')).targetWaitMinutes, 'live change kept').to.equal(fileTarget + 7);
    expect((await audit(hall, admin)).map((r) => r.action)).not.to.include('setup.files');
    await stop();

    editJson(join(cfg, 'sections.json'), (d) => {
      d.sections.find((s: any) => s.id === 'construction').name = '建设项目审批服务';
    });
    ({ hall, admin } = await start());
    const after = await section(hall, admin, 'construction');
    expect(after.name, 'the edit in the file').to.equal('建设项目审批服务');
    expect(after.targetWaitMinutes, 'the live change gave way to the file').to.equal(fileTarget);
    expect((await api(hall.url, 'GET', '/api/v1/sections')).body.find((s: any) => s.id === 'construction').name).to.equal('建设项目审批服务');
    const rec = (await audit(hall, admin)).find((r) => r.action === 'setup.files');
    expect(rec, 'audited').to.include({ by: 'system' });

    // A new live change is made against the edited files: it is kept again.
    expect((await api(hall.url, 'PATCH', '/api/v1/manager/sections/construction', { token: admin, body: { targetWaitMinutes: fileTarget + 9 } })).status).to.equal(200);
    await stop();
    ({ hall, admin } = await start());
    expect((await section(hall, admin, 'construction')).targetWaitMinutes).to.equal(fileTarget + 9);
  });

  it('keeps the live setup when the edited files drop a window a clerk is signed in to, and says why', async () => {
    let { hall, admin } = await start();
    expect((await api(hall.url, 'PATCH', '/api/v1/manager/sections/tax', { token: admin, body: { dailyCapacity: 321 } })).status).to.equal(200);
    await login(hall.url, 'staff12', 'staff123', 'w12');
    await stop();
    // The installer takes window 12 out, with the devices that hang on it.
    editJson(join(cfg, 'windows.json'), (d) => {
      d.windows = d.windows.filter((w: any) => w.id !== 'w12');
    });
    editJson(join(cfg, 'devices.json'), (d) => {
      d.devices = d.devices.filter((x: any) => x.attachedTo !== 'w12');
    });
    editJson(join(cfg, 'ledbars.json'), (d) => {
      for (const b of d.buses) b.windowIds = b.windowIds.filter((id: string) => id !== 'w12');
    });
    editJson(join(cfg, 'docscan.json'), (d) => {
      d.scanners = d.scanners.filter((x: any) => x.windowId !== 'w12');
    });
    ({ hall, admin } = await start());
    const windows = (await api(hall.url, 'GET', '/api/v1/manager/setup', { token: admin })).body.windows as any[];
    expect(windows.map((w) => w.id)).to.include('w12');
    expect((await section(hall, admin, 'tax')).dailyCapacity, 'the live setup stays whole').to.equal(321);
    const rec = (await audit(hall, admin)).find((r) => r.action === 'setup.files-refused');
    expect(rec?.detail).to.match(/w12/);
  });

  it('keeps thresholds saved in the page while hall.json alerts are unchanged, and lets an edited file win, audited', async () => {
    let { hall, admin } = await start();
    const fileAlerts = (await api(hall.url, 'GET', '/api/v1/manager/thresholds', { token: admin })).body;
    const saved = { ...fileAlerts, waitMinutes: fileAlerts.waitMinutes + 11 };
    expect((await api(hall.url, 'PUT', '/api/v1/manager/thresholds', { token: admin, body: saved })).status).to.equal(200);
    await stop();

    // Another part of hall.json edited: the saved thresholds were not made against that, so they stay.
    editJson(join(cfg, 'hall.json'), (d) => {
      d.hall.notices = [...d.hall.notices, '新增公告'];
      if (d.hall.noticesEn) d.hall.noticesEn = [...d.hall.noticesEn, 'A new notice'];
    });
    ({ hall, admin } = await start());
    expect((await api(hall.url, 'GET', '/api/v1/manager/thresholds', { token: admin })).body, 'saved thresholds kept').to.deep.equal(saved);
    expect((await audit(hall, admin)).map((r) => r.action)).not.to.include('thresholds.files');
    await stop();

    // The alerts block edited: the file wins, the saved thresholds are set aside, and the audit log says so.
    editJson(join(cfg, 'hall.json'), (d) => {
      d.alerts = { ...d.alerts, pausedMinutes: 42 };
    });
    ({ hall, admin } = await start());
    const inForce = (await api(hall.url, 'GET', '/api/v1/manager/thresholds', { token: admin })).body;
    expect(inForce).to.deep.equal({ ...fileAlerts, pausedMinutes: 42 });
    const files = (await audit(hall, admin)).filter((r) => r.action === 'thresholds.files');
    expect(files).to.have.length(1);
    expect(files[0].by).to.equal('system');
    const doc = JSON.parse(readFileSync(join(dataDir, 'manager', 'settings.json'), 'utf8'));
    expect(doc.alertsSetAside.alerts).to.deep.equal(saved);
    expect(doc.alerts).to.equal(undefined);
    // The manager page is told until a manager dismisses it; the time is the hall's.
    const aside = (await api(hall.url, 'GET', '/api/v1/manager/thresholds/set-aside', { token: admin })).body.setAside;
    expect(aside.alerts).to.deep.equal(saved);
    expect(aside.at).to.match(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
    await stop();

    // Once set aside, later starts keep the file, and a new save is again kept across a restart.
    ({ hall, admin } = await start());
    expect((await api(hall.url, 'GET', '/api/v1/manager/thresholds', { token: admin })).body.pausedMinutes).to.equal(42);
    expect((await audit(hall, admin)).filter((r) => r.action === 'thresholds.files')).to.have.length(1);
    expect((await api(hall.url, 'GET', '/api/v1/manager/thresholds/set-aside', { token: admin })).body.setAside.alerts, 'still told after a restart').to.deep.equal(saved);
    expect((await api(hall.url, 'DELETE', '/api/v1/manager/thresholds/set-aside', { token: admin })).body).to.deep.equal({ dismissed: true });
    expect((await api(hall.url, 'DELETE', '/api/v1/manager/thresholds/set-aside', { token: admin })).body).to.deep.equal({ dismissed: false });
    expect((await api(hall.url, 'GET', '/api/v1/manager/thresholds/set-aside', { token: admin })).body).to.deep.equal({ setAside: null });
    expect((await audit(hall, admin)).map((r) => r.action)).to.include('thresholds.notice');
    const again = { ...inForce, outboxBacklog: inForce.outboxBacklog + 5 };
    expect((await api(hall.url, 'PUT', '/api/v1/manager/thresholds', { token: admin, body: again })).status).to.equal(200);
    await stop();
    ({ hall, admin } = await start());
    expect((await api(hall.url, 'GET', '/api/v1/manager/thresholds', { token: admin })).body).to.deep.equal(again);
    await stop();

    // Overruled again; this time a new save in the page answers the notice.
    editJson(join(cfg, 'hall.json'), (d) => {
      d.alerts = { ...d.alerts, pausedMinutes: 43 };
    });
    ({ hall, admin } = await start());
    expect((await api(hall.url, 'GET', '/api/v1/manager/thresholds/set-aside', { token: admin })).body.setAside.alerts).to.deep.equal(again);
    expect((await api(hall.url, 'PUT', '/api/v1/manager/thresholds', { token: admin, body: { ...again, pausedMinutes: 43 } })).status).to.equal(200);
    expect((await api(hall.url, 'GET', '/api/v1/manager/thresholds/set-aside', { token: admin })).body).to.deep.equal({ setAside: null });
  });
});

describe('a live setup reaches the devices', function () {
  this.timeout(60_000);
  let h: TestHall;
  const sockets: Socket[] = [];
  before(async () => {
    h = await startTestHall();
    await until(async () => (await api(h.url, 'GET', '/api/v1/devices')).body.every((d: any) => d.status === 'online'), 'devices online');
  });
  after(async () => {
    for (const s of sockets) s.disconnect();
    await h.close();
  });

  it('gives a window added live its desk feed and prints a section added live by its name', async () => {
    const admin = await login(h.url, 'admin', 'admin123');
    const setup = (await api(h.url, 'GET', '/api/v1/manager/setup', { token: admin })).body;
    const base = setup.sections.find((s: any) => s.id === 'construction');
    const fresh = {
      ...base,
      id: 'archives',
      prefix: 'Q',
      name: '档案查询',
      nameEn: 'Archives',
      requireIdCard: false,
      services: base.services.slice(0, 1).map((v: any) => ({ ...v, code: 'Q01', name: '档案查询', nameEn: 'Archive query' })),
    };
    const w13 = { id: 'w13', number: 13, name: '档案窗口', nameEn: 'Archives Counter', sectionIds: ['archives'], policy: 'fifo' };
    const put = await api(h.url, 'PUT', '/api/v1/manager/setup', {
      token: admin,
      body: { setup: { ...setup, sections: [...setup.sections, fresh], windows: [...setup.windows, w13] }, summary: 'archives' },
    });
    expect(put.status, JSON.stringify(put.body)).to.equal(200);

    const clerk = await login(h.url, 'staff1', 'staff123', 'w13');
    const desk = io(h.url + '/desk', { auth: { token: clerk }, transports: ['websocket'], reconnection: false, forceNew: true });
    sockets.push(desk);
    await new Promise<void>((resolve, reject) => {
      desk.once('connect', () => resolve());
      desk.once('connect_error', (e) => reject(new Error(`desk refused: ${JSON.stringify((e as any).data)}`)));
    });

    const before = (await api(h.url, 'GET', '/api/v1/sim/devices/kiosk-1-printer/output')).body.jobs.length;
    const t = await api(h.url, 'POST', '/api/v1/tickets', { body: { sectionId: 'archives', kioskId: 'kiosk-1' } });
    expect(t.status, JSON.stringify(t.body)).to.equal(201);
    expect(t.body.ticket.printed).to.equal(true);
    const jobs = (await api(h.url, 'GET', '/api/v1/sim/devices/kiosk-1-printer/output')).body.jobs as any[];
    const text = jobs.slice(before).flatMap((j) => readEscPos(Buffer.from(j.bytes, 'base64'))).filter((e: any) => e.type === 'line').map((e: any) => e.text).join('\n');
    expect(text).to.include('档案查询');
    expect(text).to.include(t.body.ticket.number);
  });
});
