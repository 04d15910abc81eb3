// The event journal: the queue's truth on disk. One NDJSON file per business day, one line per record (the
// events of one command), each line `{"c":<crc32 of the events JSON>,"e":[...events]}`. An append resolves
// only after its bytes are written and fdatasync'd; appends that arrive while a flush is in flight are
// written together by the next one (group commit), so the cost per command falls as load rises.

import { constants, promises as fsp } from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { HallError } from '../errors.js';
import type { EventBody, HallEvent } from '../hall/types.js';

export type StoreLogLevel = 'info' | 'warn' | 'error';
export type StoreLog = (level: StoreLogLevel, msg: string, fields: Record<string, unknown>) => void;

/** The subset of a `fs.promises.FileHandle` the journal writes through; tests inject faults here. */
export interface JournalFile {
  write(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesWritten: number }>;
  datasync(): Promise<void>;
  truncate(len: number): Promise<void>;
  stat(): Promise<{ size: number }>;
  close(): Promise<void>;
}

export interface JournalOptions {
  log?: StoreLog;
  /** Opens (creating if missing) a day file for positional read/write. Default: the real file system. */
  openFile?: (file: string) => Promise<JournalFile>;
}

/** What recovery did to one file whose tail was corrupt. */
export interface JournalRecovery {
  file: string;
  goodBytes: number;
  discardedBytes: number;
  discardedLines: number;
  /** Where the discarded bytes were moved. */
  movedTo: string;
}

export interface JournalStats {
  records: number;
  events: number;
  flushes: number;
  bytes: number;
  lastFlushMs: number;
  /** Largest number of records written by one flush. */
  maxBatch: number;
  failedFlushes: number;
  /** Corrupt records skipped while reading (open scan and readSince). */
  corruptRecords: number;
}

const DAY_FILE = /^(\d{4}-\d{2}-\d{2})\.ndjson$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const LINE = /^\{"c":(\d{1,10}),"e":(\[.*\])\}$/s;
const NL = 0x0a;
const READ_CHUNK = 1 << 16;

interface Pending {
  day: string;
  at: number;
  bodies: EventBody[];
  resolve: (events: HallEvent[]) => void;
  reject: (err: Error) => void;
}

interface OpenFile {
  day: string;
  file: string;
  handle: JournalFile;
}

/** One line of a day file as read back. */
type ScannedLine =
  | { ok: true; offset: number; length: number; events: HallEvent[] }
  | { ok: false; offset: number; length: number; reason: string };

async function defaultOpenFile(file: string): Promise<JournalFile> {
  // Positional writes (not O_APPEND) so a torn write can be overwritten after truncating back.
  return fsp.open(file, constants.O_RDWR | constants.O_CREAT, 0o644);
}

