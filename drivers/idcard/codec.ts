// ID-card reader, SAM serial protocol (二代证 SAM module; docs/protocols.md §1). Pure bytes ↔ messages.
//
// Frame: AA AA AA 96 69 | LEN (2, big-endian: every byte after it, checksum included) | body | XOR of LEN
// and body. Requests carry a command and a parameter byte; answers start SW1 SW2 SW3 (00 00 SW3).

import { ByteQueue, type Discarded, type DiscardReason, partialPrefixTail, xor8 } from '../bytes.js';
import { DeviceError, type DeviceErrorCode } from '../errors.js';
import { nationCode, nationName } from './nations.js';

export const PREAMBLE: Buffer = Buffer.from([0xaa, 0xaa, 0xaa, 0x96, 0x69]);

/** Command and parameter bytes. The first five are what a kiosk needs; the rest are read for completeness. */
export const IDCARD_COMMANDS = {
  reset: [0x10, 0xff],
  samStatus: [0x11, 0xff],
  samId: [0x12, 0xff],
  find: [0x20, 0x01],
  select: [0x20, 0x02],
  read: [0x30, 0x01],
  readAppendAddress: [0x30, 0x03],
  readFingerprint: [0x30, 0x10],
} as const satisfies Record<string, readonly [number, number]>;

export type IdCardCommand = keyof typeof IDCARD_COMMANDS;

/** LEN of the 1295-byte read answer: 3 status + 2 + 2 lengths + 256 text + 1024 photo + 1 checksum. */
export const READ_ANSWER_LEN = 0x0508;
/** LEN of the longest answer in the protocol, the fingerprint read (1024 more bytes and one more length). */
export const MAX_ANSWER_LEN = 0x090a;
/** The shortest frame: a request (command, parameter, checksum). */
export const MIN_LEN = 3;

export const TEXT_BYTES = 256;
export const PHOTO_BYTES = 1024;

// ---------------------------------------------------------------------------------------------- frames

/** Wraps a body in preamble, length and checksum. */
export function encodeFrame(body: Uint8Array): Buffer {
  const len = body.length + 1;
  if (len > 0xffff) throw new DeviceError('BAD_ARGUMENT', 'frame body too long for a 16-bit length', { bytes: body.length });
  const out = Buffer.alloc(PREAMBLE.length + 2 + len);
  PREAMBLE.copy(out, 0);
  out.writeUInt16BE(len, 5);
  out.set(body, 7);
  out[out.length - 1] = xor8(out, 5, out.length - 1);
  return out;
}

export function encodeRequest(cmd: IdCardCommand): Buffer {
  const bytes = IDCARD_COMMANDS[cmd];
  if (!bytes) throw new DeviceError('BAD_ARGUMENT', `unknown ID-card command '${String(cmd)}'`);
  return encodeFrame(Buffer.from(bytes));
}

/** Which command a request body carries (what a simulated reader needs); null when none matches. */
export function decodeRequest(body: Uint8Array): IdCardCommand | null {
  if (body.length !== 2) return null;
  for (const [name, [c, p]] of Object.entries(IDCARD_COMMANDS) as [IdCardCommand, readonly [number, number]][]) {
    if (body[0] === c && body[1] === p) return name;
  }
  return null;
}

export type IdCardMessage = { kind: 'frame'; body: Buffer } | Discarded;

export interface IdCardFramerOptions {
  /** Largest LEN accepted; a bigger one is line noise. Default MAX_ANSWER_LEN (2314). */
  maxLen?: number;
}

/**
 * Cuts a byte stream into frames. Resyncs on the preamble across chunk boundaries and noise; a frame with a
 * wrong checksum or an impossible length is reported as discarded and counted, never thrown.
 *
 * A noise preamble followed by a plausible LEN makes the framer wait for that many bytes; the device layer
 * calls reset() when an answer times out, so such a phantom never hides the next real answer for long.
 */
export class IdCardFramer {
  frames = 0;
  discardedBytes = 0;
  badChecksums = 0;
  badLengths = 0;
  private readonly q = new ByteQueue();
  private readonly maxLen: number;

