// kill -9 during a burst of ticket requests: every acknowledged ticket must be there after the restart,
// and no number may repeat. The server runs as a real child process, exactly as `npm start` runs it.

import { expect } from 'chai';
import { rm } from 'node:fs/promises';
import { api, freePort, spawnHallProcess, tempDir } from '../support/hall.js';

const spawnHall = (dataDir: string, port: number) => spawnHallProcess(dataDir, port);

describe('crash safety of the real server process', function () {
  this.timeout(90_000);

  it('keeps every acknowledged ticket across kill -9 in the middle of a burst, and never repeats a number', async () => {
    const dataDir = await tempDir('hall-crash-');
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    let child = await spawnHall(dataDir, port);
    try {
      const all = (await api(base, 'GET', '/api/v1/sections')).body as { id: string; requireIdCard: boolean }[];
      const sections = all.filter((s) => !s.requireIdCard);
      const acknowledged = new Map<string, string>();
      let failures = 0;
      let stop = false;
      // 32 clients issue tickets back to back until the process dies under them.
      const clients = Array.from({ length: 32 }, async (_, i) => {
        for (let n = 0; !stop; n++) {
          try {
            const r = await api(base, 'POST', '/api/v1/tickets', { body: { sectionId: sections[(i + n) % sections.length]!.id } });
            if (r.status === 201) acknowledged.set(r.body.ticket.id, r.body.ticket.number);
          } catch {
            failures++;
            return;
          }
        }
      });
      // Kill once enough are acknowledged (not after a fixed time: a busy machine acknowledges fewer per second).
      for (const until = Date.now() + 30_000; acknowledged.size < 150 && Date.now() < until && failures === 0; ) await new Promise((r) => setTimeout(r, 20));
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      stop = true;
      await Promise.all(clients);
      await exited;
      expect(acknowledged.size).to.be.greaterThan(100);

      child = await spawnHall(dataDir, port);
      const missing: string[] = [];
      for (const [id, number] of acknowledged) {
        const r = await api(base, 'GET', `/api/v1/tickets/${id}`);
        if (r.status !== 200 || r.body.ticket.number !== number) missing.push(id);
      }
      expect(missing, 'acknowledged tickets lost').to.deep.equal([]);
      const numbers = [...acknowledged.values()];
      expect(new Set(numbers).size).to.equal(numbers.length);
      // Numbering continues after the crash without reusing any number, acknowledged or not.
      const after = await Promise.all(sections.map((s) => api(base, 'POST', '/api/v1/tickets', { body: { sectionId: s.id } })));
      for (const r of after) {
        expect(r.status).to.equal(201);
        expect(numbers).not.to.include(r.body.ticket.number);
      }
      process.stdout.write(`      (${acknowledged.size} tickets acknowledged before kill -9, all present after restart)\n`);
    } finally {
      child.kill('SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
