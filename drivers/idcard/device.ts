// The ID-card reader as a device: one request at a time over the transport, find → select → read every
// pollMs (never faster than 300 ms, the SAM module's own limit), each answer's status mapped to a named
// outcome, and the same card reported once while it stays on the reader.

import { Device, type DeviceEvents, type DeviceOptions } from '../device.js';
import { DeviceError } from '../errors.js';
import {
  type CardText,
  decodeReadAnswer,
  decodeResponse,
  encodeRequest,
  type IdCardCommand,
  IdCardFramer,
  type IdCardResponse,
} from './codec.js';

export interface IdCardReaderOptions extends DeviceOptions {
  /** Time between find-card polls. Default 500 ms (300..5000). */
  pollMs?: number;
  /** Time an answer may take. The 1295-byte read answer needs ~115 ms at 115200 baud. Default 1000 ms (200..10000). */
  answerTimeoutMs?: number;
  /** Polls without a card before a present card counts as removed. Default 2 (1..10). */
  removedAfterMisses?: number;
  /** Consecutive unanswered requests before the reader counts as offline. Default 3 (1..20). */
  offlineAfterTimeouts?: number;
}

export interface CardRead {
  card: CardText;
  /** WLT photo, opaque. */
  photo: Buffer;
  at: number;
}

export interface IdCardReaderEvents extends DeviceEvents {
  card: [read: CardRead];
  /** A card was there but could not be read (auth failed, unknown type, damaged data). */
  cardError: [err: DeviceError];
}

export const MIN_POLL_MS = 300;

function cardKey(c: CardText): string {
  const number = 'idNumber' in c ? c.idNumber : c.cardNumber;
  return `${c.variant}|${number}|${c.validFrom}`;
}

export class IdCardReader extends Device<IdCardReaderEvents> {
  readonly kind = 'idcard';
  private readonly framer = new IdCardFramer();
  private readonly pollMs: number;
  private readonly answerTimeoutMs: number;
  private readonly removedAfterMisses: number;
  private readonly offlineAfterTimeouts: number;
  private pending: { resolve: (body: Buffer) => void; reject: (e: DeviceError) => void; timer: NodeJS.Timeout } | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private linkUp = false;
  private present: { key: string; misses: number } | null = null;
  private silentRequests = 0;
  /** Bumped on every link change so a cycle from an old link stops at its next step. */
  private epoch = 0;

  constructor(o: IdCardReaderOptions) {
    super(o);
    this.pollMs = Math.max(MIN_POLL_MS, o.pollMs ?? 500);
    this.answerTimeoutMs = o.answerTimeoutMs ?? 1000;
    this.removedAfterMisses = o.removedAfterMisses ?? 2;
    this.offlineAfterTimeouts = o.offlineAfterTimeouts ?? 3;
  }

  protected onLinkUp(): void {
    this.linkUp = true;
    this.epoch++;
    this.framer.reset();
    this.schedule(0);
  }

  protected onLinkDown(): void {
    this.linkUp = false;
    this.epoch++;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = null;
    this.failPending(new DeviceError('DEVICE_OFFLINE', 'link lost'));
    this.present = null;
  }

  protected onData(chunk: Buffer): void {
    const before = this.framer.discardedBytes;
    for (const m of this.framer.push(chunk)) {
      if (m.kind !== 'frame') continue;
      this.counters.framesReceived++;
      const p = this.pending;
      if (!p) {
        this.counters.discardedBytes += m.body.length + 8; // an answer nobody asked for
        continue;
      }
      this.pending = null;
      clearTimeout(p.timer);
      p.resolve(m.body);
    }
    this.counters.discardedBytes += this.framer.discardedBytes - before;
  }

  private failPending(e: DeviceError): void {
    const p = this.pending;
    if (!p) return;
    this.pending = null;
    clearTimeout(p.timer);
    p.reject(e);
  }

