// Voice clip packs (docs/voice.md): a folder with manifest.json and one short audio clip per phrase token.
// An announcement is its tokens played in order ("请", "A", "0", "1", "2", "号", "到", "三", "号窗口",
// "办理"), so a pack covers every token an announcement can hold. The default zh-CN pack is generated
// offline (scripts/make-voice-pack.ts) and committed; a hall can put a recorded pack in its data folder.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';

/** Fixed phrases of an announcement (server/views.ts announcement()). */
export const PHRASE_TOKENS = ['请', '号', '到', '号窗口', '办理'] as const;
/** Ticket numbers: the section prefix letter and digits, read one by one. */
export const LETTER_TOKENS = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'];
export const DIGIT_TOKENS = [...'0123456789'];
/** Window numbers, read as Chinese numerals (numberWords). */
export const NUMERAL_TOKENS = [...'零一二三四五六七八九十百'];

/** Every token a call announcement can hold. */
export const ANNOUNCEMENT_TOKENS: readonly string[] = [...PHRASE_TOKENS, ...LETTER_TOKENS, ...DIGIT_TOKENS, ...NUMERAL_TOKENS];

/** The file name of a token's clip: its code points, so any token gives a portable name. */
export function clipFileName(token: string, ext: string): string {
  return 'u' + [...token].map((c) => c.codePointAt(0)!.toString(16).padStart(4, '0')).join('-') + '.' + ext;
}

const fileName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,80}$/, { error: 'must be a plain file name in the pack folder' });

export const manifestSchema = z.strictObject({
  /** Format version of this manifest. */
  format: z.literal(1),
  lang: z.string().min(2).max(20),
  name: z.string().min(1).max(200),
  /** How the clips were made or who recorded them. */
  source: z.string().max(500).optional(),
  /** MIME type of every clip: audio/ogg (Vorbis or Opus), audio/wav or audio/mpeg. */
  mime: z.enum(['audio/ogg', 'audio/wav', 'audio/mpeg']),
  /** Silence between two clips, ms. */
  gapMs: z.number().int().min(0).max(1000),
  /** Silence between two repeats of one announcement, ms. */
  repeatGapMs: z.number().int().min(0).max(5000),
  clips: z.record(z.string().min(1).max(8), fileName),
});

export type VoiceManifest = z.output<typeof manifestSchema>;

export interface LoadedPack {
  dir: string;
  manifest: VoiceManifest;
  /** Announcement tokens without a clip: skipped when played. */
  missing: string[];
}

export class VoicePackError extends Error {
  readonly code = 'VOICE_PACK_INVALID' as const;
}

/** Reads and checks a pack folder: the manifest's shape and that every clip it names is a file there. */
export function loadVoicePack(dir: string): LoadedPack {
  const full = resolve(dir);
  const file = join(full, 'manifest.json');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new VoicePackError(`${file}: ${(e as Error).message}`);
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    throw new VoicePackError(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(manifest)'}: ${i.message}`).join('; ')}`);
  }
  for (const [token, name] of Object.entries(parsed.data.clips)) {
    const clip = join(full, name);
    if (!existsSync(clip) || !statSync(clip).isFile()) throw new VoicePackError(`${file}: clip for "${token}" not found: ${name}`);
  }
  const missing = ANNOUNCEMENT_TOKENS.filter((t) => !(t in parsed.data.clips));
  return { dir: full, manifest: parsed.data, missing };
}

/** A hall's own pack (data folder) wins over a shipped one of the same name. */
export function findVoicePack(name: string, dirs: readonly string[]): string | undefined {
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(name)) return undefined;
  return dirs.map((d) => join(d, name)).find((d) => existsSync(join(d, 'manifest.json')));
}