  constructor(opts: IdCardFramerOptions = {}) {
    const maxLen = opts.maxLen ?? MAX_ANSWER_LEN;
    if (!Number.isInteger(maxLen) || maxLen < MIN_LEN || maxLen > 0xffff) {
      throw new DeviceError('BAD_ARGUMENT', `maxLen must be an integer ${MIN_LEN}..65535`, { maxLen });
    }
    this.maxLen = maxLen;
  }

  /** Bytes held while waiting for the rest of a frame. */
  get pending(): number {
    return this.q.length;
  }

  push(chunk: Uint8Array): IdCardMessage[] {
    const out: IdCardMessage[] = [];
    this.q.push(chunk);
    const q = this.q;
    for (;;) {
      if (q.length === 0) break;
      const start = q.indexOf(PREAMBLE);
      if (start < 0) {
        const keep = partialPrefixTail(q.view(), PREAMBLE);
        if (q.length > keep) this.discard(out, q.length - keep, 'noise');
        break;
      }
      if (start > 0) this.discard(out, start, 'noise');
      if (q.length < 7) break;
      const len = (q.at(5) << 8) | q.at(6);
      if (len < MIN_LEN || len > this.maxLen) {
        this.badLengths++;
        this.discardToNextPreamble(out, 'length', Infinity);
        continue;
      }
      const total = 7 + len;
      if (q.length < total) break;
      const frame = q.view(0, total);
      if (xor8(frame, 5, total - 1) !== frame[total - 1]) {
        this.badChecksums++;
        this.discardToNextPreamble(out, 'checksum', total);
        continue;
      }
      const whole = q.take(total);
      this.frames++;
      out.push({ kind: 'frame', body: whole.subarray(7, total - 1) });
    }
    return out;
  }

  /** Drops whatever is pending (after an answer timeout), reported as 'incomplete'. */
  reset(): IdCardMessage[] {
    const out: IdCardMessage[] = [];
    if (this.q.length > 0) this.discard(out, this.q.length, 'incomplete');
    return out;
  }

  private discard(out: IdCardMessage[], n: number, reason: DiscardReason): void {
    const bytes = this.q.take(n);
    this.discardedBytes += bytes.length;
    out.push({ kind: 'discarded', bytes, reason });
  }

  /**
   * Throws away a bad frame start. A real frame may begin inside the bad one (noise that looked like a
   * preamble), so the cut is at the next preamble within `span` if there is one.
   */
  private discardToNextPreamble(out: IdCardMessage[], reason: DiscardReason, span: number): void {
    const q = this.q;
    const next = q.indexOf(PREAMBLE, 1);
    if (next > 0 && next < span) {
      this.discard(out, next, reason);
    } else if (span !== Infinity) {
      this.discard(out, span, reason);
    } else {
      // Keep a tail that may be the first bytes of the next preamble.
      const keep = partialPrefixTail(q.view(1), PREAMBLE);
      this.discard(out, q.length - keep, reason);
    }
  }
}

// ---------------------------------------------------------------------------------------------- answers

export type SamStatusName =
  | 'ok'
  | 'item_empty'
  | 'card_found'
  | 'checksum_error'
  | 'length_error'
  | 'bad_command'
  | 'unauthorized_operation'
  | 'unrecognized_error'
  | 'card_auth_sam_failed'
  | 'sam_auth_card_failed'
  | 'info_verify_failed'
  | 'unknown_card_type'
  | 'read_failed'
  | 'random_failed'
  | 'sam_self_test_failed'
  | 'sam_unauthorized'
  | 'find_failed'
  | 'select_failed';

interface StatusInfo {
  name: SamStatusName;
  zh: string;
  en: string;
  /** Absent for the two success codes. */
  error?: DeviceErrorCode;
}

