import { expect } from 'chai';
import { hex } from '../../../drivers/bytes.js';
import { expectDeviceError } from './expect-device-error.js';
import { EscPos, encodeStatusRequest, parseStatus, QR_MAX_BYTES, statusIssues } from '../../../drivers/printer/escpos.js';
import { bookingSlipLayout, FEED_BEFORE_CUT, receiptSlipLayout, ticketLayout } from '../../../drivers/printer/layouts.js';
import { columns, PAPER_COLUMNS, padEnd, padStart, rule, twoColumns, wrap } from '../../../drivers/printer/width.js';
import {
  CODE128_A012,
  CODE128_BRACE,
  CODE128_OPTIONS,
  COMMANDS,
  QR_A012,
  QR_LEVELS,
  QR_STORE_300,
  QR_STORE_7089,
  QR_URL,
  STATUS_BYTES,
  STATUS_REQUESTS,
  TEXT,
} from '../../fixtures/escpos.js';
import { lines, readEscPos } from './escpos-reader.js';

const bytes = (build: (p: EscPos) => EscPos): string => hex(build(new EscPos()).bytes());


describe('ESC/POS printer codec', () => {
  describe('commands', () => {
    const cases: [string, (p: EscPos) => EscPos, Buffer][] = [
      ['init', (p) => p.init(), COMMANDS.init],
      ['Chinese mode on', (p) => p.chinese(), COMMANDS.chineseOn],
      ['Chinese mode off', (p) => p.chinese(false), COMMANDS.chineseOff],
      ['align left', (p) => p.align('left'), COMMANDS.alignLeft],
      ['align center', (p) => p.align('center'), COMMANDS.alignCenter],
      ['align right', (p) => p.align('right'), COMMANDS.alignRight],
      ['size 1×1', (p) => p.size(1, 1), COMMANDS.size1x1],
      ['size 2×2', (p) => p.size(2, 2), COMMANDS.size2x2],
      ['size 1×2', (p) => p.size(1, 2), COMMANDS.size1x2],
      ['size 3×1', (p) => p.size(3, 1), COMMANDS.size3x1],
      ['size 8×8', (p) => p.size(8, 8), COMMANDS.size8x8],
      ['bold on', (p) => p.bold(true), COMMANDS.boldOn],
      ['bold off', (p) => p.bold(false), COMMANDS.boldOff],
      ['thin underline', (p) => p.underline(1), COMMANDS.underlineThin],
      ['an empty line', (p) => p.line(), COMMANDS.lineFeed],
      ['feed 3', (p) => p.feed(3), COMMANDS.feed3],
      ['full cut', (p) => p.cut(), COMMANDS.cutFull],
      ['partial cut', (p) => p.cut('partial'), COMMANDS.cutPartial],
      ['QR model 2, size 6, level M, store, print', (p) => p.qr(QR_URL, { size: 6, level: 'M' }), QR_A012],
      ['CODE128 in code set B', (p) => p.barcode128('A012'), CODE128_A012],
      ['CODE128 with a literal brace', (p) => p.barcode128('A{1'), CODE128_BRACE],
      ['CODE128 with height, width and HRI', (p) => p.barcode128('A012', { height: 80, width: 2, hri: 'below' }), CODE128_OPTIONS],
    ];
    for (const [name, build, expected] of cases) {
      it(`encodes ${name} byte for byte`, () => {
        expect(bytes(build)).to.equal(hex(expected));
      });
    }

    it('chains a whole ticket header in call order', () => {
      const out = new EscPos().init().chinese().align('center').size(2, 2).bold(true).text('A012').feed(1).cut().bytes();
      expect(hex(out)).to.equal('1B 40 1C 26 1B 61 01 1D 21 11 1B 45 01 41 30 31 32 0A 1D 56 00');
    });

    it('sets each QR error level byte', () => {
      for (const [level, byte] of Object.entries(QR_LEVELS)) {
        const out = new EscPos().qr('x', { level: level as 'L' }).bytes();
        expect(out[24], level).to.equal(byte); // model 0–8, size 9–16, level 17–24
      }
    });

    it('writes pL pH as bytes + 3 for a QR payload longer than 255 bytes', () => {
      const out = new EscPos().qr('x'.repeat(300)).bytes();
      const store = out.indexOf(QR_STORE_300);
      expect(store).to.equal(25);
      expect(out.length).to.equal(25 + 8 + 300 + 8);
    });

    it('accepts the largest QR payload and refuses one byte more or an empty one', () => {
      const out = new EscPos().qr('1'.repeat(QR_MAX_BYTES)).bytes();
      expect(out.indexOf(QR_STORE_7089)).to.equal(25);
      expectDeviceError(() => new EscPos().qr('1'.repeat(QR_MAX_BYTES + 1)), 'BAD_ARGUMENT');
      expectDeviceError(() => new EscPos().qr(''), 'BAD_ARGUMENT');
    });

    it('stores a QR string as UTF-8', () => {
      const out = new EscPos().qr('办事').bytes();
      expect(out.includes(Buffer.from('办事', 'utf8'))).to.equal(true);
      expect(out[28]).to.equal(6 + 3); // pL of the store header at 25: six UTF-8 bytes + 3
    });

    it('refuses out-of-range sizes, QR options and barcode data with BAD_ARGUMENT', () => {
      expectDeviceError(() => new EscPos().size(0, 1), 'BAD_ARGUMENT');
      expectDeviceError(() => new EscPos().size(1, 9), 'BAD_ARGUMENT');
      expectDeviceError(() => new EscPos().qr('x', { size: 17 }), 'BAD_ARGUMENT');
      expectDeviceError(() => new EscPos().qr('x', { level: 'Z' as 'L' }), 'BAD_ARGUMENT');
      expectDeviceError(() => new EscPos().barcode128('取号'), 'BAD_ARGUMENT');
      expectDeviceError(() => new EscPos().barcode128(''), 'BAD_ARGUMENT');
      expectDeviceError(() => new EscPos().barcode128('x'.repeat(254)), 'BAD_ARGUMENT');
      expectDeviceError(() => new EscPos().align('middle' as 'left'), 'BAD_ARGUMENT');
      expectDeviceError(() => new EscPos().cut('half' as 'full'), 'BAD_ARGUMENT');
      expectDeviceError(() => new EscPos().feed(-1), 'BAD_ARGUMENT');
    });
  });

  describe('text', () => {
    for (const [name, v] of Object.entries(TEXT)) {
      it(`encodes ${name} text ${JSON.stringify(v.text)} byte for byte`, () => {
        expect(hex(new EscPos().text(v.text).bytes())).to.equal(hex(v.bytes));
      });
    }

    it('reports ¥ as mapped to ￥ and nothing as substituted', () => {
      const p = new EscPos().text(TEXT.yen.text);
      expect(p.replaced).to.deep.equal([{ char: '¥', codePoint: 0xa5, index: 0, with: '￥', kind: 'mapped' }]);
    });

    it('reports a four-byte character as substituted, at its code-point index', () => {
      const p = new EscPos().text('吉𠮷号');
      expect(p.replaced).to.deep.equal([{ char: '𠮷', codePoint: 0x20bb7, index: 1, with: '?', kind: 'substituted' }]);
      expect(hex(p.bytes())).to.equal('BC AA 3F BA C5');
    });

    it('never sends a four-byte GB18030 sequence, whatever the input', () => {
      const sample = '¥™•✓😀𠮷㐀\u00a0中文ABC';
      const out = new EscPos().text(sample).bytes();
      // A four-byte sequence is lead 81–FE, then 30–39 as its second byte.
      for (let i = 0; i < out.length; i++) {
        if (out[i]! >= 0x81) {
          expect(out[i + 1]! >= 0x30 && out[i + 1]! <= 0x39, `offset ${i}`).to.equal(false);
          i++;
        }
      }
    });

    it('turns CRLF into one line feed', () => {
      expect(hex(new EscPos().text('a\r\nb').bytes())).to.equal('61 0A 62');
    });
  });

  describe('status', () => {
    for (const n of [1, 2, 3, 4] as const) {
      it(`encodes the DLE EOT ${n} request`, () => {
        expect(hex(encodeStatusRequest(n))).to.equal(hex(STATUS_REQUESTS[n]));
      });
    }

    it('reads a ready printer as no issue for every request', () => {
      for (const n of [1, 2, 3, 4] as const) expect(statusIssues(parseStatus(n, STATUS_BYTES.ready))).to.deep.equal([]);
    });

    it('reads n=1 bit 3 as offline', () => {
      const s = parseStatus(1, STATUS_BYTES.offline);
      expect(s).to.deep.include({ n: 1, offline: true });
      expect(statusIssues(s)).to.deep.equal(['DEVICE_OFFLINE']);
    });

    it('reads n=2 bit 2 as cover open and bit 5 as paper end', () => {
      expect(parseStatus(2, STATUS_BYTES.coverOpen)).to.deep.include({ coverOpen: true, paperEndStop: false });
      expect(statusIssues(parseStatus(2, STATUS_BYTES.coverOpen))).to.deep.equal(['COVER_OPEN']);
      expect(parseStatus(2, STATUS_BYTES.paperEndStop)).to.deep.include({ coverOpen: false, paperEndStop: true });
      expect(statusIssues(parseStatus(2, STATUS_BYTES.paperEndStop))).to.deep.equal(['PAPER_OUT']);
      expect(statusIssues(parseStatus(2, STATUS_BYTES.offlineError))).to.deep.equal(['DEVICE_FAULT']);
    });

    it('reads n=3 bit 3 as a cutter error and bit 5 as an unrecoverable fault', () => {
      expect(statusIssues(parseStatus(3, STATUS_BYTES.cutterError))).to.deep.equal(['CUTTER_ERROR']);
      expect(statusIssues(parseStatus(3, STATUS_BYTES.unrecoverable))).to.deep.equal(['DEVICE_FAULT']);
    });

    it('reads n=4 bits 5–6 as paper out and bits 2–3 as paper low', () => {
      expect(parseStatus(4, STATUS_BYTES.paperOut)).to.deep.equal({ n: 4, paperNearEnd: false, paperOut: true });
      expect(statusIssues(parseStatus(4, STATUS_BYTES.paperOut))).to.deep.equal(['PAPER_OUT']);
      expect(statusIssues(parseStatus(4, STATUS_BYTES.paperNearEnd))).to.deep.equal(['PAPER_LOW']);
      expect(statusIssues(parseStatus(4, STATUS_BYTES.paperOutAndNearEnd))).to.deep.equal(['PAPER_OUT']);
    });

    it('refuses a byte whose fixed bits are wrong unless strict is off', () => {
      expectDeviceError(() => parseStatus(1, STATUS_BYTES.notStatus), 'FRAME_MALFORMED');
      expect(parseStatus(1, 0x08, { strict: false })).to.deep.include({ offline: true });
    });

    it('refuses a request number outside 1..4', () => {
      expectDeviceError(() => encodeStatusRequest(5 as 1), 'BAD_ARGUMENT');
      expectDeviceError(() => parseStatus(0 as 1, 0x12), 'BAD_ARGUMENT');
    });
  });

  describe('widths', () => {
    it('counts a CJK character as two columns and ASCII as one', () => {
      expect(columns('A012')).to.equal(4);
      expect(columns('取号')).to.equal(4);
      expect(columns('A012号')).to.equal(6);
      expect(columns('，。')).to.equal(4); // full-width punctuation
      expect(columns('¥5')).to.equal(3); // printed as ￥ (two columns)
      expect(columns('𠮷')).to.equal(1); // printed as '?'
      expect(PAPER_COLUMNS).to.deep.equal({ '58mm': 32, '80mm': 48 });
    });

    it('wraps Chinese text by columns, never past the width', () => {
      const text = '请携带身份证原件及复印件到三号窗口办理不动产登记业务';
      const out = wrap(text, 32);
      expect(out.join('')).to.equal(text);
      for (const l of out) expect(columns(l)).to.be.at.most(32);
      expect(out[0]).to.equal('请携带身份证原件及复印件到三号窗');
    });

    it('keeps Latin words whole when they fit on a line', () => {
      const out = wrap('Please bring your original identity card to window three', 16);
      expect(out).to.deep.equal(['Please bring', 'your original', 'identity card to', 'window three']);
    });

    it('breaks a word longer than the line', () => {
      expect(wrap('abcdefghij', 4)).to.deep.equal(['abcd', 'efgh', 'ij']);
    });

    it('does not start a line with closing punctuation', () => {
      const out = wrap('一二三四五六七八，九十', 16);
      expect(out).to.deep.equal(['一二三四五六七', '八，九十']);
    });

    it('keeps paragraphs and empty lines', () => {
      expect(wrap('甲\n\n乙', 8)).to.deep.equal(['甲', '', '乙']);
    });

    it('puts a label left and a value right on one line by columns', () => {
      expect(twoColumns('办理事项', '不动产登记', 32)).to.deep.equal(['办理事项' + ' '.repeat(14) + '不动产登记']);
      expect(columns(twoColumns('Fee', '¥0.00', 32)[0]!)).to.equal(32);
    });

    it('moves the value under a label when both do not fit', () => {
      const out = twoColumns('申请人提交的材料清单', '身份证原件、户口簿原件、不动产权证书', 32);
      expect(out).to.deep.equal(['申请人提交的材料清单', '身份证原件、户口簿原件、不动产权', ' '.repeat(28) + '证书']);
      for (const l of out) expect(columns(l)).to.be.at.most(32);
    });

    it('pads and rules by columns', () => {
      expect(padEnd('号', 4)).to.equal('号  ');
      expect(padStart('号', 4)).to.equal('  号');
      expect(rule(32)).to.equal('-'.repeat(32));
      expect(rule(32, '═')).to.have.length(16);
    });

    it('refuses a width under four columns', () => {
      expectDeviceError(() => wrap('abc', 3), 'BAD_ARGUMENT');
    });
  });

  describe('layouts', () => {
    const ticket = {
      hallName: '示例市政务服务中心',
      sectionName: '不动产登记',
      number: 'A012',
      ahead: 5,
      estimatedWaitMinutes: 15,
      issuedAt: '2026-11-23 09:30',
      qrUrl: 'https://hall.example/t/20261123-A012',
      notice: '请留意叫号，过号请到导办台重新排队。本票当日有效。',
      widthColumns: 32,
    };

    for (const width of [32, 48]) {
      it(`prints a ticket whose every line fits ${width} columns at its print size`, () => {
        const ev = readEscPos(ticketLayout({ ...ticket, widthColumns: width }));
        for (const l of lines(ev)) expect(columns(l.text) * l.width, l.text).to.be.at.most(width);
      });
    }

    it('prints the ticket number large, bold and centered, with queue facts and a QR', () => {
      const out = ticketLayout(ticket);
      expect(hex(out.subarray(0, 4))).to.equal('1B 40 1C 26');
      const ev = readEscPos(out);
      const number = lines(ev).find((l) => l.text === 'A012');
      expect(number).to.deep.include({ width: 4, height: 4, bold: true, align: 1 });
      const texts = lines(ev).map((l) => l.text);
      expect(texts).to.include.members(['示例市政务服务中心', '不动产登记', '前面还有 5 人', '预计等待约 15 分钟', '取号时间：2026-11-23 09:30']);
      expect(ev.filter((e) => e.type === 'qr')).to.deep.equal([{ type: 'qr', data: ticket.qrUrl, size: 5, level: 0x31 }]);
    });

    it('ends every job with four line feeds and a cut', () => {
      for (const out of [
        ticketLayout(ticket),
        receiptSlipLayout({ title: '受理通知书', lines: [['受理编号', 'SL2026112300012']], widthColumns: 32 }),
        bookingSlipLayout({ hallName: '示例市政务服务中心', sectionName: '不动产登记', date: '2026-11-25', slot: '09:00-09:30', code: 'K7Q2M9', widthColumns: 32 }),
      ]) {
        expect(hex(out.subarray(out.length - FEED_BEFORE_CUT - 3))).to.equal('0A 0A 0A 0A 1D 56 00');
      }
    });

    it('prints in English when asked', () => {
      const texts = lines(readEscPos(ticketLayout({ ...ticket, locale: 'en', ahead: 1 }))).map((l) => l.text);
      expect(texts).to.include('1 person ahead of you');
      expect(texts).to.include('Estimated wait: about 15 min');
    });

    it('says so when nobody is ahead and leaves out an unknown wait', () => {
      const texts = lines(readEscPos(ticketLayout({ ...ticket, ahead: 0, estimatedWaitMinutes: null }))).map((l) => l.text);
      expect(texts).to.include('前面没有人，请留意叫号');
      expect(texts.some((t) => t.startsWith('预计等待'))).to.equal(false);
    });

    it('prints receipt rows as label and value across the width', () => {
      const out = receiptSlipLayout({
        hallName: '示例市政务服务中心',
        title: '受理通知书',
        lines: [
          ['受理编号', 'SL2026112300012'],
          ['办理事项', '不动产转移登记'],
          ['承诺时限', '5个工作日'],
          ['收费', '¥80.00'],
        ],
        qrUrl: 'https://hall.example/case/SL2026112300012',
        footer: '凭本通知书领取办理结果。',
        widthColumns: 48,
      });
      const ev = readEscPos(out);
      const texts = lines(ev).map((l) => l.text);
      expect(texts).to.include('受理编号' + ' '.repeat(48 - 8 - 15) + 'SL2026112300012');
      expect(texts).to.include('收费' + ' '.repeat(48 - 4 - 7) + '￥80.00');
      for (const l of lines(ev)) expect(columns(l.text) * l.width).to.be.at.most(48);
      expect(ev.filter((e) => e.type === 'qr')).to.have.length(1);
    });

    it('prints a booking slip with its code large and as a QR when no URL is given', () => {
      const ev = readEscPos(
        bookingSlipLayout({
          hallName: '示例市政务服务中心',
          sectionName: '不动产登记',
          serviceName: '不动产转移登记',
          date: '2026-11-25',
          slot: '09:00-09:30',
          code: 'K7Q2M9',
          widthColumns: 32,
        }),
      );
      expect(lines(ev).find((l) => l.text === 'K7Q2M9')).to.deep.include({ width: 2, height: 2, bold: true });
      expect(ev.filter((e) => e.type === 'qr').map((e) => (e as { data: string }).data)).to.deep.equal(['K7Q2M9']);
      expect(lines(ev).map((l) => l.text)).to.include('时段' + ' '.repeat(32 - 4 - 11) + '09:00-09:30');
    });

    it('refuses bad layout input with BAD_ARGUMENT', () => {
      expectDeviceError(() => ticketLayout({ ...ticket, widthColumns: 10 }), 'BAD_ARGUMENT');
      expectDeviceError(() => ticketLayout({ ...ticket, number: '' }), 'BAD_ARGUMENT');
      expectDeviceError(() => ticketLayout({ ...ticket, ahead: -1 }), 'BAD_ARGUMENT');
      expectDeviceError(() => ticketLayout({ ...ticket, locale: 'fr' as 'en' }), 'BAD_ARGUMENT');
      expectDeviceError(() => receiptSlipLayout({ title: 'x', lines: [['only label'] as unknown as [string, string]], widthColumns: 32 }), 'BAD_ARGUMENT');
    });
  });
});
