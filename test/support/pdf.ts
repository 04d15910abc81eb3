// PDF checks through poppler-utils (pdftotext, pdffonts). Without them a test says so and is skipped,
// except under CI=true, where their absence is a failure.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function popplerAvailable(): boolean {
  try {
    execFileSync('pdftotext', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** For a mocha hook or test: skips (or under CI fails) when pdftotext is missing. */
export function needPoppler(ctx: Mocha.Context): void {
  if (popplerAvailable()) return;
  const why = 'pdftotext not found (Debian package poppler-utils)';
  if (process.env.CI === 'true') throw new Error(why);
  console.warn(`      skipped: ${why}`);
  ctx.skip();
}

function withFile<T>(pdf: Buffer, fn: (file: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'pdf-check-'));
  try {
    const file = join(dir, 'doc.pdf');
    writeFileSync(file, pdf);
    return fn(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The PDF's text as pdftotext reads it (layout kept). */
export function pdfText(pdf: Buffer): string {
  return withFile(pdf, (f) => execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', f, '-'], { encoding: 'utf8' }));
}

/** `pdffonts` rows: name, type, embedded, subset. */
export function pdfFonts(pdf: Buffer): { name: string; embedded: boolean; subset: boolean }[] {
  const out = withFile(pdf, (f) => execFileSync('pdffonts', [f], { encoding: 'utf8' }));
  return out
    .split('\n')
    .slice(2)
    .filter((l) => l.trim())
    .map((l) => {
      const cols = l.trim().split(/\s+/);
      // name … emb sub uni object ID: the three yes/no columns sit before the last two
      const n = cols.length;
      return { name: cols[0]!, embedded: cols[n - 5] === 'yes', subset: cols[n - 4] === 'yes' };
    });
}

/** Page count from pdfinfo. */
export function pdfPages(pdf: Buffer): number {
  const out = withFile(pdf, (f) => execFileSync('pdfinfo', [f], { encoding: 'utf8' }));
  return Number(/^Pages:\s+(\d+)/m.exec(out)?.[1] ?? NaN);
}