/** SW3 values of the SAM protocol (the table every vendor SDK repeats). */
export const SAM_STATUS: ReadonlyMap<number, StatusInfo> = new Map<number, StatusInfo>([
  [0x90, { name: 'ok', zh: '操作成功', en: 'Success' }],
  [0x9f, { name: 'card_found', zh: '寻找证/卡成功', en: 'Card found' }],
  [0x91, { name: 'item_empty', zh: '证/卡中此项无内容', en: 'The card holds no such item', error: 'CARD_ITEM_EMPTY' }],
  [0x10, { name: 'checksum_error', zh: '接收业务终端数据的校验和错', en: 'Reader received a bad checksum', error: 'FRAME_CHECKSUM' }],
  [0x11, { name: 'length_error', zh: '接收业务终端数据的长度错', en: 'Reader received a bad length', error: 'FRAME_LENGTH' }],
  [0x21, { name: 'bad_command', zh: '接收业务终端的命令错误', en: 'Reader rejected the command', error: 'COMMAND_REJECTED' }],
  [0x23, { name: 'unauthorized_operation', zh: '越权操作', en: 'Operation not permitted', error: 'COMMAND_REJECTED' }],
  [0x24, { name: 'unrecognized_error', zh: '无法识别的错误', en: 'Unrecognised reader error', error: 'DEVICE_FAULT' }],
  [0x31, { name: 'card_auth_sam_failed', zh: '证/卡认证SAM失败', en: 'Card failed to authenticate the SAM', error: 'CARD_AUTH_FAILED' }],
  [0x32, { name: 'sam_auth_card_failed', zh: 'SAM认证证/卡失败', en: 'SAM failed to authenticate the card', error: 'CARD_AUTH_FAILED' }],
  [0x33, { name: 'info_verify_failed', zh: '信息验证错误', en: 'Card data failed verification', error: 'CARD_AUTH_FAILED' }],
  [0x40, { name: 'unknown_card_type', zh: '无法识别的卡类型', en: 'Unknown card type', error: 'CARD_UNSUPPORTED' }],
  [0x41, { name: 'read_failed', zh: '读证/卡操作失败', en: 'Card read failed', error: 'CARD_READ_FAILED' }],
  [0x47, { name: 'random_failed', zh: '取随机数失败', en: 'Could not get a random number from the card', error: 'CARD_AUTH_FAILED' }],
  [0x60, { name: 'sam_self_test_failed', zh: 'SAM自检失败，不能接收命令', en: 'SAM self-test failed', error: 'SAM_FAULT' }],
  [0x66, { name: 'sam_unauthorized', zh: 'SAM未经授权，无法使用', en: 'SAM not authorised', error: 'SAM_UNAUTHORIZED' }],
  [0x80, { name: 'find_failed', zh: '寻找证/卡失败', en: 'No card found', error: 'NO_CARD' }],
  [0x81, { name: 'select_failed', zh: '选取证/卡失败', en: 'Card select failed', error: 'CARD_SELECT_FAILED' }],
]);

export interface IdCardResponse {
  sw1: number;
  sw2: number;
  sw3: number;
  status: SamStatusName | 'unknown';
  /** 90 and 9F; everything else is a refusal or a fault. */
  ok: boolean;
  /** Bytes after SW3. */
  payload: Buffer;
  message: { zh: string; en: string };
  /** Set when not ok. */
  error?: DeviceErrorCode;
}

export function decodeResponse(body: Uint8Array): IdCardResponse {
  if (body.length < 3) {
    throw new DeviceError('FRAME_LENGTH', 'answer shorter than its three status bytes', { bytes: body.length });
  }
  const sw1 = body[0]!;
  const sw2 = body[1]!;
  const sw3 = body[2]!;
  const payload = Buffer.from(body.subarray(3));
  const info = sw1 === 0 && sw2 === 0 ? SAM_STATUS.get(sw3) : undefined;
  if (!info) {
    const code = [sw1, sw2, sw3].map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');
    return {
      sw1,
      sw2,
      sw3,
      status: 'unknown',
      ok: false,
      payload,
      message: { zh: `未知状态码 ${code}`, en: `Unknown status ${code}` },
      error: 'DEVICE_FAULT',
    };
  }
  return {
    sw1,
    sw2,
    sw3,
    status: info.name,
    ok: info.error === undefined,
    payload,
    message: { zh: info.zh, en: info.en },
    ...(info.error ? { error: info.error } : {}),
  };
}

/** The DeviceError for a refused answer, or null for 90/9F. */
export function responseError(r: IdCardResponse): DeviceError | null {
  if (r.ok) return null;
  return new DeviceError(r.error ?? 'DEVICE_FAULT', r.message.en, { sw3: r.sw3, status: r.status });
}

