// kill -9 of a process pushing cases through the outbox, with the central system down, then up and losing
// answers and failing at random, then down again for minutes (on the outbox's fast retry clock) while a new
// process drains: afterwards every acknowledged case revision was recorded by central exactly once, and each
// case's revisions arrived in order.

import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../support/hall.js';
import { startTestCentral, until, type TestCentral } from '../support/central.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function child(dir: string, url: string, mode: 'produce' | 'drain'): { proc: ChildProcess; lines: string[]; exited: Promise<number | null> } {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(root, 'test', 'support', 'crash-outbox.ts'), dir, url, mode], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let carry = '';
  proc.stdout!.on('data', (b: Buffer) => {
    const parts = (carry + b.toString()).split('\n');
    carry = parts.pop()!;
    lines.push(...parts);
  });
  let stderr = '';
  proc.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => {
    if (code && code !== 0) process.stderr.write(stderr);
    r(code);
  }));
  return { proc, lines, exited };
}

describe('outbox across kill -9 and a long central outage', function () {
  this.timeout(120_000);
  let c: TestCentral;
  let dir: string;
  beforeEach(async () => {
    c = await startTestCentral();
    dir = await tempDir('outbox-crash-');
  });
  afterEach(async () => {
    await c.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('delivers every acknowledged item exactly once and in per-case order', async () => {
    c.mock.setFaults({ down: true });
    const p = child(dir, c.url, 'produce');
    await until(() => p.lines.length >= 40, 60_000, 'first items acknowledged');
    // Central comes back, but fails a third of the requests and loses the answers to some recordings.
    c.mock.setFaults({ down: false, errorRate: 0.3, duplicates: 6 });
    await until(() => c.mock.received().length >= 20, 60_000, 'deliveries under way');
    p.proc.kill('SIGKILL');
    await p.exited;
    const acked = p.lines.filter((l) => l.startsWith('ack ')).map((l) => l.slice(4));
    expect(acked.length).to.be.greaterThan(40);

    // Down again while the new process starts and retries for (virtual) minutes.
    c.mock.setFaults({ down: true, errorRate: 0, duplicates: 0 });
    const d = child(dir, c.url, 'drain');
    const statusOf = () => {
      const last = d.lines.filter((l) => l.startsWith('status ')).at(-1);
      return last ? (JSON.parse(last.slice(7)) as { backlog: number; virtualSeconds: number; lastError: { attempts: number; code: string } | null; central: string }) : null;
    };
    await until(() => (statusOf()?.virtualSeconds ?? 0) >= 10 * 60, 60_000, 'ten minutes of outage');
    const during = statusOf()!;
    expect(during.central).to.equal('down');
    expect(during.backlog).to.be.greaterThan(0);
    expect(during.lastError!.code).to.equal('CENTRAL_UNREACHABLE');
    expect(during.lastError!.attempts).to.be.at.least(5);
    c.mock.setFaults({ down: false, duplicates: 3 });
    expect(await d.exited).to.equal(0);
    expect(d.lines).to.include('drained');

    const received = c.mock.received('case');
    const keys = received.map((r) => r.idempotencyKey);
    expect(new Set(keys).size, 'each item recorded once').to.equal(keys.length);
    const missing = acked.filter((k) => !keys.includes(k));
    expect(missing, 'acknowledged items lost').to.deep.equal([]);
    // Per case: revisions 1..n, in order, with nothing skipped (a revision is enqueued only after the one before).
    const byCase = new Map<string, number[]>();
    for (const r of received) byCase.set(r.id, [...(byCase.get(r.id) ?? []), r.revision!]);
    for (const [caseId, revs] of byCase) {
      expect(revs, caseId).to.deep.equal(revs.map((_, i) => i + 1));
    }
    expect(c.mock.deliveries, 'some deliveries were repeats').to.be.greaterThan(received.length);
    expect(c.mock.contractViolations).to.deep.equal([]);
  });
});
