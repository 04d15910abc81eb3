import { expect } from 'chai';
import { ByteQueue, fromHex, hex, partialPrefixTail, sum8, xor8 } from '../../../drivers/bytes.js';
import { DEVICE_ERROR_CODES, DeviceError, isDeviceError, isDeviceErrorCode, isRecoverable } from '../../../drivers/errors.js';
import { encodeLegacy, textColumns } from '../../../drivers/text.js';

describe('driver helpers', () => {
  it('computes XOR and 8-bit sums over a range', () => {
    const b = fromHex('00 03 20 01');
    expect(xor8(b)).to.equal(0x22);
    expect(sum8(fromHex('FF 02'))).to.equal(0x01);
    expect(xor8(fromHex('AA AA AA 96 69 00 03 20 01'), 5)).to.equal(0x22);
  });

  it('prints and parses hex the way protocol documents write it', () => {
    expect(hex(Buffer.from([0xaa, 0x05, 0x00]))).to.equal('AA 05 00');
    expect(hex(fromHex('0xAA,0x05 00'))).to.equal('AA 05 00');
    expect(() => fromHex('AA 5')).to.throw(DeviceError);
    expect(() => fromHex('ZZ')).to.throw(DeviceError);
  });

  it('queues chunks, finds patterns across them and takes bytes from the front', () => {
    const q = new ByteQueue();
    q.push(Buffer.from([1, 2, 0xaa]));
    q.push(Buffer.from([0xbb, 3]));
    expect(q.length).to.equal(5);
    expect(q.indexOf(Buffer.from([0xaa, 0xbb]))).to.equal(2);
    const head = q.take(2);
    expect(hex(head)).to.equal('01 02');
    q.push(Buffer.from([4]));
    expect(hex(head)).to.equal('01 02'); // a taken chunk is a copy
    expect(hex(q.view())).to.equal('AA BB 03 04');
    expect(q.indexOf(Buffer.from([0xaa, 0xbb]))).to.equal(0);
    expect(q.at(2)).to.equal(3);
    expect(hex(q.clear())).to.equal('AA BB 03 04');
    expect(q.length).to.equal(0);
  });

  it('measures the tail that may start a pattern cut by a chunk boundary', () => {
    const pre = fromHex('AA AA AA 96 69');
    expect(partialPrefixTail(fromHex('01 AA AA'), pre)).to.equal(2);
    expect(partialPrefixTail(fromHex('01 AA AA AA 96'), pre)).to.equal(4);
    expect(partialPrefixTail(fromHex('AA 96'), pre)).to.equal(0);
    expect(partialPrefixTail(fromHex('AA AA AA 96 69'), pre)).to.equal(0); // a whole pattern is no partial one
  });

  it('carries a stable code, details and a recoverable flag on DeviceError', () => {
    const e = new DeviceError('PAPER_OUT', 'no paper', { n: 4 });
    expect(e.toJSON()).to.deep.equal({ code: 'PAPER_OUT', message: 'no paper', details: { n: 4 } });
    expect(e.recoverable).to.equal(false);
    expect(new DeviceError('DEVICE_TIMEOUT', 't').recoverable).to.equal(true);
    expect(isRecoverable('NO_CARD')).to.equal(true);
    expect(isDeviceError(e)).to.equal(true);
    expect(isDeviceError(new Error('x'))).to.equal(false);
    expect(isDeviceErrorCode('COVER_OPEN')).to.equal(true);
    expect(isDeviceErrorCode('NOPE')).to.equal(false);
    expect(new Set(DEVICE_ERROR_CODES).size).to.equal(DEVICE_ERROR_CODES.length);
  });

  it('encodes GBK and GB18030 each in its own two-byte table', () => {
    expect(hex(encodeLegacy('€', 'gbk').bytes)).to.equal('80'); // the CP936 single byte
    expect(hex(encodeLegacy('€', 'gb18030').bytes)).to.equal('A2 E3');
    expect(hex(encodeLegacy('¥', 'gbk').bytes)).to.equal('A3 A4');
    expect(hex(encodeLegacy('?', 'gbk').bytes)).to.equal('3F');
    expect(encodeLegacy('?', 'gbk').replaced).to.deep.equal([]);
  });

  it('drops zero-width characters and maps look-alikes, reporting each', () => {
    const r = encodeLegacy('A\u200bB•', 'gb18030');
    expect(hex(r.bytes)).to.equal('41 42 A1 A4');
    expect(r.replaced.map((x) => [x.codePoint, x.with, x.kind])).to.deep.equal([
      [0x200b, '', 'mapped'],
      [0x2022, '·', 'mapped'],
    ]);
  });

  it('uses a configured substitute and lets allowed controls through', () => {
    const r = encodeLegacy('a\n😀', 'gb18030', { substitute: '□', allowControls: '\n' });
    expect(hex(r.bytes)).to.equal('61 0A A1 F5');
    expect(r.replaced[0]!.kind).to.equal('substituted');
  });

  it('measures columns by encoded width', () => {
    expect(textColumns('A012号')).to.equal(6);
    expect(textColumns('™')).to.equal(2); // printed as TM
    expect(textColumns('')).to.equal(0);
  });
});
