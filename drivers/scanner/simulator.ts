// A simulated scanner on the far end of a transport: scan(code) sends what a scanner sends for it, a
// CR-terminated line in line mode, or key-down/release boot reports and Enter in HID keyboard mode.

import iconv from 'iconv-lite';
import { encodeHidReports } from './codec.js';
import type { ScannerMode } from './device.js';
import type { Transport } from '../transport/transport.js';

export class ScannerSimulator {
  constructor(
    private readonly port: Transport,
    readonly mode: ScannerMode,
    /** Line mode: how the scanner encodes text. Default utf8. */
    private readonly encoding: 'utf8' | 'gb18030' = 'utf8',
  ) {}

  async open(): Promise<void> {
    await this.port.open();
  }

  /** Throws DeviceError BAD_ARGUMENT when a HID keyboard cannot type the code. */
  async scan(code: string): Promise<void> {
    if (this.mode === 'hid') {
      for (const report of encodeHidReports(code)) await this.port.write(report);
      return;
    }
    const body = this.encoding === 'gb18030' ? iconv.encode(code, 'gb18030') : Buffer.from(code, 'utf8');
    await this.port.write(Buffer.concat([body, Buffer.from([0x0d])]));
  }
}
