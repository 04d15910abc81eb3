// The hall runtime: the only place where the pure domain meets the clock and the disk.
//
// A command is decided and applied at once, in memory and in arrival order, so ticket numbers come from a
// single atomic sequence even with many kiosks. Its events then go to the journal; the caller's promise
// resolves only when they are on disk, and only then are they published to clients. A journal write failure
// is fatal (like a database after a failed fsync): the process restarts and replays what is durable, so
// nothing acknowledged is lost and nothing unacknowledged is shown.

import { Journal, type StoreLog } from '../store/journal.js';
import { loadCheckpoint, saveCheckpoint } from '../store/checkpoint.js';
import { HallError } from '../errors.js';
import type { Logger } from '../log.js';
import { apply, decide, initialState, localDay, TicketTable } from './index.js';
import type { Actor, Command, EventBody, HallEvent, HallSetup, HallState, Ticket } from './types.js';

export interface Publication {
  events: HallEvent[];
  /** The state right after these events: consistent with their seq. */
  state: HallState;
}

export interface HallOptions {
  dataDir: string;
  setup: HallSetup;
  log: Logger;
  now?: () => number;
  newCode?: () => string;
  /** Fingerprint of opts.setup (setupFingerprint), recorded with every live setup change. */
  setupSource?: string;
  /** Called when the journal can no longer be trusted; the composition root exits the process. */
  onFatal?: (err: Error) => void;
}

export interface ExecuteResult {
  events: HallEvent[];
  state: HallState;
}

export class Hall {
  readonly journal: Journal;
  private live: HallState;
  private published: HallState;
  private setupValue: HallSetup;
  private readonly listeners = new Set<(p: Publication) => void>();
  private readonly ready = new Map<number, Publication>();
  private nextPublishSeq: number;
  private fatal: Error | null = null;
  private readonly opts: HallOptions;
  readonly now: () => number;
  readonly replayed: { events: number; ms: number; fromCheckpoint: number | null };

  private constructor(opts: HallOptions, journal: Journal, state: HallState, replayed: Hall['replayed']) {
    this.opts = opts;
    this.journal = journal;
    this.live = state;
    this.published = state;
    this.setupValue = state.setup ?? opts.setup;
    this.nextPublishSeq = state.seq + 1;
    this.now = opts.now ?? Date.now;
    this.replayed = replayed;
  }

  /** Restart = last day checkpoint + replay of the journal since it: cost flat in history. */
  static async open(opts: HallOptions): Promise<Hall> {
    const t0 = performance.now();
    const log: StoreLog = (level, msg, fields) => opts.log[level]({ ...fields }, msg);
    const journal = await Journal.open(opts.dataDir, { log });
    // A checkpoint ahead of the journal (journal lost its tail) is skipped: replay from an older one.
    const cp = await loadCheckpoint<HallState>(opts.dataDir, { log, maxSeq: journal.lastSeq });
    // A checkpoint holds JSON: the ticket table comes back as its plain record.
    let state: HallState = cp ? { ...cp.state, tickets: TicketTable.fromJSON(cp.state.tickets as unknown as Record<string, Ticket>) } : initialState(opts.setup);
    let count = 0;
    for (const e of await collect(journal.readSince(state.seq, cp?.day ?? undefined))) {
      if (e.seq !== state.seq + 1) {
        throw new HallError('STORE_FAILED', `journal gap: expected seq ${state.seq + 1}, found ${e.seq}`);
      }
      state = apply(state, e, state.setup ?? opts.setup);
      count++;
    }
    if (state.seq !== journal.lastSeq) {
      throw new HallError('STORE_FAILED', `journal ends at seq ${journal.lastSeq} but replay reached ${state.seq}`);
    }
    const ms = Math.round(performance.now() - t0);
    opts.log.info({ events: count, ms, checkpointSeq: cp?.seq ?? null, seq: state.seq }, 'hall state restored');
    return new Hall(opts, journal, state, { events: count, ms, fromCheckpoint: cp?.seq ?? null });
  }

