import { expect } from 'chai';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../../config/schema.js';
import { brokenCopy, configErrorOf, copyConfig, expectSingleIssue, removeCopies } from './helpers.js';

describe('config/devices.json', () => {
  afterEach(removeCopies);

  it('gives the demo hall an ID-card reader, a printer and a scanner at every kiosk and window, all simulated', () => {
    const c = loadConfig();
    const places = [...c.kiosks.map((k) => k.id), ...c.setup.windows.map((w) => w.id)];
    for (const p of places) {
      const kinds = c.devices.devices.filter((d) => d.attachedTo === p).map((d) => d.kind).sort();
      expect(kinds, p).to.deep.equal(['idcard', 'printer', 'scanner']);
    }
    expect(c.devices.devices.every((d) => d.transport.type === 'sim')).to.equal(true);
  });

  it('is optional: a hall without the file has no devices', () => {
    const dir = copyConfig();
    rmSync(join(dir, 'devices.json'));
    expect(loadConfig(dir).devices).to.deep.equal({ devices: [], agents: [] });
  });

  it('names the file and field of a misspelt option, a bad transport and an out-of-range poll', () => {
    expectSingleIssue(configErrorOf(brokenCopy('devices.json', (j) => (j.devices[0].polMs = 500))), 'devices.json', 'devices[0].polMs');
    expectSingleIssue(configErrorOf(brokenCopy('devices.json', (j) => (j.devices[0].pollMs = 100))), 'devices.json', 'devices[0].pollMs');
    expectSingleIssue(configErrorOf(brokenCopy('devices.json', (j) => (j.devices[1].transport = { type: 'tcp', host: 'printer-1' }))), 'devices.json', 'devices[1].transport.port');
    expectSingleIssue(configErrorOf(brokenCopy('devices.json', (j) => (j.devices[1].transport = { type: 'lp', path: 'lp0' }))), 'devices.json', 'devices[1].transport.path');
  });

  it('refuses a device at an unknown place, a second printer at one kiosk, duplicate ids and an unknown agent', () => {
    const at = expectSingleIssue(configErrorOf(brokenCopy('devices.json', (j) => (j.devices[0].attachedTo = 'kiosk-9'))), 'devices.json', 'devices[0].attachedTo');
    expect(at).to.contain('kiosk-9');
    expectSingleIssue(
      configErrorOf(brokenCopy('devices.json', (j) => j.devices.push({ ...j.devices[1], id: 'kiosk-1-printer-2' }))),
      'devices.json',
      `devices[42].attachedTo`,
    );
    expectSingleIssue(configErrorOf(brokenCopy('devices.json', (j) => (j.devices[1].id = j.devices[0].id))), 'devices.json', 'devices[1].id');
    expectSingleIssue(
      configErrorOf(brokenCopy('devices.json', (j) => (j.devices[0].transport = { type: 'agent', agent: 'kiosk-pc-1' }))),
      'devices.json',
      'devices[0].transport.agent',
    );
    expectSingleIssue(
      configErrorOf(brokenCopy('devices.json', (j) => (j.agents = [{ id: 'kiosk-pc-1', key: 'short' }]))),
      'devices.json',
      'agents[0].key',
    );
  });

  it('switches a device to real hardware in config alone', () => {
    const dir = brokenCopy('devices.json', (j) => {
      j.devices[0].transport = { type: 'serial', path: '/dev/ttyUSB0', baudRate: 115200 };
      j.devices[1].transport = { type: 'tcp', host: '192.168.1.50', port: 9100 };
      j.devices[2] = { ...j.devices[2], mode: 'hid', transport: { type: 'hid', vendorId: 0x0c2e, productId: 0x0b61 } };
    });
    const d = loadConfig(dir).devices.devices;
    expect(d[0]!.transport).to.deep.equal({ type: 'serial', path: '/dev/ttyUSB0', baudRate: 115200 });
    expect(d[1]!.transport.type).to.equal('tcp');
    expect(d[2]!.transport.type).to.equal('hid');
  });
});
