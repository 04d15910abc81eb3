// TCP links: network printers (port 9100, "raw" / JetDirect) and RS-485 or RS-232 lines behind a serial
// device server (a box that bridges a TCP port to a serial port). Keep-alive notices a dead peer that
// never sends a FIN (a printer powered off).

import { Socket } from 'node:net';
import { DeviceError } from '../errors.js';
import { BaseTransport } from './transport.js';

export interface TcpOptions {
  host: string;
  port: number;
  /** Give up connecting after this long. Default 3000 ms. */
  connectTimeoutMs?: number;
}

export class TcpTransport extends BaseTransport {
  readonly kind = 'tcp' as const;
  readonly address: string;
  private socket: Socket | null = null;

  constructor(private readonly o: TcpOptions) {
    super();
    this.address = `tcp:${o.host}:${o.port}`;
  }

  async open(): Promise<void> {
    if (this.opened) return;
    const s = new Socket();
    await new Promise<void>((resolve, reject) => {
      const fail = (why: string) => {
        s.destroy();
        reject(new DeviceError('PORT_UNAVAILABLE', `${this.address}: ${why}`));
      };
      s.setTimeout(this.o.connectTimeoutMs ?? 3000, () => fail('connect timed out'));
      s.once('error', (err) => fail(err.message));
      s.connect(this.o.port, this.o.host, () => {
        s.setTimeout(0);
        s.removeAllListeners('error');
        resolve();
      });
    });
    s.setNoDelay(true);
    s.setKeepAlive(true, 5000);
    this.socket = s;
    s.on('data', (chunk: Buffer) => this.emit('data', chunk));
    s.on('error', (err) => this.emit('error', new DeviceError('DEVICE_OFFLINE', `${this.address}: ${err.message}`)));
    s.on('close', (hadError) => {
      if (this.socket === s) this.socket = null;
      this.markClosed(false, hadError ? 'connection failed' : 'peer closed the connection');
    });
    this.markOpen();
  }

  async write(bytes: Uint8Array): Promise<void> {
    const s = this.socket;
    if (!s || !this.opened) throw new DeviceError('DEVICE_OFFLINE', `${this.address}: not connected`);
    await new Promise<void>((resolve, reject) => {
      s.write(Buffer.from(bytes), (err) => (err ? reject(new DeviceError('DEVICE_OFFLINE', `${this.address}: ${err.message}`)) : resolve()));
    });
  }

  async close(): Promise<void> {
    const s = this.socket;
    this.beginClose();
    if (!s) return;
    this.socket = null;
    await new Promise<void>((resolve) => {
      s.once('close', () => resolve());
      s.end();
      setTimeout(() => s.destroy(), 500).unref();
    });
    this.markClosed(true);
  }
}
