import { expect } from 'chai';
import iconv from 'iconv-lite';
import { DeviceError } from '../../../drivers/errors.js';
import { encodeHidReports, HidKeyboardDecoder, LineDecoder, type ScanMessage } from '../../../drivers/scanner/codec.js';
import {
  HID_A012,
  HID_DIGITS,
  HID_DOUBLE,
  HID_HELD,
  HID_PUNCTUATION,
  HID_RIGHT_SHIFT,
  RELEASE,
  SERIAL_LINES,
} from '../../fixtures/scanner.js';

const codes = (msgs: ScanMessage[]): string[] => msgs.flatMap((m) => (m.kind === 'code' ? [m.text] : []));
const discards = (msgs: ScanMessage[]): { reason: string; bytes: string }[] =>
  msgs.flatMap((m) => (m.kind === 'discarded' ? [{ reason: m.reason, bytes: m.bytes.toString('hex') }] : []));

function feedHid(reports: Buffer[], d = new HidKeyboardDecoder()): ScanMessage[] {
  return reports.flatMap((r) => d.push(r));
}

function key(mods: number, ...keys: number[]): Buffer {
  const r = Buffer.alloc(8);
  r[0] = mods;
  keys.forEach((k, i) => (r[2 + i] = k));
  return r;
}

describe('scanner codecs', () => {
  describe('serial lines', () => {
    it('ends codes at CR, CRLF and a bare LF', () => {
      const d = new LineDecoder();
      expect(codes(d.push(SERIAL_LINES))).to.deep.equal(['YY20261125K7Q2M9', 'https://hall.example/a/K7Q2M9', '110101']);
      expect(d.codes).to.equal(3);
    });

    it('gives the same codes at every split point of the stream', () => {
      for (let cut = 1; cut < SERIAL_LINES.length; cut++) {
        const d = new LineDecoder();
        const out = [...d.push(SERIAL_LINES.subarray(0, cut)), ...d.push(SERIAL_LINES.subarray(cut))];
        expect(codes(out), `split at ${cut}`).to.deep.equal(['YY20261125K7Q2M9', 'https://hall.example/a/K7Q2M9', '110101']);
      }
    });

    it('does not make an empty code of the LF of a CRLF split across chunks', () => {
      const d = new LineDecoder();
      expect(codes(d.push(Buffer.from('A1\r')))).to.deep.equal(['A1']);
      expect(d.push(Buffer.from('\n'))).to.deep.equal([]);
      expect(codes(d.push(Buffer.from('B2\r\n')))).to.deep.equal(['B2']);
    });

    it('ignores empty lines', () => {
      expect(new LineDecoder().push(Buffer.from('\r\r\n\n'))).to.deep.equal([]);
    });

    it('drops control bytes inside a line and reports them once', () => {
      const d = new LineDecoder();
      const out = d.push(Buffer.from([0x00, 0x02, 0x41, 0x31, 0x03, 0x0d]));
      expect(codes(out)).to.deep.equal(['A1']);
      expect(discards(out)).to.deep.equal([{ reason: 'control', bytes: '000203' }]);
      expect(d.discardedBytes).to.equal(3);
    });

    it('drops a line over the cap up to its terminator and keeps the next one', () => {
      const d = new LineDecoder({ maxLength: 8 });
      const out = d.push(Buffer.from('123456789ABC\rOK\r'));
      expect(discards(out)).to.deep.equal([{ reason: 'too_long', bytes: Buffer.from('123456789ABC').toString('hex') }]);
      expect(codes(out)).to.deep.equal(['OK']);
    });

    it('accepts a line exactly at the cap', () => {
      expect(codes(new LineDecoder({ maxLength: 8 }).push(Buffer.from('12345678\r')))).to.deep.equal(['12345678']);
    });

    it('decodes UTF-8 and GB18030 content in auto mode', () => {
      const d = new LineDecoder();
      const gb = iconv.encode('不动产登记', 'gb18030');
      const out = d.push(Buffer.concat([Buffer.from('预约码\r', 'utf8'), gb, Buffer.from('\r')]));
      expect(codes(out)).to.deep.equal(['预约码', '不动产登记']);
    });

    it('reports a pending line on flush as incomplete, or emits it as a code when asked', () => {
      const d = new LineDecoder();
      d.push(Buffer.from('ABC'));
      expect(discards(d.flush())).to.deep.equal([{ reason: 'incomplete', bytes: '414243' }]);
      d.push(Buffer.from('XYZ'));
      expect(codes(d.flush({ asCode: true }))).to.deep.equal(['XYZ']);
      expect(d.pending).to.equal(0);
    });

    it('refuses bad options with BAD_ARGUMENT', () => {
      expect(() => new LineDecoder({ maxLength: 0 })).to.throw(DeviceError);
      expect(() => new LineDecoder({ encoding: 'ebcdic' as 'utf8' })).to.throw(DeviceError);
    });
  });

  describe('HID keyboard reports', () => {
    it('types A012 with shift and ends it at Enter', () => {
      const d = new HidKeyboardDecoder();
      expect(codes(feedHid(HID_A012, d))).to.deep.equal(['A012']);
      expect(d.codes).to.equal(1);
    });

    it('takes the right shift bit as shift', () => {
      expect(codes(feedHid(HID_RIGHT_SHIFT))).to.deep.equal(['Z!']);
    });

    it('does not repeat a key held across reports', () => {
      expect(codes(feedHid(HID_HELD))).to.deep.equal(['ab']);
    });

    it('types a repeated character when a release separates the presses', () => {
      expect(codes(feedHid(HID_DOUBLE))).to.deep.equal(['aa']);
    });

    it('maps every letter, plain and shifted', () => {
      const reports: Buffer[] = [];
      for (let u = 0x04; u <= 0x1d; u++) reports.push(key(0, u), RELEASE);
      for (let u = 0x04; u <= 0x1d; u++) reports.push(key(0x02, u), RELEASE);
      reports.push(key(0, 0x28));
      expect(codes(feedHid(reports))).to.deep.equal(['abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ']);
    });

    it('maps digits and their shifted symbols on a US layout', () => {
      for (const [usage, plain, shifted] of HID_DIGITS) {
        expect(codes(feedHid([key(0, usage), RELEASE, key(0x02, usage), RELEASE, key(0, 0x28)])), `usage ${usage}`).to.deep.equal([
          plain + shifted,
        ]);
      }
    });

    it('maps every punctuation usage and space, plain and shifted', () => {
      for (const [usage, plain, shifted] of HID_PUNCTUATION) {
        expect(codes(feedHid([key(0, usage), RELEASE, key(0x02, usage), RELEASE, key(0, 0x28)])), `usage ${usage}`).to.deep.equal([
          plain + shifted,
        ]);
      }
    });

    it('types the keys that appear together in one report in report order', () => {
      expect(codes(feedHid([key(0, 0x06, 0x04, 0x05), RELEASE, key(0, 0x28)]))).to.deep.equal(['cab']);
    });

    it('ends a code at keypad Enter and types keypad digits', () => {
      expect(codes(feedHid([key(0, 0x59), RELEASE, key(0, 0x62), RELEASE, key(0, 0x58)]))).to.deep.equal(['10']);
    });

    it('reports a usage that maps to no character and goes on', () => {
      const out = feedHid([key(0, 0x04), RELEASE, key(0, 0x3a), RELEASE, key(0, 0x05), RELEASE, key(0, 0x28)]);
      expect(discards(out)).to.deep.equal([{ reason: 'unknown_usage', bytes: '3a' }]);
      expect(codes(out)).to.deep.equal(['ab']);
    });

    it('reports a report of the wrong size as malformed', () => {
      const d = new HidKeyboardDecoder();
      expect(discards(d.push(Buffer.from([0, 0, 4])))).to.deep.equal([{ reason: 'malformed', bytes: '000004' }]);
      expect(d.discardedReports).to.equal(1);
    });

    it('ignores a rollover error report without losing the held keys', () => {
      const out = feedHid([key(0, 0x04), key(0, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01), key(0, 0x04), RELEASE, key(0, 0x28)]);
      expect(codes(out)).to.deep.equal(['a']);
      expect(discards(out).map((x) => x.reason)).to.deep.equal(['malformed']);
    });

    it('emits no code for Enter alone', () => {
      expect(feedHid([key(0, 0x28), RELEASE])).to.deep.equal([]);
    });

    it('drops a code over the cap and reports it at Enter', () => {
      const d = new HidKeyboardDecoder({ maxLength: 3 });
      const out = feedHid(encodeHidReports('ABCD'), d);
      expect(codes(out)).to.deep.equal([]);
      expect(discards(out).map((x) => x.reason)).to.deep.equal(['too_long']);
      expect(codes(feedHid(encodeHidReports('ok'), d))).to.deep.equal(['ok']);
    });

    it('reports a code without Enter on flush', () => {
      const d = new HidKeyboardDecoder();
      feedHid(encodeHidReports('A1', { enter: false }), d);
      expect(discards(d.flush())).to.deep.equal([{ reason: 'incomplete', bytes: Buffer.from('A1').toString('hex') }]);
    });
  });

  describe('HID encoder for the simulator', () => {
    it('encodes A012 as the exact reports a scanner sends', () => {
      expect(encodeHidReports('A012').map((b) => b.toString('hex'))).to.deep.equal(HID_A012.map((b) => b.toString('hex')));
    });

    it('round-trips every printable ASCII character through the decoder', () => {
      let all = '';
      for (let c = 0x20; c < 0x7f; c++) all += String.fromCharCode(c);
      expect(codes(feedHid(encodeHidReports(all)))).to.deep.equal([all]);
    });

    it('refuses a character no US keyboard can type', () => {
      expect(() => encodeHidReports('预约')).to.throw(DeviceError);
    });
  });
});
