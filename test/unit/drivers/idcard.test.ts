import { expect } from 'chai';
import { hex } from '../../../drivers/bytes.js';
import { expectDeviceError } from './expect-device-error.js';
import {
  decodeCardText,
  decodeReadAnswer,
  decodeRequest,
  decodeResponse,
  encodeCardText,
  encodeReadAnswer,
  encodeRequest,
  encodeResponse,
  IDCARD_COMMANDS,
  IdCardFramer,
  type IdCardCommand,
  type IdCardMessage,
  idCheckDigit,
  MAX_ANSWER_LEN,
  responseError,
  validIdNumber,
} from '../../../drivers/idcard/codec.js';
import { NATIONS, nationCode } from '../../../drivers/idcard/nations.js';
import {
  FIND_NONE,
  FIND_OK,
  FOREIGN_2023_CARD,
  FOREIGN_2023_TEXT,
  FOREIGN_CARD,
  FOREIGN_TEXT,
  HMT_CARD,
  HMT_TEXT,
  ID_NUMBERS,
  READ_ANSWER,
  REQUESTS,
  SAM_OK,
  SAMPLE_CARD,
  SAMPLE_PHOTO,
  SAMPLE_TEXT,
  SELECT_OK,
  STATUS_ANSWERS,
  statusFrame,
} from '../../fixtures/idcard.js';

function frames(msgs: IdCardMessage[]): Buffer[] {
  return msgs.flatMap((m) => (m.kind === 'frame' ? [m.body] : []));
}

function discards(msgs: IdCardMessage[]): { reason: string; bytes: string }[] {
  return msgs.flatMap((m) => (m.kind === 'discarded' ? [{ reason: m.reason, bytes: hex(m.bytes) }] : []));
}

function bodyOf(frame: Buffer): Buffer {
  return frame.subarray(7, frame.length - 1);
}


