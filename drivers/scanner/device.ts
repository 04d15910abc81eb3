// The barcode/QR scanner as a device. Line mode: serial/USB-CDC bytes, a code per CR/LF-terminated line.
// HID mode: keyboard boot reports (one per transport chunk) decoded with shift and key release. A code
// that never gets its terminator is dropped after an inter-byte timeout (or taken whole, for scanners set
// to send no suffix). A scanner never answers anything, so it is online whenever its link is open.

import { Device, type DeviceEvents, type DeviceOptions } from '../device.js';
import { HidKeyboardDecoder, LineDecoder, type LineEncoding, type ScanMessage } from './codec.js';

export type ScannerMode = 'line' | 'hid';

export interface ScannerOptions extends DeviceOptions {
  mode: ScannerMode;
  /** A code whose terminator has not come after this long is flushed. Default 300 ms (50..5000). */
  interByteTimeoutMs?: number;
  /** Line mode: the scanner sends no suffix, so the timeout ends a code. Default false. */
  noSuffix?: boolean;
  encoding?: LineEncoding;
  /** Longest code. Default 4096. */
  maxLength?: number;
}

export interface Scan {
  code: string;
  at: number;
}

export interface ScannerEvents extends DeviceEvents {
  scan: [scan: Scan];
}

export class Scanner extends Device<ScannerEvents> {
  readonly kind = 'scanner';
  readonly mode: ScannerMode;
  private readonly line: LineDecoder | null;
  private readonly hid: HidKeyboardDecoder | null;
  private readonly interByteMs: number;
  private readonly noSuffix: boolean;
  private flushTimer: NodeJS.Timeout | null = null;

  constructor(o: ScannerOptions) {
    super(o);
    this.mode = o.mode;
    const max = o.maxLength !== undefined ? { maxLength: o.maxLength } : {};
    this.line = o.mode === 'line' ? new LineDecoder({ ...max, encoding: o.encoding ?? 'auto' }) : null;
    this.hid = o.mode === 'hid' ? new HidKeyboardDecoder(max) : null;
    this.interByteMs = o.interByteTimeoutMs ?? 300;
    this.noSuffix = o.noSuffix ?? false;
  }

  protected onLinkUp(): void {
    this.setHealth('online');
  }

  protected onLinkDown(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    this.take(this.line?.flush() ?? this.hid?.flush() ?? []);
  }

  protected onData(chunk: Buffer): void {
    this.take(this.line ? this.line.push(chunk) : this.hid!.push(chunk));
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      this.take(this.line ? this.line.flush({ asCode: this.noSuffix }) : this.hid!.flush());
    }, this.interByteMs);
    this.flushTimer.unref?.();
  }

  private take(messages: ScanMessage[]): void {
    for (const m of messages) {
      if (m.kind === 'discarded') {
        this.counters.discardedBytes += m.bytes.length;
        continue;
      }
      this.counters.framesReceived++;
      this.emit('scan', { code: m.text, at: this.now() });
    }
  }
}
