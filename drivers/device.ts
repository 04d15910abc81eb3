// What every device object shares: the connection life cycle over an injected transport (open, reconnect
// with exponential backoff after an unplug or a refused open), health with counters, and a stop that leaves
// no timer behind. Device kinds add their protocol on top (drivers/<kind>/device.ts).

import { TypedEmitter, type EventMap } from './emitter.js';
import { DeviceError, type DeviceErrorCode } from './errors.js';
import type { Transport } from './transport/transport.js';

export type DeviceStatus = 'online' | 'offline' | 'fault';

export interface DeviceCounters {
  /** Frames (requests, print jobs, status queries) written to the transport. */
  framesSent: number;
  /** Whole frames (answers, status bytes, scanned codes) taken from the transport. */
  framesReceived: number;
  /** Requests that got no answer in time. */
  timeouts: number;
  /** Bytes the framer threw away: noise, bad checksums, bytes nobody asked for. */
  discardedBytes: number;
  /** Times the link was opened again after it was lost. */
  reconnects: number;
}

export interface DeviceHealth {
  status: DeviceStatus;
  /** Why the device is not online (stable code), absent when online. */
  code?: DeviceErrorCode;
  /** Human words for the same, never personal data. */
  detail?: string;
  /** ms epoch when status last changed. */
  since: number;
  /** ms epoch of the last byte from the device; null before the first. */
  lastSeen: number | null;
  counters: DeviceCounters;
}

export interface DeviceEvents extends EventMap {
  health: [health: DeviceHealth];
}

export interface BackoffOptions {
  /** First retry after this long. Default 500 ms (100..10000). */
  initialMs?: number;
  /** Retries never wait longer than this. Default 30000 ms (1000..600000). */
  maxMs?: number;
}

export interface DeviceOptions {
  id: string;
  transport: Transport;
  backoff?: BackoffOptions;
  now?: () => number;
}

export abstract class Device<E extends DeviceEvents = DeviceEvents> extends TypedEmitter<E> {
  readonly id: string;
  readonly transport: Transport;
  abstract readonly kind: string;
  protected readonly now: () => number;
  protected readonly counters: DeviceCounters = { framesSent: 0, framesReceived: 0, timeouts: 0, discardedBytes: 0, reconnects: 0 };
  private state: { status: DeviceStatus; code?: DeviceErrorCode; detail?: string; since: number };
  private lastSeenAt: number | null = null;
  private stopped = true;
  private retryTimer: NodeJS.Timeout | null = null;
  private retryMs: number;
  private everOpened = false;
  private readonly initialMs: number;
  private readonly maxMs: number;

  constructor(o: DeviceOptions) {
    super();
    this.id = o.id;
    this.transport = o.transport;
    this.now = o.now ?? Date.now;
    this.initialMs = o.backoff?.initialMs ?? 500;
    this.maxMs = o.backoff?.maxMs ?? 30_000;
    this.retryMs = this.initialMs;
    this.state = { status: 'offline', code: 'DEVICE_OFFLINE', detail: 'not started', since: this.now() };
    this.transport.on('data', (chunk) => {
      if (this.stopped) return;
      this.lastSeenAt = this.now();
      this.onData(chunk);
    });
    this.transport.on('close', ({ expected, reason }) => {
      this.onLinkDown();
      if (this.stopped || expected) return;
      this.setHealth('offline', 'DEVICE_OFFLINE', `link lost${reason ? `: ${reason}` : ''}`);
      this.scheduleConnect();
    });
    this.transport.on('error', (err) => {
      this.setHealth('fault', err.code, err.message);
    });
  }

  get health(): DeviceHealth {
    return { ...this.state, lastSeen: this.lastSeenAt, counters: { ...this.counters } };
  }

  get running(): boolean {
    return !this.stopped;
  }

  /** Opens the link and keeps it open: a failed open or a lost link is retried with backoff. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.onLinkDown();
    await this.transport.close().catch(() => {});
    this.setHealth('offline', 'DEVICE_OFFLINE', 'stopped');
  }

  private async connect(): Promise<void> {
    this.retryTimer = null;
    if (this.stopped) return;
    try {
      await this.transport.open();
    } catch (err) {
      const e = err instanceof DeviceError ? err : new DeviceError('PORT_UNAVAILABLE', (err as Error).message);
      this.setHealth('offline', e.code, e.message);
      this.scheduleConnect();
      return;
    }
    if (this.stopped) {
      await this.transport.close().catch(() => {});
      return;
    }
    if (this.everOpened) this.counters.reconnects++;
    this.everOpened = true;
    this.retryMs = this.initialMs;
    this.onLinkUp();
  }

  private scheduleConnect(): void {
    if (this.stopped || this.retryTimer) return;
    const wait = this.retryMs;
    this.retryMs = Math.min(this.maxMs, this.retryMs * 2);
    this.retryTimer = setTimeout(() => void this.connect(), wait);
    this.retryTimer.unref?.();
  }

  /** Closes the link from the device side (an unrecoverable protocol state) and reconnects. */
  protected async relink(code: DeviceErrorCode, detail: string): Promise<void> {
    this.onLinkDown();
    await this.transport.close().catch(() => {});
    if (this.stopped) return;
    this.setHealth('offline', code, detail);
    this.scheduleConnect();
  }

  protected setHealth(status: DeviceStatus, code?: DeviceErrorCode, detail?: string): void {
    const s = this.state;
    if (s.status === status && s.code === code && s.detail === detail) return;
    this.state = { status, ...(code ? { code } : {}), ...(detail ? { detail } : {}), since: s.status === status ? s.since : this.now() };
    (this.emit as unknown as (e: 'health', h: DeviceHealth) => void).call(this, 'health', this.health);
  }

  /** The link is open: start polling, send what waited. */
  protected abstract onLinkUp(): void;
  /** The link is gone (or stopping): stop timers, fail or park what was in flight. */
  protected abstract onLinkDown(): void;
  protected abstract onData(chunk: Buffer): void;
}

/** Pauses for ms; unref'd so a pending wait never keeps a process alive. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref?.());
}
