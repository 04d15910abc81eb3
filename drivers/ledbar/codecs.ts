// Window LED bar codecs (docs/protocols.md §4). There is no common standard: each vendor frames GBK text in
// its own way on an RS-485 multi-drop bus. A hall picks its codec by name in config; the simulator uses
// decode() to read frames back into what the bar would show.

import { assertByte, sum8, xor8 } from '../bytes.js';
import { DeviceError } from '../errors.js';
import { encodeLegacy, type Replacement } from '../text.js';
import iconv from 'iconv-lite';

export interface LedTextOptions {
  /** Told which characters were mapped or replaced to fit GBK (for the device's log). */
  onReplace?: (replaced: Replacement[]) => void;
}

export interface LedFrame {
  address: number;
  command: 'text' | 'clear';
  text: string;
}

export interface LedbarCodec {
  readonly name: string;
  /** One line for the manager's device page. */
  readonly description: string;
  /** Largest GBK text, in bytes, one frame carries. */
  readonly maxTextBytes: number;
  encodeText(address: number, text: string, opts?: LedTextOptions): Buffer;
  encodeClear(address: number): Buffer;
  /** Reads one whole frame back; throws FRAME_* DeviceErrors for a bad one. */
  decode?(frame: Uint8Array): LedFrame;
}

function gbk(text: string, max: number, opts: LedTextOptions | undefined): Buffer {
  if (typeof text !== 'string') throw new DeviceError('BAD_ARGUMENT', 'LED text must be a string');
  const { bytes, replaced } = encodeLegacy(text, 'gbk');
  if (replaced.length > 0) opts?.onReplace?.(replaced);
  if (bytes.length > max) {
    throw new DeviceError('BAD_ARGUMENT', `LED text is ${bytes.length} GBK bytes; this codec sends at most ${max}`, {
      bytes: bytes.length,
      max,
    });
  }
  return bytes;
}

const fromGbk = (b: Uint8Array): string => iconv.decode(Buffer.from(b), 'gbk');

function expectLength(frame: Uint8Array, min: number, codec: string): void {
  if (frame.length < min) {
    throw new DeviceError('FRAME_LENGTH', `${codec} frame shorter than its ${min} fixed bytes`, { bytes: frame.length });
  }
}

// ---------------------------------------------------------------------------------------------- AA … BB 51 54

/** Which bytes the SUM byte of the AA/BB codec adds up (low byte of the arithmetic sum). */
export type SumCovers = 'after' | 'all' | 'text';

export interface AaBbOptions {
  /**
   * 'after' (default): the bytes after SUM up to the text end (parameter block and text); 'all': every byte
   * before FF except SUM; 'text': the GBK text only. Which one a given bar checks is not documented
   * publicly: confirm with one frame from the vendor's tool (docs/protocols.md §4.1).
   */
  sumCovers?: SumCovers;
  /** The five bytes between SUM and the text, sent as given. Default 01 00 99 00 63. */
  params?: number[];
}

const AABB_DEFAULT_PARAMS = [0x01, 0x00, 0x99, 0x00, 0x63];

