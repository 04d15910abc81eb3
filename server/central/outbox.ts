// The outbox to the central approval system: every case, rating and day's figures the hall owes the central
// side is first made durable here, then delivered by a background loop.
//
// Guarantees:
// - `enqueue` resolves only after the item's record is written and fdatasync'd; an item enqueued is never lost,
//   including across kill -9 (a restart reads the log back and resumes).
// - Per ordering key (e.g. a case id) items go out one at a time in enqueue order: a later item of a key is
//   sent only after the earlier one was acknowledged (or refused for good), so it can never overtake it.
// - Failures are retried with exponential backoff and jitter, without limit: the hall cannot decide that a
//   case does not matter. Only a permanent refusal by the central side (a 4xx that a retry cannot change) stops
//   an item; it stays visible as `rejected` and the manager may requeue it.
// - Every delivery carries the item's idempotency key, so a delivery repeated after a lost answer or a crash
//   is recorded once by the central side (at-least-once sending, exactly-once recording).
//
// On disk: `<dir>/outbox.ndjson`, one line per write batch `{"c":<crc32 of the records JSON>,"r":[records]}`.
// Payloads are sealed with AES-256-GCM when a key is given (cases carry full ID numbers). When the file grows
// past `compactBytes`, it is rewritten (temp file, fsync, rename, fsync dir) with only what is still owed.

import { EventEmitter } from 'node:events';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { constants, promises as fsp } from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { HallError } from '../errors.js';

/** What the hall pushes. `case` is a captured case (with its documents); later changes of it are `case`s too. */
export type OutboxKind = 'case' | 'rating' | 'daily-stats';
export const OUTBOX_KINDS: readonly OutboxKind[] = ['case', 'rating', 'daily-stats'];

export interface OutboxInput {
  kind: OutboxKind;
  /** Ordering key: items with the same key are delivered strictly in enqueue order (e.g. the case id). */
  key: string;
  /** Sent as the `Idempotency-Key` header; unique per item. Enqueueing a key already known returns that item. */
  idempotencyKey: string;
  /** The JSON body the central contract defines for this kind. */
  payload: unknown;
}

export interface OutboxItem extends OutboxInput {
  /** Outbox sequence number, in enqueue order. */
  id: number;
  enqueuedAt: number;
}

/** How one delivery attempt ended, as the sender reports it. */
export type SendResult =
  /**
   * `duplicate`: central had recorded this very item already. `superseded`: central holds a newer revision of
   * the same thing (e.g. STALE_REVISION of a case), so this one has nothing left to say: settled, not parked.
   */
  | { ok: true; duplicate?: boolean; superseded?: boolean }
  | { ok: false; retry: boolean; code: string; message: string; retryAfterMs?: number };

/** Delivers one item to the central side. Must not throw; a thrown error counts as a retryable failure. */
export interface OutboxSender {
  send(item: OutboxItem, signal: AbortSignal): Promise<SendResult>;
}

export interface OutboxError {
  at: string;
  code: string;
  message: string;
  kind: OutboxKind;
  key: string;
  attempts: number;
}

export interface OutboxStatus {
  /** Items owed to the central side (waiting or being sent), rejected ones not included. */
  backlog: number;
  /** Age of the oldest owed item, 0 when none. */
  oldestAgeSeconds: number;
  /** Backlog per kind. */
  byKind: Record<OutboxKind, number>;
  /** Items delivered since the outbox was created (survives restarts). */
  delivered: number;
  /** Deliveries the central side answered as already recorded. */
  duplicates: number;
  /** Deliveries settled because central already held a newer revision of the same thing (included in `delivered`). */
  superseded: number;
  /** Items the central side refused for good; they wait for the manager. */
  rejected: number;
  /** The last failed attempt, or null when the last attempt since it succeeded. */
  lastError: OutboxError | null;
  lastSuccessAt: string | null;
  /** `up` after a success, `down` after a failure, `unknown` before the first attempt. */
  central: 'up' | 'down' | 'unknown';
  /** When the current run of failed attempts began (null while deliveries succeed). */
  downSince: string | null;
  /** When the next retry is due, if one is waiting. */
  nextAttemptAt: string | null;
}

export interface RejectedItem {
  id: number;
  kind: OutboxKind;
  key: string;
  idempotencyKey: string;
  enqueuedAt: string;
  rejectedAt: string;
  code: string;
  message: string;
}