/** A whole answer frame as a reader sends it: 00 00 SW3 and the payload. */
export function encodeResponse(sw3: number, payload: Uint8Array = Buffer.alloc(0)): Buffer {
  if (!Number.isInteger(sw3) || sw3 < 0 || sw3 > 0xff) throw new DeviceError('BAD_ARGUMENT', 'SW3 must be a byte', { sw3 });
  const body = Buffer.alloc(3 + payload.length);
  body[2] = sw3;
  body.set(payload, 3);
  return encodeFrame(body);
}

// ---------------------------------------------------------------------------------------------- read answer

export interface ReadAnswer {
  /** The 256 text bytes as read (UCS-2LE). */
  text: Buffer;
  /** WLT-compressed photo, opaque: only a licensed vendor library decodes it. */
  photo: Buffer;
  /** Present for the fingerprint read (30 10); opaque templates. */
  fingerprint?: Buffer;
  card: CardText;
}

/** Decodes the body of a read answer (30 01, or 30 10 with fingerprints). */
export function decodeReadAnswer(body: Uint8Array): ReadAnswer {
  const r = decodeResponse(body);
  if (r.sw3 !== 0x90 || r.status !== 'ok') {
    throw responseError(r) ?? new DeviceError('CARD_READ_FAILED', 'read answer without success status', { sw3: r.sw3 });
  }
  const b = Buffer.from(body);
  if (b.length < 7) throw new DeviceError('FRAME_LENGTH', 'read answer too short for its length fields', { bytes: b.length });
  const textLen = b.readUInt16BE(3);
  const photoLen = b.readUInt16BE(5);
  let offset: number;
  let fpLen = 0;
  if (7 + textLen + photoLen === b.length) {
    offset = 7;
  } else if (b.length >= 9 && 9 + textLen + photoLen + b.readUInt16BE(7) === b.length) {
    fpLen = b.readUInt16BE(7);
    offset = 9;
  } else {
    throw new DeviceError('FRAME_LENGTH', 'read answer lengths do not add up to the frame', {
      bytes: b.length,
      textLen,
      photoLen,
    });
  }
  if (textLen !== TEXT_BYTES) {
    throw new DeviceError('CARD_DATA_INVALID', `text block is ${textLen} bytes, expected ${TEXT_BYTES}`, { textLen });
  }
  const text = Buffer.from(b.subarray(offset, offset + textLen));
  const photo = Buffer.from(b.subarray(offset + textLen, offset + textLen + photoLen));
  const answer: ReadAnswer = { text, photo, card: decodeCardText(text) };
  if (offset === 9) answer.fingerprint = Buffer.from(b.subarray(offset + textLen + photoLen, offset + textLen + photoLen + fpLen));
  return answer;
}

/** The whole read answer frame a reader sends: 1295 bytes for 256 text + 1024 photo bytes. */
export function encodeReadAnswer(text: Uint8Array, photo: Uint8Array, fingerprint?: Uint8Array): Buffer {
  if (text.length !== TEXT_BYTES) throw new DeviceError('BAD_ARGUMENT', `text must be ${TEXT_BYTES} bytes`, { bytes: text.length });
  const head = fingerprint ? 9 : 7;
  const body = Buffer.alloc(head + text.length + photo.length + (fingerprint?.length ?? 0));
  body[2] = 0x90;
  body.writeUInt16BE(text.length, 3);
  body.writeUInt16BE(photo.length, 5);
  if (fingerprint) body.writeUInt16BE(fingerprint.length, 7);
  body.set(text, head);
  body.set(photo, head + text.length);
  if (fingerprint) body.set(fingerprint, head + text.length + photo.length);
  return encodeFrame(body);
}

// ---------------------------------------------------------------------------------------------- card text

export type CardVariant = 'resident' | 'hmt_permit' | 'foreign_permanent' | 'foreign_permanent_2023';
export type Sex = '男' | '女';

interface CardCommon {
  /** GB/T 2261.1: 1 male, 2 female (0 unknown, 9 unstated never appear on issued cards). */
  sexCode: string;
  sex: Sex | null;
  /** YYYY-MM-DD */
  birthDate: string;
  validFrom: string;
  /** YYYY-MM-DD or 长期 */
  validTo: string;
}

/** 居民身份证 */
export interface ResidentCardText extends CardCommon {
  variant: 'resident';
  name: string;
  nationCode: string;
  /** Null for a code outside GB 3304. */
  nation: string | null;
  address: string;
  idNumber: string;
  issuer: string;
}