/** `AA addr BB 51 54 SUM p1..p5 <GBK> FF` */
export function aaBbCodec(opts: AaBbOptions = {}): LedbarCodec {
  const covers = opts.sumCovers ?? 'after';
  if (!['after', 'all', 'text'].includes(covers)) {
    throw new DeviceError('BAD_ARGUMENT', 'sumCovers must be after, all or text', { sumCovers: covers });
  }
  const params = opts.params ?? AABB_DEFAULT_PARAMS;
  if (!Array.isArray(params) || params.length !== 5) throw new DeviceError('BAD_ARGUMENT', 'params must be five bytes');
  params.forEach((p) => assertByte(p, 'param'));
  if (params.includes(0xff)) throw new DeviceError('BAD_ARGUMENT', 'params cannot hold FF, the end-of-frame byte');
  const HEAD = 6; // AA addr BB 51 54 SUM
  const sumOf = (f: Uint8Array, textStart: number, end: number): number => {
    switch (covers) {
      case 'after':
        return sum8(f, HEAD, end);
      case 'text':
        return sum8(f, textStart, end);
      case 'all':
        return (sum8(f, 0, HEAD - 1) + sum8(f, HEAD, end)) & 0xff;
    }
  };
  const maxTextBytes = 250;
  const build = (address: number, text: Buffer): Buffer => {
    assertByte(address, 'address');
    if (address === 0xff) throw new DeviceError('BAD_ARGUMENT', 'address FF is the end-of-frame byte of this codec', { address });
    const f = Buffer.concat([Buffer.from([0xaa, address, 0xbb, 0x51, 0x54, 0x00]), Buffer.from(params), text, Buffer.from([0xff])]);
    f[5] = sumOf(f, HEAD + 5, f.length - 1);
    return f;
  };
  return {
    name: 'aa-bb-51',
    description: 'AA addr BB 51 54 SUM 01 00 99 00 63 <GBK> FF (vendor layout; SUM coverage: ' + covers + ')',
    maxTextBytes,
    encodeText: (address, text, o) => build(address, gbk(text, maxTextBytes, o)),
    // No clear command is documented: an empty text blanks the bar.
    encodeClear: (address) => build(address, Buffer.alloc(0)),
    decode(frame) {
      expectLength(frame, HEAD + 5 + 1, 'aa-bb-51');
      if (frame[0] !== 0xaa || frame[2] !== 0xbb || frame[3] !== 0x51 || frame[4] !== 0x54 || frame[frame.length - 1] !== 0xff) {
        throw new DeviceError('FRAME_MALFORMED', 'not an AA…BB 51 54…FF frame');
      }
      const end = frame.length - 1;
      const expected = sumOf(frame, HEAD + 5, end);
      if (frame[5] !== expected) {
        throw new DeviceError('FRAME_CHECKSUM', 'SUM byte does not match', { expected, actual: frame[5] });
      }
      const text = fromGbk(frame.subarray(HEAD + 5, end));
      return { address: frame[1]!, command: text === '' ? 'clear' : 'text', text };
    },
  };
}

// ---------------------------------------------------------------------------------------------- A0 90 … A5

/** Which bytes the XOR byte of the A0 90 codec covers. */
export type XorCovers = 'all' | 'address' | 'data';

export interface A090Options {
  /**
   * 'all' (default): every byte from A0 to the last data byte; 'address': from the address on; 'data':
   * the GBK data only. Not settled by a public source: confirm with one vendor frame.
   */
  xorCovers?: XorCovers;
}

/** `A0 90 addr A5 lenH lenL <GBK> XOR` — len is the data length, big-endian. */
export function a090Codec(opts: A090Options = {}): LedbarCodec {
  const covers = opts.xorCovers ?? 'all';
  if (!['all', 'address', 'data'].includes(covers)) {
    throw new DeviceError('BAD_ARGUMENT', 'xorCovers must be all, address or data', { xorCovers: covers });
  }
  const HEAD = 6;
  const from = covers === 'all' ? 0 : covers === 'address' ? 2 : HEAD;
  const maxTextBytes = 1024;
  const build = (address: number, data: Buffer): Buffer => {
    assertByte(address, 'address');
    const f = Buffer.alloc(HEAD + data.length + 1);
    f.set([0xa0, 0x90, address, 0xa5], 0);
    f.writeUInt16BE(data.length, 4);
    data.copy(f, HEAD);
    f[f.length - 1] = xor8(f, from, f.length - 1);
    return f;
  };
  return {
    name: 'a0-90-a5',
    description: 'A0 90 addr A5 lenH lenL <GBK> XOR (vendor layout; XOR coverage: ' + covers + ')',
    maxTextBytes,
    encodeText: (address, text, o) => build(address, gbk(text, maxTextBytes, o)),
    // No clear command is documented: a zero-length text blanks the bar.
    encodeClear: (address) => build(address, Buffer.alloc(0)),
    decode(frame) {
      expectLength(frame, HEAD + 1, 'a0-90-a5');
      if (frame[0] !== 0xa0 || frame[1] !== 0x90 || frame[3] !== 0xa5) throw new DeviceError('FRAME_MALFORMED', 'not an A0 90 … A5 frame');
      const len = (frame[4]! << 8) | frame[5]!;
      if (HEAD + len + 1 !== frame.length) {
        throw new DeviceError('FRAME_LENGTH', 'length field does not match the frame', { len, bytes: frame.length });
      }
      const expected = xor8(frame, from, frame.length - 1);
      if (frame[frame.length - 1] !== expected) {
        throw new DeviceError('FRAME_CHECKSUM', 'XOR byte does not match', { expected, actual: frame[frame.length - 1] });
      }
      const text = fromGbk(frame.subarray(HEAD, HEAD + len));
      return { address: frame[2]!, command: len === 0 ? 'clear' : 'text', text };
    },
  };
}

