// kill -9 during a burst of ticket requests: every acknowledged ticket must be there after the restart,
// and no number may repeat. The server runs as a real child process, exactly as `npm start` runs it.

import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { api, freePort, tempDir } from '../support/hall.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

async function spawnHall(dataDir: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'server', 'main.ts')], {
    cwd: root,
    env: { ...process.env, PORT: String(port), HALL_DATA_DIR: dataDir, HALL_DEMO: '1', LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  const end = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`hall exited early (${child.exitCode}): ${stderr}`);
    try {
      const r = await fetch(`http://127.0.0.1:${port}/api/v1/health`);
      if (r.ok) return child;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > end) throw new Error(`hall did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

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
