// Which device settings are in force at start (server/manager/devices.ts resolveDeviceSettings): the
// manager's saved part of each file while that file is as it was when saved, the file otherwise, with the
// saved part set aside into a backup and a notice; a list saved before hashes were kept is adopted.

import { expect } from 'chai';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configDir, loadConfig } from '../../../config/schema.js';
import { resolveDeviceSettings } from '../../../server/manager/devices.js';
import { createLogger } from '../../../server/log.js';

const config = loadConfig(configDir);
const places = { kiosks: config.kiosks.map((k) => k.id), windows: config.setup.windows.map((w) => w.id) };
const configured = { devices: config.devices, ledbars: config.ledbars, docscan: config.docscan };
const SOURCES = { devices: 'sha256:aaa', ledbars: 'sha256:bbb', docscan: 'sha256:ccc' };
const AT = Date.parse('2026-03-02T08:00:00Z');

describe('device settings in force at start', () => {
  let dataDir: string;
  const saved = (doc: unknown) => mkdir(join(dataDir, 'manager'), { recursive: true }).then(() => writeFile(join(dataDir, 'manager', 'devices.json'), JSON.stringify(doc)));
  const readSaved = async () => JSON.parse(await readFile(join(dataDir, 'manager', 'devices.json'), 'utf8'));
  const resolve = (sources = SOURCES) =>
    resolveDeviceSettings({ dataDir, configured, sources, places, windows: config.setup.windows, log: createLogger({ destination: null }), now: () => AT });
  const lineScanners = () => config.devices.devices.map((d) => (d.id === 'w12-scanner' ? { ...d, mode: 'line' } : d));

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'hall-devset-'));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('uses the config files when nothing was saved, and writes nothing', async () => {
    const r = await resolve();
    expect(r.devices).to.equal(config.devices);
    expect(r.ledbars).to.equal(config.ledbars);
    expect(r.notices).to.deep.equal([]);
    expect(await readdir(join(dataDir, 'manager')).catch(() => [])).to.deep.equal([]);
  });

  it('uses the saved list while its file has the hash it was saved against', async () => {
    await saved({ devices: lineScanners(), devicesSource: SOURCES.devices });
    const r = await resolve();
    expect(r.devices.devices.find((d) => d.id === 'w12-scanner')).to.include({ mode: 'line' });
    expect(r.notices).to.deep.equal([]);
  });

  it('adopts a list saved before hashes were kept, against the file as it is now', async () => {
    await saved({ devices: lineScanners() });
    const r = await resolve();
    expect(r.devices.devices.find((d) => d.id === 'w12-scanner')).to.include({ mode: 'line' });
    expect((await readSaved()).devicesSource).to.equal(SOURCES.devices);
  });

  it('lets an edited file win: the saved part goes to a backup, the other files keep their saved parts, a notice says so', async () => {
    const bus = { ...config.ledbars!.buses[0]!, gapMs: 80 };
    await saved({ devices: lineScanners(), devicesSource: 'sha256:old', ledbars: { ...config.ledbars, buses: [bus] }, ledbarsSource: SOURCES.ledbars });
    const r = await resolve();
    expect(r.devices).to.equal(config.devices);
    expect(r.ledbars!.buses[0]!.gapMs).to.equal(80);
    expect(r.notices).to.have.length(1);
    expect(r.notices[0]).to.include({ file: 'devices.json', reason: 'config-changed', backup: 'manager/devices.set-aside-20260302T080000Z.json', at: '2026-03-02T08:00:00.000Z' });
    const backup = JSON.parse(await readFile(join(dataDir, r.notices[0]!.backup), 'utf8'));
    expect(backup.devices.find((d: { id: string }) => d.id === 'w12-scanner').mode).to.equal('line');
    const left = await readSaved();
    expect(left.devices).to.equal(undefined);
    expect(left.devicesSource).to.equal(undefined);
    expect(left.ledbarsSource).to.equal(SOURCES.ledbars);
    expect(left.notices).to.have.length(1);
    // The next start finds nothing more to set aside and keeps showing the notice.
    const again = await resolve();
    expect(again.notices).to.deep.equal(r.notices);
    expect((await readdir(join(dataDir, 'manager'))).filter((f) => f.startsWith('devices.set-aside-'))).to.have.length(1);
  });

  it('sets aside a saved list that no longer passes the checks, naming the problem', async () => {
    const broken = config.devices.devices.map((d) => (d.id === 'w12-scanner' ? { ...d, attachedTo: 'w99' } : d));
    await saved({ devices: broken, devicesSource: SOURCES.devices, docscan: { ...config.docscan, scanners: [{ id: 'x', windowId: 'w99', source: { type: 'sim' } }] }, docscanSource: SOURCES.docscan });
    const r = await resolve();
    expect(r.devices).to.equal(config.devices);
    expect(r.docscan).to.equal(config.docscan);
    expect(r.notices.map((n) => [n.file, n.reason])).to.deep.equal([
      ['devices.json', 'invalid'],
      ['docscan.json', 'invalid'],
    ]);
    expect(r.notices[0]!.message).to.contain('w99');
  });
});