export interface OutboxOptions {
  /** Folder of the outbox log. */
  dir: string;
  sender: OutboxSender;
  /** 32-byte key: payloads are sealed with AES-256-GCM at rest. Without it they are stored as plain JSON. */
  sealKey?: Buffer;
  /** Wall clock: enqueue times, ages, error times. */
  now?: () => number;
  /** Monotonic clock (ms) for retry timing, apart from the wall clock so a clock step never stalls retries. */
  tick?: () => number;
  /**
   * Clock ms per real ms for retry timing (default 1). Tests set e.g. 120 with a `tick` that runs as fast, so
   * an outage of many minutes under the real backoff settings passes in seconds.
   */
  timeScale?: number;
  random?: () => number;
  /** First retry delay (ms); doubles per failed attempt up to `maxDelayMs`. Default 1000. */
  baseDelayMs?: number;
  /** Ceiling of the retry delay (ms). Default 300000 (5 minutes). */
  maxDelayMs?: number;
  /** Keys delivered at the same time. Default 4. */
  concurrency?: number;
  /** Rewrite the log when it grows past this many bytes. Default 8 MiB. */
  compactBytes?: number;
  log?: (level: 'info' | 'warn' | 'error', msg: string, fields: Record<string, unknown>) => void;
  /** Start delivering at once (default true); tests may start later with `start()`. */
  autoStart?: boolean;
}

// ---------------------------------------------------------------- records on disk

type LogRecord =
  | { t: 'h'; nextId: number; delivered: number; duplicates: number; superseded?: number; marks: Record<string, unknown> }
  | { t: 'e'; id: number; at: number; kind: OutboxKind; key: string; ik: string; p: string; sealed: boolean }
  | { t: 'd'; id: number; at: number; dup?: boolean; sup?: boolean }
  | { t: 'x'; id: number; at: number; code: string; message: string }
  | { t: 'r'; id: number; at: number }
  | { t: 'm'; name: string; value: unknown };

const FILE = 'outbox.ndjson';
const LINE = /^\{"c":(\d{1,10}),"r":(\[.*\])\}$/s;

interface Entry {
  item: OutboxItem;
  /** Failed attempts of this item so far. */
  attempts: number;
  /** On the monotonic delivery clock (`tick`), not the wall clock. */
  nextAttemptAt: number;
  rejected?: { at: number; code: string; message: string };
}

