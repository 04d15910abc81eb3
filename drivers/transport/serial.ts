// Serial ports (RS-232, USB-serial, USB-CDC) through the serialport package. The port object is made by an
// injected factory so tests run the same code over @serialport/binding-mock (SerialPortMock).

import { SerialPort } from 'serialport';
import { DeviceError } from '../errors.js';
import { BaseTransport } from './transport.js';

/** What this transport needs of a serialport stream (SerialPort and SerialPortMock both fit). */
export interface SerialPortLike {
  readonly isOpen: boolean;
  open(cb: (err: Error | null) => void): void;
  write(data: Buffer, cb: (err: Error | null | undefined) => void): boolean;
  drain(cb: (err: Error | null) => void): void;
  close(cb: (err: Error | null) => void): void;
  on(event: 'data', fn: (chunk: Buffer) => void): unknown;
  on(event: 'error', fn: (err: Error) => void): unknown;
  on(event: 'close', fn: (err?: Error & { disconnected?: boolean }) => void): unknown;
  removeAllListeners(): unknown;
}

export interface SerialOptions {
  path: string;
  /** Default 115200 (the ID-card SAM module); scanners and LED bars usually run at 9600. */
  baudRate?: number;
  dataBits?: 7 | 8;
  parity?: 'none' | 'even' | 'odd';
  stopBits?: 1 | 2;
  /** Makes the port object; default the real SerialPort. Tests pass SerialPortMock. */
  factory?: (o: { path: string; baudRate: number; dataBits: 7 | 8; parity: 'none' | 'even' | 'odd'; stopBits: 1 | 2; autoOpen: false }) => SerialPortLike;
}

export class SerialTransport extends BaseTransport {
  readonly kind = 'serial' as const;
  readonly address: string;
  private port: SerialPortLike | null = null;

  constructor(private readonly o: SerialOptions) {
    super();
    this.address = `serial:${o.path}@${o.baudRate ?? 115200}`;
  }

  async open(): Promise<void> {
    if (this.opened) return;
    const make = this.o.factory ?? ((x) => new SerialPort(x) as unknown as SerialPortLike);
    const port = make({
      path: this.o.path,
      baudRate: this.o.baudRate ?? 115200,
      dataBits: this.o.dataBits ?? 8,
      parity: this.o.parity ?? 'none',
      stopBits: this.o.stopBits ?? 1,
      autoOpen: false,
    });
    await new Promise<void>((resolve, reject) => {
      port.open((err) => (err ? reject(new DeviceError('PORT_UNAVAILABLE', `${this.address}: ${err.message}`)) : resolve()));
    });
    this.port = port;
    port.on('data', (chunk: Buffer) => this.emit('data', chunk));
    port.on('error', (err: Error) => this.emit('error', new DeviceError('DEVICE_FAULT', `${this.address}: ${err.message}`)));
    port.on('close', (err?: Error & { disconnected?: boolean }) => {
      port.removeAllListeners();
      if (this.port === port) this.port = null;
      this.markClosed(!err, err?.message);
    });
    this.markOpen();
  }

  async write(bytes: Uint8Array): Promise<void> {
    const port = this.port;
    if (!port || !this.opened) throw new DeviceError('DEVICE_OFFLINE', `${this.address}: not open`);
    await new Promise<void>((resolve, reject) => {
      port.write(Buffer.from(bytes), (err) => {
        if (err) return reject(new DeviceError('DEVICE_OFFLINE', `${this.address}: ${err.message}`));
        port.drain((e) => (e ? reject(new DeviceError('DEVICE_OFFLINE', `${this.address}: ${e.message}`)) : resolve()));
      });
    });
  }

  async close(): Promise<void> {
    const port = this.port;
    this.beginClose();
    if (!port) return;
    await new Promise<void>((resolve) => {
      if (!port.isOpen) return resolve();
      port.close(() => resolve());
    });
    this.port = null;
    this.markClosed(true);
  }
}
