// Device health live on the manager's dashboard: the list comes with the /manager stream's snapshot and
// changes as `devices` events arrive (numbered with the stream, so no resync), with no HTTP polling: the
// test blocks GET /devices in the browser, so a page that still polled would show nothing.

import { expect } from 'chai';
import { browserHallSuite, waitFor, waitText } from './helpers.js';

describe('device health live on the manager dashboard (browser)', function () {
  this.timeout(90_000);
  const suite = browserHallSuite();

  after(async () => {
    await suite.hall.call('POST', '/sim/devices/kiosk-1-printer/input', { paperOut: false }).catch(() => undefined);
  });

  it('turns a printer to 故障 as its paper runs out and back to 在线, from the stream alone', async () => {
    const p = await suite.page({ width: 1600, height: 1000 });
    const polled: string[] = [];
    await p.route('**/api/v1/devices', (route) => {
      polled.push(route.request().url());
      return route.abort();
    });
    // Snapshots the /manager stream sends: one at sign-in; another would mean a gap made the page resync.
    const snapshots: string[] = [];
    const note = (text: string) => {
      for (const packet of text.split('\x1e')) if (packet.startsWith('42/manager,["snapshot"')) snapshots.push(packet.slice(0, 40));
    };
    // Socket.IO starts on HTTP long-polling and moves to a websocket: watch both.
    p.on('websocket', (ws) => ws.on('framereceived', (f) => note(typeof f.payload === 'string' ? f.payload : f.payload.toString('utf8'))));
    p.on('response', (r) => {
      if (r.url().includes('/socket.io/') && r.request().method() === 'GET') void r.text().then(note, () => undefined);
    });
    await p.goto(`${suite.hall.url}/manager/`);
    await p.getByLabel('用户名').fill('admin');
    await p.getByLabel('密码').fill('admin123');
    await p.getByRole('button', { name: '登录' }).click();
    const row = p.locator('.m-device[data-device="kiosk-1-printer"]');
    await waitText(row.locator('.m-dev-status'), '在线', 15_000);
    expect(await p.locator('.m-device').count()).to.be.greaterThan(40);

    await suite.hall.ok('POST', '/sim/devices/kiosk-1-printer/input', { paperOut: true });
    await waitText(row.locator('.m-dev-status'), '故障');
    expect(await row.getAttribute('class')).to.contain('dev-fault');
    expect(await row.innerText()).to.match(/paper/i);
    await suite.hall.ok('POST', '/sim/devices/kiosk-1-printer/input', { paperOut: false });
    await waitText(row.locator('.m-dev-status'), '在线');

    expect(polled).to.deep.equal([]);
    // Every devices event fitted the stream's numbering: no gap, so no second snapshot.
    expect(snapshots).to.have.length(1);
    expect(p.errors).to.deep.equal([]);
  });
});
