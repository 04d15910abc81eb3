// USB printers through the Linux usblp character device (/dev/usb/lp0). The device is opened non-blocking:
// reads (the printer's DLE EOT answers, on bidirectional printers) are polled, so no libuv pool thread sits
// in a blocking read, and a write the driver cannot take yet (EAGAIN) is retried. ENODEV/EIO after an
// unplug closes the transport; the device object reconnects.

import { constants, promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { DeviceError } from '../errors.js';
import { BaseTransport } from './transport.js';

export interface LpOptions {
  path: string;
  /** How often to look for bytes from the printer. Default 50 ms. */
  readPollMs?: number;
  /** Give up a write the printer does not take for this long (out of paper with a full buffer). Default 10 s. */
  writeTimeoutMs?: number;
}

const GONE = new Set(['ENODEV', 'EIO', 'ENXIO', 'EBADF', 'ESHUTDOWN']);

export class LpTransport extends BaseTransport {
  readonly kind = 'lp' as const;
  readonly address: string;
  private fh: FileHandle | null = null;
  private timer: NodeJS.Timeout | null = null;
  private reading = false;

  constructor(private readonly o: LpOptions) {
    super();
    this.address = `lp:${o.path}`;
  }

  async open(): Promise<void> {
    if (this.opened) return;
    try {
      this.fh = await fs.open(this.o.path, constants.O_RDWR | constants.O_NONBLOCK | constants.O_NOCTTY);
    } catch (err) {
      throw new DeviceError('PORT_UNAVAILABLE', `${this.address}: ${(err as Error).message}`);
    }
    this.markOpen();
    this.timer = setInterval(() => void this.poll(), this.o.readPollMs ?? 50);
    this.timer.unref();
  }

  private async poll(): Promise<void> {
    const fh = this.fh;
    if (!fh || this.reading) return;
    this.reading = true;
    try {
      const buf = Buffer.alloc(256);
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead > 0) this.emit('data', buf.subarray(0, bytesRead));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? '';
      if (GONE.has(code)) await this.lost(code);
      // EAGAIN: nothing to read now. Other codes (a unidirectional printer answers EINVAL) are not fatal.
    } finally {
      this.reading = false;
    }
  }

  async write(bytes: Uint8Array): Promise<void> {
    if (!this.fh || !this.opened) throw new DeviceError('DEVICE_OFFLINE', `${this.address}: not open`);
    let buf = Buffer.from(bytes);
    const deadline = Date.now() + (this.o.writeTimeoutMs ?? 10_000);
    while (buf.length > 0) {
      const fh = this.fh;
      if (!fh) throw new DeviceError('DEVICE_OFFLINE', `${this.address}: closed while writing`);
      try {
        const { bytesWritten } = await fh.write(buf, 0, buf.length, null);
        buf = buf.subarray(bytesWritten);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? '';
        if (code !== 'EAGAIN') {
          if (GONE.has(code)) await this.lost(code);
          throw new DeviceError('DEVICE_OFFLINE', `${this.address}: ${(err as Error).message}`);
        }
        if (Date.now() > deadline) throw new DeviceError('DEVICE_TIMEOUT', `${this.address}: the printer takes no data`);
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  }

  private async lost(code: string): Promise<void> {
    const fh = this.fh;
    this.stop();
    await fh?.close().catch(() => {});
    this.markClosed(false, code);
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.fh = null;
  }

  async close(): Promise<void> {
    this.beginClose();
    const fh = this.fh;
    this.stop();
    await fh?.close().catch(() => {});
    this.markClosed(true);
  }
}
