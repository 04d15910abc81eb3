// A device removed live leaves the managers' device list (and its kiosk's) at once, as a status change
// does, not at the next periodic push: the periodic push is set to an hour here, so only the removal itself
// can bring the new list.

import { expect } from 'chai';
import { io, type Socket } from 'socket.io-client';
import { api, login, startTestHall, type TestHall } from '../support/hall.js';
import { until } from '../support/devices.js';

type Listed = { id: string }[];

describe('device list pushed on removal (integration)', function () {
  this.timeout(30_000);
  let h: TestHall;
  let admin: string;
  const sockets: Socket[] = [];

  before(async () => {
    h = await startTestHall({ start: { devicesPushMs: 3_600_000 } });
    admin = await login(h.url, 'admin', 'admin123');
    await until(async () => (await api(h.url, 'GET', '/api/v1/devices')).body.every((d: { status: string }) => d.status === 'online'), 'every device online');
  });
  after(async () => {
    for (const s of sockets.splice(0)) s.close();
    await h?.close();
  });

  it('sends /manager the list without a device the moment it is removed, and /kiosk its own list', async () => {
    const manager = io(h.url + '/manager', { auth: { token: admin }, transports: ['websocket'], forceNew: true, reconnection: false });
    const kiosk = io(h.url + '/kiosk', { auth: { kioskId: 'kiosk-1' }, transports: ['websocket'], forceNew: true, reconnection: false });
    sockets.push(manager, kiosk);
    const managerLists: Listed[] = [];
    const kioskLists: Listed[] = [];
    manager.on('devices', (p: { devices: Listed }) => managerLists.push(p.devices));
    kiosk.on('devices', (p: Listed) => kioskLists.push(p));
    const snap = await new Promise<{ devices: Listed }>((resolve) => manager.once('snapshot', resolve));
    expect(snap.devices.map((d) => d.id)).to.include('kiosk-1-scanner');
    await until(() => kioskLists.length > 0, 'the kiosk device list');
    expect(kioskLists.at(-1)!.map((d) => d.id)).to.include('kiosk-1-scanner');

    const del = await api(h.url, 'DELETE', '/api/v1/manager/devices/config/kiosk-1-scanner', { token: admin });
    expect(del.status, JSON.stringify(del.body)).to.equal(200);
    await until(() => managerLists.some((l) => !l.some((d) => d.id === 'kiosk-1-scanner')), 'the manager list without the scanner');
    await until(() => kioskLists.some((l) => !l.some((d) => d.id === 'kiosk-1-scanner')), 'the kiosk list without the scanner');
    expect(managerLists.at(-1)!.map((d) => d.id)).to.include('kiosk-1-printer');
  });
});
