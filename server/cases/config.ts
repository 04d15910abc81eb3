// Case settings (config/cases.json): retention, supervision thresholds, 容缺 commitment period. Read by the
// composition root through loadCasesConfig; every field has a default, written next to it.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError, formatPath } from '../../config/schema.js';

const int = (min: number, max: number) => z.number().int().min(min).max(max);

export const casesConfigSchema = z.strictObject({
  /** Days a closed case (its sealed applicant data and documents) is kept after its decision. Default 1095 (3 years). */
  retentionDays: int(1, 36500).default(1095),
  /** How often the purge job runs, minutes. Default 60. */
  purgeEveryMinutes: int(1, 1440).default(60),
  /** A promised deadline this many working days away or closer raises a warning. Default 2. */
  warnWorkingDays: int(0, 30).default(2),
  /** 容缺受理: default working days the applicant has to bring what is missing. Default 5. */
  commitmentWorkingDays: int(1, 60).default(5),
  /** A ticket serving longer than this factor × its section's default service minutes raises an alert. Default 2. */
  serviceAlertFactor: z.number().min(1).max(10).default(2),
  /** How often supervision is recomputed and pushed to the manager, seconds. Default 30. */
  superviseEverySeconds: int(5, 3600).default(30),
  /** How often accepted cases' progress is asked of the central approval system, seconds. Default 60. */
  trackEverySeconds: int(1, 86400).default(60),
  /** Thermal slip width in columns (32 on 58 mm paper, 48 on 80 mm). Default 48. */
  slipColumns: int(16, 96).default(48),
});

export type CasesConfig = z.infer<typeof casesConfigSchema>;

export const CASES_CONFIG_FILE = 'cases.json';

/** Reads `<dir>/cases.json`; a missing file means the defaults, a malformed one is a ConfigError. */
export function loadCasesConfig(dir: string): CasesConfig {
  let raw: unknown = {};
  try {
    raw = JSON.parse(readFileSync(join(dir, CASES_CONFIG_FILE), 'utf8'));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code !== 'ENOENT') {
      throw new ConfigError([{ file: `config/${CASES_CONFIG_FILE}`, path: '', message: e instanceof SyntaxError ? `not valid JSON: ${e.message}` : e.message }]);
    }
  }
  const r = casesConfigSchema.safeParse(raw);
  if (!r.success) {
    throw new ConfigError(r.error.issues.map((i) => ({ file: `config/${CASES_CONFIG_FILE}`, path: formatPath(i.path), message: i.message })));
  }
  return r.data;
}
