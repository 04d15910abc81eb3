// When a kiosk runs as a 24-hour self-service terminal: outside the configured self-service hours, and all
// day on days off. Pure: the caller passes the instant and the calendar.

import { isWorkingDay, localDay, localMinutes, parseHm } from '../hall/calendar.js';
import type { Calendar } from '../hall/types.js';

export interface Hours {
  open: string;
  close: string;
}

export interface SelfServiceMode {
  /** True: ticketing is closed at the kiosks; guides, progress queries and bookings stay available. */
  active: boolean;
  /** Why it is active: after (or before) hours, or a day off. null when not active. */
  reason: 'after_hours' | 'day_off' | null;
  /** The configured hours; null when kiosks never switch by the clock. */
  hours: Hours | null;
  /** The hall's local date. */
  day: string;
}

export function selfServiceMode(hours: Hours | null, now: number, cal: Calendar): SelfServiceMode {
  const day = localDay(now, cal);
  if (!hours) return { active: false, reason: null, hours: null, day };
  if (!isWorkingDay(day, cal)) return { active: true, reason: 'day_off', hours, day };
  const m = localMinutes(now, cal);
  const open = parseHm(hours.open);
  const close = parseHm(hours.close);
  // Unreadable hours never lock citizens out of ticketing.
  if (open === null || close === null) return { active: false, reason: null, hours, day };
  const inside = m >= open && m < close;
  return { active: !inside, reason: inside ? null : 'after_hours', hours, day };
}