/** 港澳台居民居住证 (byte 248 'J'): the resident layout without nation, plus two fields in the reserved area. */
export interface HmtPermitText extends CardCommon {
  variant: 'hmt_permit';
  name: string;
  address: string;
  idNumber: string;
  issuer: string;
  /** 港澳居民来往内地通行证 / 台湾居民来往大陆通行证 number. */
  passNumber: string;
  issueCount: string;
}

/** 外国人永久居留身份证, 2017 layout (byte 248 'I'). */
export interface ForeignPermanentText extends CardCommon {
  variant: 'foreign_permanent';
  englishName: string;
  chineseName: string;
  /** 15 characters: 3-letter nationality + 12 digits. */
  cardNumber: string;
  /** GB/T 2659 three-letter code. */
  nationalityCode: string;
  cardVersion: string;
  /** 当次申请受理机关代码 */
  issuingAuthorityCode: string;
}

/** 外国人永久居留身份证, 2023 layout (byte 248 'Y'): 18-digit number, English name split in two parts. */
export interface ForeignPermanent2023Text extends CardCommon {
  variant: 'foreign_permanent_2023';
  chineseName: string;
  englishName: string;
  idNumber: string;
  /** 换证次数 */
  renewalCount: string;
  nationalityCode: string;
  /** 既往版本永居证号码关联项: links to the holder's earlier 15-character number; kept as read. */
  previousNumberLink: string;
}

export type CardText = ResidentCardText | HmtPermitText | ForeignPermanentText | ForeignPermanent2023Text;

/** [offset, bytes] per field. Byte 248 holds the variant letter in every layout. */
const RESIDENT = {
  name: [0, 30],
  sex: [30, 2],
  nation: [32, 4],
  birthDate: [36, 16],
  address: [52, 70],
  idNumber: [122, 36],
  issuer: [158, 30],
  validFrom: [188, 16],
  validTo: [204, 16],
} as const;

const HMT = {
  name: [0, 30],
  sex: [30, 2],
  birthDate: [36, 16],
  address: [52, 70],
  idNumber: [122, 36],
  issuer: [158, 30],
  validFrom: [188, 16],
  validTo: [204, 16],
  passNumber: [220, 18],
  issueCount: [238, 4],
} as const;

const FOREIGN = {
  englishName: [0, 120],
  sex: [120, 2],
  cardNumber: [122, 30],
  nationalityCode: [152, 6],
  chineseName: [158, 30],
  validFrom: [188, 16],
  validTo: [204, 16],
  birthDate: [220, 16],
  cardVersion: [236, 4],
  issuingAuthorityCode: [240, 8],
} as const;

const FOREIGN_2023 = {
  chineseName: [0, 30],
  sex: [30, 2],
  renewalCount: [32, 4],
  birthDate: [36, 16],
  englishName: [52, 70],
  idNumber: [122, 36],
  validFrom: [188, 16],
  validTo: [204, 16],
  englishNameMore: [220, 22],
  nationalityCode: [242, 6],
  previousNumberLink: [250, 6],
} as const;

export const CARD_LAYOUTS = { resident: RESIDENT, hmt_permit: HMT, foreign_permanent: FOREIGN, foreign_permanent_2023: FOREIGN_2023 };

const VARIANT_OFFSET = 248;
const VARIANT_LETTER: Record<Exclude<CardVariant, 'resident'>, string> = {
  hmt_permit: 'J',
  foreign_permanent: 'I',
  foreign_permanent_2023: 'Y',
};

function raw(text: Buffer, [off, len]: readonly [number, number]): string {
  return text.subarray(off, off + len).toString('utf16le');
}

function field(text: Buffer, at: readonly [number, number]): string {
  return raw(text, at).replace(/^[\s\u0000]+|[\s\u0000]+$/gu, '');
}

function sexOf(code: string): Sex | null {
  return code === '1' ? '男' : code === '2' ? '女' : null;
}

