// HID devices (barcode scanners in keyboard mode) through node-hid. node-hid is loaded with a dynamic
// import only when a HID transport opens, so a hall without HID devices never loads it and never needs
// libusb/libudev. When node-hid is not installed, or its native part cannot load, the device is reported as
// not there with that reason.

import { DeviceError } from '../errors.js';
import { BaseTransport } from './transport.js';

export interface HidOptions {
  /** hidraw path, e.g. /dev/hidraw0; or vendorId + productId. */
  path?: string;
  vendorId?: number;
  productId?: number;
  /** Strip a leading report-ID byte (scanners with several reports send 9-byte reports). Default false. */
  reportId?: boolean;
  /** Loads node-hid; tests inject a fake source. */
  load?: () => Promise<HidModule>;
}

/** The part of node-hid this transport uses. */
export interface HidDeviceLike {
  on(event: 'data', fn: (report: Buffer) => void): unknown;
  on(event: 'error', fn: (err: Error) => void): unknown;
  removeAllListeners(): unknown;
  close(): void;
}
export interface HidModule {
  HID: new (...args: [string] | [number, number]) => HidDeviceLike;
}

async function loadNodeHid(): Promise<HidModule> {
  // A variable specifier keeps bundlers and the type checker from requiring the optional package.
  const name = 'node-hid';
  try {
    const mod = (await import(name)) as HidModule & { default?: HidModule };
    return mod.HID ? mod : (mod.default as HidModule);
  } catch (err) {
    throw new DeviceError('PORT_UNAVAILABLE', `node-hid is not available (npm install node-hid; it needs libusb-1.0-0 and libudev1): ${(err as Error).message}`);
  }
}

export class HidTransport extends BaseTransport {
  readonly kind = 'hid' as const;
  readonly address: string;
  private dev: HidDeviceLike | null = null;

  constructor(private readonly o: HidOptions) {
    super();
    if (!o.path && (o.vendorId === undefined || o.productId === undefined)) {
      throw new DeviceError('BAD_ARGUMENT', 'a HID transport needs a path or vendorId and productId');
    }
    this.address = o.path ? `hid:${o.path}` : `hid:${hex4(o.vendorId!)}:${hex4(o.productId!)}`;
  }

  async open(): Promise<void> {
    if (this.opened) return;
    const mod = await (this.o.load ?? loadNodeHid)();
    let dev: HidDeviceLike;
    try {
      dev = this.o.path ? new mod.HID(this.o.path) : new mod.HID(this.o.vendorId!, this.o.productId!);
    } catch (err) {
      throw new DeviceError('PORT_UNAVAILABLE', `${this.address}: ${(err as Error).message}`);
    }
    this.dev = dev;
    dev.on('data', (report: Buffer) => this.emit('data', this.o.reportId ? report.subarray(1) : report));
    // node-hid reports an unplug as an error on the read thread; the device is gone either way.
    dev.on('error', (err: Error) => {
      this.drop();
      this.markClosed(false, err.message);
    });
    this.markOpen();
  }

  async write(_bytes: Uint8Array): Promise<void> {
    throw new DeviceError('NOT_SUPPORTED', `${this.address}: a keyboard-mode scanner takes no commands`);
  }

  private drop(): void {
    const dev = this.dev;
    this.dev = null;
    if (!dev) return;
    dev.removeAllListeners();
    try {
      dev.close();
    } catch {
      /* already gone */
    }
  }

  async close(): Promise<void> {
    this.beginClose();
    this.drop();
    this.markClosed(true);
  }
}

function hex4(n: number): string {
  return n.toString(16).padStart(4, '0');
}
