// The byte stream a device object talks through. A device never knows whether the bytes cross a serial
// port, a TCP socket, a /dev/usb/lp character device, a HID report pipe, or an in-memory loopback to a
// simulator: the transport is injected (STYLE.md practice 3).
//
// Contract:
// - open() resolves when bytes can flow, or rejects with DeviceError PORT_UNAVAILABLE (absent, busy,
//   refused). A transport may be opened again after it closed (that is how a device reconnects).
// - write() resolves when the bytes were handed to the OS (or the peer), rejects with DEVICE_OFFLINE when
//   the link is not open or breaks.
// - 'data' carries chunks as they arrive: any size, frames split anywhere. For HID a chunk is one report.
// - 'close' fires once per open when the link goes away, whether asked for (close()) or not (unplug, peer
//   reset); `expected` tells which. 'error' reports a fault that does not by itself close the link.

import { TypedEmitter } from '../emitter.js';
import type { DeviceError } from '../errors.js';

export type TransportKind = 'serial' | 'tcp' | 'lp' | 'hid' | 'loopback';

export interface TransportEvents {
  [k: string]: unknown[];
  data: [chunk: Buffer];
  error: [err: DeviceError];
  close: [info: { expected: boolean; reason?: string }];
}

export interface Transport {
  readonly kind: TransportKind;
  /** Where the bytes go, for health pages and logs: `serial:/dev/ttyUSB0@115200`, `tcp:10.0.0.5:9100`. */
  readonly address: string;
  readonly isOpen: boolean;
  open(): Promise<void>;
  write(bytes: Uint8Array): Promise<void>;
  close(): Promise<void>;
  on<K extends keyof TransportEvents>(event: K, fn: (...args: TransportEvents[K]) => void): this;
  off<K extends keyof TransportEvents>(event: K, fn: (...args: TransportEvents[K]) => void): this;
}

/** Shared bookkeeping: the open flag and the once-per-open close event. */
export abstract class BaseTransport extends TypedEmitter<TransportEvents> implements Transport {
  abstract readonly kind: TransportKind;
  abstract readonly address: string;
  protected opened = false;
  private closing = false;

  get isOpen(): boolean {
    return this.opened;
  }

  abstract open(): Promise<void>;
  abstract write(bytes: Uint8Array): Promise<void>;
  abstract close(): Promise<void>;

  protected markOpen(): void {
    this.opened = true;
    this.closing = false;
  }

  /** Called by implementations when the link is gone; emits 'close' once. */
  protected markClosed(expected: boolean, reason?: string): void {
    if (!this.opened) return;
    this.opened = false;
    this.emit('close', { expected: expected || this.closing, ...(reason ? { reason } : {}) });
  }

  protected beginClose(): void {
    this.closing = true;
  }
}
