// A stable fingerprint of a configured value, to tell later whether the files still say what they said when
// a manager's live change was made against them (the setup, alert thresholds).

import { createHash } from 'node:crypto';

/** The value as loaded from config/ (the loaders build objects in a fixed key order). */
export function valueFingerprint(value: unknown): string {
  return 'sha256:' + createHash('sha256').update(JSON.stringify(value)).digest('hex');
}
