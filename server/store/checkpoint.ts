// Checkpoints: the hall state at a seq, written after each DayOpened so a restart loads it and replays only
// the journal since its seq (cost flat in history). `checkpoint.json` is the live one; `checkpoints/` keeps
// the last few as fallbacks in case the live file is damaged. With none usable, a full replay still works.

import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { HallError } from '../errors.js';
import type { HallState } from '../hall/types.js';
import { DurableJSONFile } from './durable-file.js';
import type { StoreLog } from './journal.js';

export interface Checkpoint<S = HallState> {
  seq: number;
  day: string | null;
  state: S;
}

export interface LoadedCheckpoint<S = HallState> extends Checkpoint<S> {
  savedAt: string;
  /** The file it came from (the live one, or a fallback from the history). */
  file: string;
}

interface CheckpointDoc<S> {
  version: 1;
  seq: number;
  day: string | null;
  savedAt: string;
  state: S;
}

const LIVE = 'checkpoint.json';
const HISTORY = 'checkpoints';
const HISTORY_FILE = /^checkpoint-(\d+)\.json$/;
/** Older checkpoints kept beside the live one. */
export const CHECKPOINT_HISTORY = 2;

function historyName(seq: number): string {
  // Zero-padded so name order is seq order.
  return `checkpoint-${String(seq).padStart(12, '0')}.json`;
}

/** Writes the checkpoint durably (history copy first, then the live file) and prunes the history. */
export async function saveCheckpoint<S = HallState>(dir: string, cp: Checkpoint<S>): Promise<void> {
  if (!Number.isSafeInteger(cp.seq) || cp.seq < 0) {
    throw new HallError('VALIDATION_FAILED', `checkpoint seq must be a non-negative integer, got ${String(cp.seq)}`);
  }
  const doc: CheckpointDoc<S> = { version: 1, seq: cp.seq, day: cp.day, savedAt: new Date().toISOString(), state: cp.state };
  const historyDir = path.join(dir, HISTORY);
  await fsp.mkdir(historyDir, { recursive: true });
  await new DurableJSONFile<CheckpointDoc<S>>(path.join(historyDir, historyName(cp.seq))).write(doc);
  await new DurableJSONFile<CheckpointDoc<S>>(path.join(dir, LIVE)).write(doc);
  const old = (await historyFiles(historyDir)).slice(0, -CHECKPOINT_HISTORY);
  await Promise.all(old.map((n) => fsp.rm(path.join(historyDir, n), { force: true })));
}

/**
 * The newest usable checkpoint: the live file, else the newest valid one in the history; null if there is
 * none. A damaged file is reported through `log` and passed over, never thrown.
 */
export async function loadCheckpoint<S = HallState>(
  dir: string,
  opts: {
    log?: StoreLog;
    /** Pass the journal's lastSeq: a checkpoint past it (the journal lost its tail) cannot be replayed onto. */
    maxSeq?: number;
  } = {},
): Promise<LoadedCheckpoint<S> | null> {
  const log = opts.log ?? (() => {});
  const historyDir = path.join(dir, HISTORY);
  const candidates = [path.join(dir, LIVE), ...(await historyFiles(historyDir)).reverse().map((n) => path.join(historyDir, n))];
  for (const file of candidates) {
    let doc: unknown;
    try {
      doc = await new DurableJSONFile<unknown>(file).read();
    } catch (err) {
      log('warn', 'checkpoint: unreadable file skipped', { file, err: err instanceof Error ? err.message : String(err) });
      continue;
    }
    if (doc === null) continue;
    const problem = checkDoc(doc);
    if (problem) {
      log('warn', 'checkpoint: invalid file skipped', { file, problem });
      continue;
    }
    const d = doc as CheckpointDoc<S>;
    if (opts.maxSeq !== undefined && d.seq > opts.maxSeq) {
      log('warn', 'checkpoint: ahead of the journal, skipped', { file, seq: d.seq, journalSeq: opts.maxSeq });
      continue;
    }
    return { seq: d.seq, day: d.day, state: d.state, savedAt: d.savedAt, file };
  }
  return null;
}

function checkDoc(doc: unknown): string | null {
  if (typeof doc !== 'object' || doc === null) return 'not an object';
  const d = doc as Partial<CheckpointDoc<unknown>>;
  if (d.version !== 1) return `unknown version ${String(d.version)}`;
  if (!Number.isSafeInteger(d.seq) || (d.seq as number) < 0) return 'bad seq';
  if (d.day !== null && typeof d.day !== 'string') return 'bad day';
  if (typeof d.state !== 'object' || d.state === null) return 'missing state';
  return null;
}

async function historyFiles(historyDir: string): Promise<string[]> {
  try {
    return (await fsp.readdir(historyDir)).filter((n) => HISTORY_FILE.test(n)).sort();
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ENOENT') return [];
    throw err;
  }
}
