// The hall's clock for the pages' clocks. GET /hall says what time it is in the hall, with the hall's UTC
// offset; the page keeps the difference from its own clock, so a screen whose clock or time zone is set
// wrong still shows the hall's time, and the clock goes on ticking between two asks.

import { api } from './api.js';
import { clockParts, type ClockParts } from './format.js';

/** How often the page asks the hall for its time again. */
export const HALL_CLOCK_SYNC_MS = 5 * 60_000;

export class HallClock {
  private offsetMs = 0;
  /** The hall's UTC offset in minutes, once known; until then the device's own zone is used. */
  private zoneMinutes: number | null = null;

  constructor(private readonly deviceNow: () => number = Date.now) {}

  /**
   * Takes the hall's time `iso` (e.g. 2026-11-23T09:30:00+08:00), read between `askedAt` and `answeredAt`
   * on the device's clock. Returns false for anything that is not such a time.
   */
  sync(iso: unknown, askedAt: number, answeredAt = askedAt): boolean {
    if (typeof iso !== 'string') return false;
    const zone = /(?:([+-])(\d{2}):(\d{2})|Z)$/.exec(iso);
    const ms = Date.parse(iso);
    if (!zone || !Number.isFinite(ms)) return false;
    this.zoneMinutes = zone[1] ? (zone[1] === '-' ? -1 : 1) * (Number(zone[2]) * 60 + Number(zone[3])) : 0;
    // The answer was made somewhere between the ask and the answer: the middle is the best guess.
    this.offsetMs = ms - (askedAt + answeredAt) / 2;
    return true;
  }

  now(): number {
    return this.deviceNow() + this.offsetMs;
  }

  /** Date and time parts of `ms` as read on a clock in the hall. */
  parts(ms = this.now()): ClockParts {
    if (this.zoneMinutes === null) return clockParts(new Date(ms));
    const d = new Date(ms + this.zoneMinutes * 60_000);
    return { y: d.getUTCFullYear(), mo: d.getUTCMonth() + 1, d: d.getUTCDate(), wd: d.getUTCDay(), h: d.getUTCHours(), mi: d.getUTCMinutes(), s: d.getUTCSeconds() };
  }
}

/** The page's hall clock. */
export const hallClock = new HallClock();

let syncing = false;

/** Starts asking the hall for its time, once per page whatever the number of clocks on it. */
export function startHallClockSync(): void {
  if (syncing) return;
  syncing = true;
  const ask = async () => {
    const askedAt = Date.now();
    try {
      const h = await api<{ now?: string }>('/hall');
      hallClock.sync(h?.now, askedAt, Date.now());
    } catch {
      // The server is away: the clock goes on from the last answer (or the device's own time).
    }
    setTimeout(() => void ask(), HALL_CLOCK_SYNC_MS);
  };
  void ask();
}
