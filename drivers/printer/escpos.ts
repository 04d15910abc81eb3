// ESC/POS encoder for the kiosk's thermal printer (docs/protocols.md §2). A small typed builder on
// iconv-lite rather than an npm ESC/POS package: those send QR codes with GS Z instead of GS ( k, switch
// code pages to GB2312 only, miscount CJK widths, or crash on their USB path.

import { encodeLegacy, type Replacement } from '../text.js';
import { DeviceError, type DeviceErrorCode } from '../errors.js';

export type Align = 'left' | 'center' | 'right';
export type QrLevel = 'L' | 'M' | 'Q' | 'H';
export type CutMode = 'full' | 'partial';
export type HriPosition = 'none' | 'above' | 'below' | 'both';

export interface QrOptions {
  /** Module size in dots, 1..16. Default 6. */
  size?: number;
  /** Error correction. Default 'M'. */
  level?: QrLevel;
}

export interface BarcodeOptions {
  /** Bar height in dots, 1..255 (GS h). Printer default when absent. */
  height?: number;
  /** Module width, 2..6 (GS w). Printer default when absent. */
  width?: number;
  /** Where the human-readable digits go (GS H). Printer default when absent. */
  hri?: HriPosition;
}

const ESC = 0x1b;
const GS = 0x1d;
const FS = 0x1c;
const LF = 0x0a;

const ALIGN: Record<Align, number> = { left: 0, center: 1, right: 2 };
const QR_LEVEL: Record<QrLevel, number> = { L: 0x30, M: 0x31, Q: 0x32, H: 0x33 };
const HRI: Record<HriPosition, number> = { none: 0, above: 1, below: 2, both: 3 };

/** Largest QR payload of model 2 (numeric, level L); the store command's pL pH then reads 7092. */
export const QR_MAX_BYTES = 7089;

function intIn(v: number, lo: number, hi: number, what: string): number {
  if (!Number.isInteger(v) || v < lo || v > hi) {
    throw new DeviceError('BAD_ARGUMENT', `${what} must be an integer ${lo}..${hi}`, { [what]: v });
  }
  return v;
}

export class EscPos {
  private readonly parts: Buffer[] = [];
  private readonly replacedChars: Replacement[] = [];

  /** ESC @ — reset modes; the first command of every job. */
  init(): this {
    return this.push(ESC, 0x40);
  }

  /** FS & — Chinese character mode on (FS . turns it off), so two-byte GB18030 text prints as CJK. */
  chinese(on = true): this {
    return on ? this.push(FS, 0x26) : this.push(FS, 0x2e);
  }

  /** ESC a n — takes effect at the start of a line. */
  align(a: Align): this {
    const n = ALIGN[a];
    if (n === undefined) throw new DeviceError('BAD_ARGUMENT', `align must be left, center or right`, { align: a });
    return this.push(ESC, 0x61, n);
  }

  /** GS ! n — width and height multipliers 1..8: n = (w−1)·16 + (h−1). */
  size(width: number, height: number): this {
    intIn(width, 1, 8, 'width');
    intIn(height, 1, 8, 'height');
    return this.push(GS, 0x21, ((width - 1) << 4) | (height - 1));
  }

  /** ESC E n */
  bold(on: boolean): this {
    return this.push(ESC, 0x45, on ? 1 : 0);
  }

  /** ESC - n: 0 off, 1 thin, 2 thick. */
  underline(n: 0 | 1 | 2): this {
    return this.push(ESC, 0x2d, intIn(n, 0, 2, 'underline'));
  }

  /**
   * Text in GB18030 (two-byte area only; see drivers/text.ts). A newline becomes LF; other control
   * characters are replaced, so text can never smuggle in a printer command.
   */
  text(s: string): this {
    const { bytes, replaced } = encodeLegacy(s.replace(/\r\n?/g, '\n'), 'gb18030', { allowControls: '\n' });
    this.replacedChars.push(...replaced);
    this.parts.push(bytes);
    return this;
  }

  /** Text and a line feed. */
  line(s = ''): this {
    return this.text(s).push(LF);
  }

  /** n line feeds (LF): prints what is buffered and advances the paper. */
  feed(lines = 1): this {
    intIn(lines, 0, 255, 'lines');
    if (lines > 0) this.parts.push(Buffer.alloc(lines, LF));
    return this;
  }

