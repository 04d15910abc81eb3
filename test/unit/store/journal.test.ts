import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { HallError } from '../../../server/errors.js';
import type { EventBody, HallEvent } from '../../../server/hall/types.js';
import { Journal, type JournalFile, type StoreLogLevel } from '../../../server/store/journal.js';

const D1 = '2025-03-03';
const D2 = '2025-03-04';
const D3 = '2025-03-05';

function pause(windowId: string, reason = '午休'): EventBody {
  return { type: 'WindowPaused', windowId, reason };
}

async function collect(src: AsyncIterable<HallEvent>): Promise<HallEvent[]> {
  const out: HallEvent[] = [];
  for await (const e of src) out.push(e);
  return out;
}

async function tempDir(): Promise<string> {
  return fsp.mkdtemp(path.join(os.tmpdir(), 'journal-'));
}

function recordingLog(): { entries: { level: StoreLogLevel; msg: string; fields: Record<string, unknown> }[]; log: (l: StoreLogLevel, m: string, f: Record<string, unknown>) => void } {
  const entries: { level: StoreLogLevel; msg: string; fields: Record<string, unknown> }[] = [];
  return { entries, log: (level, msg, fields) => entries.push({ level, msg, fields }) };
}

describe('store/journal', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    await fsp.rm(dir, { recursive: true, force: true });
  });

  it('assigns consecutive seqs and the given time, and reads back exactly what was appended', async () => {
    const j = await Journal.open(dir);
    const a = await j.append(D1, 1000, [pause('w1'), { type: 'WindowResumed', windowId: 'w1' }]);
    const b = await j.append(D1, 2000, [{ type: 'TicketCancelled', ticketId: '20250303-A001', reason: '不办了 "quoted"\n' }]);
    expect(a.map((e) => [e.seq, e.at])).to.deep.equal([
      [1, 1000],
      [2, 1000],
    ]);
    expect(b[0]).to.deep.include({ seq: 3, at: 2000, type: 'TicketCancelled' });
    expect(j.lastSeq).to.equal(3);
    await j.close();

    const again = await Journal.open(dir);
    expect(await collect(again.readSince(0))).to.deep.equal([...a, ...b]);
    expect(await collect(again.readSince(2))).to.deep.equal(b);
    expect(again.recovery).to.equal(null);
    await again.close();
  });

  it('writes one line per command with a CRC over its events', async () => {
    const j = await Journal.open(dir);
    await j.append(D1, 5, [pause('w1'), pause('w2')]);
    await j.append(D1, 6, [pause('w3')]);
    await j.close();
    const text = await fsp.readFile(path.join(dir, 'journal', `${D1}.ndjson`), 'utf8');
    const lines = text.split('\n');
    expect(lines).to.have.length(3);
    expect(lines[2]).to.equal('');
    const first = JSON.parse(lines[0] as string) as { c: number; e: HallEvent[] };
    expect(first.e.map((e) => e.seq)).to.deep.equal([1, 2]);
    const { crc32 } = await import('node:zlib');
    expect(first.c).to.equal(crc32(JSON.stringify(first.e)));
  });

  it('continues the seq after a reopen and across business days, one file per day', async () => {
    const j = await Journal.open(dir);
    await j.append(D1, 1, [pause('w1')]);
    await j.append(D1, 2, [pause('w2')]);
    await j.close();

    const j2 = await Journal.open(dir);
    expect(j2.lastSeq).to.equal(2);
    const [e3] = await j2.append(D2, 3, [pause('w3')]);
    expect(e3?.seq).to.equal(3);
    await j2.close();

    const j3 = await Journal.open(dir);
    expect(j3.lastSeq).to.equal(3);
    const [e4] = await j3.append(D2, 4, [pause('w4')]);
    expect(e4?.seq).to.equal(4);
    expect(await j3.days()).to.deep.equal([D1, D2]);
    expect((await collect(j3.readSince(0))).map((e) => e.seq)).to.deep.equal([1, 2, 3, 4]);
    await j3.close();
  });

  it('takes the last seq from the previous day when the newest day file is empty', async () => {
    const j = await Journal.open(dir);
    await j.append(D1, 1, [pause('w1'), pause('w2')]);
    await j.close();
    await fsp.writeFile(path.join(dir, 'journal', `${D2}.ndjson`), '');
    const j2 = await Journal.open(dir);
    expect(j2.lastSeq).to.equal(2);
    const [e] = await j2.append(D2, 2, [pause('w3')]);
    expect(e?.seq).to.equal(3);
    await j2.close();
  });

  it('group-commits 200 concurrent appends into far fewer flushes, keeping seq in call order', async () => {
    const j = await Journal.open(dir);
    await j.append(D1, 0, [pause('w0')]);
    const before = j.stats.flushes;
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => j.append(D1, i, [pause(`w${i}`)])));
    const flushes = j.stats.flushes - before;
    expect(results.map((r) => r[0]?.seq)).to.deep.equal(Array.from({ length: 200 }, (_, i) => i + 2));
    expect(results.map((r) => (r[0] as { windowId: string }).windowId)).to.deep.equal(
      Array.from({ length: 200 }, (_, i) => `w${i}`),
    );
    expect(j.stats.records).to.equal(201);
    expect(flushes).to.be.at.most(10);
    expect(j.stats.maxBatch).to.be.at.least(20);
    await j.close();
  });

  it('queues appends that arrive while a flush is in flight and writes them together next', async () => {
    const j = await Journal.open(dir);
    const first = j.append(D1, 0, [pause('w0')]);
    // Let the first flush start, then pile up more behind it.
    await new Promise((r) => setImmediate(r));
    const rest = Array.from({ length: 50 }, (_, i) => j.append(D1, i, [pause(`w${i}`)]));
    await Promise.all([first, ...rest]);
    expect(j.stats.records).to.equal(51);
    expect(j.stats.flushes).to.be.at.most(3);
    await j.close();
  });

  it('writes a batch that spans two days into both files, in order', async () => {
    const j = await Journal.open(dir);
    const all = await Promise.all([
      j.append(D1, 1, [pause('a')]),
      j.append(D1, 2, [pause('b')]),
      j.append(D2, 3, [pause('c')]),
      j.append(D2, 4, [pause('d')]),
    ]);
    expect(all.map((r) => r[0]?.seq)).to.deep.equal([1, 2, 3, 4]);
    await j.close();
    const j2 = await Journal.open(dir);
    expect((await collect(j2.readSince(0, D2))).map((e) => e.seq)).to.deep.equal([3, 4]);
    expect((await collect(j2.readSince(0))).map((e) => e.seq)).to.deep.equal([1, 2, 3, 4]);
    await j2.close();
  });

  it('readSince skips the files of days before fromDay without reading them', async () => {
    const rec = recordingLog();
    const j = await Journal.open(dir, { log: rec.log });
    await j.append(D1, 1, [pause('w1')]);
    await j.append(D2, 2, [pause('w2')]);
    await j.append(D3, 3, [pause('w3')]);
    // Garbage in the oldest file would be reported if it were read.
    await fsp.appendFile(path.join(dir, 'journal', `${D1}.ndjson`), 'garbage that is not a record\n');
    expect((await collect(j.readSince(0, D2))).map((e) => e.seq)).to.deep.equal([2, 3]);
    expect((await collect(j.readSince(2, D2))).map((e) => e.seq)).to.deep.equal([3]);
    expect(rec.entries).to.deep.equal([]);
    expect(j.stats.corruptRecords).to.equal(0);
    await j.close();
  });

  it('refuses bad arguments with a structured error and stays usable', async () => {
    const j = await Journal.open(dir);
    const refusals = await Promise.allSettled([
      j.append('2025-3-3', 1, [pause('w1')]),
      j.append(D1, Number.NaN, [pause('w1')]),
      j.append(D1, 1, 'nope' as unknown as EventBody[]),
    ]);
    for (const r of refusals) {
      expect(r.status).to.equal('rejected');
      expect((r as PromiseRejectedResult).reason).to.be.instanceOf(HallError).with.property('code', 'VALIDATION_FAILED');
    }
    expect(await j.append(D1, 1, [])).to.deep.equal([]);
    const [e] = await j.append(D1, 1, [pause('w1')]);
    expect(e?.seq).to.equal(1);
    await j.close();
  });

  it('rejects a record that cannot be serialised without costing the others their seq', async () => {
    const j = await Journal.open(dir);
    const circular: Record<string, unknown> = { type: 'WindowPaused', windowId: 'w1' };
    circular.self = circular;
    const [a, bad, c] = await Promise.allSettled([
      j.append(D1, 1, [pause('w1')]),
      j.append(D1, 1, [circular as unknown as EventBody]),
      j.append(D1, 1, [pause('w2')]),
    ]);
    expect(a.status === 'fulfilled' && a.value[0]?.seq).to.equal(1);
    expect(bad.status).to.equal('rejected');
    expect((bad as PromiseRejectedResult).reason).to.have.property('code', 'VALIDATION_FAILED');
    expect(c.status === 'fulfilled' && c.value[0]?.seq).to.equal(2);
    await j.close();
  });

  it('refuses a day earlier than the newest day already written', async () => {
    const j = await Journal.open(dir);
    await j.append(D2, 1, [pause('w1')]);
    const err = await j.append(D1, 2, [pause('w1')]).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(HallError).with.property('code', 'STORE_FAILED');
    expect((err as HallError).details).to.deep.equal({ day: D1, newestDay: D2 });
    await j.close();
    const j2 = await Journal.open(dir);
    const err2 = await j2.append(D1, 2, [pause('w1')]).catch((e: unknown) => e);
    expect(err2).to.have.property('code', 'STORE_FAILED');
    await j2.close();
  });

  it('close waits for pending appends and refuses appends after it', async () => {
    const j = await Journal.open(dir);
    const pending = Array.from({ length: 20 }, (_, i) => j.append(D1, i, [pause(`w${i}`)]));
    await j.close();
    const settled = await Promise.allSettled(pending);
    expect(settled.every((s) => s.status === 'fulfilled')).to.equal(true);
    const err = await j.append(D1, 1, [pause('w1')]).catch((e: unknown) => e);
    expect(err).to.have.property('code', 'STORE_FAILED');
    const j2 = await Journal.open(dir);
    expect(j2.lastSeq).to.equal(20);
    await j2.close();
  });

  describe('write errors', () => {
    /** A real file whose next write stores only part of the bytes and then fails, like a disk filling up. */
    function faultyOpen(plan: { failWrites: number; failSyncs: number; opens: number }) {
      return async (file: string): Promise<JournalFile> => {
        plan.opens++;
        const fh = await fsp.open(file, fsp.constants.O_RDWR | fsp.constants.O_CREAT);
        return {
          async write(buf, offset, length, position) {
            if (plan.failWrites > 0) {
              plan.failWrites--;
              const half = Math.max(1, Math.floor(length / 2));
              await fh.write(buf, offset, half, position);
              throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
            }
            return fh.write(buf, offset, length, position);
          },
          async datasync() {
            if (plan.failSyncs > 0) {
              plan.failSyncs--;
              throw Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
            }
            return fh.datasync();
          },
          truncate: (len) => fh.truncate(len),
          stat: () => fh.stat(),
          close: () => fh.close(),
        };
      };
    }

    it('rejects the appends of a failed write, cuts the torn bytes, and later appends replay cleanly', async () => {
      const plan = { failWrites: 0, failSyncs: 0, opens: 0 };
      const rec = recordingLog();
      const j = await Journal.open(dir, { openFile: faultyOpen(plan), log: rec.log });
      await j.append(D1, 1, [pause('w1')]);
      plan.failWrites = 1;
      const failed = await Promise.allSettled([j.append(D1, 2, [pause('w2')]), j.append(D1, 2, [pause('w3')])]);
      for (const f of failed) {
        expect(f.status).to.equal('rejected');
        const reason = (f as PromiseRejectedResult).reason as HallError;
        expect(reason).to.be.instanceOf(HallError);
        expect(reason.code).to.equal('STORE_FAILED');
        expect(reason.message).to.match(/ENOSPC/);
        expect(reason.details).to.include({ cause: 'ENOSPC', file: `${D1}.ndjson` });
      }
      expect(j.lastSeq).to.equal(1);
      expect(j.stats.failedFlushes).to.equal(1);
      expect(rec.entries.some((e) => e.level === 'error')).to.equal(true);

      const [next] = await j.append(D1, 3, [pause('w4')]);
      expect(next?.seq).to.equal(2);
      expect(plan.opens).to.equal(2);
      await j.close();

      const j2 = await Journal.open(dir);
      expect(j2.recovery).to.equal(null);
      expect(j2.stats.corruptRecords).to.equal(0);
      const events = await collect(j2.readSince(0));
      expect(events.map((e) => [e.seq, (e as { windowId: string }).windowId])).to.deep.equal([
        [1, 'w1'],
        [2, 'w4'],
      ]);
      await j2.close();
    });

    it('treats a failed fdatasync as a failed write and removes the unsynced record', async () => {
      const plan = { failWrites: 0, failSyncs: 0, opens: 0 };
      const j = await Journal.open(dir, { openFile: faultyOpen(plan) });
      await j.append(D1, 1, [pause('w1')]);
      plan.failSyncs = 1;
      const err = await j.append(D1, 2, [pause('lost')]).catch((e: unknown) => e);
      expect(err).to.have.property('code', 'STORE_FAILED');
      const [next] = await j.append(D1, 3, [pause('w2')]);
      expect(next?.seq).to.equal(2);
      await j.close();
      const text = await fsp.readFile(path.join(dir, 'journal', `${D1}.ndjson`), 'utf8');
      expect(text).to.not.include('lost');
      expect(text.trimEnd().split('\n')).to.have.length(2);
    });

    it('rejects appends when a new day file cannot be opened and retries the open on the next append', async () => {
      let refuse = 1;
      const j = await Journal.open(dir, {
        openFile: async (file) => {
          if (refuse-- > 0) throw Object.assign(new Error(`EMFILE: too many open files, open '${file}'`), { code: 'EMFILE' });
          return fsp.open(file, fsp.constants.O_RDWR | fsp.constants.O_CREAT);
        },
      });
      const err = await j.append(D1, 1, [pause('w1')]).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(HallError).with.property('code', 'STORE_FAILED');
      expect((err as HallError).details).to.include({ cause: 'EMFILE' });
      const [e] = await j.append(D1, 2, [pause('w2')]);
      expect(e?.seq).to.equal(1);
      await j.close();
    });

    it('fails the later day of a batch when the earlier day failed, so no seq gap appears', async () => {
      const plan = { failWrites: 0, failSyncs: 0, opens: 0 };
      const j = await Journal.open(dir, { openFile: faultyOpen(plan) });
      await j.append(D1, 1, [pause('w1')]);
      plan.failWrites = 1;
      const settled = await Promise.allSettled([j.append(D1, 2, [pause('w2')]), j.append(D2, 3, [pause('w3')])]);
      expect(settled.map((s) => s.status)).to.deep.equal(['rejected', 'rejected']);
      const [next] = await j.append(D2, 4, [pause('w4')]);
      expect(next?.seq).to.equal(2);
      await j.close();
      const j2 = await Journal.open(dir);
      expect((await collect(j2.readSince(0))).map((e) => e.seq)).to.deep.equal([1, 2]);
      await j2.close();
    });
  });
});
