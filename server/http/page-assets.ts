// A page's bundle (app.js, app.css) as a hall's screens need it: compressed (the manager's bundle is 59 kB with
// brotli instead of 212 kB), and kept by the browser for good once it has the version the page
// asks for. Each page's index.html names its bundle with `?v=<content hash>` (scripts/build-ui.mjs), so an
// answer to that exact version never changes and is cached as immutable; any other request revalidates. The
// HTML itself always revalidates, so a rebuilt hall is picked up at the next load.

import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import type { Request, RequestHandler, Response } from 'express';

const TYPES: Record<string, string> = {
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
};

/** Kept for a year, as long as a browser keeps anything. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';

interface Asset {
  mtimeMs: number;
  size: number;
  /** The first 12 hex digits of the content's SHA-256, as build-ui writes it into `?v=`. */
  version: string;
  raw: Buffer;
  gzip: Buffer;
  br: Buffer;
}

type Encoding = 'br' | 'gzip' | 'identity';

/** The best encoding the client accepts; a coding with `q=0` is refused. */
export function pickEncoding(accept: string | undefined): Encoding {
  if (!accept) return 'identity';
  const ok = new Set<string>();
  for (const part of accept.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (name && !(q && Number(q.slice(2)) === 0)) ok.add(name);
  }
  if (ok.has('br')) return 'br';
  if (ok.has('gzip') || ok.has('*')) return 'gzip';
  return 'identity';
}

/**
 * Serves `app.js` and `app.css` of one page folder; other paths go on to the next handler (express.static for
 * index.html). Compressed forms are made once per build of the file (its mtime and size) and kept in memory.
 */
// Shared by every app in the process (tests start many halls over the same dist/ui), keyed by file path.
const cache = new Map<string, Asset>();

export function pageAssets(dir: string): RequestHandler {
  const load = async (name: string): Promise<Asset | null> => {
    const file = join(dir, name);
    let st;
    try {
      st = await stat(file);
    } catch {
      return null;
    }
    const had = cache.get(file);
    if (had && had.mtimeMs === st.mtimeMs && had.size === st.size) return had;
    const raw = await readFile(file);
    const asset: Asset = {
      mtimeMs: st.mtimeMs,
      size: st.size,
      version: createHash('sha256').update(raw).digest('hex').slice(0, 12),
      raw,
      gzip: gzipSync(raw, { level: 9 }),
      br: brotliCompressSync(raw, { params: { [zlib.BROTLI_PARAM_QUALITY]: 9, [zlib.BROTLI_PARAM_SIZE_HINT]: raw.length } }),
    };
    cache.set(file, asset);
    return asset;
  };
  return (req: Request, res: Response, next) => {
    const name = req.path.replace(/^\//, '');
    const type = TYPES[name];
    if (!type || (req.method !== 'GET' && req.method !== 'HEAD')) return next();
    load(name).then(
      (a) => {
        if (!a) return next();
        const etag = `"${a.version}"`;
        res.setHeader('Content-Type', type);
        res.setHeader('ETag', etag);
        res.setHeader('Vary', 'Accept-Encoding');
        res.setHeader('Cache-Control', req.query.v === a.version ? IMMUTABLE : 'no-cache');
        if (req.headers['if-none-match']?.split(',').some((t) => t.trim().replace(/^W\//, '') === etag)) {
          res.status(304).end();
          return;
        }
        const enc = pickEncoding(req.headers['accept-encoding']);
        const body = enc === 'br' ? a.br : enc === 'gzip' ? a.gzip : a.raw;
        if (enc !== 'identity') res.setHeader('Content-Encoding', enc);
        res.setHeader('Content-Length', String(body.length));
        if (req.method === 'HEAD') res.end();
        else res.end(body);
      },
      (err: unknown) => next(err),
    );
  };
}

/** index.html and anything else in a page folder: always asked again (it names the current bundle). */
export function revalidate(res: Response): void {
  res.setHeader('Cache-Control', 'no-cache');
}
