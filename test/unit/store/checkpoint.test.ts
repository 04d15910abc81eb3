import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { loadCheckpoint, saveCheckpoint } from '../../../server/store/checkpoint.js';
import type { StoreLogLevel } from '../../../server/store/journal.js';

interface S {
  day: string;
  tickets: string[];
}

describe('store/checkpoint', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'checkpoint-'));
  });
  afterEach(async () => {
    await fsp.rm(dir, { recursive: true, force: true });
  });

  it('returns null when no checkpoint was ever saved', async () => {
    expect(await loadCheckpoint(dir)).to.equal(null);
  });

  it('loads the newest saved checkpoint', async () => {
    await saveCheckpoint<S>(dir, { seq: 10, day: '2025-03-03', state: { day: '2025-03-03', tickets: ['A001'] } });
    await saveCheckpoint<S>(dir, { seq: 25, day: '2025-03-04', state: { day: '2025-03-04', tickets: [] } });
    const cp = await loadCheckpoint<S>(dir);
    expect(cp).to.deep.include({ seq: 25, day: '2025-03-04', state: { day: '2025-03-04', tickets: [] } });
    expect(cp?.file).to.equal(path.join(dir, 'checkpoint.json'));
  });

  it('keeps only the last two checkpoints in the history', async () => {
    for (const seq of [5, 9, 100, 1000]) {
      await saveCheckpoint<S>(dir, { seq, day: '2025-03-03', state: { day: '2025-03-03', tickets: [] } });
    }
    expect(await fsp.readdir(path.join(dir, 'checkpoints'))).to.deep.equal([
      'checkpoint-000000000100.json',
      'checkpoint-000000001000.json',
    ]);
  });

  it('falls back to the newest valid history file when the live one is corrupt, and says so', async () => {
    await saveCheckpoint<S>(dir, { seq: 7, day: '2025-03-03', state: { day: '2025-03-03', tickets: ['A001'] } });
    await saveCheckpoint<S>(dir, { seq: 9, day: '2025-03-04', state: { day: '2025-03-04', tickets: [] } });
    await fsp.writeFile(path.join(dir, 'checkpoint.json'), '{"version":1,"seq":9,');
    await fsp.writeFile(path.join(dir, 'checkpoints', 'checkpoint-000000000009.json'), '{"version":1}');
    const logs: { level: StoreLogLevel; msg: string }[] = [];
    const cp = await loadCheckpoint<S>(dir, { log: (level, msg) => logs.push({ level, msg }) });
    expect(cp?.seq).to.equal(7);
    expect(cp?.state.tickets).to.deep.equal(['A001']);
    expect(logs.map((l) => l.msg)).to.deep.equal(['checkpoint: unreadable file skipped', 'checkpoint: invalid file skipped']);
  });

  it('skips a checkpoint that is ahead of the journal', async () => {
    await saveCheckpoint<S>(dir, { seq: 7, day: '2025-03-03', state: { day: '2025-03-03', tickets: [] } });
    await saveCheckpoint<S>(dir, { seq: 9, day: '2025-03-04', state: { day: '2025-03-04', tickets: [] } });
    expect((await loadCheckpoint<S>(dir, { maxSeq: 8 }))?.seq).to.equal(7);
    expect(await loadCheckpoint<S>(dir, { maxSeq: 3 })).to.equal(null);
  });

  it('refuses a negative or fractional seq', async () => {
    for (const seq of [-1, 1.5, Number.NaN]) {
      const err = await saveCheckpoint(dir, { seq, day: null, state: {} }).catch((e: unknown) => e);
      expect(err).to.have.property('code', 'VALIDATION_FAILED');
    }
    expect(await loadCheckpoint(dir)).to.equal(null);
  });
});
