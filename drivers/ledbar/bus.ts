// One RS-485 bus of window LED bars: several bars share the pair of wires and are told apart by address, so
// frames go out one at a time, in order, with a gap between them (a bar needs the line quiet to see where a
// frame ends, and a slow bar is still busy drawing the last one). This object owns the bus's write queue,
// the gap, reconnect after the link drops, and health counters. The bytes come from a codec chosen in
// config; the link is injected (a serial port, a TCP serial device server, or the simulator).

import { hex } from '../bytes.js';
import { DeviceError, isDeviceError } from '../errors.js';
import type { LedbarCodec } from './codecs.js';

/**
 * What the bus needs of a byte link. Structurally a subset of the drivers' transport interface, so a
 * serial port, a TCP link and the simulator all fit.
 */
export interface ByteLink {
  readonly address: string;
  readonly isOpen: boolean;
  open(): Promise<void>;
  write(bytes: Uint8Array): Promise<void>;
  close(): Promise<void>;
  on(event: 'close', fn: (info: { expected: boolean; reason?: string }) => void): unknown;
}

/** Time for the bus, injected so tests step a fake clock instead of waiting. */
export interface BusClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: BusClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms).unref?.()),
};

export interface LedbarBusOptions {
  id: string;
  link: ByteLink;
  codec: LedbarCodec;
  /** Quiet time between the end of one frame and the start of the next, ms. Default 50, range 0–2000. */
  gapMs?: number;
  /** First reconnect delay after the link fails, ms; doubles up to 30 s. Default 1000. */
  reconnectMs?: number;
  clock?: BusClock;
  /** Told about link changes and refused frames (for the log). */
  onEvent?: (e: BusEvent) => void;
}

export type BusEvent =
  | { type: 'online' }
  | { type: 'offline'; reason: string }
  | { type: 'write-failed'; address: number; code: string; message: string }
  | { type: 'replaced'; chars: string[] };

export type SendOutcome = 'sent' | 'superseded' | 'dropped';

export type BusStatus = 'online' | 'offline' | 'fault';

export interface BusHealth {
  status: BusStatus;
  detail?: string;
  /** ms epoch when the status last changed. */
  since: number;
  framesSent: number;
  /** Frames replaced by a newer text for the same address before they went out. */
  framesSuperseded: number;
  writeFailures: number;
  reconnects: number;
  lastSentAt: number | null;
  pending: number;
}

interface Pending {
  address: number;
  bytes: Buffer;
  done: (o: SendOutcome) => void;
}

export class LedbarBus {
  readonly id: string;
  readonly codec: LedbarCodec;
  private readonly link: ByteLink;
  private readonly gapMs: number;
  private readonly reconnectMs: number;
  private readonly clock: BusClock;
  private readonly onEvent: (e: BusEvent) => void;
  private readonly queue: Pending[] = [];
  /** What each bar should show: resent after a reconnect, since a bar may have lost power with the link. */
  private readonly wanted = new Map<number, Buffer>();
  private pumping = false;
  private lastEnd = -Infinity;
  private closed = false;
  private connecting: Promise<void> | null = null;
  private failures = 0;
  private everOnline = false;
  private readonly counters = { framesSent: 0, framesSuperseded: 0, writeFailures: 0, reconnects: 0, lastSentAt: null as number | null };
  private statusValue: BusStatus = 'offline';
  private detail: string | undefined = 'not opened yet';
  private since: number;
  private readonly statusListeners = new Set<(h: BusHealth) => void>();

  constructor(o: LedbarBusOptions) {
    this.id = o.id;
    this.link = o.link;
    this.codec = o.codec;
    this.gapMs = o.gapMs ?? 50;
    if (!Number.isInteger(this.gapMs) || this.gapMs < 0 || this.gapMs > 2000) {
      throw new DeviceError('BAD_ARGUMENT', 'gapMs must be an integer 0..2000', { gapMs: o.gapMs });
    }
    this.reconnectMs = o.reconnectMs ?? 1000;
    this.clock = o.clock ?? realClock;
    this.since = this.clock.now();
    this.onEvent = o.onEvent ?? (() => {});
    this.link.on('close', (info) => {
      if (this.closed || info.expected) return;
      this.goOffline(info.reason ?? 'link closed');
      void this.connect();
    });
  }

  /** Opens the link; if it is not there, keeps trying in the background. Never rejects. */
  async start(): Promise<void> {
    await this.connect();
  }

