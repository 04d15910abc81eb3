import { spawn } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import type { HallEvent } from '../../../server/hall/types.js';
import { DurableJSONFile } from '../../../server/store/durable-file.js';
import { Journal } from '../../../server/store/journal.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Runs a child script, kills it with SIGKILL `killAfterMs` after it prints `ready`, returns its output lines. */
function runAndKill(script: string, args: string[], killAfterMs: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, script), ...args], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      if (!timer && out.startsWith('ready\n')) timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL') return reject(new Error(`child ended with ${code ?? signal} before the kill: ${err}`));
      // Only whole lines were acknowledged; a line cut by the kill is dropped.
      const lines = out.split('\n');
      lines.pop();
      resolve(lines.slice(1));
    });
  });
}

async function collect(src: AsyncIterable<HallEvent>): Promise<HallEvent[]> {
  const out: HallEvent[] = [];
  for await (const e of src) out.push(e);
  return out;
}

describe('store crash safety (SIGKILL)', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'crash-'));
  });
  afterEach(async () => {
    await fsp.rm(dir, { recursive: true, force: true });
  });

  it('keeps every acknowledged seq, with no gaps or duplicates, when the writer is killed twice mid-stream', async () => {
    const acked: number[] = [];
    for (let round = 0; round < 2; round++) {
      // 32 appends in flight, a new business day every 1500 records, killed after about a second.
      const lines = await runAndKill('test/support/crash-journal.ts', [dir, '32', '1500'], 1000);
      acked.push(...lines.map(Number));
    }
    expect(acked.length).to.be.greaterThan(100);
    expect(acked.every((n) => Number.isInteger(n) && n > 0)).to.equal(true);

    const j = await Journal.open(dir);
    const seqs = (await collect(j.readSince(0))).map((e) => e.seq);
    await j.close();
    expect(seqs.length).to.equal(j.lastSeq);
    seqs.forEach((s, i) => expect(s, `position ${i}`).to.equal(i + 1));
    const max = Math.max(...acked);
    expect(j.lastSeq).to.be.at.least(max);
    expect(new Set(acked).size).to.equal(acked.length);
    expect((await j.days()).length).to.be.greaterThan(1);
  });

  it('leaves the old or the new document after a kill mid-write, never a torn one', async () => {
    const file = path.join(dir, 'doc.json');
    let lastAcked = 0;
    let killedMidWrite = 0;
    for (let round = 0; round < 10; round++) {
      const lines = await runAndKill('test/support/crash-durable.ts', [file], 30 + Math.floor(Math.random() * 200));
      if (lines.length > 0) lastAcked = Number(lines.at(-1));
      if ((await fsp.readdir(dir)).some((n) => n.endsWith('.tmp'))) killedMidWrite++;

      const doc = await new DurableJSONFile<{ gen: number; rows: { gen: number }[] }>(file).read();
      if (lastAcked === 0 && doc === null) continue;
      expect(doc, `round ${round}`).to.not.equal(null);
      expect(doc!.gen).to.be.at.least(lastAcked);
      expect(doc!.rows).to.have.length(3000);
      expect(doc!.rows.every((r) => r.gen === doc!.gen)).to.equal(true);
      lastAcked = doc!.gen;
    }
    // The kills must have hit a write in progress at least once, or the test proved nothing.
    expect(killedMidWrite).to.be.greaterThan(0);
  });
});
