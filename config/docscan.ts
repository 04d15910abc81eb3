// config/docscan.json: the document scanners at windows and how scanned pages are normalised. Optional: a
// hall without the file has no document scanners.

import { z } from 'zod';
import type { WindowConfig } from '../server/hall/types.js';
import type { ConfigIssue } from './schema.js';

export const DOCSCAN_FILE = 'docscan.json';

const sourceSchema = z.discriminatedUnion('type', [
  /** Simulated sheet feeder: real generated images. */
  z.strictObject({
    type: z.literal('sim'),
    pages: z.number().int().min(1).max(20).default(2),
    skewDegrees: z.number().min(-10).max(10).default(1.5),
  }),
  /** SANE's scanimage (Debian sane-utils). */
  z.strictObject({
    type: z.literal('sane'),
    device: z.string().min(1).max(200).optional(),
    resolution: z.number().int().min(75).max(600).default(200),
    mode: z.enum(['Gray', 'Color', 'Lineart']).default('Gray'),
    source: z.enum(['Flatbed', 'ADF']).default('Flatbed'),
    timeoutMs: z.number().int().min(5000).max(600_000).default(120_000),
  }),
  /** A folder the scanner saves into. */
  z.strictObject({
    type: z.literal('hotfolder'),
    dir: z.string().min(1).max(500),
    settleMs: z.number().int().min(100).max(60_000).default(1500),
    waitMs: z.number().int().min(1000).max(600_000).default(60_000),
  }),
]);

export const scannerSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, { error: 'must be lowercase letters, digits, "_" or "-"' }),
  windowId: z.string().min(1),
  source: sourceSchema,
});

export const docscanFileSchema = z.strictObject({
  /** Page width in pixels after normalising (1240 ≈ A4 at 150 dpi) and JPEG quality. */
  normalize: z
    .strictObject({ width: z.number().int().min(400).max(4000).default(1240), quality: z.number().int().min(30).max(95).default(72) })
    .default({ width: 1240, quality: 72 }),
  scanners: z.array(scannerSchema),
  /** Pages no case took (a draft the window moved on from) are removed this long after their last scan. */
  draftRetentionHours: z.number().int().min(1).max(24 * 90).default(48),
});

/** One scanner as the manager's device settings edit it: the scanner entry of docscan.json with `kind: "docscan"`. */
export const docscanDeviceSchema = scannerSchema.extend({ kind: z.literal('docscan') });

export type DocscanConfig = z.output<typeof docscanFileSchema>;
export type DocscanScannerConfig = DocscanConfig['scanners'][number];

export function checkDocscan(cfg: DocscanConfig, windows: readonly WindowConfig[], file: string, issues: ConfigIssue[]): void {
  const known = new Set(windows.map((w) => w.id));
  const ids = new Set<string>();
  const at = new Map<string, string>();
  cfg.scanners.forEach((s, i) => {
    if (ids.has(s.id)) issues.push({ file, path: `scanners[${i}].id`, message: `duplicate scanner id "${s.id}"` });
    ids.add(s.id);
    if (!known.has(s.windowId)) return issues.push({ file, path: `scanners[${i}].windowId`, message: `no window has id "${s.windowId}" (windows.json)` });
    const other = at.get(s.windowId);
    if (other) issues.push({ file, path: `scanners[${i}].windowId`, message: `window "${s.windowId}" already has scanner "${other}"` });
    at.set(s.windowId, s.id);
  });
}