  /** Shows text on the bar at `address`. Resolves when the frame went out, was superseded, or the bus closed. */
  show(address: number, text: string): Promise<SendOutcome> {
    const bytes = this.codec.encodeText(address, text, {
      onReplace: (r) => this.onEvent({ type: 'replaced', chars: r.map((x) => x.char) }),
    });
    return this.enqueue(address, bytes);
  }

  /** Blanks the bar at `address`. */
  clear(address: number): Promise<SendOutcome> {
    return this.enqueue(address, this.codec.encodeClear(address));
  }

  health(): BusHealth {
    return {
      status: this.statusValue,
      ...(this.detail ? { detail: this.detail } : {}),
      since: this.since,
      ...this.counters,
      pending: this.queue.length,
    };
  }

  get status(): BusStatus {
    return this.statusValue;
  }

  /** Called with the new health whenever the status changes. */
  onStatus(fn: (h: BusHealth) => void): () => void {
    this.statusListeners.add(fn);
    return () => this.statusListeners.delete(fn);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) p.done('dropped');
    await this.link.close().catch(() => {});
  }

  private enqueue(address: number, bytes: Buffer): Promise<SendOutcome> {
    if (this.closed) return Promise.resolve('dropped');
    this.wanted.set(address, bytes);
    return new Promise<SendOutcome>((done) => {
      // Only the newest text for a bar matters: a frame still waiting for the same address is replaced in
      // place, so a burst of calls never builds a backlog of stale texts on a slow bus.
      const waiting = this.queue.findIndex((p) => p.address === address);
      if (waiting >= 0) {
        this.queue[waiting]!.done('superseded');
        this.counters.framesSuperseded++;
        this.queue[waiting] = { address, bytes, done };
      } else {
        this.queue.push({ address, bytes, done });
      }
      void this.pump();
    });
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (!this.closed && this.link.isOpen && this.queue.length > 0) {
        const wait = this.lastEnd + this.gapMs - this.clock.now();
        if (wait > 0) await this.clock.sleep(wait);
        if (this.closed || !this.link.isOpen) break;
        const p = this.queue.shift()!;
        try {
          await this.link.write(p.bytes);
          this.lastEnd = this.clock.now();
          this.counters.framesSent++;
          this.counters.lastSentAt = this.lastEnd;
          p.done('sent');
        } catch (err) {
          this.counters.writeFailures++;
          const e = isDeviceError(err) ? err : new DeviceError('DEVICE_OFFLINE', (err as Error)?.message ?? String(err));
          this.onEvent({ type: 'write-failed', address: p.address, code: e.code, message: e.message });
          // Kept at the head: it goes out first once the link is back.
          this.queue.unshift(p);
          if (!this.link.isOpen) break;
          this.goOffline(e.message, 'fault');
          await this.clock.sleep(this.backoff());
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  private backoff(): number {
    return Math.min(30_000, this.reconnectMs * 2 ** Math.min(this.failures++, 5));
  }

  private connect(): Promise<void> {
    if (this.connecting) return this.connecting;
    this.connecting = (async () => {
      while (!this.closed && !this.link.isOpen) {
        try {
          await this.link.open();
        } catch (err) {
          this.goOffline((err as Error)?.message ?? String(err));
          await this.clock.sleep(this.backoff());
          continue;
        }
      }
      this.connecting = null;
      if (this.closed) return;
      if (this.everOnline) this.counters.reconnects++;
      this.everOnline = true;
      this.failures = 0;
      this.setStatus('online', undefined);
      this.onEvent({ type: 'online' });
      this.requeueWanted();
      void this.pump();
    })();
    return this.connecting;
  }

  /** After a reconnect every bar gets its current text again, unless a newer one is already waiting. */
  private requeueWanted(): void {
    for (const [address, bytes] of this.wanted) {
      if (!this.queue.some((p) => p.address === address)) this.queue.push({ address, bytes, done: () => {} });
    }
  }

  private goOffline(reason: string, status: BusStatus = 'offline'): void {
    if (this.statusValue !== status || this.detail !== reason) this.onEvent({ type: 'offline', reason });
    this.setStatus(status, reason);
  }

  private setStatus(status: BusStatus, detail: string | undefined): void {
    const changed = status !== this.statusValue;
    this.statusValue = status;
    this.detail = detail;
    if (!changed) return;
    this.since = this.clock.now();
    const h = this.health();
    for (const fn of [...this.statusListeners]) fn(h);
  }
}

/** For logs: a frame as protocol documents print it, cut after 48 bytes. */
export function frameHex(bytes: Uint8Array): string {
  return bytes.length > 48 ? `${hex(bytes.subarray(0, 48))} …(${bytes.length} bytes)` : hex(bytes);
}
