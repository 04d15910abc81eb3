// The CJK font embedded in generated PDFs. It comes from the npm registry (@embedpdf/fonts-sc: Noto Sans SC
// as OpenType/CFF, SIL Open Font License 1.1, which allows embedding), so PDFs carry Chinese text on a
// fresh clone with no system fonts. pdfkit embeds only the glyphs a document uses (a subset), so a
// one-page receipt stays around 50 kB.

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface FontFiles {
  regular: string;
  bold: string;
}

let cached: FontFiles | null = null;

/** Paths of the regular and bold CJK fonts; throws if the package is not installed. */
export function cjkFonts(): FontFiles {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  // The package exports only its index (dist/); the fonts sit beside dist/.
  const dir = join(dirname(require.resolve('@embedpdf/fonts-sc')), '..', 'fonts');
  const files = { regular: join(dir, 'NotoSansHans-Regular.otf'), bold: join(dir, 'NotoSansHans-Bold.otf') };
  for (const f of Object.values(files)) if (!existsSync(f)) throw new Error(`CJK font missing: ${f} (npm ci installs it)`);
  cached = files;
  return files;
}

/** A font file for pdfkit; `family` names the face inside a .ttc collection. */
export interface CjkFont {
  file: string;
  family?: string;
}

/**
 * The CJK font every generated PDF uses (case documents, manager reports, bound scans): the packaged Noto
 * Sans SC, or null when the package is missing (callers then refuse with a clear error).
 */
export function findCjkFont(): CjkFont | null {
  try {
    return { file: cjkFonts().regular };
  } catch {
    return null;
  }
}
