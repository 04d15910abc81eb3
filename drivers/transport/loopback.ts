// An in-memory byte link between two ends: the device's end and the simulator's end. Bytes written on one
// end arrive on the other asynchronously (never inside write()), optionally cut into small chunks, which is
// how serial drivers see replies. unplug()/plug() take the link away and give it back, so reconnect logic
// runs in tests and in the demo exactly as it would after a cable is pulled.

import { DeviceError } from '../errors.js';
import { BaseTransport } from './transport.js';

export interface LoopbackOptions {
  /** Cut each write into chunks of at most this many bytes on delivery. Default: whole writes. */
  chunkSize?: number;
  /** Name shown in the address, e.g. the device id. */
  name?: string;
}

class Wire {
  plugged = true;
  constructor(readonly chunkSize: number | undefined) {}
}

export class LoopbackEnd extends BaseTransport {
  readonly kind = 'loopback' as const;
  peer!: LoopbackEnd;

  constructor(
    readonly address: string,
    private readonly wire: Wire,
  ) {
    super();
  }

  async open(): Promise<void> {
    if (this.opened) return;
    if (!this.wire.plugged) throw new DeviceError('PORT_UNAVAILABLE', `${this.address}: unplugged`);
    this.markOpen();
  }

  async write(bytes: Uint8Array): Promise<void> {
    if (!this.opened || !this.wire.plugged) throw new DeviceError('DEVICE_OFFLINE', `${this.address}: not open`);
    const copy = Buffer.from(bytes);
    const peer = this.peer;
    const size = this.wire.chunkSize;
    setImmediate(() => {
      if (!peer.opened || !this.wire.plugged) return; // bytes on a dead link are lost, as on a wire
      if (!size) return peer.deliver(copy);
      for (let i = 0; i < copy.length; i += size) peer.deliver(copy.subarray(i, i + size));
    });
  }

  async close(): Promise<void> {
    this.beginClose();
    this.markClosed(true);
  }

  /** Bytes arriving from the other end. */
  deliver(chunk: Buffer): void {
    if (this.opened) this.emit('data', Buffer.from(chunk));
  }

  /** Test and simulator hook: the link breaks under an open end. */
  dropLink(reason: string): void {
    this.markClosed(false, reason);
  }
}

export interface LoopbackPair {
  /** The end a device object opens, as it would a serial port. */
  host: LoopbackEnd;
  /** The end a simulator (or a test) holds. */
  device: LoopbackEnd;
  /** Pulls the cable: both ends close, the host end cannot open until plug(). */
  unplug(): void;
  plug(): void;
  readonly plugged: boolean;
}

export function loopbackPair(opts: LoopbackOptions = {}): LoopbackPair {
  const wire = new Wire(opts.chunkSize);
  const name = opts.name ?? 'loopback';
  const host = new LoopbackEnd(`sim:${name}`, wire);
  const device = new LoopbackEnd(`sim:${name}#device`, wire);
  host.peer = device;
  device.peer = host;
  return {
    host,
    device,
    unplug() {
      wire.plugged = false;
      host.dropLink('unplugged');
    },
    plug() {
      wire.plugged = true;
    },
    get plugged() {
      return wire.plugged;
    },
  };
}