describe('ID-card reader codec (SAM serial protocol)', () => {
  describe('requests', () => {
    for (const [cmd, frame] of Object.entries(REQUESTS)) {
      it(`encodes the ${cmd} request byte for byte`, () => {
        expect(hex(encodeRequest(cmd as IdCardCommand))).to.equal(hex(frame));
      });
    }

    it('encodes find as the documented vector AA AA AA 96 69 00 03 20 01 22', () => {
      expect(hex(encodeRequest('find'))).to.equal('AA AA AA 96 69 00 03 20 01 22');
    });

    it('names the command inside every request body, for a simulated reader', () => {
      for (const cmd of Object.keys(IDCARD_COMMANDS) as IdCardCommand[]) {
        expect(decodeRequest(bodyOf(REQUESTS[cmd]))).to.equal(cmd);
      }
    });

    it('answers null for a request body that is no known command', () => {
      expect(decodeRequest(Buffer.from([0x20, 0x09]))).to.equal(null);
      expect(decodeRequest(Buffer.from([0x20]))).to.equal(null);
      expect(decodeRequest(Buffer.from([0x20, 0x01, 0x00]))).to.equal(null);
    });

    it('refuses an unknown command name with BAD_ARGUMENT', () => {
      expectDeviceError(() => encodeRequest('eject' as IdCardCommand), 'BAD_ARGUMENT');
    });
  });

  describe('framer', () => {
    it('emits one frame with its body for a whole frame in one chunk', () => {
      const f = new IdCardFramer();
      const out = f.push(FIND_OK);
      expect(out).to.have.length(1);
      expect(hex(frames(out)[0]!)).to.equal('00 00 9F 00 00 00 00');
      expect(f.frames).to.equal(1);
      expect(f.discardedBytes).to.equal(0);
      expect(f.pending).to.equal(0);
    });

    it('emits the frame exactly once whatever the split point of a short answer', () => {
      for (let cut = 1; cut < FIND_OK.length; cut++) {
        const f = new IdCardFramer();
        const out = [...f.push(FIND_OK.subarray(0, cut)), ...f.push(FIND_OK.subarray(cut))];
        expect(frames(out).map(hex), `split at ${cut}`).to.deep.equal(['00 00 9F 00 00 00 00']);
        expect(discards(out), `split at ${cut}`).to.deep.equal([]);
      }
    });

    it('emits the 1295-byte read answer exactly once at every one of its 1294 split points', () => {
      const body = bodyOf(READ_ANSWER);
      for (let cut = 1; cut < READ_ANSWER.length; cut++) {
        const f = new IdCardFramer();
        const out = [...f.push(READ_ANSWER.subarray(0, cut)), ...f.push(READ_ANSWER.subarray(cut))];
        const got = frames(out);
        if (got.length !== 1 || !got[0]!.equals(body) || f.discardedBytes !== 0) {
          expect.fail(`split at ${cut}: ${got.length} frames, ${f.discardedBytes} bytes discarded`);
        }
      }
    });

    it('assembles a frame fed one byte at a time', () => {
      const f = new IdCardFramer();
      const out: IdCardMessage[] = [];
      for (const byte of READ_ANSWER) out.push(...f.push(Buffer.from([byte])));
      expect(frames(out)).to.have.length(1);
      expect(frames(out)[0]!.equals(bodyOf(READ_ANSWER))).to.equal(true);
    });

    it('is not fooled by a preamble inside the photo of an accepted frame', () => {
      expect(SAMPLE_PHOTO.subarray(100, 105).toString('hex')).to.equal('aaaaaa9669');
      const f = new IdCardFramer();
      const out = f.push(Buffer.concat([READ_ANSWER, SAM_OK]));
      expect(frames(out)).to.have.length(2);
      expect(hex(frames(out)[1]!)).to.equal('00 00 90');
    });

    it('discards noise before the preamble as noise and counts it', () => {
      const f = new IdCardFramer();
      const out = f.push(Buffer.concat([Buffer.from([0x00, 0x13, 0xaa, 0xaa, 0x96]), FIND_NONE]));
      expect(discards(out)).to.deep.equal([{ reason: 'noise', bytes: '00 13 AA AA 96' }]);
      expect(frames(out).map(hex)).to.deep.equal(['00 00 80']);
      expect(f.discardedBytes).to.equal(5);
    });

    it('finds the preamble when noise ends with AA bytes that run into it', () => {
      const f = new IdCardFramer();
      const out = f.push(Buffer.concat([Buffer.from([0xaa, 0xaa]), FIND_NONE]));
      expect(discards(out)).to.deep.equal([{ reason: 'noise', bytes: 'AA AA' }]);
      expect(frames(out).map(hex)).to.deep.equal(['00 00 80']);
    });

    it('keeps a preamble cut by a chunk boundary after noise', () => {
      const f = new IdCardFramer();
      const first = f.push(Buffer.from([0x55, 0x66, 0xaa, 0xaa, 0xaa]));
      expect(discards(first)).to.deep.equal([{ reason: 'noise', bytes: '55 66' }]);
      expect(f.pending).to.equal(3);
      const second = f.push(FIND_NONE.subarray(3));
      expect(frames(second).map(hex)).to.deep.equal(['00 00 80']);
    });

    it('reports a frame with a wrong checksum as discarded, counts it, and decodes the next frame', () => {
      const bad = Buffer.from(FIND_OK);
      bad[bad.length - 1] = 0x00;
      const f = new IdCardFramer();
      const out = f.push(Buffer.concat([bad, SAM_OK]));
      expect(discards(out)).to.deep.equal([{ reason: 'checksum', bytes: hex(bad) }]);
      expect(frames(out).map(hex)).to.deep.equal(['00 00 90']);
      expect(f.badChecksums).to.equal(1);
      expect(f.discardedBytes).to.equal(bad.length);
    });

    it('reports a corrupted payload byte as a checksum failure', () => {
      const bad = Buffer.from(READ_ANSWER);
      bad[500] = bad[500]! ^ 0x01;
      const f = new IdCardFramer();
      const out = f.push(bad);
      expect(frames(out)).to.have.length(0);
      expect(f.badChecksums).to.equal(1);
    });

    it('recovers a real frame that starts inside a phantom frame made of noise', () => {
      // Noise that looks like a preamble with LEN 8 swallows the start of a real answer.
      const phantom = Buffer.from([0xaa, 0xaa, 0xaa, 0x96, 0x69, 0x00, 0x08, 0x01]);
      const stream = Buffer.concat([phantom, SAM_OK, SAM_OK]);
      const f = new IdCardFramer();
      const out = f.push(stream);
      expect(discards(out)).to.deep.equal([{ reason: 'checksum', bytes: hex(phantom) }]);
      expect(frames(out).map(hex)).to.deep.equal(['00 00 90', '00 00 90']);
    });

    it('discards a LEN above the cap as a length error and resyncs on the next frame', () => {
      const f = new IdCardFramer();
      const bogus = Buffer.from([0xaa, 0xaa, 0xaa, 0x96, 0x69, 0xff, 0xff, 0x01, 0x02]);
      const out = f.push(Buffer.concat([bogus, FIND_NONE]));
      expect(discards(out)).to.deep.equal([{ reason: 'length', bytes: hex(bogus) }]);
      expect(frames(out).map(hex)).to.deep.equal(['00 00 80']);
      expect(f.badLengths).to.equal(1);
    });

    it('discards a LEN below the shortest frame as a length error', () => {
      const f = new IdCardFramer();
      const out = f.push(Buffer.concat([Buffer.from([0xaa, 0xaa, 0xaa, 0x96, 0x69, 0x00, 0x01, 0x00]), SAM_OK]));
      expect(discards(out).map((d) => d.reason)).to.deep.equal(['length']);
      expect(frames(out).map(hex)).to.deep.equal(['00 00 90']);
    });

    it('rejects an answer one byte longer than a configured cap and still finds the next frame', () => {
      expect(MAX_ANSWER_LEN).to.equal(2314);
      const f = new IdCardFramer({ maxLen: READ_ANSWER.readUInt16BE(5) - 1 });
      const out = f.push(Buffer.concat([READ_ANSWER, SAM_OK]));
      // The first length error is the answer itself; the preamble planted in its photo may add more.
      expect(discards(out)[0]).to.deep.include({ reason: 'length' });
      expect(f.badLengths).to.be.at.least(1);
      expect(frames(out).map(hex)).to.deep.equal(['00 00 90']);
      expect(f.discardedBytes).to.equal(READ_ANSWER.length);
    });

    it('refuses an impossible maxLen option with BAD_ARGUMENT', () => {
      expectDeviceError(() => new IdCardFramer({ maxLen: 1 }), 'BAD_ARGUMENT');
      expectDeviceError(() => new IdCardFramer({ maxLen: 70000 }), 'BAD_ARGUMENT');
    });

    it('emits two frames that arrive in one chunk, in order', () => {
      const f = new IdCardFramer();
      const out = f.push(Buffer.concat([FIND_OK, SELECT_OK]));
      expect(frames(out).map(hex)).to.deep.equal(['00 00 9F 00 00 00 00', '00 00 90 00 00 00 00 00 00 00 00']);
      expect(f.frames).to.equal(2);
    });

    it('drops a half frame on reset and reports it as incomplete', () => {
      const f = new IdCardFramer();
      expect(f.push(READ_ANSWER.subarray(0, 600))).to.deep.equal([]);
      expect(f.pending).to.equal(600);
      const out = f.reset();
      expect(out).to.have.length(1);
      expect(out[0]!.kind === 'discarded' && out[0]!.reason).to.equal('incomplete');
      expect(f.pending).to.equal(0);
      expect(frames(f.push(SAM_OK))).to.have.length(1);
    });
  });

  describe('answers', () => {
    for (const [sw3, name, error, checksum] of STATUS_ANSWERS) {
      const code = sw3.toString(16).toUpperCase().padStart(2, '0');
      it(`decodes SW3 ${code} as ${name} and encodes it byte for byte`, () => {
        const frame = statusFrame(sw3, checksum);
        expect(hex(encodeResponse(sw3))).to.equal(hex(frame));
        const f = new IdCardFramer();
        const [msg] = f.push(frame);
        expect(msg?.kind).to.equal('frame');
        const r = decodeResponse((msg as { body: Buffer }).body);
        expect(r.status).to.equal(name);
        expect(r.sw3).to.equal(sw3);
        expect(r.ok).to.equal(error === null);
        expect(r.error ?? null).to.equal(error);
        expect(r.message.zh).to.be.a('string').and.not.equal('');
        if (error) expect(responseError(r)?.code).to.equal(error);
        else expect(responseError(r)).to.equal(null);
      });
    }

    it('names an undocumented SW3 as unknown, with its bytes in the message', () => {
      const r = decodeResponse(Buffer.from([0x00, 0x00, 0x55]));
      expect(r.status).to.equal('unknown');
      expect(r.ok).to.equal(false);
      expect(r.error).to.equal('DEVICE_FAULT');
      expect(r.message.en).to.contain('00 00 55');
    });

    it('treats a non-zero SW1 or SW2 as unknown even with a known SW3', () => {
      expect(decodeResponse(Buffer.from([0x01, 0x00, 0x90])).status).to.equal('unknown');
      expect(decodeResponse(Buffer.from([0x00, 0x02, 0x90])).ok).to.equal(false);
    });

    it('refuses a body shorter than three status bytes with FRAME_LENGTH', () => {
      expectDeviceError(() => decodeResponse(Buffer.from([0x00, 0x00])), 'FRAME_LENGTH');
    });

    it('encodes the find and select answers with their payloads byte for byte', () => {
      expect(hex(encodeResponse(0x9f, Buffer.alloc(4)))).to.equal(hex(FIND_OK));
      expect(hex(encodeResponse(0x90, Buffer.alloc(8)))).to.equal(hex(SELECT_OK));
      expect(decodeResponse(bodyOf(FIND_OK)).payload.length).to.equal(4);
    });

    it('refuses an SW3 that is not a byte', () => {
      expectDeviceError(() => encodeResponse(0x100), 'BAD_ARGUMENT');
    });
  });

  describe('read answer', () => {
    it('is 1295 bytes with LEN 05 08', () => {
      expect(READ_ANSWER.length).to.equal(1295);
      expect(hex(READ_ANSWER.subarray(5, 14))).to.equal('05 08 00 00 90 01 00 04 00');
    });

    it('decodes the sample answer back into its known fields, text and photo', () => {
      const [msg] = new IdCardFramer().push(READ_ANSWER);
      const a = decodeReadAnswer((msg as { body: Buffer }).body);
      expect(a.card).to.deep.equal(SAMPLE_CARD);
      expect(a.text.equals(SAMPLE_TEXT)).to.equal(true);
      expect(a.photo.equals(SAMPLE_PHOTO)).to.equal(true);
      expect(a.fingerprint).to.equal(undefined);
    });

    it('builds the exact 1295 bytes a reader sends from text and photo', () => {
      expect(encodeReadAnswer(SAMPLE_TEXT, SAMPLE_PHOTO).equals(READ_ANSWER)).to.equal(true);
    });

    it('builds the exact text bytes of the sample card from its fields', () => {
      const text = encodeCardText({
        name: '韩梅梅',
        sex: '女',
        nation: '汉',
        birthDate: '1990-03-07',
        address: '北京市东城区示例路18号院3号楼201',
        idNumber: '11010119900307002X',
        issuer: '北京市公安局东城分局',
        validFrom: '2015-06-01',
        validTo: '2035-06-01',
      });
      expect(hex(text)).to.equal(hex(SAMPLE_TEXT));
    });

    it('round-trips a fingerprint read answer (30 10) with three length fields', () => {
      const fp = Buffer.alloc(1024, 0x5a);
      const frame = encodeReadAnswer(SAMPLE_TEXT, SAMPLE_PHOTO, fp);
      expect(frame.readUInt16BE(5)).to.equal(MAX_ANSWER_LEN);
      expect(hex(frame.subarray(7, 16))).to.equal('00 00 90 01 00 04 00 04 00');
      const [msg] = new IdCardFramer().push(frame);
      const a = decodeReadAnswer((msg as { body: Buffer }).body);
      expect(a.fingerprint?.equals(fp)).to.equal(true);
      expect(a.card).to.deep.equal(SAMPLE_CARD);
    });

    it('turns a failed read status into the matching error', () => {
      expectDeviceError(() => decodeReadAnswer(Buffer.from([0x00, 0x00, 0x41])), 'CARD_READ_FAILED');
      expectDeviceError(() => decodeReadAnswer(Buffer.from([0x00, 0x00, 0x80])), 'NO_CARD');
    });

    it('refuses an answer whose length fields do not add up with FRAME_LENGTH', () => {
      const body = Buffer.from(bodyOf(READ_ANSWER));
      body.writeUInt16BE(0x0401, 5);
      expectDeviceError(() => decodeReadAnswer(body), 'FRAME_LENGTH');
      expectDeviceError(() => decodeReadAnswer(body.subarray(0, 5)), 'FRAME_LENGTH');
    });

    it('refuses a text block that is not 256 bytes with CARD_DATA_INVALID', () => {
      const body = Buffer.concat([Buffer.from([0, 0, 0x90, 0x00, 0x02, 0x00, 0x00]), Buffer.from('ab')]);
      expectDeviceError(() => decodeReadAnswer(body), 'CARD_DATA_INVALID');
      expectDeviceError(() => encodeReadAnswer(Buffer.alloc(10), SAMPLE_PHOTO), 'BAD_ARGUMENT');
    });
  });

  describe('card text', () => {
    const base = {
      name: '测试',
      sex: '男' as const,
      nation: '01',
      birthDate: '2000-01-01',
      address: '测试地址',
      idNumber: '110101200001010018',
      issuer: '测试分局',
      validFrom: '2020-01-01',
      validTo: '2040-01-01',
    };

    it('keeps a valid-to of 长期 as 长期', () => {
      const card = decodeCardText(encodeCardText({ ...base, validTo: '长期' }));
      expect(card.validTo).to.equal('长期');
    });

    it('holds the full GB 3304 table: 56 nationalities 01–56 plus 97 and 98', () => {
      const codes = Object.keys(NATIONS);
      expect(codes).to.have.length(58);
      for (let i = 1; i <= 56; i++) expect(NATIONS[String(i).padStart(2, '0')], `code ${i}`).to.be.a('string');
      expect(NATIONS['01']).to.equal('汉');
      expect(NATIONS['05']).to.equal('维吾尔');
      expect(NATIONS['29']).to.equal('柯尔克孜');
      expect(NATIONS['56']).to.equal('基诺');
      expect(NATIONS['97']).to.equal('其他');
      expect(NATIONS['98']).to.equal('外国血统中国籍人士');
      expect(new Set(Object.values(NATIONS)).size).to.equal(58);
    });

    it('decodes every nation code written on a card to its name', () => {
      for (const [code, name] of Object.entries(NATIONS)) {
        const card = decodeCardText(encodeCardText({ ...base, nation: code }));
        expect(card.variant === 'resident' && [card.nationCode, card.nation]).to.deep.equal([code, name]);
      }
    });

    it('accepts a nation by name, by name with 族, or by code', () => {
      expect(nationCode('维吾尔')).to.equal('05');
      expect(nationCode('维吾尔族')).to.equal('05');
      expect(nationCode('05')).to.equal('05');
      expect(nationCode('火星')).to.equal(null);
    });

    it('keeps an unknown nation code with a null name', () => {
      const t = encodeCardText(base);
      Buffer.from('99', 'utf16le').copy(t, 32);
      const card = decodeCardText(t);
      expect(card.variant === 'resident' && [card.nationCode, card.nation]).to.deep.equal(['99', null]);
    });

    it('maps sex code 1 to 男 and 2 to 女, keeping the code, and others to null', () => {
      expect(decodeCardText(encodeCardText(base)).sex).to.equal('男');
      expect(decodeCardText(encodeCardText({ ...base, sex: '女' })).sex).to.equal('女');
      const other = decodeCardText(encodeCardText({ ...base, sex: undefined, sexCode: '9' }));
      expect([other.sexCode, other.sex]).to.deep.equal(['9', null]);
    });

    it('keeps a minority name with its middle dot', () => {
      const card = decodeCardText(encodeCardText({ ...base, name: '阿依古丽·买买提', nation: '维吾尔' }));
      expect(card.variant === 'resident' && card.name).to.equal('阿依古丽·买买提');
    });

    it('decodes a Hong Kong/Macau/Taiwan residence permit (J) with its pass number and issue count', () => {
      expect(decodeCardText(HMT_TEXT)).to.deep.equal(HMT_CARD);
      expect(hex(encodeCardText({ ...HMT_CARD, sexCode: undefined }))).to.equal(hex(HMT_TEXT));
    });

    it('decodes a foreign permanent resident card (I) by its own layout', () => {
      expect(decodeCardText(FOREIGN_TEXT)).to.deep.equal(FOREIGN_CARD);
      expect(hex(encodeCardText({ ...FOREIGN_CARD, sexCode: undefined }))).to.equal(hex(FOREIGN_TEXT));
    });

    it('decodes a 2023 foreign permanent resident card (Y), joining the two parts of the English name', () => {
      expect(decodeCardText(FOREIGN_2023_TEXT)).to.deep.equal(FOREIGN_2023_CARD);
      expect(hex(encodeCardText({ ...FOREIGN_2023_CARD, sexCode: undefined }))).to.equal(hex(FOREIGN_2023_TEXT));
    });

    it('refuses an unknown card type letter at byte 248 with CARD_UNSUPPORTED', () => {
      const t = Buffer.from(SAMPLE_TEXT);
      t.write('Q', 248, 'utf16le');
      expectDeviceError(() => decodeCardText(t), 'CARD_UNSUPPORTED');
    });

    it('refuses a text block of the wrong size and a broken date with CARD_DATA_INVALID', () => {
      expectDeviceError(() => decodeCardText(Buffer.alloc(255)), 'CARD_DATA_INVALID');
      const t = Buffer.from(SAMPLE_TEXT);
      t.write('19900230', 36, 'utf16le'); // 30 February
      const e = expectDeviceError(() => decodeCardText(t), 'CARD_DATA_INVALID');
      expect(e.details).to.deep.equal({ field: 'birthDate' });
    });

    it('refuses fields that do not fit or do not parse when building card text', () => {
      expectDeviceError(() => encodeCardText({ ...base, name: '一二三四五六七八九十一二三四五六' }), 'BAD_ARGUMENT');
      expectDeviceError(() => encodeCardText({ ...base, nation: '火星' }), 'BAD_ARGUMENT');
      expectDeviceError(() => encodeCardText({ ...base, birthDate: '2000-13-01' }), 'BAD_ARGUMENT');
      expectDeviceError(() => encodeCardText({ ...base, idNumber: '12345' }), 'BAD_ARGUMENT');
      expectDeviceError(() => encodeCardText({ ...base, sex: '男男' as '男' }), 'BAD_ARGUMENT');
    });
  });

  describe('ID numbers', () => {
    for (const [first17, check] of ID_NUMBERS) {
      it(`computes check character ${check} for ${first17}`, () => {
        expect(idCheckDigit(first17)).to.equal(check);
        expect(validIdNumber(first17 + check)).to.equal(true);
      });
    }

    it('rejects a number whose check character does not match', () => {
      expect(validIdNumber('110105194912310021')).to.equal(false);
      expect(validIdNumber('440524188001010015')).to.equal(false);
    });

    it('accepts a lower-case x as the check character', () => {
      expect(validIdNumber('11010519491231002x')).to.equal(true);
    });

    it('rejects a number whose birth date is not a real date or is before 1800', () => {
      // Check characters recomputed so only the date is wrong.
      const feb30 = '11010119900230001';
      expect(validIdNumber(feb30 + idCheckDigit(feb30))).to.equal(false);
      const old = '11010117991231001';
      expect(validIdNumber(old + idCheckDigit(old))).to.equal(false);
    });

    it('rejects a birth date after the day passed as notAfter', () => {
      const future = '11010120300101001';
      const id = future + idCheckDigit(future);
      expect(validIdNumber(id)).to.equal(true);
      expect(validIdNumber(id, { notAfter: '2026-11-23' })).to.equal(false);
      expect(validIdNumber('11010519491231002X', { notAfter: '2026-11-23' })).to.equal(true);
    });

    it('rejects wrong lengths, letters, a leading zero and non-strings', () => {
      expect(validIdNumber('11010519491231002')).to.equal(false);
      expect(validIdNumber('11010519491231002XX')).to.equal(false);
      expect(validIdNumber('1101051949123100AX')).to.equal(false);
      expect(validIdNumber('01010519491231002X')).to.equal(false);
      expect(validIdNumber(undefined as unknown as string)).to.equal(false);
    });

    it('refuses a check-digit request for anything but 17 digits', () => {
      expectDeviceError(() => idCheckDigit('1234'), 'BAD_ARGUMENT');
    });
  });
});
