// Which calls are new to this screen. A display flashes and announces a call once: not again when a
// reconnect's snapshot repeats it, but yes for a call it missed while it was offline.

import { callKey, type RecentCall } from '../ui-shared/reducers.js';

/** Missed calls older than this are shown in the list but not announced: the citizen has likely moved on. */
export const MISSED_ANNOUNCE_MS = 60_000;
const REMEMBERED = 200;

export class CallTracker {
  private readonly seen = new Set<string>();
  private primed = false;
  private latestAt = -Infinity;

  /** Calls in a snapshot not shown before, newest first. The first snapshot only sets what was shown. */
  fromSnapshot(calls: readonly RecentCall[]): RecentCall[] {
    const fresh: RecentCall[] = [];
    const shownUpTo = this.latestAt;
    for (const c of calls) {
      const k = callKey(c);
      if (this.seen.has(k)) continue;
      if (this.primed && Date.parse(c.at) > shownUpTo) fresh.push(c);
      this.remember(c);
    }
    this.primed = true;
    return fresh.sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
  }

  /** True when this call event is new to the screen. */
  fromEvent(call: RecentCall): boolean {
    const k = callKey(call);
    this.primed = true;
    if (this.seen.has(k)) return false;
    this.remember(call);
    return true;
  }

  private remember(c: RecentCall): void {
    this.seen.add(callKey(c));
    const at = Date.parse(c.at);
    if (Number.isFinite(at) && at > this.latestAt) this.latestAt = at;
    // Sets iterate in insertion order: drop the oldest keys.
    while (this.seen.size > REMEMBERED) {
      const first = this.seen.values().next().value;
      if (first === undefined) break;
      this.seen.delete(first);
    }
  }
}

/** Whether a missed call is still recent enough to read out. */
export function worthAnnouncing(call: RecentCall, now: number): boolean {
  const at = Date.parse(call.at);
  return Number.isFinite(at) && now - at <= MISSED_ANNOUNCE_MS;
}
