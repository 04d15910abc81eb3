// The hall's local calendar. Pure: every function takes the instant and the calendar it needs.
// Local time is UTC + a fixed offset (China has no DST), so day arithmetic runs on UTC dates shifted by it.

import type { Calendar } from './types.js';

const MINUTE = 60_000;
const DAY_MS = 86_400_000;
const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const HM_RE = /^(\d{2}):(\d{2})$/;

/** True for a real calendar date written 'YYYY-MM-DD'. */
export function isValidDay(day: unknown): day is string {
  if (typeof day !== 'string') return false;
  const m = DAY_RE.exec(day);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

/** Minutes since midnight for 'HH:MM' (00:00–24:00), or null when malformed. */
export function parseHm(hm: unknown): number | null {
  if (typeof hm !== 'string') return null;
  const m = HM_RE.exec(hm);
  if (!m) return null;
  const h = Number(m[1]);
  const mi = Number(m[2]);
  if (mi > 59 || h > 24 || (h === 24 && mi > 0)) return null;
  return h * 60 + mi;
}

function dayStartUtc(day: string): number {
  const m = DAY_RE.exec(day);
  if (!m) return Number.NaN;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
}

function formatUtcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function shifted(now: number, cal: Calendar): number {
  return now + cal.utcOffsetMinutes * MINUTE;
}

/** The hall's local date at `now`. */
export function localDay(now: number, cal: Calendar): string {
  return formatUtcDay(shifted(now, cal));
}

/** Minutes since the hall's local midnight at `now`. */
export function localMinutes(now: number, cal: Calendar): number {
  const local = shifted(now, cal);
  return Math.floor((((local % DAY_MS) + DAY_MS) % DAY_MS) / MINUTE);
}

/** The instant of local time `hm` on local date `day`. NaN when either is malformed. */
export function localInstant(day: string, hm: string, cal: Calendar): number {
  const minutes = parseHm(hm);
  if (minutes === null || !isValidDay(day)) return Number.NaN;
  return dayStartUtc(day) + (minutes - cal.utcOffsetMinutes) * MINUTE;
}

/** `day` moved by `n` calendar days. */
export function addDays(day: string, n: number): string {
  return formatUtcDay(dayStartUtc(day) + n * DAY_MS);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(day: string): number {
  return new Date(dayStartUtc(day)).getUTCDay();
}

/** Mon–Fri unless listed as a holiday; Sat/Sun only when listed as a make-up workday. A holiday wins. */
export function isWorkingDay(day: string, cal: Calendar): boolean {
  if (!isValidDay(day)) return false;
  if (cal.holidays.includes(day)) return false;
  if (cal.workdays.includes(day)) return true;
  const wd = weekday(day);
  return wd !== 0 && wd !== 6;
}

/**
 * The `n`-th working day after `day` (n = 0: `day` itself). Negative `n` counts backwards.
 * Holidays and make-up days are finite lists, so the walk always ends.
 */
export function addWorkingDays(day: string, n: number, cal: Calendar): string {
  if (!isValidDay(day) || !Number.isFinite(n)) return day;
  const step = n < 0 ? -1 : 1;
  let left = Math.abs(Math.trunc(n));
  let d = day;
  while (left > 0) {
    d = addDays(d, step);
    if (isWorkingDay(d, cal)) left--;
  }
  return d;
}

export function nextWorkingDay(day: string, cal: Calendar): string {
  return addWorkingDays(day, 1, cal);
}

/** '2026-11-23T09:30:00+08:00': local wall time with the hall's offset. */
export function toIso(ms: number, cal: Calendar): string {
  const wall = new Date(shifted(ms, cal)).toISOString().slice(0, 19);
  const off = cal.utcOffsetMinutes;
  const abs = Math.abs(off);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${wall}${off < 0 ? '-' : '+'}${hh}:${mm}`;
}
