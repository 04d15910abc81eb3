// Text → legacy Chinese code pages for printers (GB18030) and LED bars (GBK).
//
// Printer and LED fonts cover the two-byte GBK area only. GB18030 sends everything else (¥, ™, CJK
// extension A/B such as 䶮 or 𠮷, emoji) as four-byte sequences that such fonts print as two or more
// garbage glyphs. So each character is encoded on its own: one or two bytes pass, a few well-known ones are
// mapped to a printable look-alike (¥ → ￥), the rest become a visible substitute and are reported, so a
// caller can log them or rasterise the text instead.

import iconv from 'iconv-lite';

export type LegacyEncoding = 'gb18030' | 'gbk';

export interface Replacement {
  /** The character as given. */
  char: string;
  codePoint: number;
  /** Index in code points (not UTF-16 units) within the encoded text. */
  index: number;
  /** What was sent instead ('' when dropped). */
  with: string;
  kind: 'mapped' | 'substituted' | 'control';
}

export interface EncodedText {
  bytes: Buffer;
  replaced: Replacement[];
}

export interface EncodeOptions {
  /** Sent for a character with no mapping. One or two bytes in the target encoding. Default '?'. */
  substitute?: string;
  /** Control characters allowed through unchanged, e.g. '\n'. All others are substituted. */
  allowControls?: string;
}

/**
 * Look-alikes for characters outside the two-byte area. Only mappings that keep the meaning: ¥ and ￥ are
 * the same currency sign, the others are punctuation or invisible.
 */
export const LOOKALIKES: ReadonlyMap<string, string> = new Map([
  ['\u00a5', '\uffe5'], // ¥ → ￥ (A3 A4)
  ['\u00a0', ' '], // no-break space
  ['\u2002', ' '],
  ['\u2003', ' '],
  ['\u2009', ' '],
  ['\u202f', ' '],
  ['\u2022', '\u00b7'], // • → · (A1 A4)
  ['\u2713', '\u221a'], // ✓ → √ (A1 CC)
  ['\u2714', '\u221a'], // ✔ → √
  ['\u2122', 'TM'],
  ['\u00a9', '(C)'],
  ['\u00ae', '(R)'],
  ['\u200b', ''], // zero-width space
  ['\u200c', ''],
  ['\u200d', ''],
  ['\ufeff', ''], // byte-order mark pasted into config text
]);

const cache: Record<LegacyEncoding, Map<string, Buffer | null>> = { gb18030: new Map(), gbk: new Map() };

/** The one- or two-byte encoding of a single character, or null when the fonts cannot print it. */
export function encodeChar(ch: string, encoding: LegacyEncoding): Buffer | null {
  const c = cache[encoding];
  const hit = c.get(ch);
  if (hit !== undefined) return hit;
  let out: Buffer | null;
  const cp = ch.codePointAt(0)!;
  if (cp >= 0xd800 && cp <= 0xdfff) {
    out = null; // a lone surrogate: broken input, never printable
  } else {
    const b = iconv.encode(ch, encoding);
    if (encoding === 'gb18030') out = b.length <= 2 ? b : null;
    else out = b.length === 1 && b[0] === 0x3f && ch !== '?' ? null : b; // iconv's gbk writes '?' when it cannot map
  }
  if (c.size < 20000) c.set(ch, out);
  return out;
}

function isControl(cp: number): boolean {
  return cp < 0x20 || cp === 0x7f || (cp >= 0x80 && cp <= 0x9f);
}

export function encodeLegacy(text: string, encoding: LegacyEncoding, opts: EncodeOptions = {}): EncodedText {
  const substitute = opts.substitute ?? '?';
  const subBytes = iconv.encode(substitute, encoding);
  const allow = opts.allowControls ?? '';
  const parts: Buffer[] = [];
  const replaced: Replacement[] = [];
  let index = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (isControl(cp)) {
      if (allow.includes(ch)) parts.push(Buffer.from([cp]));
      else {
        parts.push(subBytes);
        replaced.push({ char: ch, codePoint: cp, index, with: substitute, kind: 'control' });
      }
      index++;
      continue;
    }
    const direct = encodeChar(ch, encoding);
    if (direct) {
      parts.push(direct);
    } else {
      const look = LOOKALIKES.get(ch);
      const lookBytes = look === undefined ? null : encodeLookalike(look, encoding);
      if (look !== undefined && lookBytes) {
        parts.push(lookBytes);
        replaced.push({ char: ch, codePoint: cp, index, with: look, kind: 'mapped' });
      } else {
        parts.push(subBytes);
        replaced.push({ char: ch, codePoint: cp, index, with: substitute, kind: 'substituted' });
      }
    }
    index++;
  }
  return { bytes: Buffer.concat(parts), replaced };
}

function encodeLookalike(s: string, encoding: LegacyEncoding): Buffer | null {
  const parts: Buffer[] = [];
  for (const ch of s) {
    const b = encodeChar(ch, encoding);
    if (!b) return null;
    parts.push(b);
  }
  return Buffer.concat(parts);
}

/**
 * Printed width in columns: a character sent as one byte takes one column (half-width font), a two-byte
 * character two (full-width font). This is exactly how ESC/POS printers in Chinese mode lay text out, so
 * a 58 mm roll holds 32 columns and an 80 mm roll 48, whatever the mix of 中文 and ASCII.
 */
export function textColumns(text: string, encoding: LegacyEncoding = 'gb18030'): number {
  let cols = 0;
  for (const ch of text) cols += charColumns(ch, encoding);
  return cols;
}

export function charColumns(ch: string, encoding: LegacyEncoding = 'gb18030'): number {
  const cp = ch.codePointAt(0)!;
  if (isControl(cp)) return 1; // printed as the substitute
  const b = encodeChar(ch, encoding);
  if (b) return b.length;
  const look = LOOKALIKES.get(ch);
  if (look !== undefined) {
    const lb = encodeLookalike(look, encoding);
    if (lb) return lb.length;
  }
  return 1; // the '?' substitute
}