  /** Sends one request and waits for its answer frame. */
  async request(cmd: IdCardCommand): Promise<Buffer> {
    if (this.pending) throw new DeviceError('DEVICE_BUSY', 'a request is already in flight');
    const answer = new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending = null;
        this.counters.timeouts++;
        const before = this.framer.discardedBytes;
        this.framer.reset(); // a phantom frame start must not hide the next real answer
        this.counters.discardedBytes += this.framer.discardedBytes - before;
        reject(new DeviceError('DEVICE_TIMEOUT', `no answer to ${cmd} within ${this.answerTimeoutMs} ms`));
      }, this.answerTimeoutMs);
      this.pending = { resolve, reject, timer };
    });
    try {
      await this.transport.write(encodeRequest(cmd));
      this.counters.framesSent++;
    } catch (err) {
      this.failPending(err instanceof DeviceError ? err : new DeviceError('DEVICE_OFFLINE', (err as Error).message));
    }
    return answer;
  }

  private schedule(ms: number): void {
    if (!this.linkUp || !this.running) return;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = setTimeout(() => {
      this.pollTimer = null;
      void this.cycle();
    }, ms);
    this.pollTimer.unref?.();
  }

  private answered(): void {
    this.silentRequests = 0;
  }

  /** One find → select → read cycle; whatever happens, the next one is scheduled. */
  private async cycle(): Promise<void> {
    const epoch = this.epoch;
    try {
      await this.cycleSteps(epoch);
    } catch (err) {
      if (epoch !== this.epoch) return;
      const e = err instanceof DeviceError ? err : new DeviceError('DEVICE_FAULT', (err as Error).message);
      if (e.code === 'DEVICE_TIMEOUT') {
        this.silentRequests++;
        if (this.silentRequests >= this.offlineAfterTimeouts) this.setHealth('offline', 'DEVICE_TIMEOUT', 'the reader does not answer');
      } else if (e.code !== 'DEVICE_OFFLINE') {
        this.setHealth('fault', e.code, e.message);
      }
    }
    if (epoch === this.epoch) this.schedule(this.pollMs);
  }

  private async cycleSteps(epoch: number): Promise<void> {
    const find = decodeResponse(await this.request('find'));
    this.answered();
    if (epoch !== this.epoch) return;
    if (find.status === 'find_failed') {
      this.setHealth('online');
      if (this.present && ++this.present.misses >= this.removedAfterMisses) this.present = null;
      return;
    }
    if (find.status !== 'card_found') return this.refused(find);
    this.setHealth('online');
    if (this.present) this.present.misses = 0;
    const select = decodeResponse(await this.request('select'));
    if (epoch !== this.epoch) return;
    // A card that stays on the reader after its read refuses a new select on many modules: still present.
    if (select.status === 'select_failed' && this.present) return;
    if (!select.ok) return this.cardRefused(select);
    const body = await this.request('read');
    if (epoch !== this.epoch) return;
    let read;
    try {
      read = decodeReadAnswer(body);
    } catch (err) {
      const e = err instanceof DeviceError ? err : new DeviceError('CARD_DATA_INVALID', (err as Error).message);
      this.emit('cardError', e);
      return;
    }
    const key = cardKey(read.card);
    if (this.present?.key === key) return;
    this.present = { key, misses: 0 };
    this.emit('card', { card: read.card, photo: read.photo, at: this.now() });
  }

  /** A refusal of the reader itself (SAM, command, checksum): health, not a card problem. */
  private refused(r: IdCardResponse): void {
    // COMMAND_REJECTED and FRAME_* are line trouble: the next poll asks again.
    if (r.error === 'SAM_FAULT' || r.error === 'SAM_UNAUTHORIZED' || r.error === 'DEVICE_FAULT') this.setHealth('fault', r.error, r.message.en);
  }

  private cardRefused(r: IdCardResponse): void {
    if (r.error === 'SAM_FAULT' || r.error === 'SAM_UNAUTHORIZED') return this.refused(r);
    this.emit('cardError', new DeviceError(r.error ?? 'CARD_READ_FAILED', r.message.en, { sw3: r.sw3, status: r.status }));
  }
}
