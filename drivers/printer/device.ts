// The ticket/receipt printer as a device: a job queue, real-time status polled with DLE EOT while idle and
// checked before every job, and a reported outcome per job. A job written into a link that breaks stays at
// the head of the queue and goes out again after the reconnect, until it expires (a queue ticket is no use
// minutes later; a receipt may wait longer). Paper out, cover open and printer-reported offline become
// health and fail the job at once: they need a person, not a retry. A job counts as printed when the status
// query sent after it is answered clean (the answer comes after the printer took the job's bytes).

import { Device, type DeviceEvents, type DeviceOptions } from '../device.js';
import { DeviceError, type DeviceErrorCode } from '../errors.js';
import { encodeStatusRequest, parseStatus, type StatusRequest, statusIssues } from './escpos.js';

export interface PrinterOptions extends DeviceOptions {
  /** Status poll while idle. Default 2000 ms (500..60000). */
  statusPollMs?: number;
  /** Time a DLE EOT answer may take. Default 500 ms (100..5000). */
  answerTimeoutMs?: number;
  /** false for a printer that cannot answer (one-way parallel/USB link): health then follows the link only. Default true. */
  statusQueries?: boolean;
  /** Check the fixed bits of status bytes. Default true. */
  strictStatus?: boolean;
  /** Unanswered status queries in a row before the printer counts as offline. Default 2 (1..20). */
  offlineAfterTimeouts?: number;
}

export interface PrintJobOptions {
  /** The job fails if it has not printed by then. Default 60000 ms. */
  expiresInMs?: number;
}

export type PrintOutcome =
  | { ok: true; jobId: number; attempts: number }
  | { ok: false; jobId: number; attempts: number; code: DeviceErrorCode; message: string };

export interface PrinterEvents extends DeviceEvents {
  job: [outcome: PrintOutcome];
}

interface Job {
  id: number;
  bytes: Buffer;
  expiresAt: number;
  attempts: number;
  inFlight: boolean;
  done: (o: PrintOutcome) => void;
  timer: NodeJS.Timeout;
}

/** Most specific first: the code a health page should show when several conditions hold. */
const ISSUE_ORDER: DeviceErrorCode[] = ['PAPER_OUT', 'COVER_OPEN', 'CUTTER_ERROR', 'DEVICE_FAULT', 'DEVICE_OFFLINE'];
const ISSUE_TEXT: Partial<Record<DeviceErrorCode, string>> = {
  PAPER_OUT: 'paper out',
  COVER_OPEN: 'cover open',
  CUTTER_ERROR: 'cutter error',
  DEVICE_FAULT: 'printer error',
  DEVICE_OFFLINE: 'printer offline',
  PAPER_LOW: 'paper low',
};

export class Printer extends Device<PrinterEvents> {
  readonly kind = 'printer';
  private readonly statusPollMs: number;
  private readonly answerTimeoutMs: number;
  private readonly statusQueries: boolean;
  private readonly strict: boolean;
  private readonly offlineAfterTimeouts: number;
  private readonly queue: Job[] = [];
  private nextJobId = 1;
  private linkUp = false;
  private working = false;
  private pollTimer: NodeJS.Timeout | null = null;
  private waiting: { resolve: (b: number) => void; reject: (e: DeviceError) => void; timer: NodeJS.Timeout } | null = null;
  private silent = 0;

  constructor(o: PrinterOptions) {
    super(o);
    this.statusPollMs = o.statusPollMs ?? 2000;
    this.answerTimeoutMs = o.answerTimeoutMs ?? 500;
    this.statusQueries = o.statusQueries ?? true;
    this.strict = o.strictStatus ?? true;
    this.offlineAfterTimeouts = o.offlineAfterTimeouts ?? 2;
  }

  /** Jobs waiting or printing. */
  get queued(): number {
    return this.queue.length;
  }

