// The case store: one append-only NDJSON log (`cases/cases.ndjson`), one line per write batch
// `{"c":<crc32 of the records JSON>,"r":[records]}`, each record the whole latest version of one case. A
// write resolves only after its bytes are written and fdatasync'd; writes arriving during a flush go out
// together with the next one. The applicant is sealed (AES-256-GCM) inside each record, and scanned pages and
// documents are sealed files beside the log, so no full name or ID number is ever on disk in the clear.
//
// Recovery reads the log back and keeps the newest version of each case; a torn or corrupt tail (a crash in
// the middle of a write) is moved aside to `corrupt-<time>.bin` and cut off: it was never acknowledged.
// Purging rewrites the log without the purged cases (temp file, fsync, rename, fsync the folder).

import { constants, promises as fsp } from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { HallError } from '../errors.js';
import type { Sealer } from './seal.js';
import type { CaseRecord } from './types.js';

const LOG = 'cases.ndjson';
const LINE = /^\{"c":(\d{1,10}),"r":(\[.*\])\}$/s;

export type CaseStoreLog = (level: 'info' | 'warn' | 'error', msg: string, fields: Record<string, unknown>) => void;

interface Pending {
  records: CaseRecord[];
  resolve: () => void;
  reject: (e: Error) => void;
}

export class CaseStore {
  private readonly cases = new Map<string, CaseRecord>();
  private handle: fsp.FileHandle | null = null;
  private size = 0;
  private queue: Pending[] = [];
  private flushing: Promise<void> | null = null;
  private failed: Error | null = null;
  /** Set while a purge rewrites the log: new writes wait for it. */
  private gate: Promise<unknown> | null = null;

  private constructor(
    readonly dir: string,
    private readonly sealer: Sealer,
    private readonly log: CaseStoreLog,
  ) {}

  static async open(dir: string, sealer: Sealer, log: CaseStoreLog = () => {}): Promise<CaseStore> {
    await fsp.mkdir(path.join(dir, 'files'), { recursive: true });
    const s = new CaseStore(dir, sealer, log);
    await s.recover();
    return s;
  }

  private get file(): string {
    return path.join(this.dir, LOG);
  }

  private async recover(): Promise<void> {
    let buf: Buffer;
    try {
      buf = await fsp.readFile(this.file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      buf = Buffer.alloc(0);
    }
    let good = 0;
    let pos = 0;
    while (pos < buf.length) {
      const nl = buf.indexOf(0x0a, pos);
      if (nl < 0) break;
      const m = LINE.exec(buf.subarray(pos, nl).toString('utf8'));
      if (!m || crc32(m[2]!) !== Number(m[1])) break;
      let records: CaseRecord[];
      try {
        records = JSON.parse(m[2]!) as CaseRecord[];
      } catch {
        break;
      }
      for (const r of records) this.cases.set(r.id, r);
      pos = nl + 1;
      good = pos;
    }
    if (good < buf.length) {
      const movedTo = path.join(this.dir, `corrupt-${Date.now()}.bin`);
      await fsp.writeFile(movedTo, buf.subarray(good));
      const h = await fsp.open(this.file, 'r+');
      await h.truncate(good);
      await h.datasync();
      await h.close();
      this.log('warn', 'case log: a torn tail was moved aside', { goodBytes: good, discardedBytes: buf.length - good, movedTo });
    }
    this.handle = await fsp.open(this.file, 'a');
    this.size = good;
  }

  all(): IterableIterator<CaseRecord> {
    return this.cases.values();
  }

  get(id: string): CaseRecord | undefined {
    return this.cases.get(id);
  }

  /** Makes the records durable; the in-memory copy changes only once they are on disk. */
  async put(...records: CaseRecord[]): Promise<void> {
    while (this.gate) await this.gate;
    if (this.failed) throw new HallError('STORE_FAILED', `case store unavailable: ${this.failed.message}`);
    await new Promise<void>((resolve, reject) => {
      this.queue.push({ records, resolve, reject });
      if (!this.flushing) this.flushing = this.flush();
    });
    for (const r of records) this.cases.set(r.id, r);
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      const json = JSON.stringify(batch.flatMap((p) => p.records));
      const line = Buffer.from(`{"c":${crc32(json)},"r":${json}}\n`, 'utf8');
      try {
        if (!this.handle) throw new Error('case log is closed');
        await this.handle.write(line, 0, line.length);
        await this.handle.datasync();
        this.size += line.length;
        for (const p of batch) p.resolve();
      } catch (err) {
        // As with the journal: after a failed write nothing more is acknowledged; a restart recovers.
        this.failed = err as Error;
        this.log('error', 'case log write failed', { err: (err as Error).message });
        const e = new HallError('STORE_FAILED', `case store write failed: ${(err as Error).message}`);
        for (const p of [...batch, ...this.queue]) p.reject(e);
        this.queue = [];
      }
    }
    this.flushing = null;
  }

