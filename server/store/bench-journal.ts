// Journal throughput: appends/s with N concurrent appenders (group commit), against a bare baseline that
// writes and fdatasyncs each record on its own. Measures only; nothing here asserts a figure.
// Run directly: `tsx server/store/bench-journal.ts [durationMs] [concurrency]`.

import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { crc32 } from 'node:zlib';
import type { EventBody } from '../hall/types.js';
import { Journal } from './journal.js';

export interface BenchOptions {
  /** A scratch folder; the bench writes under it and removes what it wrote. */
  dir: string;
  concurrency: number;
  durationMs: number;
}

export interface BenchResult {
  name: string;
  concurrency: number;
  durationMs: number;
  records: number;
  ratePerSec: number;
  /** fdatasync calls made. */
  flushes: number;
  recordsPerFlush: number;
  bytes: number;
  latencyMs: { p50: number; p99: number; max: number };
}

/** A ticket as the kiosk issues it: the most common record in a hall, about 400 bytes on disk. */
function sampleBody(n: number): EventBody {
  const number = `A${String(n % 1000).padStart(3, '0')}`;
  return {
    type: 'TicketIssued',
    ticket: {
      id: `20250303-${number}`,
      number,
      day: '2025-03-03',
      sectionId: 'realestate',
      serviceCode: '370100-BDC-001',
      priority: 'normal',
      status: 'waiting',
      issuedAt: 1_740_960_000_000 + n,
      kioskId: 'kiosk-1',
      idKey: 'k:9f2c1e0b7a5d4c3b2a19f8e7d6c5b4a3',
      nameMasked: '张*三',
      calls: 0,
      transfers: [],
    },
  };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
}

function summarise(name: string, opts: BenchOptions, elapsed: number, latencies: number[], flushes: number, bytes: number): BenchResult {
  latencies.sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    name,
    concurrency: opts.concurrency,
    durationMs: Math.round(elapsed),
    records: latencies.length,
    ratePerSec: Math.round((latencies.length * 1000) / elapsed),
    flushes,
    recordsPerFlush: round(latencies.length / Math.max(1, flushes)),
    bytes,
    latencyMs: { p50: round(percentile(latencies, 0.5)), p99: round(percentile(latencies, 0.99)), max: round(latencies.at(-1) ?? 0) },
  };
}

/** Runs `concurrency` loops that each await one operation at a time until the time is up. */
async function drive(opts: BenchOptions, op: (n: number) => Promise<unknown>): Promise<{ elapsed: number; latencies: number[] }> {
  const latencies: number[] = [];
  let n = 0;
  const start = performance.now();
  const deadline = start + opts.durationMs;
  await Promise.all(
    Array.from({ length: Math.max(1, opts.concurrency) }, async () => {
      while (performance.now() < deadline) {
        const t = performance.now();
        await op(n++);
        latencies.push(performance.now() - t);
      }
    }),
  );
  return { elapsed: performance.now() - start, latencies };
}

/** The journal with group commit. */
export async function benchJournal(opts: BenchOptions): Promise<BenchResult> {
  const dir = await fsp.mkdtemp(path.join(opts.dir, 'bench-journal-'));
  try {
    const journal = await Journal.open(dir);
    const { elapsed, latencies } = await drive(opts, (n) => journal.append('2025-03-03', Date.now(), [sampleBody(n)]));
    await journal.close();
    return summarise('journal (group commit)', opts, elapsed, latencies, journal.stats.flushes, journal.stats.bytes);
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
}

/** The bare baseline: each record appended and fdatasync'd on its own, as a naive writer would. */
export async function benchBaseline(opts: BenchOptions): Promise<BenchResult> {
  const dir = await fsp.mkdtemp(path.join(opts.dir, 'bench-baseline-'));
  try {
    const fh = await fsp.open(path.join(dir, 'baseline.ndjson'), 'a');
    let flushes = 0;
    let bytes = 0;
    const { elapsed, latencies } = await drive(opts, async (n) => {
      const json = JSON.stringify([{ ...sampleBody(n), seq: n + 1, at: Date.now() }]);
      const line = `{"c":${crc32(json)},"e":${json}}\n`;
      await fh.appendFile(line);
      await fh.datasync();
      flushes++;
      bytes += Buffer.byteLength(line);
    });
    await fh.close();
    return summarise('baseline (write + fdatasync per record)', opts, elapsed, latencies, flushes, bytes);
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const durationMs = Number(process.argv[2] ?? 3000);
  const concurrency = Number(process.argv[3] ?? 32);
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'bench-'));
  try {
    const results = [
      await benchJournal({ dir, concurrency, durationMs }),
      await benchBaseline({ dir, concurrency: 1, durationMs }),
      await benchBaseline({ dir, concurrency, durationMs }),
    ];
    for (const r of results) process.stdout.write(`${JSON.stringify(r)}\n`);
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
}