  /** Queues one job (the whole ESC/POS byte string of a ticket or slip); resolves with its outcome, never rejects. */
  print(bytes: Uint8Array, opts: PrintJobOptions = {}): Promise<PrintOutcome> {
    const id = this.nextJobId++;
    const expiresIn = opts.expiresInMs ?? 60_000;
    return new Promise<PrintOutcome>((resolve) => {
      const job: Job = {
        id,
        bytes: Buffer.from(bytes),
        expiresAt: this.now() + expiresIn,
        attempts: 0,
        inFlight: false,
        done: (o) => {
          clearTimeout(job.timer);
          const i = this.queue.indexOf(job);
          if (i >= 0) this.queue.splice(i, 1);
          this.emit('job', o);
          resolve(o);
        },
        timer: setTimeout(() => {
          if (job.inFlight) return; // the write in progress decides
          const h = this.health;
          // The caller branches on a stable code: a link that is down is DEVICE_OFFLINE whatever the reason.
          const code: DeviceErrorCode = h.status === 'online' ? 'DEVICE_TIMEOUT' : h.status === 'offline' ? 'DEVICE_OFFLINE' : (h.code ?? 'DEVICE_FAULT');
          job.done({ ok: false, jobId: id, attempts: job.attempts, code, message: `not printed within ${expiresIn} ms${h.detail ? ` (${h.detail})` : ''}` });
        }, expiresIn),
      };
      job.timer.unref?.();
      this.queue.push(job);
      void this.work();
    });
  }

  protected onLinkUp(): void {
    this.linkUp = true;
    this.silent = 0;
    if (!this.statusQueries) this.setHealth('online');
    void this.work();
  }

  protected onLinkDown(): void {
    this.linkUp = false;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = null;
    const w = this.waiting;
    if (w) {
      this.waiting = null;
      clearTimeout(w.timer);
      w.reject(new DeviceError('DEVICE_OFFLINE', 'link lost'));
    }
  }

  protected onData(chunk: Buffer): void {
    for (const b of chunk) {
      const w = this.waiting;
      if (!w) {
        this.counters.discardedBytes++; // a printer sends nothing unasked
        continue;
      }
      this.waiting = null;
      clearTimeout(w.timer);
      this.counters.framesReceived++;
      w.resolve(b);
    }
  }