  get bytes(): number {
    return this.size;
  }

  // ---------------------------------------------------------------- sealed files

  private fileOf(caseId: string, name: string): string {
    if (!/^[A-Za-z0-9-]+$/.test(caseId) || !/^[a-z0-9-]+\.[a-z]+$/.test(name)) throw new HallError('VALIDATION_FAILED', 'bad file name');
    return path.join(this.dir, 'files', caseId, `${name}.sealed`);
  }

  /** Writes a sealed file durably (temp, fsync, rename, fsync folder). */
  async writeFile(caseId: string, name: string, plain: Uint8Array): Promise<number> {
    const target = this.fileOf(caseId, name);
    await fsp.mkdir(path.dirname(target), { recursive: true });
    const sealed = this.sealer.sealBytes(plain, `${caseId}/${name}`);
    const tmp = `${target}.tmp`;
    const h = await fsp.open(tmp, 'w', 0o600);
    try {
      await h.write(sealed, 0, sealed.length, 0);
      await h.sync();
    } finally {
      await h.close();
    }
    await fsp.rename(tmp, target);
    await syncDir(path.dirname(target));
    return plain.length;
  }

  async readFile(caseId: string, name: string): Promise<Buffer> {
    let sealed: Buffer;
    try {
      sealed = await fsp.readFile(this.fileOf(caseId, name));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new HallError('NOT_FOUND', `未找到文件 ${name} / no such file`);
      throw err;
    }
    return this.sealer.openBytes(sealed, `${caseId}/${name}`);
  }

  /** Drops cases for good: their records leave the log (rewritten) and their files are deleted. */
  async purge(ids: string[]): Promise<number> {
    const gone = ids.filter((id) => this.cases.has(id));
    if (gone.length === 0) return 0;
    while (this.gate) await this.gate;
    const run = this.rewrite(gone);
    this.gate = run;
    try {
      await run;
    } finally {
      this.gate = null;
    }
    return gone.length;
  }

  private async rewrite(gone: string[]): Promise<void> {
    // Writes already queued finish first; then the log is rewritten from memory without the purged cases.
    while (this.flushing) await this.flushing;
    for (const id of gone) this.cases.delete(id);
    const keep = [...this.cases.values()];
    const tmp = `${this.file}.tmp`;
    const h = await fsp.open(tmp, 'w', 0o600);
    let size = 0;
    try {
      for (let i = 0; i < keep.length; i += 200) {
        const json = JSON.stringify(keep.slice(i, i + 200));
        const line = Buffer.from(`{"c":${crc32(json)},"r":${json}}\n`, 'utf8');
        await h.write(line, 0, line.length, size);
        size += line.length;
      }
      await h.sync();
    } finally {
      await h.close();
    }
    await this.handle?.close();
    await fsp.rename(tmp, this.file);
    await syncDir(this.dir);
    this.handle = await fsp.open(this.file, 'a');
    this.size = size;
    for (const id of gone) await fsp.rm(path.join(this.dir, 'files', id), { recursive: true, force: true });
  }

  async close(): Promise<void> {
    while (this.flushing) await this.flushing;
    await this.handle?.close();
    this.handle = null;
  }
}

async function syncDir(dir: string): Promise<void> {
  const h = await fsp.open(dir, constants.O_RDONLY);
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}