function dayFileName(day: string): string {
  return `${day}.ndjson`;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Checks one line (without its newline) and returns its events or why it is refused. */
function parseLine(line: Buffer): { events: HallEvent[] } | { reason: string } {
  if (line.length === 0) return { reason: 'empty line' };
  const text = line.toString('utf8');
  const m = LINE.exec(text);
  if (!m) return { reason: 'not a journal record' };
  const crcText = m[1] as string;
  const eventsText = m[2] as string;
  // The CRC covers the raw bytes between the ASCII prefix `{"c":N,"e":` and the closing brace.
  const prefix = 10 + crcText.length;
  if (crc32(line.subarray(prefix, line.length - 1)) !== Number(crcText)) return { reason: 'checksum mismatch' };
  let events: unknown;
  try {
    events = JSON.parse(eventsText);
  } catch {
    return { reason: 'unparsable events' };
  }
  if (!Array.isArray(events) || events.length === 0) return { reason: 'no events' };
  for (const e of events) {
    if (typeof e !== 'object' || e === null || typeof (e as HallEvent).seq !== 'number' || typeof (e as HallEvent).type !== 'string') {
      return { reason: 'malformed event' };
    }
  }
  return { events: events as HallEvent[] };
}

/** Reads a day file line by line up to `limit` bytes. A last line without its newline is reported as torn. */
async function* scanFile(file: string, limit = Infinity): AsyncGenerator<ScannedLine> {
  const fh = await fsp.open(file, 'r');
  try {
    let carry: Buffer = Buffer.alloc(0);
    let carryOffset = 0;
    let position = 0;
    const chunk = Buffer.allocUnsafe(READ_CHUNK);
    for (;;) {
      const want = Math.min(READ_CHUNK, limit - position);
      if (want <= 0) break;
      const { bytesRead } = await fh.read(chunk, 0, want, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      const buf = carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
      let start = 0;
      for (let i = buf.indexOf(NL); i !== -1; i = buf.indexOf(NL, start)) {
        const line = buf.subarray(start, i);
        const offset = carryOffset + start;
        const parsed = parseLine(line);
        yield 'events' in parsed
          ? { ok: true, offset, length: line.length + 1, events: parsed.events }
          : { ok: false, offset, length: line.length + 1, reason: parsed.reason };
        start = i + 1;
      }
      // Copy: `chunk` is reused by the next read.
      carry = Buffer.from(buf.subarray(start));
      carryOffset += start;
    }
    if (carry.length > 0) yield { ok: false, offset: carryOffset, length: carry.length, reason: 'half-written line' };
  } finally {
    await fh.close();
  }
}

async function fsyncDir(dir: string): Promise<void> {
  const fh = await fsp.open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export class Journal {
  readonly dir: string;
  /** The newest file whose corrupt tail was moved aside on open, or null when the journal was clean. */
  recovery: JournalRecovery | null = null;
  /** Every file recovered on open, newest first (more than one only if the newest held no good record). */
  readonly recoveries: JournalRecovery[] = [];
  readonly stats: JournalStats = {
    records: 0,
    events: 0,
    flushes: 0,
    bytes: 0,
    lastFlushMs: 0,
    maxBatch: 0,
    failedFlushes: 0,
    corruptRecords: 0,
  };

  private seq = 0;
  /** Newest day that has a file or an accepted append: appends for earlier days are refused. */
  private newestDay: string | null = null;
  /** Durable length of each day file this process writes to or recovered. */
  private readonly goodSize = new Map<string, number>();
  private current: OpenFile | null = null;
  private queue: Pending[] = [];
  private flushing: Promise<void> | null = null;
  private scheduled = false;
  private closed = false;
  private readonly log: StoreLog;
  private readonly openFile: (file: string) => Promise<JournalFile>;

  private constructor(dir: string, opts: JournalOptions) {
    this.dir = path.join(dir, 'journal');
    this.log = opts.log ?? (() => {});
    this.openFile = opts.openFile ?? defaultOpenFile;
  }

  static async open(dir: string, opts: JournalOptions = {}): Promise<Journal> {
    const j = new Journal(dir, opts);
    try {
      await fsp.mkdir(j.dir, { recursive: true });
      await j.recover();
    } catch (err) {
      if (err instanceof HallError) throw err;
      throw new HallError('STORE_FAILED', `cannot open journal in ${j.dir}: ${errorText(err)}`, { dir: j.dir });
    }
    return j;
  }

  /** Seq of the last durable event (0 for an empty journal). */
  get lastSeq(): number {
    return this.seq;
  }

  /** Day files present, oldest first. */
  async days(): Promise<string[]> {
    const names = await fsp.readdir(this.dir);
    return names
      .map((n) => DAY_FILE.exec(n)?.[1])
      .filter((d): d is string => d !== undefined)
      .sort();
  }

  /**
   * Writes the events of one command as one record. Resolves with the events (seq and `at` assigned) once
   * they are on disk; rejects with STORE_FAILED if they could not be made durable, in which case none of
   * them exist and their seqs are reused.
   */
  append(day: string, at: number, bodies: EventBody[]): Promise<HallEvent[]> {
    if (this.closed) return Promise.reject(new HallError('STORE_FAILED', 'journal is closed'));
    if (typeof day !== 'string' || !DAY.test(day)) {
      return Promise.reject(new HallError('VALIDATION_FAILED', `journal day must be YYYY-MM-DD, got ${JSON.stringify(day)}`));
    }
    if (typeof at !== 'number' || !Number.isFinite(at)) {
      return Promise.reject(new HallError('VALIDATION_FAILED', 'journal append needs a finite time `at`'));
    }
    if (!Array.isArray(bodies)) {
      return Promise.reject(new HallError('VALIDATION_FAILED', 'journal append needs an array of events'));
    }
    if (bodies.length === 0) return Promise.resolve([]);
    // Files are read in name order, so a record may never land in a day before one already written.
    if (this.newestDay !== null && day < this.newestDay) {
      return Promise.reject(
        new HallError('STORE_FAILED', `journal day ${day} is before the newest day ${this.newestDay}`, {
          day,
          newestDay: this.newestDay,
        }),
      );
    }
    this.newestDay = day;
    return new Promise<HallEvent[]>((resolve, reject) => {
      this.queue.push({ day, at, bodies, resolve, reject });
      this.schedule();
    });
  }

  /**
   * Events with seq > afterSeq, oldest first, from the day files named `fromDay` or later. Only durable
   * records are read. A corrupt record is reported through the log and skipped.
   */
  async *readSince(afterSeq: number, fromDay?: string): AsyncGenerator<HallEvent> {
    const upTo = this.seq;
    const days = (await this.days()).filter((d) => fromDay === undefined || d >= fromDay);
    for (const day of days) {
      if (afterSeq >= upTo) return;
      const file = path.join(this.dir, dayFileName(day));
      // The file being written may hold a record in flight past its durable length: stop there.
      const limit = this.goodSize.get(day) ?? Infinity;
      for await (const line of scanFile(file, limit)) {
        if (!line.ok) {
          this.reportCorrupt(file, line);
          continue;
        }
        for (const e of line.events) {
          if (e.seq > afterSeq && e.seq <= upTo) yield e;
        }
      }
    }
  }

  /** Waits for every queued append to settle, then releases the file. Later appends are refused. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.flushing || this.queue.length > 0) {
      if (!this.flushing) this.pump();
      await this.flushing;
    }
    await this.dropHandle();
  }

  // ------------------------------------------------------------------ recovery

  private async recover(): Promise<void> {
    const days = await this.days();
    this.newestDay = days.at(-1) ?? null;
    // Newest first: stop at the first file that has a good record, it holds the last seq.
    for (let i = days.length - 1; i >= 0; i--) {
      const day = days[i] as string;
      const lastSeq = await this.recoverFile(day);
      if (lastSeq !== null) {
        this.seq = lastSeq;
        break;
      }
    }
  }

  /** Scans one file, moves a corrupt tail aside and truncates. Returns the file's last seq, or null if none. */
  private async recoverFile(day: string): Promise<number | null> {
    const file = path.join(this.dir, dayFileName(day));
    let goodEnd = 0;
    let lastSeq: number | null = null;
    let size = 0;
    const bad: ScannedLine[] = [];
    for await (const line of scanFile(file)) {
      size = line.offset + line.length;
      if (line.ok) {
        // Bad lines before a good one are damage in the middle, not a tail: skip them, keep what follows.
        for (const b of bad) this.reportCorrupt(file, b);
        bad.length = 0;
        goodEnd = size;
        lastSeq = (line.events.at(-1) as HallEvent).seq;
      } else {
        bad.push(line);
      }
    }
    this.goodSize.set(day, goodEnd);
    if (size > goodEnd) await this.moveTailAside(file, goodEnd, size, bad.length);
    return lastSeq;
  }

  private async moveTailAside(file: string, goodBytes: number, size: number, lines: number): Promise<void> {
    const base = path.basename(file);
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const movedTo = path.join(this.dir, `corrupt-${base}-${stamp}.bin`);
    const fh = await fsp.open(file, 'r+');
    try {
      const tail = Buffer.alloc(size - goodBytes);
      await fh.read(tail, 0, tail.length, goodBytes);
      // The copy is made durable before the original bytes are cut, so they exist somewhere at every moment.
      const out = await fsp.open(movedTo, 'wx');
      try {
        await out.writeFile(tail);
        await out.sync();
      } finally {
        await out.close();
      }
      await fsyncDir(this.dir);
      await fh.truncate(goodBytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    const rec: JournalRecovery = { file: base, goodBytes, discardedBytes: size - goodBytes, discardedLines: lines, movedTo };
    this.recoveries.push(rec);
    this.recovery ??= rec;
    this.log('warn', 'journal: corrupt tail moved aside', { ...rec });
  }

  private reportCorrupt(file: string, line: ScannedLine): void {
    this.stats.corruptRecords++;
    this.log('warn', 'journal: corrupt record skipped', {
      file: path.basename(file),
      offset: line.offset,
      bytes: line.length,
      reason: line.ok ? 'unknown' : line.reason,
    });
  }

  // ------------------------------------------------------------------ group commit

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // A microtask lets appends made in the same tick share the first flush too.
    queueMicrotask(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    if (this.flushing || this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    this.flushing = this.flush(batch).finally(() => {
      this.flushing = null;
      this.pump();
    });
  }

  /** Writes a batch: one write and one fdatasync per day file touched, in order. Never rejects. */
  private async flush(batch: Pending[]): Promise<void> {
    const started = performance.now();
    let seq = this.seq;
    // Consecutive records of the same day form one write.
    const groups: { day: string; items: { p: Pending; events: HallEvent[]; line: string }[] }[] = [];
    for (const p of batch) {
      const events = p.bodies.map((b, i) => ({ ...b, seq: seq + i + 1, at: p.at }) as HallEvent);
      let json: string;
      try {
        json = JSON.stringify(events);
      } catch (err) {
        p.reject(new HallError('VALIDATION_FAILED', `journal record is not serialisable: ${errorText(err)}`));
        continue;
      }
      seq += events.length;
      const line = `{"c":${crc32(json)},"e":${json}}\n`;
      const last = groups.at(-1);
      if (last && last.day === p.day) last.items.push({ p, events, line });
      else groups.push({ day: p.day, items: [{ p, events, line }] });
    }
    let failed: HallError | null = null;
    let written = 0;
    for (const g of groups) {
      if (failed) {
        // A later day's records follow a failed earlier write: they would leave a seq gap, so fail them too.
        for (const it of g.items) it.p.reject(failed);
        continue;
      }
      const buf = Buffer.from(g.items.map((it) => it.line).join(''), 'utf8');
      try {
        await this.writeDurably(g.day, buf);
      } catch (err) {
        this.stats.failedFlushes++;
        failed = new HallError('STORE_FAILED', `journal write failed for ${dayFileName(g.day)}: ${errorText(err)}`, {
          file: dayFileName(g.day),
          records: g.items.length,
          ...(err && typeof err === 'object' && 'code' in err ? { cause: String((err as { code: unknown }).code) } : {}),
        });
        this.log('error', 'journal: write failed, appends rejected', { ...failed.details, message: failed.message });
        for (const it of g.items) it.p.reject(failed);
        continue;
      }
      for (const it of g.items) {
        const lastEvent = it.events.at(-1) as HallEvent;
        this.seq = lastEvent.seq;
        this.stats.records++;
        this.stats.events += it.events.length;
        it.p.resolve(it.events);
      }
      written += g.items.length;
      this.stats.flushes++;
      this.stats.bytes += buf.length;
    }
    this.stats.maxBatch = Math.max(this.stats.maxBatch, written);
    this.stats.lastFlushMs = performance.now() - started;
  }

  private async writeDurably(day: string, buf: Buffer): Promise<void> {
    const f = await this.fileFor(day);
    const start = this.goodSize.get(day) ?? 0;
    try {
      let done = 0;
      while (done < buf.length) {
        const { bytesWritten } = await f.handle.write(buf, done, buf.length - done, start + done);
        if (bytesWritten <= 0) throw new Error('write made no progress');
        done += bytesWritten;
      }
      await f.handle.datasync();
    } catch (err) {
      // Cut any torn bytes now; the handle is reopened (and cut again) before the next write in any case.
      await f.handle.truncate(start).catch(() => {});
      await this.dropHandle();
      throw err;
    }
    this.goodSize.set(day, start + buf.length);
  }

  private async fileFor(day: string): Promise<OpenFile> {
    if (this.current?.day === day) return this.current;
    await this.dropHandle();
    const file = path.join(this.dir, dayFileName(day));
    const known = this.goodSize.get(day);
    const handle = await this.openFile(file);
    try {
      const { size } = await handle.stat();
      if (known === undefined && size > 0) {
        // Only a file created behind the journal's back can get here: never cut bytes we did not write.
        throw new Error(`day file ${dayFileName(day)} appeared with ${size} bytes after the journal was opened`);
      }
      const good = known ?? 0;
      // Bytes past the last durable record are from a failed write: they must not precede the next record.
      if (size > good) await handle.truncate(good);
      if (known === undefined) {
        // A new day file: its directory entry must be durable too.
        await handle.datasync();
        await fsyncDir(this.dir);
        this.goodSize.set(day, 0);
      }
    } catch (err) {
      await handle.close().catch(() => {});
      throw err;
    }
    this.current = { day, file, handle };
    return this.current;
  }

  private async dropHandle(): Promise<void> {
    const c = this.current;
    this.current = null;
    if (c) await c.handle.close().catch(() => {});
  }
}
