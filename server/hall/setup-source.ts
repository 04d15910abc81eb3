// Which setup is in force at start: the one a manager changed live (journaled SetupChanged) or the one in
// config/. A live change wins while the files it was made against are unchanged. Once an installer edits
// the files, the files win: their setup is put in force by a journaled change of its own, so the manager's
// earlier setup stays in the history (audit log, journal) instead of silently overruling the edit. Device
// settings follow the same rule (server/manager/devices.ts).

import { valueFingerprint } from '../fingerprint.js';
import type { Logger } from '../log.js';
import { HallError } from '../errors.js';
import type { Hall } from './hall.js';
import type { HallSetup } from './types.js';

/** A stable fingerprint of a configured setup (the loader builds it in a fixed key order). */
export function setupFingerprint(setup: HallSetup): string {
  return valueFingerprint(setup);
}

export type SetupAtStart =
  /** No live change, or one made against the files as they are: nothing to do. */
  | { inForce: 'configured' | 'live' }
  /** The files changed since the live change: their setup is now in force. */
  | { inForce: 'files'; summary: string }
  /** The files changed, but their setup cannot take over now (a window they drop is signed in): live stays. */
  | { inForce: 'live'; refused: HallError };

/**
 * Puts the configured setup in force when config/ was edited after the live setup was made. A live setup
 * from before fingerprints were kept (no setupSource) is left in force, as it always was.
 */
export async function followEditedSetup(hall: Hall, configured: HallSetup, source: string, log: Logger): Promise<SetupAtStart> {
  const s = hall.state;
  if (!s.setup) return { inForce: 'configured' };
  if (!s.setupSource || s.setupSource === source) return { inForce: 'live' };
  const summary = '配置文件已修改，按文件配置生效 / config files edited since the last live change: their setup is in force';
  try {
    await hall.execute({ type: 'ChangeSetup', setup: configured, summary }, { kind: 'system' });
  } catch (err) {
    if (!(err instanceof HallError)) throw err;
    log.error({ code: err.code, err: err.message }, 'config files were edited, but their setup cannot take over now: the live setup stays in force');
    return { inForce: 'live', refused: err };
  }
  log.warn({ was: s.setupSource, now: source }, 'config files were edited since the last live setup change: the files\' setup is in force, the live one stays in the journal');
  return { inForce: 'files', summary };
}
