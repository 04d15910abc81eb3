// A device agent with simulated devices, over the real /agent socket of the real server: the server treats
// its reader, printer and scanner like local ones.

import { expect } from 'chai';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import { startAgent, type RunningAgent } from '../../agent/agent.js';
import { loadAgentFile, watchAgentFile } from '../../agent/config.js';
import { configDir } from '../../config/schema.js';
import { createLogger } from '../../server/log.js';
import { SIM_CARD, until } from '../support/devices.js';
import { api, startTestHall, type TestHall } from '../support/hall.js';

const KEY = 'agent-key-for-tests-0123456789';
const CARD = SIM_CARD;

/** config/ with kiosk-2's three devices moved onto agent "kiosk-pc-2". */
function agentConfig(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hall-agent-config-'));
  cpSync(configDir, dir, { recursive: true, filter: (src) => !src.endsWith('.ts') });
  const file = join(dir, 'devices.json');
  const j = JSON.parse(readFileSync(file, 'utf8'));
  for (const d of j.devices) if (d.attachedTo === 'kiosk-2') d.transport = { type: 'agent', agent: 'kiosk-pc-2' };
  j.agents = [{ id: 'kiosk-pc-2', key: KEY }];
  writeFileSync(file, JSON.stringify(j));
  return dir;
}

