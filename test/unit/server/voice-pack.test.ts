import { expect } from 'chai';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ANNOUNCEMENT_TOKENS, clipFileName, findVoicePack, loadVoicePack, VoicePackError } from '../../../server/voice/pack.js';
import { Views, numberWords } from '../../../server/views.js';
import { loadConfig } from '../../../config/schema.js';

const shipped = join(import.meta.dirname, '..', '..', '..', 'assets', 'voice');

describe('voice clip packs', () => {
  const made: string[] = [];
  const copy = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'voice-pack-'));
    cpSync(join(shipped, 'zh-CN'), dir, { recursive: true });
    made.push(dir);
    return dir;
  };
  after(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('ships a zh-CN pack with an Ogg clip for every token an announcement can hold', () => {
    const pack = loadVoicePack(join(shipped, 'zh-CN'));
    expect(pack.missing).to.deep.equal([]);
    expect(pack.manifest).to.include({ format: 1, lang: 'zh-CN', mime: 'audio/ogg' });
    for (const token of ANNOUNCEMENT_TOKENS) {
      const head = readFileSync(join(pack.dir, pack.manifest.clips[token]!)).subarray(0, 4).toString('latin1');
      expect(head, token).to.equal('OggS');
    }
  });

  it('covers every token of every call the demo hall can make, up to ticket 999 at window 199', () => {
    const views = new Views(loadConfig(), () => loadConfig().setup);
    const known = new Set(ANNOUNCEMENT_TOKENS);
    for (const prefix of 'ABCDEFG') {
      for (const n of [1, 10, 99, 100, 999]) {
        for (const w of [1, 3, 10, 11, 20, 99, 100, 101, 110, 199]) {
          const a = views.announcement(`${prefix}${String(n).padStart(3, '0')}`, w);
          for (const t of a.tokens) expect(known.has(t), `${a.text}: ${t}`).to.equal(true);
        }
      }
    }
    expect(numberWords(12)).to.deep.equal(['十', '二']);
  });

  it('names clip files by code point, so any token gives a portable name', () => {
    expect(clipFileName('请', 'ogg')).to.equal('u8bf7.ogg');
    expect(clipFileName('号窗口', 'ogg')).to.equal('u53f7-7a97-53e3.ogg');
    expect(clipFileName('A', 'wav')).to.equal('u0041.wav');
  });

  it('refuses a manifest that names a clip not in the folder, or a file outside it', () => {
    const dir = copy();
    rmSync(join(dir, clipFileName('请', 'ogg')));
    expect(() => loadVoicePack(dir)).to.throw(VoicePackError, /clip for "请" not found/);
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    m.clips['请'] = '../../etc/passwd';
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m));
    expect(() => loadVoicePack(dir)).to.throw(VoicePackError, /clips\.请: must be a plain file name/);
  });

  it('refuses a manifest of the wrong shape, and lists the tokens a partial pack lacks', () => {
    const dir = copy();
    writeFileSync(join(dir, 'manifest.json'), '{"format": 2}');
    expect(() => loadVoicePack(dir)).to.throw(VoicePackError, /format/);
    const partial = copy();
    const m = JSON.parse(readFileSync(join(partial, 'manifest.json'), 'utf8'));
    delete m.clips['百'];
    delete m.clips['Z'];
    writeFileSync(join(partial, 'manifest.json'), JSON.stringify(m));
    expect(loadVoicePack(partial).missing).to.deep.equal(['Z', '百']);
  });

  it('prefers a hall\'s own pack in the data folder over the shipped one, and never looks outside', () => {
    const own = mkdtempSync(join(tmpdir(), 'voice-own-'));
    made.push(own);
    cpSync(join(shipped, 'zh-CN'), join(own, 'zh-CN'), { recursive: true });
    expect(findVoicePack('zh-CN', [own, shipped])).to.equal(join(own, 'zh-CN'));
    expect(findVoicePack('zh-CN', [join(own, 'none'), shipped])).to.equal(join(shipped, 'zh-CN'));
    expect(findVoicePack('../zh-CN', [shipped])).to.equal(undefined);
    expect(findVoicePack('yue', [shipped])).to.equal(undefined);
  });
});
