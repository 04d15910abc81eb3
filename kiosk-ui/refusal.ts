// What the kiosk tells a citizen when no ticket was issued. Pure, so each refusal code is testable.

import type { MessageKey } from '../ui-shared/i18n/index.js';

export interface BookingOffer {
  date: string;
  slots: { start: string; end: string; left: number }[];
}

export interface Refusal {
  code: string;
  /** Hint under the title. */
  hint: MessageKey;
  /** The citizen can fix it here and try again (e.g. place the card). */
  retry: 'card' | 'same' | null;
  offer: BookingOffer | null;
  /** ID_LIMIT_SECTION: the numbers the card holder already holds in that section. */
  held: string[];
}

const HINTS: Record<string, MessageKey> = {
  ID_REQUIRED: 'kiosk.error.hint.ID_REQUIRED',
  NO_CARD_READ: 'kiosk.error.hint.NO_CARD_READ',
  ID_LIMIT: 'kiosk.error.hint.ID_LIMIT',
  ID_LIMIT_SECTION: 'kiosk.error.hint.ID_LIMIT_SECTION',
  ID_LIMIT_DAY: 'kiosk.error.hint.ID_LIMIT_DAY',
  CAPACITY_EXHAUSTED: 'kiosk.error.hint.CAPACITY_EXHAUSTED',
  SECTION_CLOSED: 'kiosk.error.hint.SECTION_CLOSED',
  VALIDATION_FAILED: 'kiosk.error.hint.VALIDATION_FAILED',
  NETWORK: 'kiosk.error.hint.NETWORK',
  TIMEOUT: 'kiosk.error.hint.NETWORK',
  UNKNOWN_APPOINTMENT: 'kiosk.error.hint.UNKNOWN_APPOINTMENT',
  APPOINTMENT_NOT_TODAY: 'kiosk.error.hint.APPOINTMENT_NOT_TODAY',
  APPOINTMENT_USED: 'kiosk.error.hint.APPOINTMENT_USED',
};

export function refusalFor(code: string, details?: Record<string, unknown>): Refusal {
  // Finer per-ID limits the server may add later still read as an ID limit.
  const hint = HINTS[code] ?? (code.startsWith('ID_LIMIT') ? HINTS.ID_LIMIT! : 'kiosk.error.hint.OTHER');
  const retry = code === 'ID_REQUIRED' ? 'card' : code === 'NO_CARD_READ' ? 'card' : code === 'NETWORK' || code === 'TIMEOUT' ? 'same' : null;
  const offer = code === 'CAPACITY_EXHAUSTED' ? bookingOffer(details?.suggestion) : null;
  const held = code === 'ID_LIMIT_SECTION' && Array.isArray(details?.held) ? details.held.filter((n): n is string => typeof n === 'string' && TICKET_NUMBER.test(n)) : [];
  return { code, hint, retry, offer, held };
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^\d{2}:\d{2}$/;
const TICKET_NUMBER = /^[A-Z]\d{3,}$/;

/** Reads `details.suggestion` of CAPACITY_EXHAUSTED; a malformed one is dropped, never shown half-read. */
export function bookingOffer(v: unknown): BookingOffer | null {
  if (typeof v !== 'object' || v === null) return null;
  const { date, slots } = v as { date?: unknown; slots?: unknown };
  if (typeof date !== 'string' || !DATE.test(date) || !Array.isArray(slots)) return null;
  const good: BookingOffer['slots'] = [];
  for (const s of slots) {
    if (typeof s !== 'object' || s === null) continue;
    const { start, end, left } = s as { start?: unknown; end?: unknown; left?: unknown };
    if (typeof start !== 'string' || typeof end !== 'string' || !TIME.test(start) || !TIME.test(end)) continue;
    if (typeof left !== 'number' || !Number.isFinite(left) || left <= 0) continue;
    good.push({ start, end, left: Math.floor(left) });
  }
  return { date, slots: good };
}
