// Clerks' photos for the evaluation pad and the window screen. A photo arrives from the manager (or as a
// seed file named in staff.json), is normalised with sharp (decoded, turned upright by its EXIF orientation,
// cropped to one portrait size and written again as a JPEG with no metadata at all: no EXIF, GPS, ICC or
// XMP leaves the server) and kept under $HALL_DATA_DIR/photos.
//
// A photo's file is named by the hash of its bytes, and so is its public URL: the URL never carries the
// account's username, changes whenever the photo does, and can be cached by browsers for good. The index
// (which account has which photo) is a small durable document; a file is written (temp, fsync, rename) before
// the index names it and removed after the index stops naming it, so a crash at any point leaves at most an
// unreferenced file, swept at the next start.

import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import sharp, { type Metadata } from 'sharp';
import type { Low } from 'lowdb';
import { openDocument } from '../store/durable-file.js';
import { HallError } from '../errors.js';

export const PHOTO_WIDTH = 300;
export const PHOTO_HEIGHT = 400;
/** Largest upload body: a phone picture is a few MB. */
export const PHOTO_MAX_BYTES = 10 * 1024 * 1024;
/** Most pixels decoded: 48 MP covers today's phone cameras; a small file claiming more is refused unread. */
export const PHOTO_MAX_PIXELS = 48_000_000;
export const PHOTO_URL_PREFIX = '/api/v1/photos/';
const JPEG_QUALITY = 85;
const FILE = /^[0-9a-f]{24}\.jpg$/;

export type PhotoSource = 'upload' | 'config';

export interface PhotoEntry {
  /** Hash of the stored JPEG: names its file and its URL. */
  version: string;
  bytes: number;
  source: PhotoSource;
  /** For a photo from staff.json: the hash of the seed file, so an edited seed replaces it. */
  seed?: string;
  updatedAt: string;
}

interface PhotoDoc {
  photos: Record<string, PhotoEntry>;
  /** Accounts whose photo a manager removed, with when: their staff.json seed is not put back. */
  removed: Record<string, string>;
}

export interface PhotoListing {
  username: string;
  photoUrl: string;
  source: PhotoSource;
  updatedAt: string;
}

/** Formats the pipeline accepts; an SVG only from the hall's own configuration (the demo portraits). */
type Accept = 'upload' | 'config';

/**
 * Decodes, turns upright, crops to PHOTO_WIDTH×PHOTO_HEIGHT (keeping the top of a tall picture, where the
 * face is) and re-encodes as a baseline JPEG without any metadata. Refuses what is not a JPEG or PNG
 * (INVALID_IMAGE) and images over PHOTO_MAX_PIXELS (IMAGE_TOO_LARGE) before decoding them.
 */
export async function normalisePhoto(input: Buffer, accept: Accept = 'upload'): Promise<Buffer> {
  if (input.length === 0) throw new HallError('INVALID_IMAGE', '照片为空 / the photo is empty');
  let meta: Metadata;
  try {
    meta = await sharp(input, { limitInputPixels: false }).metadata();
  } catch {
    throw new HallError('INVALID_IMAGE', '不是可识别的图像 / not a readable image');
  }
  const formats = accept === 'config' ? ['jpeg', 'png', 'svg'] : ['jpeg', 'png'];
  if (!formats.includes(meta.format)) {
    throw new HallError('INVALID_IMAGE', `只接受 JPEG 或 PNG 照片 / only JPEG or PNG photos are accepted (got ${meta.format})`);
  }
  const pixels = (meta.width ?? 0) * (meta.height ?? 0);
  if (pixels > PHOTO_MAX_PIXELS) {
    throw new HallError('IMAGE_TOO_LARGE', `图像像素过多（${meta.width}×${meta.height}）/ the image has too many pixels (at most ${PHOTO_MAX_PIXELS})`, {
      width: meta.width,
      height: meta.height,
      maxPixels: PHOTO_MAX_PIXELS,
    });
  }
  try {
    // sharp writes no metadata unless asked to (keepMetadata/withMetadata): the output carries none.
    return await sharp(input, { limitInputPixels: PHOTO_MAX_PIXELS, failOn: 'truncated' })
      .rotate()
      .resize(PHOTO_WIDTH, PHOTO_HEIGHT, { fit: 'cover', position: 'north' })
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .jpeg({ quality: JPEG_QUALITY })
      .toBuffer();
  } catch (err) {
    const message = (err as Error).message;
    if (/pixel limit/i.test(message)) throw new HallError('IMAGE_TOO_LARGE', '图像像素过多 / the image has too many pixels');
    throw new HallError('INVALID_IMAGE', `图像无法解码 / the image cannot be decoded (${message})`);
  }
}

export interface StaffPhotosOptions {
  now?: () => number;
}

