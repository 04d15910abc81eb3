import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { expect } from 'chai';
import type { EventBody, HallEvent } from '../../../server/hall/types.js';
import { Journal, type StoreLogLevel } from '../../../server/store/journal.js';

const D1 = '2025-03-03';
const D2 = '2025-03-04';

function pause(windowId: string): EventBody {
  return { type: 'WindowPaused', windowId, reason: '系统维护' };
}

async function collect(src: AsyncIterable<HallEvent>): Promise<HallEvent[]> {
  const out: HallEvent[] = [];
  for await (const e of src) out.push(e);
  return out;
}

/** A record line as the journal writes it, for building damaged files by hand. */
function recordLine(events: object[], crc?: number): string {
  const json = JSON.stringify(events);
  return `{"c":${crc ?? crc32(json)},"e":${json}}\n`;
}

describe('store/journal recovery', () => {
  let dir: string;
  let file: string;
  let logs: { level: StoreLogLevel; msg: string; fields: Record<string, unknown> }[];
  const log = (level: StoreLogLevel, msg: string, fields: Record<string, unknown>) => logs.push({ level, msg, fields });

  beforeEach(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'journal-rec-'));
    file = path.join(dir, 'journal', `${D1}.ndjson`);
    logs = [];
    const j = await Journal.open(dir);
    await j.append(D1, 10, [pause('w1'), pause('w2')]);
    await j.append(D1, 20, [pause('w3')]);
    await j.close();
  });
  afterEach(async () => {
    await fsp.rm(dir, { recursive: true, force: true });
  });

  const halfLine = recordLine([{ ...pause('w4'), seq: 4, at: 30 }]).slice(0, 25);
  const badCrc = recordLine([{ ...pause('w4'), seq: 4, at: 30 }], 12345);
  const kinds: { name: string; tail: Buffer; lines: number }[] = [
    { name: 'a half-written line', tail: Buffer.from(halfLine), lines: 1 },
    { name: 'a line whose CRC does not match', tail: Buffer.from(badCrc), lines: 1 },
    { name: 'garbage bytes', tail: Buffer.from([0x00, 0x00, 0xff, 0xfe, 0x0a, 0x7b, 0x22, 0x0a, 0x00, 0x00]), lines: 3 },
    { name: 'an empty trailing line', tail: Buffer.from('\n'), lines: 1 },
    { name: 'a torn line followed by more junk', tail: Buffer.from(halfLine.slice(0, 10) + '\n' + 'not json\n'), lines: 2 },
  ];

  for (const kind of kinds) {
    it(`moves ${kind.name} at the end aside, truncates the file and keeps appending after it`, async () => {
      const goodBytes = (await fsp.stat(file)).size;
      await fsp.appendFile(file, kind.tail);

      const j = await Journal.open(dir, { log });
      expect(j.lastSeq).to.equal(3);
      expect(j.recovery).to.include({
        file: `${D1}.ndjson`,
        goodBytes,
        discardedBytes: kind.tail.length,
        discardedLines: kind.lines,
      });
      expect(logs.some((l) => l.level === 'warn' && l.msg.includes('corrupt tail'))).to.equal(true);
      expect((await fsp.stat(file)).size).to.equal(goodBytes);
      // The discarded bytes are kept, byte for byte, under a corrupt-* name the journal never reads.
      const movedTo = j.recovery?.movedTo as string;
      expect(path.basename(movedTo)).to.match(new RegExp(`^corrupt-${D1}\\.ndjson-.+\\.bin$`));
      expect((await fsp.readFile(movedTo)).equals(kind.tail)).to.equal(true);

      const [e] = await j.append(D1, 40, [pause('w9')]);
      expect(e?.seq).to.equal(4);
      await j.close();

      const j2 = await Journal.open(dir, { log });
      expect(j2.recovery).to.equal(null);
      const seqs = (await collect(j2.readSince(0))).map((x) => x.seq);
      expect(seqs).to.deep.equal([1, 2, 3, 4]);
      expect(j2.stats.corruptRecords).to.equal(0);
      await j2.close();
    });
  }

  it('skips a corrupt record in the middle of an older file, reports it, and reads on', async () => {
    const j = await Journal.open(dir);
    await j.append(D2, 30, [pause('w5')]);
    await j.close();
    // Damage the first record of the older day: flip a digit inside its events.
    const text = await fsp.readFile(file, 'utf8');
    await fsp.writeFile(file, text.replace('"w1"', '"w7"'));

    const j2 = await Journal.open(dir, { log });
    expect(j2.recovery).to.equal(null);
    expect(j2.lastSeq).to.equal(4);
    const seqs = (await collect(j2.readSince(0))).map((x) => x.seq);
    expect(seqs).to.deep.equal([3, 4]);
    expect(j2.stats.corruptRecords).to.equal(1);
    const warn = logs.find((l) => l.msg.includes('corrupt record skipped'));
    expect(warn?.fields).to.include({ file: `${D1}.ndjson`, offset: 0, reason: 'checksum mismatch' });
    await j2.close();
  });

  it('keeps good records that follow a damaged one in the newest file instead of cutting them', async () => {
    const good = await fsp.readFile(file, 'utf8');
    const [first, second] = good.split('\n');
    await fsp.writeFile(file, `${first}\n{"c":1,"e":[]}\n${second}\n`);

    const j = await Journal.open(dir, { log });
    expect(j.recovery).to.equal(null);
    expect(j.lastSeq).to.equal(3);
    expect(j.stats.corruptRecords).to.equal(1);
    const [e] = await j.append(D1, 50, [pause('w6')]);
    expect(e?.seq).to.equal(4);
    expect((await collect(j.readSince(0))).map((x) => x.seq)).to.deep.equal([1, 2, 3, 4]);
    await j.close();
  });

  it('falls back to the previous day when the newest file holds nothing but a torn record', async () => {
    const next = path.join(dir, 'journal', `${D2}.ndjson`);
    await fsp.writeFile(next, halfLine);

    const j = await Journal.open(dir, { log });
    expect(j.lastSeq).to.equal(3);
    expect(j.recovery).to.include({ file: `${D2}.ndjson`, goodBytes: 0, discardedBytes: halfLine.length });
    expect((await fsp.stat(next)).size).to.equal(0);
    const [e] = await j.append(D2, 60, [pause('w8')]);
    expect(e?.seq).to.equal(4);
    await j.close();

    const j2 = await Journal.open(dir);
    expect((await collect(j2.readSince(0))).map((x) => x.seq)).to.deep.equal([1, 2, 3, 4]);
    await j2.close();
  });

  it('ignores files in the journal folder that are not day files', async () => {
    await fsp.writeFile(path.join(dir, 'journal', 'corrupt-old.bin'), 'junk\n');
    await fsp.writeFile(path.join(dir, 'journal', 'notes.txt'), 'junk\n');
    const j = await Journal.open(dir, { log });
    expect(await j.days()).to.deep.equal([D1]);
    expect((await collect(j.readSince(0))).map((x) => x.seq)).to.deep.equal([1, 2, 3]);
    expect(logs).to.deep.equal([]);
    await j.close();
  });
});