interface PendingWrite {
  records: LogRecord[];
  resolve: () => void;
  reject: (err: Error) => void;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

async function fsyncDir(dir: string): Promise<void> {
  const fh = await fsp.open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

function encodeLine(records: LogRecord[]): string {
  const json = JSON.stringify(records);
  return `{"c":${crc32(json)},"r":${json}}\n`;
}

function decodeLine(line: string): LogRecord[] | null {
  const m = LINE.exec(line);
  if (!m) return null;
  if (crc32(m[2] as string) !== Number(m[1])) return null;
  try {
    const r = JSON.parse(m[2] as string) as unknown;
    return Array.isArray(r) ? (r as LogRecord[]) : null;
  } catch {
    return null;
  }
}

export class Outbox extends EventEmitter<{ status: [OutboxStatus]; delivered: [OutboxItem]; rejected: [RejectedItem] }> {
  readonly file: string;
  private readonly o: Required<Omit<OutboxOptions, 'sealKey' | 'log'>> & Pick<OutboxOptions, 'sealKey' | 'log'>;
  private nextId = 1;
  private delivered = 0;
  private duplicates = 0;
  private superseded = 0;
  private readonly marks = new Map<string, unknown>();
  /** Owed and rejected items by id. */
  private readonly entries = new Map<number, Entry>();
  /** Owed item ids per key, oldest first. */
  private readonly keys = new Map<string, number[]>();
  /** Idempotency keys of every item this log still knows of (owed, rejected or delivered since compaction). */
  private readonly idempotency = new Map<string, number>();
  private readonly inFlight = new Map<string, AbortController>();
  private lastError: OutboxError | null = null;
  private lastSuccessAt: number | null = null;
  private central: OutboxStatus['central'] = 'unknown';
  private downSince: number | null = null;
  private handle: fsp.FileHandle | null = null;
  private size = 0;
  private queue: PendingWrite[] = [];
  private writing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Infinity;
  private running = false;
  private closed = false;
  private broken: Error | null = null;

  private constructor(opts: OutboxOptions) {
    super();
    this.file = path.join(opts.dir, FILE);
    this.o = {
      now: Date.now,
      tick: () => performance.now(),
      timeScale: 1,
      random: Math.random,
      baseDelayMs: 1000,
      maxDelayMs: 300_000,
      concurrency: 4,
      compactBytes: 8 * 1024 * 1024,
      autoStart: true,
      ...opts,
    };
    if (opts.sealKey && opts.sealKey.length !== 32) throw new HallError('VALIDATION_FAILED', 'outbox seal key must be 32 bytes');
  }

  /** Opens (or creates) the outbox log, restores what is owed and starts delivering. */
  static async open(opts: OutboxOptions): Promise<Outbox> {
    const box = new Outbox(opts);
    await fsp.mkdir(opts.dir, { recursive: true });
    await box.recover();
    if (box.o.autoStart) box.start();
    return box;
  }

  // ---------------------------------------------------------------- public interface

  /**
   * Makes the item durable and schedules its delivery. Resolves with the stored item once it is on disk.
   * An idempotency key the outbox already knows returns the known item without storing it again.
   */
  async enqueue(input: OutboxInput): Promise<OutboxItem> {
    const [item] = await this.enqueueMany([input]);
    return item!;
  }

  /**
   * Several items (and optional named marks, e.g. "hall events up to seq N are in the outbox") in one atomic
   * record: after a crash either all of them are in the outbox or none.
   */
  async enqueueMany(inputs: OutboxInput[], marks: Record<string, unknown> = {}): Promise<OutboxItem[]> {
    this.usable();
    const out: OutboxItem[] = [];
    const records: LogRecord[] = [];
    const fresh: OutboxItem[] = [];
    const now = this.o.now();
    for (const input of inputs) {
      validateInput(input);
      const known = this.idempotency.get(input.idempotencyKey) ?? fresh.find((f) => f.idempotencyKey === input.idempotencyKey)?.id;
      if (known !== undefined) {
        const e = this.entries.get(known);
        out.push(e ? e.item : { ...input, id: known, enqueuedAt: now });
        continue;
      }
      const item: OutboxItem = { ...input, id: this.nextId++, enqueuedAt: now };
      records.push(this.itemRecord(item));
      fresh.push(item);
      out.push(item);
    }
    for (const [name, value] of Object.entries(marks)) records.push({ t: 'm', name, value });
    if (records.length === 0) return out;
    await this.write(records);
    for (const [name, value] of Object.entries(marks)) this.marks.set(name, value);
    for (const item of fresh) this.add({ item, attempts: 0, nextAttemptAt: 0 });
    if (fresh.length) {
      this.emitStatus();
      this.kick();
    }
    return out;
  }

  /** A named value stored durably with the outbox (for wiring that must resume exactly where it stopped). */
  mark(name: string): unknown {
    return this.marks.get(name);
  }

  async setMark(name: string, value: unknown): Promise<void> {
    this.usable();
    await this.write([{ t: 'm', name, value }]);
    this.marks.set(name, value);
  }

  status(): OutboxStatus {
    const now = this.o.now();
    let backlog = 0;
    let rejected = 0;
    let oldest = Infinity;
    let next = Infinity;
    const byKind: Record<OutboxKind, number> = { case: 0, rating: 0, 'daily-stats': 0 };
    for (const e of this.entries.values()) {
      if (e.rejected) {
        rejected++;
        continue;
      }
      backlog++;
      byKind[e.item.kind]++;
      oldest = Math.min(oldest, e.item.enqueuedAt);
      if (e.attempts > 0 && !this.inFlight.has(e.item.key)) next = Math.min(next, now + (e.nextAttemptAt - this.o.tick()));
    }
    return {
      backlog,
      oldestAgeSeconds: backlog ? Math.max(0, Math.round((now - oldest) / 1000)) : 0,
      byKind,
      delivered: this.delivered,
      duplicates: this.duplicates,
      superseded: this.superseded,
      rejected,
      lastError: this.lastError,
      lastSuccessAt: this.lastSuccessAt === null ? null : new Date(this.lastSuccessAt).toISOString(),
      central: this.central,
      downSince: this.downSince === null ? null : new Date(this.downSince).toISOString(),
      nextAttemptAt: Number.isFinite(next) ? new Date(next).toISOString() : null,
    };
  }

  /** Items owed, oldest first (payloads included: for the composition root and tests, never for a page). */
  pending(): OutboxItem[] {
    return [...this.entries.values()].filter((e) => !e.rejected).map((e) => e.item).sort((a, b) => a.id - b.id);
  }

  rejectedItems(): RejectedItem[] {
    return [...this.entries.values()]
      .filter((e) => e.rejected)
      .map((e) => ({
        id: e.item.id,
        kind: e.item.kind,
        key: e.item.key,
        idempotencyKey: e.item.idempotencyKey,
        enqueuedAt: new Date(e.item.enqueuedAt).toISOString(),
        rejectedAt: new Date(e.rejected!.at).toISOString(),
        code: e.rejected!.code,
        message: e.rejected!.message,
      }));
  }

  /** Puts a rejected item back in line (behind what its key owes now). */
  async requeue(id: number): Promise<OutboxItem> {
    this.usable();
    const e = this.entries.get(id);
    if (!e?.rejected) throw new HallError('NOT_FOUND', `outbox item ${id} is not a rejected item`);
    await this.write([{ t: 'r', id, at: this.o.now() }]);
    delete e.rejected;
    e.attempts = 0;
    e.nextAttemptAt = 0;
    this.enqueueKey(e.item);
    this.emitStatus();
    this.kick();
    return e.item;
  }

  /** Begins (or resumes) delivery. */
  start(): void {
    if (this.closed) return;
    this.running = true;
    this.kick();
  }

  /** Tries every waiting item now, ignoring its backoff (e.g. after the manager fixed the connection). */
  retryNow(): void {
    for (const e of this.entries.values()) e.nextAttemptAt = 0;
    this.kick();
  }

  /** Stops delivery, aborts attempts in flight (they count as not sent), waits for writes, closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const c of this.inFlight.values()) c.abort();
    while (this.writing || this.queue.length) {
      if (!this.writing) this.pump();
      await this.writing;
    }
    await this.handle?.close().catch(() => {});
    this.handle = null;
  }

  // ---------------------------------------------------------------- delivery

  private kick(): void {
    if (!this.running || this.closed || this.broken) return;
    const now = this.o.tick();
    let wake = Infinity;
    for (const [key, ids] of this.keys) {
      if (this.inFlight.has(key)) continue;
      const e = this.entries.get(ids[0]!)!;
      if (e.nextAttemptAt > now) {
        wake = Math.min(wake, e.nextAttemptAt);
        continue;
      }
      if (this.inFlight.size >= this.o.concurrency) break;
      this.deliver(key, e);
    }
    this.arm(wake);
  }

  private arm(at: number): void {
    if (at === Infinity || at >= this.timerAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.timerAt = Infinity;
      this.kick();
    }, Math.max(0, (at - this.o.tick()) / this.o.timeScale));
    this.timer.unref?.();
  }

  private deliver(key: string, e: Entry): void {
    const ctl = new AbortController();
    this.inFlight.set(key, ctl);
    let result: Promise<SendResult>;
    try {
      result = this.o.sender.send(e.item, ctl.signal);
    } catch (err) {
      result = Promise.resolve({ ok: false, retry: true, code: 'SEND_FAILED', message: errorText(err) });
    }
    void result
      .catch((err: unknown): SendResult => ({ ok: false, retry: true, code: 'SEND_FAILED', message: errorText(err) }))
      .then((r) => this.settle(key, e, r, ctl.signal.aborted))
      .catch((err: unknown) => this.log('error', 'outbox: settling a delivery failed', { err: errorText(err) }))
      .finally(() => {
        this.inFlight.delete(key);
        this.kick();
      });
  }

  private async settle(key: string, e: Entry, r: SendResult, aborted: boolean): Promise<void> {
    if (this.closed || aborted) return;
    const now = this.o.now();
    if (r.ok) {
      this.dequeueKey(key, e.item.id);
      this.entries.delete(e.item.id);
      this.delivered++;
      if (r.duplicate) this.duplicates++;
      if (r.superseded) {
        this.superseded++;
        this.log('info', 'outbox: central already holds a newer revision; this one is settled', { id: e.item.id, kind: e.item.kind, key });
      }
      this.lastSuccessAt = now;
      this.lastError = null;
      this.central = 'up';
      this.downSince = null;
      this.emitStatus();
      this.emit('delivered', e.item);
      // A lost 'd' record only means one more delivery after a crash, which the idempotency key absorbs.
      await this.write([{ t: 'd', id: e.item.id, at: now, ...(r.duplicate ? { dup: true } : {}), ...(r.superseded ? { sup: true } : {}) }]).catch((err: unknown) =>
        this.log('warn', 'outbox: delivery record not written', { id: e.item.id, err: errorText(err) }),
      );
      this.maybeCompact();
      return;
    }
    e.attempts++;
    this.lastError = { at: new Date(now).toISOString(), code: r.code, message: r.message, kind: e.item.kind, key, attempts: e.attempts };
    if (!r.retry) {
      this.central = 'up';
      await this.write([{ t: 'x', id: e.item.id, at: now, code: r.code, message: r.message }]);
      this.dequeueKey(key, e.item.id);
      e.rejected = { at: now, code: r.code, message: r.message };
      this.log('error', 'outbox: central refused an item for good', { id: e.item.id, kind: e.item.kind, code: r.code });
      this.emit('rejected', this.rejectedItems().find((x) => x.id === e.item.id)!);
    } else {
      this.central = 'down';
      this.downSince ??= now;
      e.nextAttemptAt = this.o.tick() + Math.max(this.backoff(e.attempts), r.retryAfterMs ?? 0);
      if (e.attempts === 1 || e.attempts % 10 === 0) {
        this.log('warn', 'outbox: delivery failed, will retry', { id: e.item.id, kind: e.item.kind, attempts: e.attempts, code: r.code });
      }
    }
    this.emitStatus();
  }

  /** Exponential backoff with "equal jitter": half the delay fixed, half random, so retries spread out. */
  private backoff(attempts: number): number {
    const full = Math.min(this.o.maxDelayMs, this.o.baseDelayMs * 2 ** Math.min(attempts - 1, 40));
    return Math.round(full / 2 + (this.o.random() * full) / 2);
  }

  // ---------------------------------------------------------------- in-memory index

  private add(e: Entry): void {
    this.entries.set(e.item.id, e);
    this.idempotency.set(e.item.idempotencyKey, e.item.id);
    if (!e.rejected) this.enqueueKey(e.item);
  }

  private enqueueKey(item: OutboxItem): void {
    const ids = this.keys.get(item.key);
    if (!ids) return void this.keys.set(item.key, [item.id]);
    // Keep id order: a requeued item goes back to its place among what its key still owes.
    let i = ids.length;
    while (i > 0 && ids[i - 1]! > item.id) i--;
    ids.splice(i, 0, item.id);
  }

  private dequeueKey(key: string, id: number): void {
    const ids = this.keys.get(key);
    if (!ids) return;
    const i = ids.indexOf(id);
    if (i >= 0) ids.splice(i, 1);
    if (ids.length === 0) this.keys.delete(key);
  }

  private emitStatus(): void {
    if (this.listenerCount('status') > 0) this.emit('status', this.status());
  }

  private log(level: 'info' | 'warn' | 'error', msg: string, fields: Record<string, unknown>): void {
    this.o.log?.(level, msg, fields);
  }

  private usable(): void {
    if (this.closed) throw new HallError('STORE_FAILED', 'outbox is closed');
    if (this.broken) throw new HallError('STORE_FAILED', `outbox log failed: ${this.broken.message}`);
  }

  // ---------------------------------------------------------------- sealing

  private itemRecord(item: OutboxItem): LogRecord {
    const json = JSON.stringify(item.payload);
    if (json === undefined) throw new HallError('VALIDATION_FAILED', 'outbox payload must be JSON data');
    const key = this.o.sealKey;
    if (!key) return { t: 'e', id: item.id, at: item.enqueuedAt, kind: item.kind, key: item.key, ik: item.idempotencyKey, p: json, sealed: false };
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', key, iv);
    // The item's identity is bound to its sealed payload: a payload cannot be moved to another item.
    c.setAAD(Buffer.from(`${item.id}:${item.idempotencyKey}`));
    const body = Buffer.concat([c.update(json, 'utf8'), c.final()]);
    const p = Buffer.concat([iv, c.getAuthTag(), body]).toString('base64');
    return { t: 'e', id: item.id, at: item.enqueuedAt, kind: item.kind, key: item.key, ik: item.idempotencyKey, p, sealed: true };
  }

  private openPayload(r: Extract<LogRecord, { t: 'e' }>): unknown {
    if (!r.sealed) return JSON.parse(r.p);
    const key = this.o.sealKey;
    if (!key) throw new Error('sealed payload but no seal key');
    const buf = Buffer.from(r.p, 'base64');
    const d = createDecipheriv('aes-256-gcm', key, buf.subarray(0, 12));
    d.setAAD(Buffer.from(`${r.id}:${r.ik}`));
    d.setAuthTag(buf.subarray(12, 28));
    return JSON.parse(Buffer.concat([d.update(buf.subarray(28)), d.final()]).toString('utf8'));
  }

  // ---------------------------------------------------------------- the log

  private async recover(): Promise<void> {
    let text: Buffer;
    try {
      text = await fsp.readFile(this.file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      text = Buffer.alloc(0);
    }
    let offset = 0;
    let good = 0;
    let badLines = 0;
    while (offset < text.length) {
      const nl = text.indexOf(0x0a, offset);
      if (nl < 0) break; // torn last line
      const records = decodeLine(text.subarray(offset, nl).toString('utf8'));
      offset = nl + 1;
      if (!records) {
        badLines++;
        continue;
      }
      for (const r of records) this.replay(r);
      good = offset;
      if (badLines) {
        // Damage in the middle: what came before and after is still good; count it, keep going.
        this.log('warn', 'outbox: corrupt record skipped', { lines: badLines });
        badLines = 0;
      }
    }
    if (good < text.length) {
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      const aside = path.join(path.dirname(this.file), `corrupt-outbox-${stamp}.bin`);
      await fsp.writeFile(aside, text.subarray(good));
      this.log('warn', 'outbox: torn or corrupt tail moved aside', { bytes: text.length - good, movedTo: aside });
    }
    this.handle = await fsp.open(this.file, constants.O_RDWR | constants.O_CREAT, 0o600);
    if (good < text.length) {
      await this.handle.truncate(good);
      await this.handle.datasync();
    }
    if (text.length === 0) await fsyncDir(path.dirname(this.file));
    this.size = good;
  }

  private replay(r: LogRecord): void {
    switch (r.t) {
      case 'h':
        this.nextId = Math.max(this.nextId, r.nextId);
        this.delivered = r.delivered;
        this.duplicates = r.duplicates;
        this.superseded = r.superseded ?? 0;
        for (const [k, v] of Object.entries(r.marks)) this.marks.set(k, v);
        return;
      case 'e': {
        let payload: unknown;
        try {
          payload = this.openPayload(r);
        } catch (err) {
          this.log('error', 'outbox: payload cannot be opened (wrong seal key?)', { id: r.id, err: errorText(err) });
          throw new HallError('STORE_FAILED', `outbox item ${r.id} cannot be opened: ${errorText(err)}`);
        }
        const item: OutboxItem = { id: r.id, kind: r.kind, key: r.key, idempotencyKey: r.ik, payload, enqueuedAt: r.at };
        this.add({ item, attempts: 0, nextAttemptAt: 0 });
        this.nextId = Math.max(this.nextId, r.id + 1);
        return;
      }
      case 'd': {
        const e = this.entries.get(r.id);
        if (!e) return;
        this.dequeueKey(e.item.key, r.id);
        this.entries.delete(r.id);
        this.delivered++;
        if (r.dup) this.duplicates++;
        if (r.sup) this.superseded++;
        this.lastSuccessAt = Math.max(this.lastSuccessAt ?? 0, r.at);
        return;
      }
      case 'x': {
        const e = this.entries.get(r.id);
        if (!e) return;
        this.dequeueKey(e.item.key, r.id);
        e.rejected = { at: r.at, code: r.code, message: r.message };
        return;
      }
      case 'r': {
        const e = this.entries.get(r.id);
        if (!e?.rejected) return;
        delete e.rejected;
        this.enqueueKey(e.item);
        return;
      }
      case 'm':
        this.marks.set(r.name, r.value);
        return;
    }
  }

  /** Group commit: records written while a flush is in flight go out together in the next one. */
  private write(records: LogRecord[]): Promise<void> {
    if (this.broken) return Promise.reject(new HallError('STORE_FAILED', `outbox log failed: ${this.broken.message}`));
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ records, resolve, reject });
      if (!this.writing) queueMicrotask(() => this.pump());
    });
  }

  private pump(): void {
    if (this.writing || this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    this.writing = this.flush(batch).finally(() => {
      this.writing = null;
      this.pump();
    });
  }

  private async flush(batch: PendingWrite[]): Promise<void> {
    const buf = Buffer.from(batch.map((w) => encodeLine(w.records)).join(''), 'utf8');
    try {
      if (!this.handle) throw new Error('outbox file is not open');
      let done = 0;
      while (done < buf.length) {
        const { bytesWritten } = await this.handle.write(buf, done, buf.length - done, this.size + done);
        if (bytesWritten <= 0) throw new Error('write made no progress');
        done += bytesWritten;
      }
      await this.handle.datasync();
      this.size += buf.length;
      for (const w of batch) w.resolve();
    } catch (err) {
      // After a failed fsync the file's state is unknown: refuse further work until a restart reads it back.
      this.broken = err as Error;
      await this.handle?.truncate(this.size).catch(() => {});
      this.log('error', 'outbox: log write failed; the outbox stops until restart', { err: errorText(err) });
      const e = new HallError('STORE_FAILED', `outbox log write failed: ${errorText(err)}`);
      for (const w of batch) w.reject(e);
      this.running = false;
    }
  }

  private compacting = false;

  private maybeCompact(): void {
    if (this.compacting || this.size < this.o.compactBytes || this.closed) return;
    this.compacting = true;
    void this.compact()
      .catch((err: unknown) => this.log('warn', 'outbox: compaction failed; the log keeps growing', { err: errorText(err) }))
      .finally(() => (this.compacting = false));
  }

  /** Rewrites the log with only what is still owed or rejected. Runs between flushes, never during one. */
  private async compact(): Promise<void> {
    // Wait for the writer to be idle, then hold it by standing in as the current flush.
    while (this.writing) await this.writing;
    let release!: () => void;
    this.writing = new Promise<void>((r) => (release = r));
    try {
      const records: LogRecord[][] = [
        [{ t: 'h', nextId: this.nextId, delivered: this.delivered, duplicates: this.duplicates, superseded: this.superseded, marks: Object.fromEntries(this.marks) }],
      ];
      for (const e of [...this.entries.values()].sort((a, b) => a.item.id - b.item.id)) {
        const rec: LogRecord[] = [this.itemRecord(e.item)];
        if (e.rejected) rec.push({ t: 'x', id: e.item.id, at: e.rejected.at, code: e.rejected.code, message: e.rejected.message });
        records.push(rec);
      }
      const text = records.map(encodeLine).join('');
      const dir = path.dirname(this.file);
      const temp = path.join(dir, `.${FILE}.${process.pid}.tmp`);
      const fh = await fsp.open(temp, 'w', 0o600);
      try {
        await fh.writeFile(text, 'utf8');
        await fh.sync();
      } finally {
        await fh.close();
      }
      await fsp.rename(temp, this.file);
      await fsyncDir(dir);
      const old = this.handle;
      this.handle = await fsp.open(this.file, constants.O_RDWR, 0o600);
      this.size = Buffer.byteLength(text);
      await old?.close().catch(() => {});
      // Delivered items' idempotency keys are forgotten with their records; the central side still knows them.
      for (const [ik, id] of this.idempotency) if (!this.entries.has(id)) this.idempotency.delete(ik);
      this.log('info', 'outbox: log compacted', { bytes: this.size, items: this.entries.size });
    } finally {
      this.writing = null;
      release();
      this.pump();
    }
  }
}

function validateInput(input: OutboxInput): void {
  if (!input || typeof input !== 'object') throw new HallError('VALIDATION_FAILED', 'outbox item must be an object');
  if (!OUTBOX_KINDS.includes(input.kind)) throw new HallError('VALIDATION_FAILED', `outbox kind must be one of ${OUTBOX_KINDS.join(', ')}`);
  for (const f of ['key', 'idempotencyKey'] as const) {
    const v = input[f];
    if (typeof v !== 'string' || v.length === 0 || v.length > 200) throw new HallError('VALIDATION_FAILED', `outbox ${f} must be a string of 1..200 characters`);
  }
  if (!/^[\x21-\x7e]+$/.test(input.idempotencyKey)) throw new HallError('VALIDATION_FAILED', 'outbox idempotencyKey must be printable ASCII without spaces (it is an HTTP header)');
}
