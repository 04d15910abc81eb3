// A lowdb adapter for small JSON documents that must survive a power cut: write a temp file, fsync it,
// rename it over the target, fsync the folder. A reader sees the old document or the new one, never a torn
// one. lowdb's own JSONFile renames without fsync, and its presets keep data in memory under NODE_ENV=test.

import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { Low, type Adapter } from 'lowdb';
import { HallError } from '../errors.js';

let tempCounter = 0;

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function isNotFound(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'ENOENT';
}

export class DurableJSONFile<T> implements Adapter<T> {
  readonly file: string;
  /** Writes are chained so two overlapping writes land in call order. */
  private chain: Promise<void> = Promise.resolve();
  private sweptTemps = false;

  constructor(file: string) {
    this.file = path.resolve(file);
  }

  /** The document, or null if the file does not exist. A file that is not valid JSON throws STORE_FAILED. */
  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await fsp.readFile(this.file, 'utf8');
    } catch (err) {
      if (isNotFound(err)) return null;
      throw new HallError('STORE_FAILED', `cannot read ${this.file}: ${errorText(err)}`, { file: this.file });
    }
    try {
      return JSON.parse(text) as T;
    } catch (err) {
      throw new HallError('STORE_FAILED', `corrupt JSON document ${this.file}: ${errorText(err)}`, {
        file: this.file,
        bytes: Buffer.byteLength(text),
      });
    }
  }

  write(data: T): Promise<void> {
    const run = this.chain.then(() => this.writeNow(data));
    // The chain continues after a failure; the failure still reaches this caller.
    this.chain = run.catch(() => {});
    return run;
  }

  private async writeNow(data: T): Promise<void> {
    const dir = path.dirname(this.file);
    const base = path.basename(this.file);
    if (!this.sweptTemps) {
      await this.sweepTemps(dir, base);
      this.sweptTemps = true;
    }
    let text: string;
    try {
      text = JSON.stringify(data, null, 2);
    } catch (err) {
      throw new HallError('VALIDATION_FAILED', `document for ${this.file} is not serialisable: ${errorText(err)}`);
    }
    if (text === undefined) throw new HallError('VALIDATION_FAILED', `document for ${this.file} is not JSON data`);
    const temp = path.join(dir, `.${base}.${process.pid}.${++tempCounter}.tmp`);
    try {
      const fh = await fsp.open(temp, 'wx', 0o644);
      try {
        await fh.writeFile(text, 'utf8');
        await fh.sync();
      } finally {
        await fh.close();
      }
      await fsp.rename(temp, this.file);
      await syncDir(dir);
    } catch (err) {
      await fsp.rm(temp, { force: true }).catch(() => {});
      throw new HallError('STORE_FAILED', `cannot write ${this.file}: ${errorText(err)}`, { file: this.file });
    }
  }

  /** Temp files left by a process killed mid-write are never read; remove them once. */
  private async sweepTemps(dir: string, base: string): Promise<void> {
    let names: string[];
    try {
      names = await fsp.readdir(dir);
    } catch {
      return;
    }
    const prefix = `.${base}.`;
    await Promise.all(
      names
        .filter((n) => n.startsWith(prefix) && n.endsWith('.tmp'))
        .map((n) => fsp.rm(path.join(dir, n), { force: true }).catch(() => {})),
    );
  }
}

async function syncDir(dir: string): Promise<void> {
  const fh = await fsp.open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * A lowdb document on a durable file, read once. `defaults` is copied, never mutated. A corrupt file throws
 * STORE_FAILED naming it: the caller decides whether to stop or start over.
 */
export async function openDocument<T>(file: string, defaults: T): Promise<Low<T>> {
  const adapter = new DurableJSONFile<T>(file);
  try {
    await fsp.mkdir(path.dirname(adapter.file), { recursive: true });
  } catch (err) {
    throw new HallError('STORE_FAILED', `cannot create folder for ${adapter.file}: ${errorText(err)}`, { file: adapter.file });
  }
  const db = new Low<T>(adapter, structuredClone(defaults));
  await db.read();
  return db;
}
