// A closed business day's figures, folded from that day's journal events (pure; no clock). The figures
// follow the same definitions as the manager's live counts (server/views.ts `stats`): wait = first call −
// issue (the last call for a no-show that rejoined), service = finish − start, satisfaction = share of
// ratings at levels 3–5.

import type { HallEvent } from '../hall/types.js';
import type { Counts, DailyStatsPush } from './contract.js';

interface Fold {
  sectionId: string;
  issuedAt: number;
  firstCalledAt?: number;
  lastCalledAt?: number;
  startedAt?: number;
  finishedAt?: number;
  noShow: boolean;
  rejoined: boolean;
  done: boolean;
}

function counts(tickets: Fold[]): Counts {
  let waitSum = 0;
  let waitN = 0;
  let serviceSum = 0;
  let serviceN = 0;
  let served = 0;
  let noShow = 0;
  for (const t of tickets) {
    if (t.done) served++;
    if (t.noShow) noShow++;
    const calledAt = t.rejoined || t.noShow ? t.lastCalledAt : t.firstCalledAt;
    if (calledAt !== undefined && !t.noShow) {
      waitSum += calledAt - t.issuedAt;
      waitN++;
    }
    if (t.done && t.startedAt !== undefined && t.finishedAt !== undefined) {
      serviceSum += t.finishedAt - t.startedAt;
      serviceN++;
    }
  }
  return {
    issued: tickets.length,
    served,
    noShow,
    avgWaitSeconds: waitN ? Math.round(waitSum / waitN / 1000) : 0,
    avgServiceSeconds: serviceN ? Math.round(serviceSum / serviceN / 1000) : 0,
  };
}

/**
 * Figures of `day` from its events (those of other days are ignored: tickets are keyed by day). `sectionIds`
 * lists every section of the hall, so a section without tickets still appears with zeros.
 */
export function dailyFigures(day: string, events: Iterable<HallEvent>, sectionIds: string[]): Omit<DailyStatsPush, 'hallCode' | 'generatedAt'> {
  const tickets = new Map<string, Fold>();
  const byLevel: Record<'1' | '2' | '3' | '4' | '5', number> = { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 };
  const prefix = day.replaceAll('-', '') + '-';
  for (const e of events) {
    switch (e.type) {
      case 'TicketIssued':
        if (e.ticket.day === day) tickets.set(e.ticket.id, { sectionId: e.ticket.sectionId, issuedAt: e.ticket.issuedAt, noShow: false, rejoined: false, done: false });
        break;
      case 'TicketCalled': {
        const t = tickets.get(e.ticketId);
        if (!t) break;
        t.firstCalledAt ??= e.at;
        t.lastCalledAt = e.at;
        break;
      }
      case 'TicketStarted': {
        const t = tickets.get(e.ticketId);
        if (t) t.startedAt = e.at;
        break;
      }
      case 'TicketFinished': {
        const t = tickets.get(e.ticketId);
        if (t) {
          t.finishedAt = e.at;
          t.done = true;
        }
        break;
      }
      case 'TicketNoShow': {
        const t = tickets.get(e.ticketId);
        if (t) t.noShow = true;
        break;
      }
      case 'TicketRejoined': {
        const t = tickets.get(e.ticketId);
        if (t) {
          t.noShow = false;
          t.rejoined = true;
        }
        break;
      }
      case 'RatingRecorded':
        if (e.rating.level !== null && e.rating.ticketId.startsWith(prefix)) byLevel[String(e.rating.level) as '1']++;
        break;
      default:
        break;
    }
  }
  const all = [...tickets.values()];
  const rated = byLevel['1'] + byLevel['2'] + byLevel['3'] + byLevel['4'] + byLevel['5'];
  const satisfied = byLevel['3'] + byLevel['4'] + byLevel['5'];
  return {
    day,
    totals: counts(all),
    sections: sectionIds.map((sectionId) => ({ sectionId, ...counts(all.filter((t) => t.sectionId === sectionId)) })),
    ratings: { count: rated, byLevel, satisfaction: rated ? satisfied / rated : null },
  };
}