export class StaffPhotos {
  private readonly listeners: ((username: string) => void)[] = [];
  private readonly cache = new Map<string, Buffer>();
  /** Changes run one at a time: the index and the files always agree. */
  private chain: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly dir: string,
    private readonly db: Low<PhotoDoc>,
    private readonly now: () => number,
  ) {}

  static async open(dir: string, opts: StaffPhotosOptions = {}): Promise<StaffPhotos> {
    const db = await openDocument<PhotoDoc>(path.join(dir, 'index.json'), { photos: {}, removed: {} });
    db.data.photos ??= {};
    db.data.removed ??= {};
    const photos = new StaffPhotos(path.resolve(dir), db, opts.now ?? Date.now);
    await photos.sweep();
    return photos;
  }

  /** The public URL of an account's photo, or undefined without one. */
  urlOf(username: string): string | undefined {
    const e = this.db.data.photos[username];
    return e ? `${PHOTO_URL_PREFIX}${e.version}.jpg` : undefined;
  }

  entry(username: string): PhotoEntry | undefined {
    return this.db.data.photos[username];
  }

  list(): PhotoListing[] {
    return Object.entries(this.db.data.photos).map(([username, e]) => ({
      username,
      photoUrl: `${PHOTO_URL_PREFIX}${e.version}.jpg`,
      source: e.source,
      updatedAt: e.updatedAt,
    }));
  }

  /** Called with the username whenever an account's photo is set, replaced or removed. */
  onChange(fn: (username: string) => void): void {
    this.listeners.push(fn);
  }

  /** Normalises and stores a photo for the account, replacing any earlier one. */
  async set(username: string, image: Buffer, source: PhotoSource = 'upload', seed?: string): Promise<PhotoEntry> {
    const jpeg = await normalisePhoto(image, source === 'config' ? 'config' : 'upload');
    return this.serial(async () => {
      const version = createHash('sha256').update(jpeg).digest('hex').slice(0, 24);
      await this.writeFile(`${version}.jpg`, jpeg);
      const before = this.db.data.photos[username];
      const entry: PhotoEntry = { version, bytes: jpeg.length, source, updatedAt: new Date(this.now()).toISOString(), ...(seed ? { seed } : {}) };
      this.db.data.photos[username] = entry;
      delete this.db.data.removed[username];
      await this.db.write();
      this.cache.set(version, jpeg);
      if (before && before.version !== version) await this.dropIfUnused(before.version);
      this.changed(username);
      return entry;
    });
  }

  /** Removes the account's photo; answers whether there was one. A staff.json seed is then not put back. */
  async remove(username: string): Promise<boolean> {
    return this.serial(async () => {
      const before = this.db.data.photos[username];
      delete this.db.data.photos[username];
      this.db.data.removed[username] = new Date(this.now()).toISOString();
      await this.db.write();
      if (before) {
        await this.dropIfUnused(before.version);
        this.changed(username);
      }
      return before !== undefined;
    });
  }

  /** The JPEG for a public URL's file name, or undefined when no account has that photo now. */
  async read(fileName: string): Promise<{ version: string; jpeg: Buffer } | undefined> {
    if (!FILE.test(fileName)) return undefined;
    const version = fileName.slice(0, -4);
    if (!Object.values(this.db.data.photos).some((e) => e.version === version)) return undefined;
    let jpeg = this.cache.get(version);
    if (!jpeg) {
      try {
        jpeg = await fsp.readFile(path.join(this.dir, fileName));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
      this.cache.set(version, jpeg);
    }
    return { version, jpeg };
  }

  /**
   * Photos named in staff.json, for accounts that exist: stored unless a manager uploaded or removed the
   * account's photo; stored again when the seed file changed. A seed that cannot be used is reported, not
   * fatal: the clerk then shows the initial instead.
   */
  async seed(items: { username: string; file: string }[]): Promise<{ seeded: string[]; failed: { username: string; file: string; message: string }[] }> {
    const seeded: string[] = [];
    const failed: { username: string; file: string; message: string }[] = [];
    for (const { username, file } of items) {
      const now = this.db.data.photos[username];
      if (now?.source === 'upload' || this.db.data.removed[username]) continue;
      try {
        const bytes = await fsp.readFile(file);
        const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 24);
        if (now?.source === 'config' && now.seed === hash) continue;
        await this.set(username, bytes, 'config', hash);
        seeded.push(username);
      } catch (err) {
        failed.push({ username, file, message: (err as Error).message });
      }
    }
    return { seeded, failed };
  }

  /**
   * Forgets the photos of accounts that no longer exist (demo accounts leave outside demo mode): their files
   * go, so a hash URL that was once public stops answering. Answers the usernames dropped.
   */
  async retainOnly(usernames: Iterable<string>): Promise<string[]> {
    const keep = new Set(usernames);
    return this.serial(async () => {
      const gone = Object.keys(this.db.data.photos).filter((u) => !keep.has(u));
      if (gone.length === 0) return gone;
      const versions = gone.map((u) => this.db.data.photos[u]!.version);
      for (const u of gone) delete this.db.data.photos[u];
      await this.db.write();
      for (const v of versions) await this.dropIfUnused(v);
      return gone;
    });
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn);
    this.chain = run.catch(() => {});
    return run;
  }

  private changed(username: string): void {
    for (const fn of this.listeners) fn(username);
  }

  private async writeFile(name: string, data: Buffer): Promise<void> {
    await fsp.mkdir(this.dir, { recursive: true });
    const target = path.join(this.dir, name);
    const tmp = path.join(this.dir, `.${name}.${process.pid}.tmp`);
    const fh = await fsp.open(tmp, 'w', 0o644);
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fsp.rename(tmp, target);
    await syncDir(this.dir);
  }

  private async dropIfUnused(version: string): Promise<void> {
    if (Object.values(this.db.data.photos).some((e) => e.version === version)) return;
    this.cache.delete(version);
    await fsp.rm(path.join(this.dir, `${version}.jpg`), { force: true });
  }

  /** Files no index entry names (a crash between writing a file and the index, or after) and temp files. */
  private async sweep(): Promise<void> {
    let names: string[];
    try {
      names = await fsp.readdir(this.dir);
    } catch {
      return;
    }
    const used = new Set(Object.values(this.db.data.photos).map((e) => `${e.version}.jpg`));
    await Promise.all(
      names
        .filter((n) => (FILE.test(n) && !used.has(n)) || (n.startsWith('.') && n.endsWith('.tmp')))
        .map((n) => fsp.rm(path.join(this.dir, n), { force: true }).catch(() => {})),
    );
  }
}

async function syncDir(dir: string): Promise<void> {
  const fh = await fsp.open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