describe('device agent over the real /agent socket', function () {
  this.timeout(40_000);
  let h: TestHall;
  let dir: string;
  let agent: RunningAgent | undefined;
  const device = async (id: string) => (await api(h.url, 'GET', '/api/v1/devices')).body.find((d: any) => d.id === id);
  const input = (id: string, body: unknown) => api(h.url, 'POST', `/api/v1/sim/devices/${id}/input`, { body });

  before(async () => {
    dir = agentConfig();
    h = await startTestHall({ configDir: dir });
  });
  after(async () => {
    await agent?.close();
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists agent devices as offline until their agent connects', async () => {
    const d = await device('kiosk-2-printer');
    expect(d).to.include({ status: 'offline', transport: 'agent:kiosk-pc-2', code: 'DEVICE_OFFLINE' });
    expect(d.detail).to.contain('kiosk-pc-2');
    const r = await api(h.url, 'POST', '/api/v1/tickets', { body: { sectionId: 'tax', kioskId: 'kiosk-2' } });
    expect(r.status).to.equal(201);
    expect(r.body.ticket.printed).to.equal(false);
  });

  it('refuses an agent with a wrong key', async () => {
    const s = io(`${h.url}/agent`, { auth: { agentId: 'kiosk-pc-2', key: 'x'.repeat(30) }, transports: ['websocket'], reconnection: false, forceNew: true });
    const err = await new Promise<any>((r) => s.once('connect_error', r));
    s.disconnect();
    expect(err.data.code).to.equal('UNAUTHORIZED');
  });

  it('relays a card swipe, a print with its outcome, and a scan, and reports health', async () => {
    agent = startAgent({
      server: h.url,
      agentId: 'kiosk-pc-2',
      key: KEY,
      transports: { 'kiosk-2-idcard': { type: 'sim', chunkSize: 16 }, 'kiosk-2-printer': { type: 'sim' }, 'kiosk-2-scanner': { type: 'sim' } },
      log: createLogger({ destination: null }),
      healthEveryMs: 200,
    });
    for (const id of ['kiosk-2-idcard', 'kiosk-2-printer', 'kiosk-2-scanner']) {
      await until(async () => (await device(id)).status === 'online', `${id} online`);
    }
    const reader = await device('kiosk-2-idcard');
    expect(reader).to.include({ transport: 'agent:kiosk-pc-2/sim:kiosk-2-idcard', simulated: true });
    await until(async () => (await device('kiosk-2-idcard')).counters.framesReceived > 0, 'counters relayed');

    const kiosk = io(`${h.url}/kiosk`, { auth: { kioskId: 'kiosk-2' }, transports: ['websocket'], reconnection: false, forceNew: true });
    const events: [string, any][] = [];
    kiosk.onAny((n, p) => events.push([n, p]));
    await until(() => events.some(([n]) => n === 'devices'), 'kiosk stream');

    // The swipe goes server → agent simulator → agent's reader driver → agent → server.
    expect((await input('kiosk-2-idcard', { card: CARD })).status).to.equal(200);
    await until(() => events.find(([n]) => n === 'card'), 'card relayed');
    const t = await api(h.url, 'POST', '/api/v1/tickets', { body: { sectionId: 'property', kioskId: 'kiosk-2', useCard: true } });
    expect(t.status).to.equal(201);
    expect(t.body.ticket.printed).to.equal(true);
    const out = await api(h.url, 'GET', '/api/v1/sim/devices/kiosk-2-printer/output');
    expect(out.body.jobs).to.have.length(1);
    expect(Buffer.from(out.body.jobs[0].bytes, 'base64').includes(Buffer.from(t.body.ticket.number))).to.equal(true);

    await input('kiosk-2-scanner', { code: 'HELLO-AGENT' });
    const [, scan] = await until(() => events.find(([n]) => n === 'scan'), 'scan relayed');
    expect(scan).to.deep.equal({ kioskId: 'kiosk-2', code: 'HELLO-AGENT' });

    const bad = await input('kiosk-2-idcard', { card: { ...CARD, sex: 'x' } });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.code).to.equal('VALIDATION_FAILED');

    await input('kiosk-2-printer', { paperOut: true });
    await until(async () => (await device('kiosk-2-printer')).code === 'PAPER_OUT', 'paper out relayed');
    const unprinted = await api(h.url, 'POST', '/api/v1/tickets', { body: { sectionId: 'tax', kioskId: 'kiosk-2' } });
    expect(unprinted.body.ticket.printed).to.equal(false);
    await input('kiosk-2-printer', { paperOut: false });
    kiosk.disconnect();
  });

  it('applies a changed agent file: a device whose port changed restarts, one left out goes offline, the rest keep running', async () => {
    const printer = agent!.devices.get('kiosk-2-printer');
    const scanner = agent!.devices.get('kiosk-2-scanner');
    expect(printer).to.not.equal(undefined);
    // The scanner's link now splits every answer into 4-byte chunks; the reader is taken off this PC.
    await agent!.reconfigure({ 'kiosk-2-printer': { type: 'sim' }, 'kiosk-2-scanner': { type: 'sim', chunkSize: 4 } });
    expect(agent!.devices.get('kiosk-2-printer')).to.equal(printer);
    expect(agent!.devices.get('kiosk-2-scanner')).to.not.equal(scanner);
    expect(agent!.devices.has('kiosk-2-idcard')).to.equal(false);
    const reader = await until(async () => {
      const d = await device('kiosk-2-idcard');
      return d.status === 'offline' && d.code === 'PORT_UNAVAILABLE' ? d : undefined;
    }, 'the reader offline');
    expect(reader.detail).to.contain('no transport for kiosk-2-idcard');
    await until(async () => (await device('kiosk-2-scanner')).status === 'online', 'the rebuilt scanner online');
    // The rebuilt scanner works: a scan reaches the kiosk stream.
    const kiosk = io(`${h.url}/kiosk`, { auth: { kioskId: 'kiosk-2' }, transports: ['websocket'], reconnection: false, forceNew: true });
    const scanned = new Promise<any>((r) => kiosk.on('scan', r));
    await new Promise<void>((r) => kiosk.once('connect', () => r()));
    expect((await input('kiosk-2-scanner', { code: 'AFTER-RELOAD' })).status).to.equal(200);
    expect((await scanned).code).to.equal('AFTER-RELOAD');
    kiosk.disconnect();

    // Put the reader back: it starts again and comes online.
    await agent!.reconfigure({ 'kiosk-2-idcard': { type: 'sim', chunkSize: 16 }, 'kiosk-2-printer': { type: 'sim' }, 'kiosk-2-scanner': { type: 'sim', chunkSize: 4 } });
    await until(async () => (await device('kiosk-2-idcard')).status === 'online', 'the reader back online');
  });

  it('follows its file on disk: a valid change is handed over, a broken one is reported and ignored', async () => {
    const f = join(dir, 'agent-watch.json');
    const base = { server: 'http://127.0.0.1:8080', agentId: 'kiosk-pc-2', key: KEY, transports: { 'kiosk-2-printer': { type: 'sim' } } };
    writeFileSync(f, JSON.stringify(base));
    const changes: unknown[] = [];
    const errors: string[] = [];
    const stop = watchAgentFile(f, { intervalMs: 20, onChange: (c) => changes.push(c.transports), onError: (e) => errors.push(e.message) });
    try {
      // Saved at once, before any poll: the watcher compares with the content it read when it started.
      writeFileSync(f, JSON.stringify({ ...base, transports: { 'kiosk-2-printer': { type: 'lp', path: '/dev/usb/lp0' } } }) + '\n');
      await until(() => changes.length === 1 || undefined, 'the change handed over');
      expect(changes[0]).to.deep.equal({ 'kiosk-2-printer': { type: 'lp', path: '/dev/usb/lp0' } });
      writeFileSync(f, '{"server": ');
      await until(() => errors.length === 1 || undefined, 'the broken file reported');
      expect(errors[0]).to.contain(f);
      // Reported once however many polls see it, and no change handed over.
      await new Promise((r) => setTimeout(r, 200));
      expect(errors).to.have.length(1);
      expect(changes).to.have.length(1);
      // Put back as it was before the break: nothing new to hand over, since the agent still runs with it.
      writeFileSync(f, JSON.stringify({ ...base, transports: { 'kiosk-2-printer': { type: 'lp', path: '/dev/usb/lp0' } } }) + '\n');
      await new Promise((r) => setTimeout(r, 200));
      expect(changes).to.have.length(1);
      expect(errors).to.have.length(1);
    } finally {
      stop();
    }
  });

  it('marks the devices offline when the agent goes away', async () => {
    await agent!.close();
    agent = undefined;
    await until(async () => (await device('kiosk-2-printer')).status === 'offline', 'offline');
    expect((await device('kiosk-2-scanner')).detail).to.contain('not connected');
  });

  it('reads its own file and names the field of a mistake', () => {
    const f = join(dir, 'agent.json');
    writeFileSync(f, JSON.stringify({ server: 'http://127.0.0.1:8080', agentId: 'kiosk-pc-2', key: KEY, transports: { 'kiosk-2-printer': { type: 'tcp', host: '10.0.0.9', port: 9100 } } }));
    expect(loadAgentFile(f).transports['kiosk-2-printer']).to.deep.equal({ type: 'tcp', host: '10.0.0.9', port: 9100 });
    writeFileSync(f, JSON.stringify({ server: 'http://127.0.0.1:8080', agentId: 'kiosk-pc-2', key: KEY, transports: { 'kiosk-2-printer': { type: 'agent', agent: 'x' } } }));
    expect(() => loadAgentFile(f)).to.throw(/transports\.kiosk-2-printer/);
  });
});
