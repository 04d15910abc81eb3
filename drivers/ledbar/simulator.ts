// A simulated RS-485 bus full of LED bars. It is the bus's byte link: every write is kept as sent, then read
// back through the same codec's decode(), and the addressed bar's screen changes the way a real bar's
// would. A frame the codec refuses (bad checksum, wrong length) changes no screen and is counted, as a
// real bar would ignore it. unplug()/plug() take the link away, so reconnect runs in the demo and in tests.

import { DeviceError } from '../errors.js';
import type { LedbarCodec } from './codecs.js';
import type { ByteLink } from './bus.js';

export interface SimFrame {
  /** ISO time the frame arrived. */
  at: string;
  /** The frame exactly as written, base64. */
  bytes: string;
}

export interface LedbarSimulatorOptions {
  codec: LedbarCodec;
  name?: string;
  /** Frames kept for GET /sim/devices/:id/output; older ones are dropped. Default 500. */
  keepFrames?: number;
  now?: () => number;
}

type CloseFn = (info: { expected: boolean; reason?: string }) => void;

export class LedbarSimulator implements ByteLink {
  readonly address: string;
  private opened = false;
  private plugged = true;
  private readonly codec: LedbarCodec;
  private readonly keep: number;
  private readonly now: () => number;
  private readonly log: SimFrame[] = [];
  private readonly screenText = new Map<number, string>();
  private readonly closeListeners = new Set<CloseFn>();
  /** Frames that no bar accepted. */
  rejected = 0;

  constructor(o: LedbarSimulatorOptions) {
    if (!o.codec.decode) throw new DeviceError('NOT_SUPPORTED', `codec ${o.codec.name} cannot decode frames, so it cannot be simulated`);
    this.codec = o.codec;
    this.address = `sim:${o.name ?? 'ledbus'}`;
    this.keep = o.keepFrames ?? 500;
    this.now = o.now ?? Date.now;
  }

  get isOpen(): boolean {
    return this.opened;
  }

  async open(): Promise<void> {
    if (!this.plugged) throw new DeviceError('PORT_UNAVAILABLE', `${this.address}: unplugged`);
    this.opened = true;
  }

  async write(bytes: Uint8Array): Promise<void> {
    if (!this.opened) throw new DeviceError('DEVICE_OFFLINE', `${this.address}: not open`);
    const frame = Buffer.from(bytes);
    this.log.push({ at: new Date(this.now()).toISOString(), bytes: frame.toString('base64') });
    if (this.log.length > this.keep) this.log.splice(0, this.log.length - this.keep);
    try {
      const f = this.codec.decode!(frame);
      this.screenText.set(f.address, f.command === 'clear' ? '' : f.text);
    } catch {
      this.rejected++;
    }
  }

  async close(): Promise<void> {
    if (!this.opened) return;
    this.opened = false;
    this.emitClose({ expected: true });
  }

  on(event: 'close', fn: CloseFn): this {
    if (event === 'close') this.closeListeners.add(fn);
    return this;
  }

  /** The cable is pulled: the open link drops and cannot be opened until plug(). */
  unplug(): void {
    this.plugged = false;
    if (this.opened) {
      this.opened = false;
      this.emitClose({ expected: false, reason: 'unplugged' });
    }
  }

  plug(): void {
    this.plugged = true;
  }

  /** GET /sim/devices/:id/output for an LED bus: every frame kept, and what each address shows. */
  output(): { frames: SimFrame[]; screens: Record<string, string> } {
    const screens: Record<string, string> = {};
    for (const [a, t] of [...this.screenText].sort((x, y) => x[0] - y[0])) screens[String(a)] = t;
    return { frames: [...this.log], screens };
  }

  screen(address: number): string | undefined {
    return this.screenText.get(address);
  }

  private emitClose(info: { expected: boolean; reason?: string }): void {
    for (const fn of [...this.closeListeners]) fn(info);
  }
}