  get setup(): HallSetup {
    return this.setupValue;
  }

  /** What clients have been told: durable and published. */
  get state(): HallState {
    return this.published;
  }

  get seq(): number {
    return this.published.seq;
  }

  subscribe(fn: (p: Publication) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Decide, apply, make durable, publish. Resolves with the events once they are on disk. */
  async execute(command: Command, actor: Actor): Promise<ExecuteResult> {
    if (this.fatal) throw new HallError('STORE_FAILED', '存储故障，服务正在重启 / storage failed, restarting');
    const now = this.now();
    const ctx = {
      now,
      setup: this.setupValue,
      actor,
      ...(this.opts.newCode ? { newCode: this.opts.newCode } : {}),
      ...(this.opts.setupSource ? { configuredSource: this.opts.setupSource } : {}),
    };
    const decision = decide(this.live, command, ctx);
    if (!decision.ok) throw HallError.fromDomain(decision.error);
    if (decision.events.length === 0) return { events: [], state: this.live };

    const before = this.live;
    const events = stamp(decision.events, before.seq, now);
    let state = before;
    let dayOpened: HallState | null = null;
    for (const e of events) {
      state = apply(state, e, state.setup ?? this.setupValue);
      if (e.type === 'DayOpened') dayOpened = state;
    }
    this.live = state;
    // A live setup change (SetupChanged) is in force for the next command at once.
    if (state.setup) this.setupValue = state.setup;

    let durable: HallEvent[];
    try {
      durable = await this.journal.append(state.day ?? localDay(now, this.setupValue.calendar), now, decision.events);
    } catch (err) {
      this.fail(err as Error);
      throw new HallError('STORE_FAILED', '存储故障 / storage failed');
    }
    if (durable.length !== events.length || durable[0]?.seq !== events[0]?.seq) {
      this.fail(new Error(`journal assigned seq ${durable[0]?.seq}, hall expected ${events[0]?.seq}`));
      throw new HallError('STORE_FAILED', 'journal and hall disagree on seq');
    }
    if (dayOpened) await this.checkpoint(dayOpened);
    this.publishInOrder({ events, state });
    return { events, state };
  }

  private async checkpoint(state: HallState): Promise<void> {
    try {
      await saveCheckpoint(this.opts.dataDir, { seq: state.seq, day: state.day ?? '', state });
    } catch (err) {
      // A missing checkpoint only makes the next start replay more: the journal still has everything.
      this.opts.log.warn({ err: (err as Error).message }, 'checkpoint not saved');
    }
  }

  /** Batches can finish out of order only in theory; clients must still see seq order. */
  private publishInOrder(p: Publication): void {
    this.ready.set(p.events[0]!.seq, p);
    for (let next = this.ready.get(this.nextPublishSeq); next; next = this.ready.get(this.nextPublishSeq)) {
      this.ready.delete(this.nextPublishSeq);
      this.nextPublishSeq = next.state.seq + 1;
      this.published = next.state;
      for (const fn of this.listeners) {
        try {
          fn(next);
        } catch (err) {
          this.opts.log.error({ err: (err as Error).message }, 'listener failed');
        }
      }
    }
  }

  private fail(err: Error): void {
    if (this.fatal) return;
    this.fatal = err;
    this.opts.log.fatal({ err: err.message }, 'journal write failed; state can no longer be trusted');
    this.opts.onFatal?.(err);
  }

  async close(): Promise<void> {
    await this.journal.close();
  }
}

function stamp(bodies: EventBody[], afterSeq: number, at: number): HallEvent[] {
  return bodies.map((b, i) => ({ ...b, seq: afterSeq + i + 1, at }) as HallEvent);
}

async function collect<T>(src: AsyncIterable<T> | Promise<T[]> | T[]): Promise<T[]> {
  if (Array.isArray(src)) return src;
  if (src instanceof Promise) return src;
  const out: T[] = [];
  for await (const x of src) out.push(x);
  return out;
}
