// A small durable append-only log (NDJSON, one record a line) for the manager's own history: alerts and
// the audit trail. An append resolves after write + fdatasync; appends are chained so lines never
// interleave. On open, lines that do not parse (a torn tail after a power cut) are counted and skipped:
// the log is only ever appended, so a bad line never hides a later good one.

import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { HallError } from '../errors.js';

export class AppendLog<T> {
  private chain: Promise<void> = Promise.resolve();
  private constructor(
    readonly file: string,
    private handle: fsp.FileHandle,
    /** Lines skipped on open because they did not parse. */
    readonly skipped: number,
  ) {}

  /** Opens (creating) the log and returns it with every record it holds, oldest first. */
  static async open<T>(file: string): Promise<{ log: AppendLog<T>; records: T[] }> {
    await fsp.mkdir(path.dirname(file), { recursive: true });
    let text = '';
    try {
      text = await fsp.readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new HallError('STORE_FAILED', `cannot read ${file}: ${(err as Error).message}`);
    }
    const records: T[] = [];
    let skipped = 0;
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        records.push(JSON.parse(line) as T);
      } catch {
        skipped++;
      }
    }
    // A torn last line without its newline would glue onto the next append: start that one on a new line.
    const handle = await fsp.open(file, 'a');
    const log = new AppendLog<T>(file, handle, skipped);
    if (text.length > 0 && !text.endsWith('\n')) await log.write('\n');
    return { log, records };
  }

  append(record: T): Promise<void> {
    return this.write(JSON.stringify(record) + '\n');
  }

  private write(text: string): Promise<void> {
    const next = this.chain.then(async () => {
      await this.handle.write(text);
      await this.handle.datasync();
    });
    // A failed write must not block later ones; the caller of the failed one sees the error.
    this.chain = next.catch(() => {});
    return next.catch((err: Error) => {
      throw new HallError('STORE_FAILED', `cannot write ${this.file}: ${err.message}`);
    });
  }

  async close(): Promise<void> {
    await this.chain;
    await this.handle.close();
  }
}
