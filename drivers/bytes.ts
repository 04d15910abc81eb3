// Byte helpers shared by the codecs: checksums, hex for logs and docs, and the receive buffer that the
// framers resync in. Pure: no I/O, no timers.

import { DeviceError } from './errors.js';

/** XOR of bytes [start, end). */
export function xor8(buf: Uint8Array, start = 0, end = buf.length): number {
  let x = 0;
  for (let i = start; i < end; i++) x ^= buf[i]!;
  return x;
}

/** Low byte of the arithmetic sum of bytes [start, end). */
export function sum8(buf: Uint8Array, start = 0, end = buf.length): number {
  let s = 0;
  for (let i = start; i < end; i++) s = (s + buf[i]!) & 0xff;
  return s;
}

/** `AA AA 96 69` style, the way protocol documents print frames. */
export function hex(buf: Uint8Array): string {
  return Array.from(buf, (b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');
}

/** Parses `AA AA 96 69`, `aaaa9669` or `0xAA,0xAA`; anything else is a BAD_ARGUMENT. */
export function fromHex(text: string): Buffer {
  const clean = text.replace(/0x/gi, '').replace(/[\s,:]/g, '');
  if (clean.length % 2 !== 0 || !/^[0-9a-f]*$/i.test(clean)) {
    throw new DeviceError('BAD_ARGUMENT', 'not a hex byte string', { text: text.slice(0, 64) });
  }
  return Buffer.from(clean, 'hex');
}

export function assertByte(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xff) {
    throw new DeviceError('BAD_ARGUMENT', `${what} must be an integer 0..255`, { [what]: value });
  }
  return value;
}

/** Why a framer threw bytes away. Shared so health counters read the same across devices. */
export type DiscardReason =
  | 'noise' // bytes before a frame start
  | 'checksum' // a complete frame whose checksum did not match
  | 'length' // a length field outside what the protocol allows
  | 'too_long' // a line or code longer than the configured cap
  | 'control' // control bytes inside a text line
  | 'malformed' // a fixed-size report of the wrong size or shape
  | 'incomplete' // pending bytes dropped by flush() or reset()
  | 'unknown_usage'; // a HID usage that maps to no character

export interface Discarded {
  kind: 'discarded';
  bytes: Buffer;
  reason: DiscardReason;
}

/**
 * Receive buffer for framers. Chunks are appended; complete frames are taken from the front. Bytes live in
 * one Buffer with a read offset, compacted when the consumed head outgrows the live data.
 */
export class ByteQueue {
  private buf: Buffer = Buffer.alloc(0);
  private off = 0;

  get length(): number {
    return this.buf.length - this.off;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    const live = this.buf.subarray(this.off);
    this.buf = Buffer.concat([live, chunk]);
    this.off = 0;
  }

  at(i: number): number {
    return this.buf[this.off + i]!;
  }

  /** A view of [start, end) without consuming; valid until the next push. */
  view(start = 0, end = this.length): Buffer {
    return this.buf.subarray(this.off + start, this.off + end);
  }

  indexOf(pattern: Uint8Array, from = 0): number {
    const i = this.buf.indexOf(pattern, this.off + from);
    return i < 0 ? -1 : i - this.off;
  }

  /** Removes and returns the first n bytes (a copy: callers keep it after later pushes). */
  take(n: number): Buffer {
    const out = Buffer.from(this.buf.subarray(this.off, this.off + n));
    this.off += n;
    if (this.off >= this.buf.length) {
      this.buf = Buffer.alloc(0);
      this.off = 0;
    }
    return out;
  }

  clear(): Buffer {
    return this.take(this.length);
  }
}

/** Length of the longest tail of `data` that is a proper prefix of `pattern` (a frame start cut by a chunk). */
export function partialPrefixTail(data: Uint8Array, pattern: Uint8Array): number {
  const max = Math.min(pattern.length - 1, data.length);
  for (let n = max; n > 0; n--) {
    let ok = true;
    for (let i = 0; i < n; i++) {
      if (data[data.length - n + i] !== pattern[i]) {
        ok = false;
        break;
      }
    }
    if (ok) return n;
  }
  return 0;
}