  /**
   * QR code, model 2, with GS ( k: select model, module size, error level, store data, print. Strings are
   * stored as UTF-8, which phone scanners expect.
   */
  qr(data: string | Uint8Array, opts: QrOptions = {}): this {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);
    if (bytes.length === 0 || bytes.length > QR_MAX_BYTES) {
      throw new DeviceError('BAD_ARGUMENT', `QR data must be 1..${QR_MAX_BYTES} bytes`, { bytes: bytes.length });
    }
    const size = intIn(opts.size ?? 6, 1, 16, 'size');
    const level = QR_LEVEL[opts.level ?? 'M'];
    if (level === undefined) throw new DeviceError('BAD_ARGUMENT', 'QR level must be L, M, Q or H', { level: opts.level });
    const stored = bytes.length + 3;
    this.push(GS, 0x28, 0x6b, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00); // model 2
    this.push(GS, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x43, size); // module size
    this.push(GS, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x45, level); // error correction
    this.push(GS, 0x28, 0x6b, stored & 0xff, stored >> 8, 0x31, 0x50, 0x30); // store: pL pH = bytes + 3
    this.parts.push(bytes);
    return this.push(GS, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x51, 0x30); // print
  }

  /**
   * CODE128 with GS k 73 (function B: length-prefixed), code set B chosen by the "{B" prefix. A '{' in
   * the data is sent as "{{", the escape the function defines, and counts twice in the length.
   */
  barcode128(data: string, opts: BarcodeOptions = {}): this {
    if (!/^[\x20-\x7e]+$/.test(data)) {
      throw new DeviceError('BAD_ARGUMENT', 'CODE128 set B takes printable ASCII only', { length: data.length });
    }
    const payload = Buffer.concat([Buffer.from([0x7b, 0x42]), Buffer.from(data.replace(/\{/g, '{{'), 'ascii')]);
    if (payload.length > 255) throw new DeviceError('BAD_ARGUMENT', 'CODE128 data too long for one barcode', { bytes: payload.length });
    if (opts.height !== undefined) this.push(GS, 0x68, intIn(opts.height, 1, 255, 'height'));
    if (opts.width !== undefined) this.push(GS, 0x77, intIn(opts.width, 2, 6, 'width'));
    if (opts.hri !== undefined) {
      const h = HRI[opts.hri];
      if (h === undefined) throw new DeviceError('BAD_ARGUMENT', 'hri must be none, above, below or both', { hri: opts.hri });
      this.push(GS, 0x48, h);
    }
    this.push(GS, 0x6b, 73, payload.length);
    this.parts.push(payload);
    return this;
  }

  /** GS V m: 0 full cut, 1 partial cut (one point left uncut). Feed first: the cutter sits above the head. */
  cut(mode: CutMode = 'full'): this {
    if (mode !== 'full' && mode !== 'partial') throw new DeviceError('BAD_ARGUMENT', 'cut must be full or partial', { mode });
    return this.push(GS, 0x56, mode === 'full' ? 0 : 1);
  }

  /** Bytes sent as given: for commands this builder does not name. */
  raw(bytes: Uint8Array): this {
    this.parts.push(Buffer.from(bytes));
    return this;
  }

  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }

  /** Characters the printer could not print as given: mapped (¥ → ￥) or replaced by '?'. */
  get replaced(): readonly Replacement[] {
    return this.replacedChars;
  }

  private push(...bytes: number[]): this {
    this.parts.push(Buffer.from(bytes));
    return this;
  }
}

// ---------------------------------------------------------------------------------------------- status

export type StatusRequest = 1 | 2 | 3 | 4;

/** DLE EOT n — real-time status; the printer answers one byte even while busy or offline. */
export function encodeStatusRequest(n: StatusRequest): Buffer {
  intIn(n, 1, 4, 'n');
  return Buffer.from([0x10, 0x04, n]);
}

export type PrinterStatus =
  | { n: 1; offline: boolean; drawerPin3High: boolean; waitingForRecovery: boolean; feedButtonPressed: boolean }
  | { n: 2; coverOpen: boolean; feedingByButton: boolean; paperEndStop: boolean; errorOccurred: boolean }
  | { n: 3; cutterError: boolean; unrecoverableError: boolean; autoRecoverableError: boolean }
  | { n: 4; paperNearEnd: boolean; paperOut: boolean };

export interface ParseStatusOptions {
  /**
   * Check the fixed bits every answer carries (bit 0 and 7 off, bits 1 and 4 on), which tell a status byte
   * from stray data. Default true; a printer that ignores them can turn it off.
   */
  strict?: boolean;
}

const bit = (b: number, i: number): boolean => (b & (1 << i)) !== 0;

export function parseStatus(n: StatusRequest, byte: number, opts: ParseStatusOptions = {}): PrinterStatus {
  intIn(n, 1, 4, 'n');
  intIn(byte, 0, 255, 'byte');
  if ((opts.strict ?? true) && (byte & 0x93) !== 0x12) {
    throw new DeviceError('FRAME_MALFORMED', 'not a DLE EOT status byte: fixed bits 0,1,4,7 do not read 0,1,1,0', {
      n,
      byte,
    });
  }
  switch (n) {
    case 1:
      return { n, drawerPin3High: bit(byte, 2), offline: bit(byte, 3), waitingForRecovery: bit(byte, 5), feedButtonPressed: bit(byte, 6) };
    case 2:
      return { n, coverOpen: bit(byte, 2), feedingByButton: bit(byte, 3), paperEndStop: bit(byte, 5), errorOccurred: bit(byte, 6) };
    case 3:
      return { n, cutterError: bit(byte, 3), unrecoverableError: bit(byte, 5), autoRecoverableError: bit(byte, 6) };
    case 4:
      // Each condition is reported on two bits (one per sensor on some models); either one counts.
      return { n, paperNearEnd: (byte & 0x0c) !== 0, paperOut: (byte & 0x60) !== 0 };
  }
}

/** The error codes a status answer implies, most urgent first; empty when the printer can print. */
export function statusIssues(s: PrinterStatus): DeviceErrorCode[] {
  const out: DeviceErrorCode[] = [];
  switch (s.n) {
    case 1:
      if (s.offline) out.push('DEVICE_OFFLINE');
      break;
    case 2:
      if (s.coverOpen) out.push('COVER_OPEN');
      if (s.paperEndStop) out.push('PAPER_OUT');
      if (s.errorOccurred) out.push('DEVICE_FAULT');
      break;
    case 3:
      if (s.cutterError) out.push('CUTTER_ERROR');
      if (s.unrecoverableError || s.autoRecoverableError) out.push('DEVICE_FAULT');
      break;
    case 4:
      if (s.paperOut) out.push('PAPER_OUT');
      else if (s.paperNearEnd) out.push('PAPER_LOW');
      break;
  }
  return out;
}