// ---------------------------------------------------------------------------------------------- template

export const TEMPLATE_STX = 0x02;
export const TEMPLATE_ETX = 0x03;
export const TEMPLATE_CMD_TEXT = 0x01;
export const TEMPLATE_CMD_CLEAR = 0x02;

/**
 * `STX addr cmd lenH lenL <GBK> XOR ETX`, XOR over addr … last data byte. A clean framing for halls whose
 * bars are programmable or sit behind a converter: copy this codec, change the constants, keep the tests.
 */
export function templateCodec(): LedbarCodec {
  const HEAD = 5;
  const maxTextBytes = 1024;
  const build = (address: number, cmd: number, data: Buffer): Buffer => {
    assertByte(address, 'address');
    const f = Buffer.alloc(HEAD + data.length + 2);
    f.set([TEMPLATE_STX, address, cmd], 0);
    f.writeUInt16BE(data.length, 3);
    data.copy(f, HEAD);
    f[f.length - 2] = xor8(f, 1, f.length - 2);
    f[f.length - 1] = TEMPLATE_ETX;
    return f;
  };
  return {
    name: 'template',
    description: 'STX addr cmd lenH lenL <GBK> XOR ETX (template for other vendors)',
    maxTextBytes,
    encodeText: (address, text, o) => build(address, TEMPLATE_CMD_TEXT, gbk(text, maxTextBytes, o)),
    encodeClear: (address) => build(address, TEMPLATE_CMD_CLEAR, Buffer.alloc(0)),
    decode(frame) {
      expectLength(frame, HEAD + 2, 'template');
      if (frame[0] !== TEMPLATE_STX || frame[frame.length - 1] !== TEMPLATE_ETX) {
        throw new DeviceError('FRAME_MALFORMED', 'not an STX … ETX frame');
      }
      const len = (frame[3]! << 8) | frame[4]!;
      if (HEAD + len + 2 !== frame.length) {
        throw new DeviceError('FRAME_LENGTH', 'length field does not match the frame', { len, bytes: frame.length });
      }
      const expected = xor8(frame, 1, frame.length - 2);
      if (frame[frame.length - 2] !== expected) {
        throw new DeviceError('FRAME_CHECKSUM', 'XOR byte does not match', { expected, actual: frame[frame.length - 2] });
      }
      const cmd = frame[2];
      if (cmd !== TEMPLATE_CMD_TEXT && cmd !== TEMPLATE_CMD_CLEAR) {
        throw new DeviceError('FRAME_MALFORMED', 'unknown template command', { cmd });
      }
      return {
        address: frame[1]!,
        command: cmd === TEMPLATE_CMD_CLEAR ? 'clear' : 'text',
        text: fromGbk(frame.subarray(HEAD, HEAD + len)),
      };
    },
  };
}

// ---------------------------------------------------------------------------------------------- registry

type Factory = (options?: Record<string, unknown>) => LedbarCodec;

const REGISTRY: ReadonlyMap<string, Factory> = new Map<string, Factory>([
  ['aa-bb-51', (o) => aaBbCodec(o as AaBbOptions)],
  ['a0-90-a5', (o) => a090Codec(o as A090Options)],
  ['template', () => templateCodec()],
]);

export function ledbarCodecNames(): string[] {
  return [...REGISTRY.keys()];
}

/** The codec a hall's config names, with its options; UNKNOWN_CODEC lists the names there are. */
export function createLedbarCodec(name: string, options: Record<string, unknown> = {}): LedbarCodec {
  const factory = REGISTRY.get(name);
  if (!factory) {
    throw new DeviceError('UNKNOWN_CODEC', `no LED bar codec named '${name}'`, { name, known: ledbarCodecNames() });
  }
  return factory(options);
}
