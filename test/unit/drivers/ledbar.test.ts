import { expect } from 'chai';
import { hex } from '../../../drivers/bytes.js';
import { expectDeviceError } from './expect-device-error.js';
import { aaBbCodec, a090Codec, createLedbarCodec, ledbarCodecNames, templateCodec } from '../../../drivers/ledbar/codecs.js';
import type { Replacement } from '../../../drivers/text.js';
import {
  A090_CALL,
  A090_CALL_XOR_ADDRESS,
  A090_CALL_XOR_DATA,
  A090_CLEAR,
  AABB_CALL,
  AABB_CALL_SUM_ALL,
  AABB_CALL_SUM_TEXT,
  AABB_CLEAR,
  CALL_TEXT,
  TEMPLATE_CALL,
  TEMPLATE_CLEAR,
} from '../../fixtures/ledbar.js';


describe('LED bar codecs', () => {
  const vectors: [string, ReturnType<typeof createLedbarCodec>, Buffer, Buffer][] = [
    ['aa-bb-51', createLedbarCodec('aa-bb-51'), AABB_CALL, AABB_CLEAR],
    ['a0-90-a5', createLedbarCodec('a0-90-a5'), A090_CALL, A090_CLEAR],
    ['template', createLedbarCodec('template'), TEMPLATE_CALL, TEMPLATE_CLEAR],
  ];

  for (const [name, codec, call, clear] of vectors) {
    describe(name, () => {
      it('encodes a call for window 3 byte for byte, checksum included', () => {
        expect(hex(codec.encodeText(3, CALL_TEXT))).to.equal(hex(call));
      });

      it('encodes a clear byte for byte', () => {
        expect(hex(codec.encodeClear(3))).to.equal(hex(clear));
      });

      it('decodes its own frames back to address, command and text', () => {
        expect(codec.decode!(call)).to.deep.equal({ address: 3, command: 'text', text: CALL_TEXT });
        expect(codec.decode!(clear)).to.deep.equal({ address: 3, command: 'clear', text: '' });
      });

      it('refuses a frame with one text byte changed as a checksum error', () => {
        const bad = Buffer.from(call);
        bad[bad.length - 3] = bad[bad.length - 3]! ^ 0x01; // a text byte in all three layouts
        expectDeviceError(() => codec.decode!(bad), 'FRAME_CHECKSUM');
      });

      it('refuses a truncated frame and one with a foreign header', () => {
        expectDeviceError(() => codec.decode!(call.subarray(0, 4)), 'FRAME_LENGTH');
        const foreign = Buffer.from(call);
        foreign[0] = 0x55;
        expectDeviceError(() => codec.decode!(foreign), 'FRAME_MALFORMED');
      });

      it('refuses an address that is not a byte and text beyond its frame', () => {
        expectDeviceError(() => codec.encodeText(256, 'A'), 'BAD_ARGUMENT');
        expectDeviceError(() => codec.encodeText(-1, 'A'), 'BAD_ARGUMENT');
        expectDeviceError(() => codec.encodeText(3, '号'.repeat(codec.maxTextBytes / 2 + 1)), 'BAD_ARGUMENT');
      });

      it('sends a character outside GBK as ? and reports it', () => {
        let seen: Replacement[] = [];
        const frame = codec.encodeText(3, 'A𠮷', { onReplace: (r) => (seen = r) });
        expect(codec.decode!(frame).text).to.equal('A?');
        expect(seen.map((r) => [r.char, r.kind])).to.deep.equal([['𠮷', 'substituted']]);
      });
    });
  }

  it('adds SUM over all bytes or the text only when configured so', () => {
    expect(hex(aaBbCodec({ sumCovers: 'all' }).encodeText(3, CALL_TEXT))).to.equal(hex(AABB_CALL_SUM_ALL));
    expect(hex(aaBbCodec({ sumCovers: 'text' }).encodeText(3, CALL_TEXT))).to.equal(hex(AABB_CALL_SUM_TEXT));
    expect(aaBbCodec({ sumCovers: 'all' }).decode!(AABB_CALL_SUM_ALL).text).to.equal(CALL_TEXT);
    expectDeviceError(() => aaBbCodec().decode!(AABB_CALL_SUM_ALL), 'FRAME_CHECKSUM');
  });

  it('takes XOR from the address or over the data only when configured so', () => {
    expect(hex(a090Codec({ xorCovers: 'address' }).encodeText(3, CALL_TEXT))).to.equal(hex(A090_CALL_XOR_ADDRESS));
    expect(hex(a090Codec({ xorCovers: 'data' }).encodeText(3, CALL_TEXT))).to.equal(hex(A090_CALL_XOR_DATA));
  });

  it('sends other parameter blocks as given, refusing FF inside one', () => {
    const f = aaBbCodec({ params: [0x02, 0x00, 0x10, 0x00, 0x05] }).encodeText(1, 'A');
    expect(hex(f)).to.equal('AA 01 BB 51 54 58 02 00 10 00 05 41 FF'); // SUM 02+10+05+41 = 58
    expectDeviceError(() => aaBbCodec({ params: [0xff, 0, 0, 0, 0] }), 'BAD_ARGUMENT');
    expectDeviceError(() => aaBbCodec({ params: [1, 2] }), 'BAD_ARGUMENT');
    expectDeviceError(() => aaBbCodec().encodeText(0xff, 'A'), 'BAD_ARGUMENT');
  });

  it('refuses a length field that disagrees with the frame', () => {
    const f = Buffer.from(A090_CALL);
    f[5] = 0x0e;
    expectDeviceError(() => a090Codec().decode!(f), 'FRAME_LENGTH');
    const t = Buffer.from(TEMPLATE_CALL);
    t[4] = 0x10;
    expectDeviceError(() => templateCodec().decode!(t), 'FRAME_LENGTH');
  });

  it('lists its codecs by name and refuses an unknown name with UNKNOWN_CODEC', () => {
    expect(ledbarCodecNames()).to.deep.equal(['aa-bb-51', 'a0-90-a5', 'template']);
    expectDeviceError(() => createLedbarCodec('acme'), 'UNKNOWN_CODEC');
    expectDeviceError(() => createLedbarCodec('aa-bb-51', { sumCovers: 'crc' }), 'BAD_ARGUMENT');
    expectDeviceError(() => createLedbarCodec('a0-90-a5', { xorCovers: 'none' }), 'BAD_ARGUMENT');
  });
});
