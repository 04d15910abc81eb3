// The whole hall server as a child process (as `npm start` runs it) rating services at three windows while
// the central system fails at random and loses answers; kill -9 in the middle; central down while the hall
// restarts; then every rating a pad was told was recorded arrives at central exactly once.

import { expect } from 'chai';
import { io as connect, type Socket } from 'socket.io-client';
import { api, freePort, login } from '../support/hall.js';
import { centralRig, spawnHallWithCentral, until } from '../support/central.js';

const HALL = 'ZWFW-DEMO-001';


describe('ratings to central across kill -9 of the hall server', function () {
  this.timeout(150_000);
  const rig = centralRig('central');

  it('delivers every acknowledged rating exactly once', async () => {
    const { central: c, dataDir, configDir } = rig;
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    let child = await spawnHallWithCentral(dataDir, configDir, port, c.url);
    c.mock.setFaults({ errorRate: 0.3, duplicates: 4 });
    const windows = ['w3', 'w5', 'w8'];
    const acked = new Set<string>();
    const sockets: Socket[] = [];
    let stop = false;
    try {
      const workers = windows.map(async (windowId) => {
        const token = await login(base, `staff${windowId.slice(1)}`, 'staff123', windowId);
        const sectionId = ((await api(base, 'GET', '/api/v1/windows')).body as { id: string; sectionIds: string[] }[]).find((w) => w.id === windowId)!.sectionIds[0]!;
        const pad = connect(`${base}/pad`, { auth: { windowId }, transports: ['websocket'], reconnection: false });
        sockets.push(pad);
        while (!stop) {
          try {
            await api(base, 'POST', '/api/v1/tickets', { body: { sectionId } });
            const called = await api(base, 'POST', `/api/v1/windows/${windowId}/call-next`, { token });
            if (called.status !== 200) continue;
            await api(base, 'POST', `/api/v1/windows/${windowId}/start`, { token });
            await api(base, 'POST', `/api/v1/windows/${windowId}/finish`, { token });
            const ticketId = called.body.ticket.id as string;
            const ack = await new Promise<{ ok: boolean }>((resolve, reject) => {
              const t = setTimeout(() => reject(new Error('no ack')), 5000);
              pad.emit('rate', { ticketId, level: 5 }, (a: { ok: boolean }) => (clearTimeout(t), resolve(a)));
            });
            if (ack.ok) acked.add(ticketId);
          } catch {
            return; // the server died under this worker
          }
        }
      });
      await until(() => acked.size >= 15 && c.mock.received('rating').length >= 5, 90_000, 'ratings flowing');
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      stop = true;
      await exited;
      await Promise.all(workers);
      for (const s of sockets) s.close();

      // Central is down while the hall comes back; the hall keeps what it owes and retries.
      c.mock.setFaults({ down: true, errorRate: 0, duplicates: 0 });
      child = await spawnHallWithCentral(dataDir, configDir, port, c.url);
      const token = await login(base, 'admin', 'admin123');
      await until(async () => (await api(base, 'GET', '/api/v1/central/status', { token })).body.outbox?.lastError?.code === 'CENTRAL_UNREACHABLE', 30_000, 'outage seen');
      c.mock.setFaults({ down: false });
      await until(async () => (await api(base, 'GET', '/api/v1/central/status', { token })).body.outbox?.backlog === 0, 60_000, 'backlog drained');

      const keys = c.mock.received('rating').map((r) => r.idempotencyKey);
      expect(new Set(keys).size, 'each rating recorded once').to.equal(keys.length);
      const missing = [...acked].filter((id) => !keys.includes(`rating:${HALL}:${id}`));
      expect(missing, 'acknowledged ratings lost').to.deep.equal([]);
      expect(c.mock.deliveries).to.be.greaterThan(keys.length);
      expect(c.mock.contractViolations).to.deep.equal([]);
    } finally {
      stop = true;
      for (const s of sockets) s.close();
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGKILL');
        await exited;
      }
    }
  });
});
