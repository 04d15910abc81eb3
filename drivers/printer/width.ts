// Column arithmetic for receipt layouts. A column is one half-width cell: ASCII takes one, a two-byte
// GB18030 character (汉字, full-width punctuation) two. Lengths of JS strings are never used for layout.

import { DeviceError } from '../errors.js';
import { charColumns, textColumns } from '../text.js';

/** Columns per line at normal size (12×24 font): 58 mm rolls print 384 dots, 80 mm rolls 576. */
export const PAPER_COLUMNS = { '58mm': 32, '80mm': 48 } as const;

export { textColumns as columns };

/** Closing punctuation that must not start a line (避头): it is pulled back with the character before it. */
const NO_LINE_START = new Set([...'，。、；：？！）」』》〉】〕…—,.;:?!)]}%·']);

/**
 * Wraps text to `width` columns. Paragraphs break at '\n'; Latin words move whole to the next line when they
 * fit on one; CJK breaks between any two characters except before closing punctuation.
 */
export function wrap(text: string, width: number): string[] {
  if (!Number.isInteger(width) || width < 4) {
    throw new DeviceError('BAD_ARGUMENT', 'width must be an integer of at least 4 columns', { width });
  }
  const out: string[] = [];
  for (const para of text.replace(/\r\n?/g, '\n').split('\n')) {
    out.push(...wrapParagraph(para, width));
  }
  return out;
}

function wrapParagraph(para: string, width: number): string[] {
  const lines: string[] = [];
  let line: string[] = [];
  let cols = 0;
  const isWordChar = (c: string | undefined): boolean => c !== undefined && /[\x21-\x7e]/.test(c);
  const flush = (): void => {
    lines.push(line.join('').replace(/ +$/, ''));
    line = [];
    cols = 0;
  };
  for (const ch of para) {
    const w = charColumns(ch);
    if (cols + w > width && line.length > 0) {
      if (ch === ' ') {
        flush();
        continue; // a space at a break disappears
      }
      let carry: string[] = [];
      if (isWordChar(ch) && isWordChar(line[line.length - 1])) {
        // Move the unfinished Latin word down if it started after a space on this line.
        const space = line.lastIndexOf(' ');
        if (space > 0) {
          carry = line.slice(space + 1);
          line = line.slice(0, space);
        }
      } else if (NO_LINE_START.has(ch) && line.length >= 2) {
        carry = line.slice(-1);
        line = line.slice(0, -1);
      }
      flush();
      line = carry;
      cols = carry.reduce((n, c) => n + charColumns(c), 0);
    }
    if (line.length === 0 && ch === ' ' && lines.length > 0) continue; // no leading space on a continued line
    line.push(ch);
    cols += w;
  }
  if (line.length > 0 || lines.length === 0) flush();
  return lines;
}

/** Pads with spaces to `width` columns (text wider than width is returned unchanged). */
export function padEnd(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - textColumns(text)));
}

export function padStart(text: string, width: number): string {
  return ' '.repeat(Math.max(0, width - textColumns(text))) + text;
}

/**
 * A label on the left and a value on the right of one line. When both do not fit with `gap` columns
 * between them, the label is wrapped on its own lines and the value follows right-aligned.
 */
export function twoColumns(label: string, value: string, width: number, gap = 1): string[] {
  const l = textColumns(label);
  const v = textColumns(value);
  if (l + gap + v <= width) return [label + ' '.repeat(width - l - v) + value];
  return [...wrap(label, width), ...wrap(value, width).map((s) => padStart(s, width))];
}

/** A rule across the paper: '-' repeated to the width. */
export function rule(width: number, ch = '-'): string {
  const w = Math.max(1, charColumns(ch));
  return ch.repeat(Math.floor(width / w));
}