function isRealDate(y: number, m: number, d: number): boolean {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

function cardDate(value: string, name: string, allowLongTerm = false): string {
  if (allowLongTerm && value === '长期') return value;
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(value);
  if (!m || !isRealDate(Number(m[1]), Number(m[2]), Number(m[3]))) {
    throw new DeviceError('CARD_DATA_INVALID', `card field ${name} is not a YYYYMMDD date`, { field: name });
  }
  return `${m[1]}-${m[2]}-${m[3]}`;
}

export function cardVariant(text: Uint8Array): CardVariant {
  const b = text[VARIANT_OFFSET];
  if (text[VARIANT_OFFSET + 1] === 0) {
    if (b === 0x20 || b === 0x00) return 'resident';
    for (const [variant, letter] of Object.entries(VARIANT_LETTER)) {
      if (b === letter.charCodeAt(0)) return variant as CardVariant;
    }
  }
  throw new DeviceError('CARD_UNSUPPORTED', 'unknown card type marker at byte 248', {
    marker: [text[VARIANT_OFFSET], text[VARIANT_OFFSET + 1]],
  });
}

/** Decodes the 256-byte text block. Fields are trimmed; dates become YYYY-MM-DD. */
export function decodeCardText(text256: Uint8Array): CardText {
  if (text256.length !== TEXT_BYTES) {
    throw new DeviceError('CARD_DATA_INVALID', `card text must be ${TEXT_BYTES} bytes`, { bytes: text256.length });
  }
  const t = Buffer.from(text256);
  const variant = cardVariant(t);
  switch (variant) {
    case 'resident': {
      const L = RESIDENT;
      const sexCode = field(t, L.sex);
      const nc = field(t, L.nation);
      return {
        variant,
        name: field(t, L.name),
        sexCode,
        sex: sexOf(sexCode),
        nationCode: nc,
        nation: nationName(nc),
        birthDate: cardDate(field(t, L.birthDate), 'birthDate'),
        address: field(t, L.address),
        idNumber: field(t, L.idNumber),
        issuer: field(t, L.issuer),
        validFrom: cardDate(field(t, L.validFrom), 'validFrom'),
        validTo: cardDate(field(t, L.validTo), 'validTo', true),
      };
    }
    case 'hmt_permit': {
      const L = HMT;
      const sexCode = field(t, L.sex);
      return {
        variant,
        name: field(t, L.name),
        sexCode,
        sex: sexOf(sexCode),
        birthDate: cardDate(field(t, L.birthDate), 'birthDate'),
        address: field(t, L.address),
        idNumber: field(t, L.idNumber),
        issuer: field(t, L.issuer),
        validFrom: cardDate(field(t, L.validFrom), 'validFrom'),
        validTo: cardDate(field(t, L.validTo), 'validTo', true),
        passNumber: field(t, L.passNumber),
        issueCount: field(t, L.issueCount),
      };
    }
    case 'foreign_permanent': {
      const L = FOREIGN;
      const sexCode = field(t, L.sex);
      return {
        variant,
        englishName: field(t, L.englishName),
        chineseName: field(t, L.chineseName),
        sexCode,
        sex: sexOf(sexCode),
        cardNumber: field(t, L.cardNumber),
        nationalityCode: field(t, L.nationalityCode),
        birthDate: cardDate(field(t, L.birthDate), 'birthDate'),
        validFrom: cardDate(field(t, L.validFrom), 'validFrom'),
        validTo: cardDate(field(t, L.validTo), 'validTo', true),
        cardVersion: field(t, L.cardVersion),
        issuingAuthorityCode: field(t, L.issuingAuthorityCode),
      };
    }
    case 'foreign_permanent_2023': {
      const L = FOREIGN_2023;
      const sexCode = field(t, L.sex);
      // The name runs on from the first part into the second without a separator.
      const englishName = (raw(t, L.englishName) + raw(t, L.englishNameMore)).replace(/^[\s\u0000]+|[\s\u0000]+$/gu, '');
      return {
        variant,
        chineseName: field(t, L.chineseName),
        englishName,
        sexCode,
        sex: sexOf(sexCode),
        renewalCount: field(t, L.renewalCount),
        birthDate: cardDate(field(t, L.birthDate), 'birthDate'),
        idNumber: field(t, L.idNumber),
        validFrom: cardDate(field(t, L.validFrom), 'validFrom'),
        validTo: cardDate(field(t, L.validTo), 'validTo', true),
        nationalityCode: field(t, L.nationalityCode),
        previousNumberLink: field(t, L.previousNumberLink),
      };
    }
  }
}

// ---------------------------------------------------------------------------------------------- card text builder

type SexInput = { sex: Sex; sexCode?: never } | { sexCode: string; sex?: never };
type DateInput = string; // YYYY-MM-DD or YYYYMMDD

export type ResidentCardInput = {
  variant?: 'resident';
  name: string;
  /** Name (汉, 汉族) or code (01). */
  nation: string;
  birthDate: DateInput;
  address: string;
  idNumber: string;
  issuer: string;
  validFrom: DateInput;
  /** A date or 长期 */
  validTo: DateInput;
} & SexInput;

export type HmtPermitInput = {
  variant: 'hmt_permit';
  name: string;
  birthDate: DateInput;
  address: string;
  idNumber: string;
  issuer: string;
  validFrom: DateInput;
  validTo: DateInput;
  passNumber: string;
  issueCount: string;
} & SexInput;

export type ForeignPermanentInput = {
  variant: 'foreign_permanent';
  englishName: string;
  chineseName: string;
  cardNumber: string;
  nationalityCode: string;
  birthDate: DateInput;
  validFrom: DateInput;
  validTo: DateInput;
  cardVersion: string;
  issuingAuthorityCode: string;
} & SexInput;

export type ForeignPermanent2023Input = {
  variant: 'foreign_permanent_2023';
  chineseName: string;
  englishName: string;
  idNumber: string;
  renewalCount: string;
  nationalityCode: string;
  previousNumberLink?: string;
  birthDate: DateInput;
  validFrom: DateInput;
  validTo: DateInput;
} & SexInput;

export type CardTextInput = ResidentCardInput | HmtPermitInput | ForeignPermanentInput | ForeignPermanent2023Input;

/** The 256 text bytes a card holds for these fields, padded with UCS-2 spaces as issued cards are. */
export function encodeCardText(fields: CardTextInput): Buffer {
  const t = Buffer.alloc(TEXT_BYTES);
  for (let i = 0; i < TEXT_BYTES; i += 2) t.writeUInt16LE(0x20, i);
  const put = (name: string, value: string, [off, len]: readonly [number, number]): void => {
    const b = Buffer.from(value, 'utf16le');
    if (b.length > len) {
      throw new DeviceError('BAD_ARGUMENT', `card field ${name} holds at most ${len / 2} characters`, {
        field: name,
        max: len / 2,
      });
    }
    b.copy(t, off);
  };
  const sexCode = fields.sexCode ?? (fields.sex === '男' ? '1' : fields.sex === '女' ? '2' : undefined);
  if (sexCode === undefined || !/^\d$/.test(sexCode)) {
    throw new DeviceError('BAD_ARGUMENT', 'sex must be 男 or 女, or sexCode one digit', { field: 'sex' });
  }
  const date = (name: string, v: string, longTerm = false): string => {
    if (longTerm && v === '长期') return v;
    const m = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(v);
    if (!m || !isRealDate(Number(m[1]), Number(m[2]), Number(m[3]))) {
      throw new DeviceError('BAD_ARGUMENT', `card field ${name} must be a date YYYY-MM-DD`, { field: name });
    }
    return `${m[1]}${m[2]}${m[3]}`;
  };
  const variant = fields.variant ?? 'resident';
  switch (fields.variant) {
    case undefined:
    case 'resident': {
      const L = RESIDENT;
      const nc = nationCode(fields.nation);
      if (!nc) throw new DeviceError('BAD_ARGUMENT', 'nation is not a GB 3304 name or code', { field: 'nation' });
      if (!/^\d{17}[\dX]$/.test(fields.idNumber)) {
        throw new DeviceError('BAD_ARGUMENT', 'idNumber must be 17 digits and a check character', { field: 'idNumber' });
      }
      put('name', fields.name, L.name);
      put('sex', sexCode, L.sex);
      put('nation', nc, L.nation);
      put('birthDate', date('birthDate', fields.birthDate), L.birthDate);
      put('address', fields.address, L.address);
      put('idNumber', fields.idNumber, L.idNumber);
      put('issuer', fields.issuer, L.issuer);
      put('validFrom', date('validFrom', fields.validFrom), L.validFrom);
      put('validTo', date('validTo', fields.validTo, true), L.validTo);
      break;
    }
    case 'hmt_permit': {
      const L = HMT;
      put('name', fields.name, L.name);
      put('sex', sexCode, L.sex);
      put('birthDate', date('birthDate', fields.birthDate), L.birthDate);
      put('address', fields.address, L.address);
      put('idNumber', fields.idNumber, L.idNumber);
      put('issuer', fields.issuer, L.issuer);
      put('validFrom', date('validFrom', fields.validFrom), L.validFrom);
      put('validTo', date('validTo', fields.validTo, true), L.validTo);
      put('passNumber', fields.passNumber, L.passNumber);
      put('issueCount', fields.issueCount, L.issueCount);
      break;
    }
    case 'foreign_permanent': {
      const L = FOREIGN;
      put('englishName', fields.englishName, L.englishName);
      put('sex', sexCode, L.sex);
      put('cardNumber', fields.cardNumber, L.cardNumber);
      put('nationalityCode', fields.nationalityCode, L.nationalityCode);
      put('chineseName', fields.chineseName, L.chineseName);
      put('validFrom', date('validFrom', fields.validFrom), L.validFrom);
      put('validTo', date('validTo', fields.validTo, true), L.validTo);
      put('birthDate', date('birthDate', fields.birthDate), L.birthDate);
      put('cardVersion', fields.cardVersion, L.cardVersion);
      put('issuingAuthorityCode', fields.issuingAuthorityCode, L.issuingAuthorityCode);
      break;
    }
    case 'foreign_permanent_2023': {
      const L = FOREIGN_2023;
      const first = L.englishName[1] / 2;
      const name = [...fields.englishName];
      if (name.length > first + L.englishNameMore[1] / 2) {
        throw new DeviceError('BAD_ARGUMENT', 'card field englishName holds at most 46 characters', { field: 'englishName' });
      }
      put('chineseName', fields.chineseName, L.chineseName);
      put('sex', sexCode, L.sex);
      put('renewalCount', fields.renewalCount, L.renewalCount);
      put('birthDate', date('birthDate', fields.birthDate), L.birthDate);
      put('englishName', name.slice(0, first).join(''), L.englishName);
      put('englishName', name.slice(first).join(''), L.englishNameMore);
      put('idNumber', fields.idNumber, L.idNumber);
      put('validFrom', date('validFrom', fields.validFrom), L.validFrom);
      put('validTo', date('validTo', fields.validTo, true), L.validTo);
      put('nationalityCode', fields.nationalityCode, L.nationalityCode);
      put('previousNumberLink', fields.previousNumberLink ?? '', L.previousNumberLink);
      break;
    }
    default:
      throw new DeviceError('BAD_ARGUMENT', `unknown card variant '${String(variant)}'`);
  }
  if (variant !== 'resident') t.writeUInt16LE(VARIANT_LETTER[variant as Exclude<CardVariant, 'resident'>].charCodeAt(0), VARIANT_OFFSET);
  return t;
}

// ---------------------------------------------------------------------------------------------- ID numbers

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

/** GB 11643 (ISO 7064 MOD 11-2) check character for the first 17 digits. */
export function idCheckDigit(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new DeviceError('BAD_ARGUMENT', 'expected 17 digits', { length: first17.length });
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK[sum % 11]!;
}

export interface IdNumberCheckOptions {
  /** 'YYYY-MM-DD': a birth date after it is implausible. The codec reads no clock; pass today to check. */
  notAfter?: string;
}

/**
 * An 18-character citizen number (also the 81/82/83 residence-permit and the 9-prefixed 2023 foreign
 * resident numbers, which share the layout): 17 digits and a check character that matches, a birth date
 * (characters 7–14) that is a real date from 1800 on (the standard's own worked example is born in 1880).
 * A lower-case x is accepted, as people type it.
 */
export function validIdNumber(s: string, opts: IdNumberCheckOptions = {}): boolean {
  if (typeof s !== 'string') return false;
  const id = s.toUpperCase();
  if (!/^[1-9]\d{16}[\dX]$/.test(id)) return false;
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  if (y < 1800 || !isRealDate(y, m, d)) return false;
  if (opts.notAfter !== undefined && `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}` > opts.notAfter) return false;
  return idCheckDigit(id.slice(0, 17)) === id[17];
}
