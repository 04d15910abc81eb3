// The hall's voice pack over HTTP, for the display page that plays announcements:
//   GET /voice               → {available, repeat, pack?, lang?, name?, mime?, gapMs?, repeatGapMs?, clips?: {token: url}, missing?}
//   GET /voice/clips/:file   → one clip named in the manifest (nothing else in the folder is served)

import express from 'express';
import { join } from 'node:path';
import { HallError } from '../errors.js';
import type { VoiceAnswer } from '../realtime/contract.js';
import type { LoadedPack } from './pack.js';

export function voiceRouter(pack: { name: string; loaded: LoadedPack } | null, repeat: number): express.Router {
  const r = express.Router();
  const files = new Set(pack ? Object.values(pack.loaded.manifest.clips) : []);
  r.get('/voice', (_req, res) => {
    if (!pack) {
      const none: VoiceAnswer = { available: false, repeat };
      return res.json(none);
    }
    const m = pack.loaded.manifest;
    const answer: VoiceAnswer = {
      available: true,
      repeat,
      pack: pack.name,
      lang: m.lang,
      name: m.name,
      mime: m.mime,
      gapMs: m.gapMs,
      repeatGapMs: m.repeatGapMs,
      clips: Object.fromEntries(Object.entries(m.clips).map(([token, file]) => [token, `/api/v1/voice/clips/${encodeURIComponent(file)}`])),
      missing: pack.loaded.missing,
    };
    res.json(answer);
  });
  r.get('/voice/clips/:file', (req, res, next) => {
    const file = String(req.params.file);
    if (!pack || !files.has(file)) throw new HallError('NOT_FOUND', `no such clip: ${file.slice(0, 80)}`);
    res.type(pack.loaded.manifest.mime);
    res.sendFile(join(pack.loaded.dir, file), { maxAge: 3600_000 }, (err) => {
      if (err) next(new HallError('NOT_FOUND', `clip unreadable: ${file}`));
    });
  });
  return r;
}