  private async statusByte(n: StatusRequest): Promise<number> {
    const answer = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = null;
        this.counters.timeouts++;
        reject(new DeviceError('DEVICE_TIMEOUT', `no answer to DLE EOT ${n} within ${this.answerTimeoutMs} ms`));
      }, this.answerTimeoutMs);
      this.waiting = { resolve, reject, timer };
    });
    try {
      await this.transport.write(encodeStatusRequest(n));
      this.counters.framesSent++;
    } catch (err) {
      const w = this.waiting;
      if (w) {
        this.waiting = null;
        clearTimeout(w.timer);
        w.reject(err instanceof DeviceError ? err : new DeviceError('DEVICE_OFFLINE', (err as Error).message));
      }
    }
    return answer;
  }

  /**
   * Asks DLE EOT 1, 2 and 4 and sets health from the answers. Returns the blocking issue, or null when the
   * printer can print. Throws DEVICE_TIMEOUT / DEVICE_OFFLINE when it cannot be asked.
   */
  async checkStatus(): Promise<DeviceErrorCode | null> {
    const issues: DeviceErrorCode[] = [];
    for (const n of [1, 2, 4] as const) {
      let byte: number;
      try {
        byte = await this.statusByte(n);
      } catch (err) {
        const e = err as DeviceError;
        if (e.code === 'DEVICE_TIMEOUT' && ++this.silent >= this.offlineAfterTimeouts) {
          this.setHealth('offline', 'DEVICE_TIMEOUT', 'the printer does not answer status queries');
        }
        throw e;
      }
      this.silent = 0;
      try {
        issues.push(...statusIssues(parseStatus(n, byte, { strict: this.strict })));
      } catch {
        this.counters.discardedBytes++;
        throw new DeviceError('FRAME_MALFORMED', `answer to DLE EOT ${n} is not a status byte`, { byte });
      }
    }
    const blocking = ISSUE_ORDER.find((c) => issues.includes(c)) ?? null;
    if (blocking) this.setHealth('fault', blocking, ISSUE_TEXT[blocking]);
    else if (issues.includes('PAPER_LOW')) this.setHealth('online', 'PAPER_LOW', ISSUE_TEXT.PAPER_LOW);
    else this.setHealth('online');
    return blocking;
  }

  /** Runs the queue; while idle, polls status. One worker at a time. */
  private async work(): Promise<void> {
    if (this.working || !this.linkUp || !this.running) return;
    this.working = true;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = null;
    try {
      if (this.queue.length === 0 && this.statusQueries) await this.checkStatus().catch(() => null);
      while (this.linkUp && this.queue.length > 0) {
        const job = this.queue[0]!;
        const ok = await this.runJob(job);
        if (!ok) break; // link lost: the job waits for the reconnect
      }
    } finally {
      this.working = false;
    }
    if (this.linkUp && this.running) {
      if (this.queue.length > 0) return void this.work();
      if (this.statusQueries) {
        this.pollTimer = setTimeout(() => void this.work(), this.statusPollMs);
        this.pollTimer.unref?.();
      }
    }
  }

  /** false when the link broke and the job stays queued. */
  private async runJob(job: Job): Promise<boolean> {
    if (this.statusQueries) {
      let blocking: DeviceErrorCode | null;
      try {
        blocking = await this.checkStatus();
      } catch (err) {
        const e = err as DeviceError;
        if (!this.linkUp) return false;
        if (e.code === 'DEVICE_TIMEOUT' && this.health.status !== 'offline') return true; // ask again
        job.done({ ok: false, jobId: job.id, attempts: job.attempts, code: e.code, message: e.message });
        return true;
      }
      if (blocking) {
        job.done({ ok: false, jobId: job.id, attempts: job.attempts, code: blocking, message: ISSUE_TEXT[blocking] ?? blocking });
        return true;
      }
    }
    if (!this.queue.includes(job)) return true; // expired while its status was checked
    job.inFlight = true;
    job.attempts++;
    try {
      await this.transport.write(job.bytes);
      this.counters.framesSent++;
    } catch {
      job.inFlight = false;
      if (this.now() >= job.expiresAt) {
        job.done({ ok: false, jobId: job.id, attempts: job.attempts, code: 'DEVICE_OFFLINE', message: 'link lost while printing' });
        return true;
      }
      return false;
    }
    job.inFlight = false;
    if (this.statusQueries) {
      // The printer answers DLE EOT in order, after the job's bytes: the answer says it took the whole job
      // and still had paper at its end.
      let blocking: DeviceErrorCode | null;
      try {
        blocking = await this.checkStatus();
      } catch (err) {
        const e = err as DeviceError;
        job.done({ ok: false, jobId: job.id, attempts: job.attempts, code: e.code, message: `job sent, but the printer did not confirm it: ${e.message}` });
        return true;
      }
      if (blocking) {
        job.done({ ok: false, jobId: job.id, attempts: job.attempts, code: blocking, message: `${ISSUE_TEXT[blocking] ?? blocking} while printing` });
        return true;
      }
    }
    job.done({ ok: true, jobId: job.id, attempts: job.attempts });
    return true;
  }

  protected override onListenerError = (err: unknown, event: string): void => {
    process.emitWarning(`printer ${this.id}: listener for '${event}' threw: ${(err as Error)?.message}`);
  };

  override async stop(): Promise<void> {
    await super.stop();
    for (const job of [...this.queue]) job.done({ ok: false, jobId: job.id, attempts: job.attempts, code: 'DEVICE_OFFLINE', message: 'printer stopped' });
  }
}
