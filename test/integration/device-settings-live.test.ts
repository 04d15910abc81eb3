// Every kind of device changed live from the manager's settings, on the real server: an LED bus (its bars
// follow a window to a new bus and a new address), a document scanner (its new settings scan at once), a
// device behind an agent (the connected agent gets the new settings over its link), each refused per field
// when wrong, audited, and kept across a restart; and which settings win at start when an installer edits
// the config files after a manager saved changes.

import { expect } from 'chai';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAgent, type RunningAgent } from '../../agent/agent.js';
import { configDir } from '../../config/schema.js';
import { createLogger } from '../../server/log.js';
import { until } from '../support/devices.js';
import { api, login, startTestHall, type TestHall } from '../support/hall.js';

const KEY = 'agent-key-for-live-settings-0123';

/** A copy of config/ the test may edit (the demo hall's files, without the schema sources). */
function configCopy(edit?: (dir: string) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'hall-devlive-config-'));
  cpSync(configDir, dir, { recursive: true, filter: (src) => !src.endsWith('.ts') });
  edit?.(dir);
  return dir;
}

function editJson(file: string, fn: (j: any) => void): void {
  const j = JSON.parse(readFileSync(file, 'utf8'));
  fn(j);
  writeFileSync(file, JSON.stringify(j, null, 2));
}

