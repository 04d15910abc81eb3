// Reads ESC/POS bytes back into printed lines, for layout tests: which text lands on which line, at what
// size and alignment, where the QR codes and cuts are. Knows only the commands the encoder emits and
// throws on anything else, so a stray byte in a layout fails the test that reads it.

import iconv from 'iconv-lite';

export type PrintEvent =
  | { type: 'line'; text: string; width: number; height: number; align: number; bold: boolean }
  | { type: 'qr'; data: string; size: number; level: number }
  | { type: 'barcode'; data: string }
  | { type: 'cut'; mode: number };

export function readEscPos(buf: Buffer): PrintEvent[] {
  const out: PrintEvent[] = [];
  let width = 1;
  let height = 1;
  let align = 0;
  let bold = false;
  let qrSize = 3;
  let qrLevel = 0x30;
  let qrData = '';
  let text: number[] = [];
  let i = 0;
  const need = (n: number): void => {
    if (i + n > buf.length) throw new Error(`truncated command at ${i}`);
  };
  while (i < buf.length) {
    const c = buf[i]!;
    if (c === 0x1b) {
      need(2);
      const f = buf[i + 1]!;
      if (f === 0x40) {
        width = height = 1;
        align = 0;
        bold = false;
        i += 2;
      } else if (f === 0x61) {
        need(3);
        align = buf[i + 2]!;
        i += 3;
      } else if (f === 0x45) {
        need(3);
        bold = buf[i + 2] === 1;
        i += 3;
      } else if (f === 0x2d) {
        i += 3;
      } else throw new Error(`unknown ESC ${f.toString(16)} at ${i}`);
    } else if (c === 0x1c) {
      need(2);
      if (buf[i + 1] !== 0x26 && buf[i + 1] !== 0x2e) throw new Error(`unknown FS at ${i}`);
      i += 2;
    } else if (c === 0x1d) {
      need(2);
      const f = buf[i + 1]!;
      if (f === 0x21) {
        need(3);
        width = (buf[i + 2]! >> 4) + 1;
        height = (buf[i + 2]! & 0x0f) + 1;
        i += 3;
      } else if (f === 0x28 && buf[i + 2] === 0x6b) {
        need(5);
        const len = buf[i + 3]! + buf[i + 4]! * 256;
        need(5 + len);
        const fn = buf[i + 6]!;
        if (fn === 0x43) qrSize = buf[i + 7]!;
        if (fn === 0x45) qrLevel = buf[i + 7]!;
        if (fn === 0x50) qrData = buf.subarray(i + 8, i + 5 + len).toString('utf8');
        if (fn === 0x51) out.push({ type: 'qr', data: qrData, size: qrSize, level: qrLevel });
        i += 5 + len;
      } else if (f === 0x6b) {
        need(4);
        const n = buf[i + 3]!;
        need(4 + n);
        out.push({ type: 'barcode', data: buf.subarray(i + 6, i + 4 + n).toString('ascii').replace(/\{\{/g, '{') });
        i += 4 + n;
      } else if (f === 0x68 || f === 0x77 || f === 0x48) {
        i += 3;
      } else if (f === 0x56) {
        need(3);
        out.push({ type: 'cut', mode: buf[i + 2]! });
        i += 3;
      } else throw new Error(`unknown GS ${f.toString(16)} at ${i}`);
    } else if (c === 0x0a) {
      out.push({ type: 'line', text: iconv.decode(Buffer.from(text), 'gb18030'), width, height, align, bold });
      text = [];
      i += 1;
    } else if (c < 0x20 || c === 0x7f) {
      throw new Error(`control byte ${c.toString(16)} in text at ${i}`);
    } else if (c >= 0x81) {
      need(2);
      text.push(c, buf[i + 1]!);
      i += 2;
    } else {
      text.push(c);
      i += 1;
    }
  }
  if (text.length > 0) throw new Error('text left without a line feed at the end of the job');
  return out;
}

export function lines(events: PrintEvent[]): Extract<PrintEvent, { type: 'line' }>[] {
  return events.filter((e): e is Extract<PrintEvent, { type: 'line' }> => e.type === 'line');
}
