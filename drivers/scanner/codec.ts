// Barcode/QR scanner codecs (docs/protocols.md §3): serial or USB-CDC lines, and HID keyboard boot reports
// as Linux hidraw delivers them. Pure: bytes or reports in, scanned codes out.

import iconv from 'iconv-lite';
import type { Discarded, DiscardReason } from '../bytes.js';
import { DeviceError } from '../errors.js';

export type ScanMessage = { kind: 'code'; text: string } | Discarded;

/** Longest code accepted by default: a version 40 QR holds at most 2953 bytes of binary data. */
export const DEFAULT_MAX_CODE = 4096;

function pushDiscard(out: ScanMessage[], bytes: Uint8Array, reason: DiscardReason): void {
  const last = out[out.length - 1];
  if (last && last.kind === 'discarded' && last.reason === reason) {
    last.bytes = Buffer.concat([last.bytes, bytes]);
  } else {
    out.push({ kind: 'discarded', bytes: Buffer.from(bytes), reason });
  }
}

function checkMax(v: number | undefined): number {
  const max = v ?? DEFAULT_MAX_CODE;
  if (!Number.isInteger(max) || max < 1 || max > 1 << 20) {
    throw new DeviceError('BAD_ARGUMENT', 'maxLength must be an integer 1..1048576', { maxLength: v });
  }
  return max;
}

// ---------------------------------------------------------------------------------------------- serial lines

/**
 * How line bytes become text. 'auto' takes valid UTF-8 as UTF-8 and anything else as GB18030, the two
 * encodings Chinese scanners are set to for QR codes holding Chinese text.
 */
export type LineEncoding = 'auto' | 'utf8' | 'gb18030' | 'latin1';

export interface LineDecoderOptions {
  /** Longest line in bytes; a longer one is dropped whole. Default 4096. */
  maxLength?: number;
  encoding?: LineEncoding;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeLine(bytes: Buffer, encoding: LineEncoding): string {
  switch (encoding) {
    case 'utf8':
      return bytes.toString('utf8');
    case 'latin1':
      return bytes.toString('latin1');
    case 'gb18030':
      return iconv.decode(bytes, 'gb18030');
    case 'auto':
      try {
        return utf8.decode(bytes);
      } catch {
        return iconv.decode(bytes, 'gb18030');
      }
  }
}

/**
 * Splits a serial byte stream into codes. A code ends at CR, CRLF or a bare LF; an empty line is no code.
 * Control bytes inside a line (line noise when the port opens, STX/ETX framing some models add) are dropped
 * and reported; a line over the cap is dropped up to its terminator and reported once.
 */
export class LineDecoder {
  codes = 0;
  discardedBytes = 0;
  private line: number[] = [];
  private skipped: number[] = [];
  private skipping = false;
  private afterCR = false;
  private readonly max: number;
  private readonly encoding: LineEncoding;

  constructor(opts: LineDecoderOptions = {}) {
    this.max = checkMax(opts.maxLength);
    this.encoding = opts.encoding ?? 'auto';
    if (!['auto', 'utf8', 'gb18030', 'latin1'].includes(this.encoding)) {
      throw new DeviceError('BAD_ARGUMENT', 'encoding must be auto, utf8, gb18030 or latin1', { encoding: opts.encoding });
    }
  }

  get pending(): number {
    return this.line.length + this.skipped.length;
  }

  push(chunk: Uint8Array): ScanMessage[] {
    const out: ScanMessage[] = [];
    for (const b of chunk) {
      if (b === 0x0d || (b === 0x0a && !this.afterCR)) {
        this.endLine(out);
        this.afterCR = b === 0x0d;
        continue;
      }
      const wasCR = this.afterCR;
      this.afterCR = false;
      if (b === 0x0a && wasCR) continue; // the LF of CRLF
      if (this.skipping) {
        this.skipped.push(b);
        continue;
      }
      if ((b < 0x20 && b !== 0x09) || b === 0x7f) {
        this.discardedBytes++;
        pushDiscard(out, Buffer.from([b]), 'control');
        continue;
      }
      this.line.push(b);
      if (this.line.length > this.max) {
        this.skipping = true;
        this.skipped = this.line;
        this.line = [];
      }
    }
    return out;
  }

  /**
   * Ends a pending line without its terminator (an inter-byte timeout in the device layer). By default it
   * is reported as incomplete; asCode emits it as a code, for scanners set to send no suffix.
   */
  flush(opts: { asCode?: boolean } = {}): ScanMessage[] {
    const out: ScanMessage[] = [];
    if (opts.asCode && !this.skipping) {
      this.endLine(out);
    } else if (this.pending > 0) {
      const bytes = Buffer.from([...this.skipped, ...this.line]);
      this.discardedBytes += bytes.length;
      pushDiscard(out, bytes, this.skipping ? 'too_long' : 'incomplete');
      this.line = [];
      this.skipped = [];
      this.skipping = false;
    }
    this.afterCR = false;
    return out;
  }