describe('devices of every kind changed live from the manager', function () {
  this.timeout(60_000);

  describe('LED bars and document scanners on the demo hall', () => {
    let h: TestHall;
    let admin: string;
    const put = (id: string, body: unknown) => api(h.url, 'PUT', `/api/v1/manager/devices/config/${id}`, { token: admin, body });
    const screens = async (bus: string) => (await api(h.url, 'GET', `/api/v1/sim/devices/${bus}/output`)).body.screens as Record<string, string>;
    const listed = async () => (await api(h.url, 'GET', '/api/v1/manager/devices/config', { token: admin })).body;

    before(async () => {
      h = await startTestHall();
      admin = await login(h.url, 'admin', 'admin123');
    });
    after(async () => {
      await h.close();
    });

    it('lists LED buses and document scanners with the other devices, each with its kind', async () => {
      const cfg = await listed();
      expect(cfg.devices.find((d: any) => d.id === 'ledbus-1')).to.include({ kind: 'ledbar', codec: 'aa-bb-51' });
      expect(cfg.devices.find((d: any) => d.id === 'docscan-w1')).to.deep.include({ kind: 'docscan', windowId: 'w1', source: { type: 'sim', pages: 2, skewDegrees: 1.5 } });
      expect(cfg.devices.find((d: any) => d.id === 'kiosk-1-printer')).to.include({ kind: 'printer' });
      expect(cfg.codecs).to.include('aa-bb-51');
      expect(cfg.places.windows.find((w: any) => w.id === 'w3')).to.deep.equal({ id: 'w3', number: 3, ledbarAddress: 3 });
      expect(cfg.notices).to.deep.equal([]);
    });

    it("moves window 3's bar to a new bus: the call reaches the new bus, and follows the window to a new address", async () => {
      const cfg = await listed();
      const bus1 = cfg.devices.find((d: any) => d.id === 'ledbus-1');
      const changed = await put('ledbus-1', { ...bus1, windowIds: bus1.windowIds.filter((w: string) => w !== 'w3') });
      expect(changed.status, JSON.stringify(changed.body)).to.equal(200);
      const added = await put('ledbus-2', { kind: 'ledbar', codec: 'aa-bb-51', gapMs: 20, link: { type: 'sim' }, windowIds: ['w3'] });
      expect(added.status, JSON.stringify(added.body)).to.equal(201);
      expect(added.body.device).to.deep.include({ id: 'ledbus-2', kind: 'ledbar', windowIds: ['w3'], codecOptions: {} });
      const dev = await until(async () => (await api(h.url, 'GET', '/api/v1/devices')).body.find((d: any) => d.id === 'ledbus-2' && d.status === 'online'), 'the new bus online');
      expect(dev).to.include({ kind: 'ledbar', transport: 'sim:ledbus-2', simulated: true });

      const clerk = await login(h.url, 'staff3', 'staff123', 'w3');
      await until(async () => (await screens('ledbus-2'))['3'] === '3号窗口 欢迎您', 'the idle text on the new bus');
      const ticket = (await api(h.url, 'POST', '/api/v1/tickets', { body: { sectionId: 'company' } })).body.ticket;
      expect((await api(h.url, 'POST', '/api/v1/windows/w3/call-next', { token: clerk })).status).to.equal(200);
      const call = `请${ticket.number}号到3号窗口`;
      await until(async () => (await screens('ledbus-2'))['3'] === call, 'the call on the new bus');
      // The old bus no longer drives window 3's address.
      expect((await screens('ledbus-1'))['3']).to.not.equal(call);

      // The window gets another address on its bus (a setup change): the bar there shows the call at once.
      const setup = (await api(h.url, 'GET', '/api/v1/manager/setup', { token: admin })).body;
      setup.windows.find((w: any) => w.id === 'w3').ledbarAddress = 30;
      const s = await api(h.url, 'PUT', '/api/v1/manager/setup', { token: admin, body: { setup, summary: 'w3 bar address 30' } });
      expect(s.status, JSON.stringify(s.body)).to.equal(200);
      await until(async () => (await screens('ledbus-2'))['30'] === call, 'the call at the new address');
    });

    it('refuses a wrong bus per field, with the same checks as ledbars.json, and changes nothing', async () => {
      const port = await put('ledbus-2', { kind: 'ledbar', codec: 'aa-bb-51', link: { type: 'tcp', host: '10.0.0.9', port: 70000 }, windowIds: ['w3'] });
      expect([port.status, port.body.error.code]).to.deep.equal([400, 'VALIDATION_FAILED']);
      expect(port.body.error.details.issues.map((i: any) => i.field)).to.deep.equal(['link.port']);
      const twice = await put('ledbus-2', { kind: 'ledbar', codec: 'aa-bb-51', link: { type: 'sim' }, windowIds: ['w3', 'w4'] });
      expect(twice.status).to.equal(400);
      expect(twice.body.error.details.issues[0]).to.include({ field: 'windowIds[1]' });
      expect(twice.body.error.details.issues[0].message).to.contain('already on bus "ledbus-1"');
      const codec = await put('ledbus-2', { kind: 'ledbar', codec: 'no-such-codec', link: { type: 'sim' }, windowIds: ['w3'] });
      expect(codec.body.error.details.issues[0]).to.include({ field: 'codec' });
      const kind = await put('ledbus-2', { kind: 'printer', attachedTo: 'w3', transport: { type: 'sim' } });
      expect(kind.body.error.details.issues[0]).to.include({ field: 'kind' });
      const taken = await put('kiosk-1-printer', { kind: 'ledbar', codec: 'aa-bb-51', link: { type: 'sim' }, windowIds: ['w3'] });
      expect(taken.status).to.equal(400);
      const bus2 = (await listed()).devices.find((d: any) => d.id === 'ledbus-2');
      expect(bus2).to.deep.include({ link: { type: 'sim' }, windowIds: ['w3'], gapMs: 20 });
    });

    it("changes a document scanner's settings and takes it away and back, live", async () => {
      const clerk = await login(h.url, 'staff1', 'staff123', 'w1');
      expect((await api(h.url, 'POST', '/api/v1/windows/w1/scan', { token: clerk })).body.pages).to.have.length(2);
      const r = await put('docscan-w1', { kind: 'docscan', windowId: 'w1', source: { type: 'sim', pages: 3, skewDegrees: 0 } });
      expect(r.status, JSON.stringify(r.body)).to.equal(200);
      const scan = await api(h.url, 'POST', '/api/v1/windows/w1/scan', { token: clerk });
      expect(scan.status).to.equal(201);
      expect(scan.body.pages).to.have.length(3);
      expect(scan.body.pages.map((p: any) => p.n)).to.deep.equal([3, 4, 5]); // the draft keeps the earlier pages

      const clash = await put('docscan-w1', { kind: 'docscan', windowId: 'w2', source: { type: 'sim' } });
      expect(clash.body.error.details.issues[0]).to.include({ field: 'windowId' });
      const pages = await put('docscan-w1', { kind: 'docscan', windowId: 'w1', source: { type: 'sim', pages: 40 } });
      expect(pages.body.error.details.issues[0]).to.include({ field: 'source.pages' });

      expect((await api(h.url, 'DELETE', '/api/v1/manager/devices/config/docscan-w1', { token: admin })).status).to.equal(200);
      const gone = await api(h.url, 'POST', '/api/v1/windows/w1/scan', { token: clerk });
      expect([gone.status, gone.body.error.code]).to.deep.equal([404, 'NO_DEVICE']);
      expect((await api(h.url, 'GET', '/api/v1/devices')).body.some((d: any) => d.id === 'docscan-w1')).to.equal(false);
      const back = await put('docscan-w1', { kind: 'docscan', windowId: 'w1', source: { type: 'sim', pages: 1, skewDegrees: 0 } });
      expect(back.status).to.equal(201);
      expect((await api(h.url, 'POST', '/api/v1/windows/w1/scan', { token: clerk })).body.pages).to.have.length(1);
    });

    it('audits every change and keeps them across a restart', async () => {
      const audit = (await api(h.url, 'GET', '/api/v1/manager/audit', { token: admin })).body.filter((e: any) => e.action.startsWith('device.'));
      const lines = audit.map((e: any) => `${e.action} ${e.detail}`);
      expect(lines.some((l: string) => l.startsWith('device.add ledbus-2 (ledbar @ w3): sim'))).to.equal(true);
      expect(lines.some((l: string) => l.startsWith('device.change docscan-w1 (docscan @ w1): sim pages=2'))).to.equal(true);
      expect(lines.some((l: string) => l.startsWith('device.remove docscan-w1'))).to.equal(true);

      const dataDir = h.dataDir;
      await h.close({ keepData: true });
      h = await startTestHall({ dataDir });
      admin = await login(h.url, 'admin', 'admin123');
      const cfg = await listed();
      expect(cfg.devices.find((d: any) => d.id === 'ledbus-2')).to.deep.include({ windowIds: ['w3'] });
      expect(cfg.devices.find((d: any) => d.id === 'ledbus-1').windowIds).to.not.include('w3');
      expect(cfg.devices.find((d: any) => d.id === 'docscan-w1').source).to.deep.equal({ type: 'sim', pages: 1, skewDegrees: 0 });
      expect(cfg.notices).to.deep.equal([]);
      const clerk = await login(h.url, 'staff1', 'staff123', 'w1');
      expect((await api(h.url, 'POST', '/api/v1/windows/w1/scan', { token: clerk })).body.pages).to.have.length(1);
    });
    it('gives a window added live its own document scanner and LED bar', async () => {
      const setup = (await api(h.url, 'GET', '/api/v1/manager/setup', { token: admin })).body;
      const w1 = setup.windows.find((w: any) => w.id === 'w1');
      setup.windows.push({ ...w1, id: 'w13', number: 13, name: '综合窗口十三', ledbarAddress: 13 });
      const s = await api(h.url, 'PUT', '/api/v1/manager/setup', { token: admin, body: { setup, summary: 'window 13' } });
      expect(s.status, JSON.stringify(s.body)).to.equal(200);
      const scanner = await put('docscan-w13', { kind: 'docscan', windowId: 'w13', source: { type: 'sim', pages: 1 } });
      expect(scanner.status, JSON.stringify(scanner.body)).to.equal(201);
      const scan = await api(h.url, 'POST', '/api/v1/windows/w13/scan', { token: admin });
      expect(scan.status, JSON.stringify(scan.body)).to.equal(201);
      expect(scan.body.pages).to.have.length(1);
      const bus2 = (await listed()).devices.find((d: any) => d.id === 'ledbus-2');
      expect((await put('ledbus-2', { ...bus2, windowIds: [...bus2.windowIds, 'w13'] })).status).to.equal(200);
      await until(async () => (await screens('ledbus-2'))['13'] === '', 'the closed window 13 blanks its bar');
    });
  });

  describe('a device behind an agent', () => {
    let h: TestHall;
    let dir: string;
    let admin: string;
    let agent: RunningAgent | undefined;
    const device = async (id: string) => (await api(h.url, 'GET', '/api/v1/devices')).body.find((d: any) => d.id === id);
    const put = (id: string, body: unknown) => api(h.url, 'PUT', `/api/v1/manager/devices/config/${id}`, { token: admin, body });

    before(async () => {
      dir = configCopy((d) =>
        editJson(join(d, 'devices.json'), (j) => {
          for (const x of j.devices) if (x.attachedTo === 'kiosk-2') x.transport = { type: 'agent', agent: 'kiosk-pc-2' };
          j.agents = [{ id: 'kiosk-pc-2', key: KEY }];
        }),
      );
      h = await startTestHall({ configDir: dir });
      admin = await login(h.url, 'admin', 'admin123');
      agent = startAgent({
        server: h.url,
        agentId: 'kiosk-pc-2',
        key: KEY,
        transports: { 'kiosk-2-idcard': { type: 'sim' }, 'kiosk-2-printer': { type: 'sim' }, 'kiosk-2-scanner': { type: 'sim' } },
        log: createLogger({ destination: null }),
        healthEveryMs: 200,
      });
      for (const id of ['kiosk-2-idcard', 'kiosk-2-printer', 'kiosk-2-scanner']) await until(async () => (await device(id)).status === 'online', `${id} online`);
    });
    after(async () => {
      await agent?.close();
      await h.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('sends the connected agent the new settings of its printer, which it restarts with them', async () => {
      const old = agent!.devices.get('kiosk-2-printer');
      const cfg = (await api(h.url, 'GET', '/api/v1/manager/devices/config', { token: admin })).body;
      expect(cfg.agents).to.deep.equal([{ id: 'kiosk-pc-2' }]);
      const printer = cfg.devices.find((d: any) => d.id === 'kiosk-2-printer');
      const r = await put('kiosk-2-printer', { ...printer, widthColumns: 32 });
      expect(r.status, JSON.stringify(r.body)).to.equal(200);
      const now = await until(() => {
        const b = agent!.devices.get('kiosk-2-printer');
        return b && b !== old && (b.config as any).widthColumns === 32 ? b : undefined;
      }, 'the agent restarts the printer with 32 columns');
      expect(now.config.transport).to.deep.equal({ type: 'sim' }); // the agent's own port, not "agent"
      await until(async () => (await device('kiosk-2-printer')).status === 'online', 'the printer online again');
      const t = await api(h.url, 'POST', '/api/v1/tickets', { body: { sectionId: 'tax', kioskId: 'kiosk-2' } });
      expect(t.body.ticket.printed).to.equal(true);
    });

    it('moves a local printer onto the agent: not there until the agent has a port for it, then it prints there', async () => {
      const cfg = (await api(h.url, 'GET', '/api/v1/manager/devices/config', { token: admin })).body;
      const printer = cfg.devices.find((d: any) => d.id === 'kiosk-1-printer');
      const r = await put('kiosk-1-printer', { ...printer, transport: { type: 'agent', agent: 'kiosk-pc-2' } });
      expect(r.status, JSON.stringify(r.body)).to.equal(200);
      const missing = await until(async () => {
        const d = await device('kiosk-1-printer');
        return d.code === 'PORT_UNAVAILABLE' ? d : undefined;
      }, 'the agent reports it has no port for the printer');
      expect(missing).to.include({ status: 'offline' });
      expect(missing.detail).to.contain('no transport');
      await agent!.reconfigure({ 'kiosk-2-idcard': { type: 'sim' }, 'kiosk-2-printer': { type: 'sim' }, 'kiosk-2-scanner': { type: 'sim' }, 'kiosk-1-printer': { type: 'sim' } });
      await until(async () => (await device('kiosk-1-printer')).status === 'online', 'the printer online on the agent');
      expect((await device('kiosk-1-printer')).transport).to.equal('agent:kiosk-pc-2/sim:kiosk-1-printer');
      const t = await api(h.url, 'POST', '/api/v1/tickets', { body: { sectionId: 'tax', kioskId: 'kiosk-1' } });
      expect(t.body.ticket.printed).to.equal(true);
      const jobs = (await api(h.url, 'GET', '/api/v1/sim/devices/kiosk-1-printer/output')).body.jobs;
      expect(jobs).to.have.length(1); // the agent's simulator printed it
    });

    it('takes a scanner off the agent back to the server: the agent stops it', async () => {
      const r = await put('kiosk-2-scanner', { id: 'kiosk-2-scanner', kind: 'scanner', attachedTo: 'kiosk-2', mode: 'line', transport: { type: 'sim' } });
      expect(r.status, JSON.stringify(r.body)).to.equal(200);
      await until(() => !agent!.devices.has('kiosk-2-scanner'), 'the agent stops the scanner');
      await until(async () => (await device('kiosk-2-scanner')).transport === 'sim:kiosk-2-scanner', 'the scanner local again');
      const unknown = await put('kiosk-2-scanner', { id: 'kiosk-2-scanner', kind: 'scanner', attachedTo: 'kiosk-2', mode: 'line', transport: { type: 'agent', agent: 'kiosk-pc-9' } });
      expect(unknown.body.error.details.issues[0]).to.include({ field: 'transport.agent' });
    });
  });

  describe('which settings win at start', () => {
    let h: TestHall | undefined;
    let dir: string;
    after(async () => {
      await h?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('keeps saved changes while the config files are unchanged; a file edited since wins, the saved list is set aside and the manager is told', async () => {
      dir = configCopy();
      const logged: any[] = [];
      const sink = new Writable({
        write(chunk, _enc, cb) {
          for (const line of String(chunk).split('\n')) if (line.trim()) logged.push(JSON.parse(line));
          cb();
        },
      });
      const start = (dataDir?: string) => startTestHall({ configDir: dir, ...(dataDir ? { dataDir } : {}), start: { log: createLogger({ level: 'warn', destination: sink }) } });
      h = await start();
      let admin = await login(h.url, 'admin', 'admin123');
      const put = (id: string, body: unknown) => api(h!.url, 'PUT', `/api/v1/manager/devices/config/${id}`, { token: admin, body });
      const get = async () => (await api(h!.url, 'GET', '/api/v1/manager/devices/config', { token: admin })).body;
      expect((await put('w12-scanner', { id: 'w12-scanner', kind: 'scanner', attachedTo: 'w12', mode: 'line', transport: { type: 'sim' } })).status).to.equal(200);
      const bus = (await get()).devices.find((d: any) => d.id === 'ledbus-1');
      expect((await put('ledbus-1', { ...bus, gapMs: 80 })).status).to.equal(200);

      // 1. Nothing edited: the saved settings win.
      const dataDir = h.dataDir;
      await h.close({ keepData: true });
      h = await start(dataDir);
      admin = await login(h.url, 'admin', 'admin123');
      let cfg = await get();
      expect(cfg.devices.find((d: any) => d.id === 'w12-scanner').mode).to.equal('line');
      expect(cfg.devices.find((d: any) => d.id === 'ledbus-1').gapMs).to.equal(80);
      expect(cfg.notices).to.deep.equal([]);

      // 2. The installer edits config/devices.json: that file wins; ledbars.json is unchanged, its saved change stays.
      editJson(join(dir, 'devices.json'), (j) => {
        j.devices.find((d: any) => d.id === 'w11-printer').widthColumns = 32;
      });
      await h.close({ keepData: true });
      h = await start(dataDir);
      admin = await login(h.url, 'admin', 'admin123');
      cfg = await get();
      expect(cfg.devices.find((d: any) => d.id === 'w12-scanner').mode).to.equal('hid');
      expect(cfg.devices.find((d: any) => d.id === 'w11-printer').widthColumns).to.equal(32);
      expect(cfg.devices.find((d: any) => d.id === 'ledbus-1').gapMs).to.equal(80);
      expect((await api(h.url, 'GET', '/api/v1/devices')).body.find((d: any) => d.id === 'w12-scanner').status).to.equal('online');
      expect(cfg.notices).to.have.length(1);
      const notice = cfg.notices[0];
      expect(notice).to.include({ file: 'devices.json', reason: 'config-changed' });
      expect(notice.message).to.contain('config/devices.json');
      const backup = JSON.parse(readFileSync(join(dataDir, notice.backup), 'utf8'));
      expect(backup.devices.find((d: any) => d.id === 'w12-scanner').mode).to.equal('line');
      const warned = logged.find((l) => l.msg?.includes('set aside'));
      expect(warned).to.include({ file: 'devices.json', reason: 'config-changed', backup: notice.backup });

      // 3. The notice stays across restarts until dismissed; a new save is made against the edited file and wins again.
      await h.close({ keepData: true });
      h = await start(dataDir);
      admin = await login(h.url, 'admin', 'admin123');
      expect((await get()).notices).to.have.length(1);
      expect((await api(h.url, 'DELETE', '/api/v1/manager/devices/notices', { token: admin })).body).to.deep.equal({ dismissed: 1 });
      expect((await put('w12-scanner', { id: 'w12-scanner', kind: 'scanner', attachedTo: 'w12', mode: 'line', transport: { type: 'sim' } })).status).to.equal(200);
      await h.close({ keepData: true });
      h = await start(dataDir);
      admin = await login(h.url, 'admin', 'admin123');
      cfg = await get();
      expect(cfg.devices.find((d: any) => d.id === 'w12-scanner').mode).to.equal('line');
      expect(cfg.devices.find((d: any) => d.id === 'w11-printer').widthColumns).to.equal(32);
      expect(cfg.notices).to.deep.equal([]);

      // 4. Same rule for ledbars.json.
      editJson(join(dir, 'ledbars.json'), (j) => {
        j.buses[0].gapMs = 60;
      });
      await h.close({ keepData: true });
      h = await start(dataDir);
      admin = await login(h.url, 'admin', 'admin123');
      cfg = await get();
      expect(cfg.devices.find((d: any) => d.id === 'ledbus-1').gapMs).to.equal(60);
      expect(cfg.notices.map((n: any) => n.file)).to.deep.equal(['ledbars.json']);
      expect(existsSync(join(dataDir, cfg.notices[0].backup))).to.equal(true);
    });
  });

  describe('a hall without ledbars.json and docscan.json', () => {
    let h: TestHall;
    let dir: string;
    before(async () => {
      dir = configCopy((d) => {
        rmSync(join(d, 'ledbars.json'));
        rmSync(join(d, 'docscan.json'));
      });
      h = await startTestHall({ configDir: dir });
    });
    after(async () => {
      await h.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('takes a first LED bus live, and says plainly that document scanners need docscan.json', async () => {
      const admin = await login(h.url, 'admin', 'admin123');
      const cfg = (await api(h.url, 'GET', '/api/v1/manager/devices/config', { token: admin })).body;
      expect(cfg.docscan).to.equal(false);
      expect(cfg.devices.some((d: any) => d.kind === 'ledbar' || d.kind === 'docscan')).to.equal(false);
      const bus = await api(h.url, 'PUT', '/api/v1/manager/devices/config/ledbus-1', { token: admin, body: { kind: 'ledbar', codec: 'aa-bb-51', link: { type: 'sim' }, windowIds: ['w1'] } });
      expect(bus.status, JSON.stringify(bus.body)).to.equal(201);
      const clerk = await login(h.url, 'staff1', 'staff123', 'w1');
      expect(clerk).to.be.a('string');
      await until(async () => (await api(h.url, 'GET', '/api/v1/sim/devices/ledbus-1/output')).body.screens?.['1'] === '1号窗口 欢迎您', 'the first bar shows its window');
      const scan = await api(h.url, 'PUT', '/api/v1/manager/devices/config/docscan-w1', { token: admin, body: { kind: 'docscan', windowId: 'w1', source: { type: 'sim' } } });
      expect([scan.status, scan.body.error.code]).to.deep.equal([409, 'DEVICE_NOT_EDITABLE']);
      expect(scan.body.error.message).to.contain('docscan.json');
    });
  });
});
