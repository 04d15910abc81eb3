// Scanned pages made fit for a case file: turned upright by their EXIF orientation, grayscale, straightened
// when the skew can be measured cheaply, contrast stretched, scaled to a set width and JPEG-compressed.
//
// Deskew: on a small black-and-white copy of the page, the dark pixels are projected onto rows at each
// candidate angle; text lines line up with the rows at the page's true angle, which makes the row sums
// peakiest (largest variance). This costs a few milliseconds per page and handles the few degrees a sheet
// slips in a feeder; a page with no text lines (a photo) has no clear peak and is left as it is.

import sharp, { type OutputInfo, type Sharp } from 'sharp';
import { DeviceError } from '../errors.js';

export interface NormalizeOptions {
  /** Output width in pixels (A4 at 150 dpi ≈ 1240). Narrower pages are not enlarged. Default 1240. */
  width?: number;
  /** JPEG quality 1–100. Default 72. */
  quality?: number;
  /** Largest skew looked for, degrees. Default 5; 0 turns deskew off. */
  maxSkewDegrees?: number;
}

export interface NormalizedPage {
  jpeg: Buffer;
  width: number;
  height: number;
  /** The skew found and removed, degrees, clockwise positive (text lines falling to the right); 0 when none. */
  skewDegrees: number;
}

const MAX_INPUT_PIXELS = 80_000_000; // a 600 dpi A3 scan is ~70 Mpx

export async function normalizePage(input: Buffer, opts: NormalizeOptions = {}): Promise<NormalizedPage> {
  const width = opts.width ?? 1240;
  const quality = opts.quality ?? 72;
  const maxSkew = opts.maxSkewDegrees ?? 5;
  let gray: { data: Buffer; info: OutputInfo };
  try {
    // Scaled down first: every later step then works on the output size. rotate() without an angle applies
    // the EXIF orientation.
    gray = await sharp(input, { limitInputPixels: MAX_INPUT_PIXELS })
      .rotate()
      .resize({ width, withoutEnlargement: true })
      .toColourspace('b-w')
      .raw()
      .toBuffer({ resolveWithObject: true });
  } catch (e) {
    throw new DeviceError('BAD_ARGUMENT', `not a readable image: ${(e as Error).message}`);
  }
  const raw = { raw: { width: gray.info.width, height: gray.info.height, channels: 1 as const } };
  const angle = maxSkew > 0 ? await skewOf(sharp(gray.data, raw), maxSkew) : 0;
  let img = sharp(gray.data, raw);
  if (angle !== 0) {
    // Turning widens the canvas by a few percent: scale back to the set width.
    const turned = await img.rotate(-angle, { background: '#ffffff' }).raw().toBuffer({ resolveWithObject: true });
    img = sharp(turned.data, { raw: { width: turned.info.width, height: turned.info.height, channels: turned.info.channels as 1 } }).resize({ width: gray.info.width });
  }
  const out = await img.normalise().toColourspace('b-w').jpeg({ quality }).toBuffer({ resolveWithObject: true });
  return { jpeg: out.data, width: out.info.width, height: out.info.height, skewDegrees: angle };
}

/**
 * The page's skew in degrees (clockwise positive, as text lines descend to the right), to 0.25°, or 0 when
 * no angle stands out.
 */
export async function measureSkew(image: Buffer, maxDegrees = 5): Promise<number> {
  return skewOf(sharp(image), maxDegrees);
}

async function skewOf(image: Sharp, maxDegrees: number): Promise<number> {
  const probeWidth = 600;
  const { data, info } = await image
    .toColourspace('b-w')
    .resize({ width: probeWidth, withoutEnlargement: true })
    .threshold(160)
    .raw()
    .toBuffer({ resolveWithObject: true });
  const w = info.width;
  const h = info.height;
  const xs: number[] = [];
  const ys: number[] = [];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (data[y * w + x]! < 128) {
        xs.push(x);
        ys.push(y);
      }
    }
  }
  // Blank or nearly black pages carry no line structure to measure.
  if (xs.length < 200 || xs.length > w * h * 0.5) return 0;
  const score = (deg: number): number => {
    const t = Math.tan((deg * Math.PI) / 180);
    const rows = new Float64Array(h + w + 2);
    const shift = Math.ceil(Math.abs(t) * w) + 1;
    for (let i = 0; i < xs.length; i++) {
      const r = Math.round(ys[i]! - xs[i]! * t) + shift;
      if (r >= 0 && r < rows.length) rows[r]!++;
    }
    let sum = 0;
    let sq = 0;
    for (const v of rows) {
      sum += v;
      sq += v * v;
    }
    return sq / rows.length - (sum / rows.length) ** 2;
  };
  let best = 0;
  let bestScore = score(0);
  const flat = bestScore;
  for (let d = -maxDegrees; d <= maxDegrees + 1e-9; d += 0.25) {
    const s = score(d);
    if (s > bestScore) {
      bestScore = s;
      best = Math.round(d * 100) / 100;
    }
  }
  // Only a clear gain over "as scanned" is worth a rotation (and the blur it brings).
  return bestScore > flat * 1.15 ? best : 0;
}
