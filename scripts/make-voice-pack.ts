// Generates the default zh-CN voice pack offline: one clip per announcement token, spoken by espeak-ng's
// Mandarin voice (cmn), trimmed of leading and trailing silence and encoded as Ogg Vorbis by sox. The result
// is committed (assets/voice/zh-CN), so running the hall needs neither program.
//
//   node --import tsx scripts/make-voice-pack.ts [outDir]      (Debian: apt-get install espeak-ng sox)

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ANNOUNCEMENT_TOKENS, clipFileName, loadVoicePack, type VoiceManifest } from '../server/voice/pack.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = resolve(process.argv[2] ?? join(root, 'assets', 'voice', 'zh-CN'));

/** What espeak-ng is asked to say for a token; the rest are said as written. */
const SPOKEN: Record<string, string> = {
  '0': '零',
  '1': '一',
  '2': '二',
  '3': '三',
  '4': '四',
  '5': '五',
  '6': '六',
  '7': '七',
  '8': '八',
  '9': '九',
};

const VOICE = 'cmn';
const SPEED = 150; // words per minute; espeak's default 175 runs digits together
const RATE = 22050;

function need(program: string, args: string[]): void {
  try {
    execFileSync(program, args, { stdio: 'ignore' });
  } catch {
    process.stderr.write(`${program} is needed to generate the voice pack (Debian: apt-get install espeak-ng sox)\n`);
    process.exit(1);
  }
}

need('espeak-ng', ['--version']);
need('sox', ['--version']);

const work = mkdtempSync(join(tmpdir(), 'voice-pack-'));
mkdirSync(out, { recursive: true });
for (const f of readdirSync(out)) if (f.endsWith('.ogg')) rmSync(join(out, f));

const clips: Record<string, string> = {};
for (const token of ANNOUNCEMENT_TOKENS) {
  const wav = join(work, 'clip.wav');
  const name = clipFileName(token, 'ogg');
  execFileSync('espeak-ng', ['-v', VOICE, '-s', String(SPEED), '-w', wav, SPOKEN[token] ?? token]);
  // Trim silence at both ends (espeak pads each utterance), so the pack's own gap sets the rhythm.
  execFileSync('sox', [wav, '-r', String(RATE), '-c', '1', join(out, name), 'silence', '1', '0.02', '0.5%', 'reverse', 'silence', '1', '0.02', '0.5%', 'reverse']);
  clips[token] = name;
}
rmSync(work, { recursive: true, force: true });

const manifest: VoiceManifest = {
  format: 1,
  lang: 'zh-CN',
  name: '普通话（合成） / Mandarin (synthesised)',
  source: `espeak-ng voice ${VOICE} at ${SPEED} wpm, trimmed and encoded with sox (scripts/make-voice-pack.ts)`,
  mime: 'audio/ogg',
  gapMs: 60,
  repeatGapMs: 800,
  clips,
};
writeFileSync(join(out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
const pack = loadVoicePack(out);
process.stdout.write(`${Object.keys(clips).length} clips in ${out}${pack.missing.length ? `; missing: ${pack.missing.join(' ')}` : ''}\n`);
