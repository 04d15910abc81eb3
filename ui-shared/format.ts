// Formatting shared by every page. Pure: no DOM, no clock reads (callers pass `now`).

/** 'HH:MM' of an ISO-8601 time as written by the server, i.e. in the hall's own time zone. */
export function hallTime(iso: string | undefined, withSeconds = false): string {
  const m = /T(\d{2}):(\d{2}):(\d{2})/.exec(iso ?? '');
  if (!m) return '--:--';
  return withSeconds ? `${m[1]}:${m[2]}:${m[3]}` : `${m[1]}:${m[2]}`;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** 75 s → '1:15', 3725 s → '1:02:05'; negative or unknown → '0:00'. */
export function duration(ms: number): string {
  const s = Number.isFinite(ms) && ms > 0 ? Math.floor(ms / 1000) : 0;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}:${pad2(m)}:${pad2(s % 60)}` : `${m}:${pad2(s % 60)}`;
}

/** Milliseconds from an ISO time to `now`, or 0 when the time is missing or unreadable. */
export function since(iso: string | undefined, now: number): number {
  const t = iso ? Date.parse(iso) : NaN;
  return Number.isFinite(t) ? Math.max(0, now - t) : 0;
}

/** 0.956 → '95.6%'; whole numbers lose the decimal (1 → '100%'). */
export function percent(share: number): string {
  const p = Math.round(share * 1000) / 10;
  return `${Number.isInteger(p) ? p.toFixed(0) : p.toFixed(1)}%`;
}

// 15- or 18-character resident ID numbers (the last may be X), and long digit runs in general.
const ID_LIKE = /\d{17}[\dXx]|\d{15,}/g;

/**
 * Defence in depth for public surfaces: the server only sends masked names, but any server text a page
 * renders passes through here so that nothing shaped like an ID number ever reaches a screen.
 */
export function safeText(s: string | undefined | null): string {
  if (!s) return '';
  return s.replace(ID_LIKE, (m) => m.slice(0, 3) + '*'.repeat(m.length - 3));
}

export function looksLikeIdNumber(s: string): boolean {
  ID_LIKE.lastIndex = 0;
  const hit = ID_LIKE.test(s);
  ID_LIKE.lastIndex = 0;
  return hit;
}

export interface ClockParts {
  y: number;
  mo: number;
  d: number;
  wd: number;
  h: number;
  mi: number;
  s: number;
}

/** Local calendar parts of an instant (the hall's devices run in the hall's time zone). */
export function clockParts(now: Date): ClockParts {
  return {
    y: now.getFullYear(),
    mo: now.getMonth() + 1,
    d: now.getDate(),
    wd: now.getDay(),
    h: now.getHours(),
    mi: now.getMinutes(),
    s: now.getSeconds(),
  };
}

export function hms(p: ClockParts, withSeconds = true): string {
  return withSeconds ? `${pad2(p.h)}:${pad2(p.mi)}:${pad2(p.s)}` : `${pad2(p.h)}:${pad2(p.mi)}`;
}
