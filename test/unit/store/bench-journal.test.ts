import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { benchBaseline, benchJournal } from '../../../server/store/bench-journal.js';

describe('store/bench-journal', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'bench-test-'));
  });
  afterEach(async () => {
    await fsp.rm(dir, { recursive: true, force: true });
  });

  it('counts records and flushes of the journal run and cleans up after itself', async () => {
    const r = await benchJournal({ dir, concurrency: 16, durationMs: 200 });
    expect(r.records).to.be.greaterThan(0);
    expect(r.bytes).to.be.greaterThan(r.records * 100);
    // With 16 appenders in flight, records share flushes.
    expect(r.flushes).to.be.lessThan(r.records);
    expect(r.ratePerSec).to.be.closeTo((r.records * 1000) / r.durationMs, r.ratePerSec * 0.01 + 1);
    expect(r.latencyMs.p50).to.be.at.most(r.latencyMs.p99);
    expect(await fsp.readdir(dir)).to.deep.equal([]);
  });

  it('makes one fdatasync per record in the baseline run', async () => {
    const r = await benchBaseline({ dir, concurrency: 1, durationMs: 100 });
    expect(r.records).to.be.greaterThan(0);
    expect(r.flushes).to.equal(r.records);
    expect(await fsp.readdir(dir)).to.deep.equal([]);
  });
});