  private endLine(out: ScanMessage[]): void {
    if (this.skipping) {
      this.discardedBytes += this.skipped.length;
      pushDiscard(out, Buffer.from(this.skipped), 'too_long');
      this.skipped = [];
      this.skipping = false;
      return;
    }
    if (this.line.length === 0) return;
    const text = decodeLine(Buffer.from(this.line), this.encoding);
    this.line = [];
    this.codes++;
    out.push({ kind: 'code', text });
  }
}

// ---------------------------------------------------------------------------------------------- HID keyboard

/** Left shift 0x02, right shift 0x20 in the modifier byte of a boot keyboard report. */
export const SHIFT_MASK = 0x22;
export const USAGE_ENTER = 0x28;
export const USAGE_KEYPAD_ENTER = 0x58;
const USAGE_ERROR_ROLLOVER = 0x01;

/** Usage → [unshifted, shifted] on a US layout: the layout scanners emulate by default. */
const USAGES: ReadonlyMap<number, readonly [string, string]> = new Map<number, readonly [string, string]>([
  ...Array.from({ length: 26 }, (_, i) => [0x04 + i, [String.fromCharCode(97 + i), String.fromCharCode(65 + i)]] as const),
  ...Array.from({ length: 9 }, (_, i) => [0x1e + i, [String(i + 1), '!@#$%^&*('[i]!]] as const),
  [0x27, ['0', ')']],
  [0x2b, ['\t', '\t']],
  [0x2c, [' ', ' ']],
  [0x2d, ['-', '_']],
  [0x2e, ['=', '+']],
  [0x2f, ['[', '{']],
  [0x30, [']', '}']],
  [0x31, ['\\', '|']],
  [0x33, [';', ':']],
  [0x34, ["'", '"']],
  [0x35, ['`', '~']],
  [0x36, [',', '<']],
  [0x37, ['.', '>']],
  [0x38, ['/', '?']],
  // Keypad, as scanners in "numeric keypad" mode send digits (Num Lock assumed on).
  [0x54, ['/', '/']],
  [0x55, ['*', '*']],
  [0x56, ['-', '-']],
  [0x57, ['+', '+']],
  ...Array.from({ length: 9 }, (_, i) => [0x59 + i, [String(i + 1), String(i + 1)]] as const),
  [0x62, ['0', '0']],
  [0x63, ['.', '.']],
]);

/** Character → [usage, shift] for the inverse (main keys only; the keypad is never needed to type). */
const CHARS: ReadonlyMap<string, readonly [number, boolean]> = (() => {
  const m = new Map<string, readonly [number, boolean]>();
  for (const [usage, [plain, shifted]] of USAGES) {
    if (usage >= 0x54) continue;
    if (!m.has(plain)) m.set(plain, [usage, false]);
    if (!m.has(shifted)) m.set(shifted, [usage, true]);
  }
  return m;
})();

export interface HidDecoderOptions {
  /** Longest code in characters. Default 4096. */
  maxLength?: number;
}

/**
 * Turns 8-byte boot keyboard reports [modifiers, reserved, k1..k6] into codes. A key counts when it first
 * appears; a key still held in the next report is not typed again. Enter (main or keypad) ends a code.
 */
export class HidKeyboardDecoder {
  codes = 0;
  discardedReports = 0;
  private held: number[] = [];
  private text = '';
  private overflow = false;
  private readonly max: number;

  constructor(opts: HidDecoderOptions = {}) {
    this.max = checkMax(opts.maxLength);
  }

  push(report: Uint8Array): ScanMessage[] {
    const out: ScanMessage[] = [];
    if (report.length !== 8) {
      this.discardedReports++;
      pushDiscard(out, report, 'malformed');
      return out;
    }
    const keys = Array.from(report.subarray(2)).filter((k) => k !== 0);
    if (keys.includes(USAGE_ERROR_ROLLOVER)) {
      // Too many keys at once: the report says nothing about which; keep the previous state.
      this.discardedReports++;
      pushDiscard(out, report, 'malformed');
      return out;
    }
    const shift = (report[0]! & SHIFT_MASK) !== 0;
    const fresh = keys.filter((k) => !this.held.includes(k));
    this.held = keys;
    for (const k of fresh) {
      if (k === USAGE_ENTER || k === USAGE_KEYPAD_ENTER) {
        this.endCode(out);
        continue;
      }
      const chars = USAGES.get(k);
      if (!chars) {
        pushDiscard(out, Buffer.from([k]), 'unknown_usage');
        continue;
      }
      if (this.overflow) continue;
      this.text += shift ? chars[1] : chars[0];
      if (this.text.length > this.max) {
        this.overflow = true;
      }
    }
    return out;
  }

  /** Drops a code that never got its Enter (the device layer's timeout), reported as incomplete. */
  flush(): ScanMessage[] {
    const out: ScanMessage[] = [];
    if (this.text.length > 0) pushDiscard(out, Buffer.from(this.text, 'utf8'), this.overflow ? 'too_long' : 'incomplete');
    this.text = '';
    this.overflow = false;
    this.held = [];
    return out;
  }

  private endCode(out: ScanMessage[]): void {
    if (this.overflow) {
      pushDiscard(out, Buffer.from(this.text, 'utf8'), 'too_long');
    } else if (this.text.length > 0) {
      this.codes++;
      out.push({ kind: 'code', text: this.text });
    }
    this.text = '';
    this.overflow = false;
  }
}

/**
 * The reports a HID scanner sends to type `text`: per character a key-down report (with shift where the US
 * layout needs it) and an all-zero release, then Enter. The release between characters is what lets a
 * decoder tell "aa" from one held key.
 */
export function encodeHidReports(text: string, opts: { enter?: boolean } = {}): Buffer[] {
  const out: Buffer[] = [];
  const release = (): Buffer => Buffer.alloc(8);
  for (const ch of text) {
    const key = CHARS.get(ch);
    if (!key) {
      throw new DeviceError('BAD_ARGUMENT', 'a US-layout HID keyboard cannot type this character', {
        codePoint: ch.codePointAt(0),
      });
    }
    out.push(Buffer.from([key[1] ? 0x02 : 0x00, 0, key[0], 0, 0, 0, 0, 0]), release());
  }
  if (opts.enter ?? true) out.push(Buffer.from([0, 0, USAGE_ENTER, 0, 0, 0, 0, 0]), release());
  return out;
}
