// Electronic supervision (电子监察): pure folds over cases and the queue. Deadlines count working days of
// the hall calendar (holidays skipped, make-up workdays counted); nothing here reads a clock.

import { addDays, addWorkingDays, isValidDay, isWorkingDay, localDay } from '../hall/calendar.js';
import type { Calendar, HallSetup, HallState } from '../hall/types.js';
import type { CaseView } from './types.js';

/** Legal and promised deadlines of a case accepted on `day`. A limit of 0 working days means the same day. */
export function caseDeadlines(day: string, limits: { legalLimitDays: number; promisedLimitDays: number }, cal: Calendar): { legalDue: string; promisedDue: string } {
  return { legalDue: addWorkingDays(day, limits.legalLimitDays, cal), promisedDue: addWorkingDays(day, limits.promisedLimitDays, cal) };
}

/**
 * Working days from `from` (exclusive) to `to` (inclusive); negative when `to` lies before `from` (then it
 * counts the working days from `to`, exclusive, to `from`, inclusive). 0 on the same day.
 */
export function workingDaysBetween(from: string, to: string, cal: Calendar): number {
  if (!isValidDay(from) || !isValidDay(to) || from === to) return 0;
  const sign = to > from ? 1 : -1;
  const [a, b] = sign > 0 ? [from, to] : [to, from];
  let n = 0;
  // Deadlines lie weeks away, never years: a plain walk is cheap and obviously right.
  for (let d = addDays(a, 1); d <= b; d = addDays(d, 1)) if (isWorkingDay(d, cal)) n++;
  return sign * n;
}

export type CaseAlertLevel = 'warning' | 'overdue' | 'legal_overdue' | 'commitment_overdue';

export interface CaseAlert {
  caseId: string;
  receiptNo?: string;
  serviceCode: string;
  serviceName: string;
  windowId: string;
  level: CaseAlertLevel;
  /** The deadline the alert is about, 'YYYY-MM-DD'. */
  due: string;
  /** Working days left to `due` (negative once it has passed). */
  workingDaysLeft: number;
}

/**
 * Alerts for cases still in the back office (not reported done by central): accepted (受理) and 容缺受理 ones, each against its promised
 * deadline (warning when `warnWorkingDays` or fewer are left, overdue after it), its legal deadline, and for
 * 容缺受理 the commitment due date of the missing materials.
 */
export function caseAlerts(cases: Iterable<CaseView>, today: string, cal: Calendar, warnWorkingDays: number): CaseAlert[] {
  const out: CaseAlert[] = [];
  for (const c of cases) {
    if (c.status !== 'closed' || (c.outcome !== 'accepted' && c.outcome !== 'accepted_pending') || !c.promisedDue) continue;
    // Finished in the back office (or ended there by a refusal): nothing left to watch.
    if (c.completedDay || c.central?.status === 'done' || c.central?.status === 'refused') continue;
    const base = { caseId: c.id, serviceCode: c.serviceCode, serviceName: c.serviceName, windowId: c.windowId, ...(c.receiptNo ? { receiptNo: c.receiptNo } : {}) };
    if (c.legalDue && today > c.legalDue) {
      out.push({ ...base, level: 'legal_overdue', due: c.legalDue, workingDaysLeft: workingDaysBetween(today, c.legalDue, cal) });
    } else if (today > c.promisedDue) {
      out.push({ ...base, level: 'overdue', due: c.promisedDue, workingDaysLeft: workingDaysBetween(today, c.promisedDue, cal) });
    } else {
      const left = workingDaysBetween(today, c.promisedDue, cal);
      if (left <= warnWorkingDays) out.push({ ...base, level: 'warning', due: c.promisedDue, workingDaysLeft: left });
    }
    // The commitment is kept once nothing is missing any more (materials supplied after the decision).
    if (c.outcome === 'accepted_pending' && c.commitmentDue && today > c.commitmentDue && c.materials.some((m) => m.state !== 'provided')) {
      out.push({ ...base, level: 'commitment_overdue', due: c.commitmentDue, workingDaysLeft: workingDaysBetween(today, c.commitmentDue, cal) });
    }
  }
  const rank: Record<CaseAlertLevel, number> = { legal_overdue: 0, overdue: 1, commitment_overdue: 2, warning: 3 };
  return out.sort((a, b) => rank[a.level] - rank[b.level] || a.due.localeCompare(b.due) || a.caseId.localeCompare(b.caseId));
}

export interface TicketAlert {
  ticketId: string;
  number: string;
  sectionId: string;
  windowId?: string;
  kind: 'wait' | 'service';
  /** Minutes so far and the limit they passed. */
  minutes: number;
  limitMinutes: number;
}

/**
 * Per-ticket alerts: a waiting ticket past its section's target wait, a ticket being served longer than
 * `serviceAlertFactor` × the section's default service minutes.
 */
export function ticketAlerts(state: HallState, setup: HallSetup, now: number, serviceAlertFactor: number): TicketAlert[] {
  const sections = new Map(setup.sections.map((s) => [s.id, s]));
  const out: TicketAlert[] = [];
  const today = localDay(now, setup.calendar);
  for (const t of state.tickets) {
    if (t.day !== today) continue;
    const sec = sections.get(t.sectionId);
    if (!sec) continue;
    if (t.status === 'waiting') {
      const minutes = Math.floor((now - t.issuedAt) / 60_000);
      if (minutes > sec.targetWaitMinutes) out.push({ ticketId: t.id, number: t.number, sectionId: t.sectionId, kind: 'wait', minutes, limitMinutes: sec.targetWaitMinutes });
    } else if (t.status === 'serving' && t.startedAt !== undefined) {
      const minutes = Math.floor((now - t.startedAt) / 60_000);
      const limit = Math.round(sec.defaultServiceMinutes * serviceAlertFactor);
      if (minutes > limit) {
        out.push({ ticketId: t.id, number: t.number, sectionId: t.sectionId, kind: 'service', minutes, limitMinutes: limit, ...(t.windowId ? { windowId: t.windowId } : {}) });
      }
    }
  }
  return out.sort((a, b) => b.minutes - b.limitMinutes - (a.minutes - a.limitMinutes) || a.number.localeCompare(b.number));
}

export interface SupervisionReport {
  at: string;
  day: string;
  cases: CaseAlert[];
  tickets: TicketAlert[];
  counts: { warning: number; overdue: number; legalOverdue: number; commitmentOverdue: number; waitAlerts: number; serviceAlerts: number };
}

export function supervisionCounts(cases: CaseAlert[], tickets: TicketAlert[]): SupervisionReport['counts'] {
  const n = (l: CaseAlertLevel) => cases.filter((c) => c.level === l).length;
  return {
    warning: n('warning'),
    overdue: n('overdue'),
    legalOverdue: n('legal_overdue'),
    commitmentOverdue: n('commitment_overdue'),
    waitAlerts: tickets.filter((t) => t.kind === 'wait').length,
    serviceAlerts: tickets.filter((t) => t.kind === 'service').length,
  };
}
