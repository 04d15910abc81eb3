import { expect } from 'chai';
import { loadConfig } from '../../../config/schema.js';
import { caseAlerts, caseDeadlines, ticketAlerts, workingDaysBetween } from '../../../server/cases/supervision.js';
import type { CaseView } from '../../../server/cases/types.js';
import { TicketTable } from '../../../server/hall/ticket-table.js';
import type { HallState, Ticket } from '../../../server/hall/types.js';

const config = loadConfig();
const cal = config.setup.calendar;

function accepted(id: string, day: string, promised: number, legal: number, extra: Partial<CaseView> = {}): CaseView {
  return {
    id,
    version: 2,
    status: 'closed',
    windowId: 'w1',
    clerk: { id: 'staff1', name: '王*', staffNo: 'S001' },
    sectionId: 'construction',
    serviceCode: 'A01',
    serviceName: '建设用地规划许可证核发',
    serviceKind: 'promised',
    legalLimitDays: legal,
    promisedLimitDays: promised,
    applicant: { nameMasked: '张*三', idMasked: '110***********0015', source: 'typed' },
    materials: [],
    pages: [],
    documents: [],
    outcome: 'accepted',
    receiptNo: `X-2026-${id}`,
    decidedDay: day,
    createdAt: `${day}T09:00:00+08:00`,
    updatedAt: `${day}T09:00:00+08:00`,
    ...caseDeadlines(day, { promisedLimitDays: promised, legalLimitDays: legal }, cal),
    ...extra,
  };
}

describe('case deadlines in working days', () => {
  it('skip the National Day holiday and count the make-up Saturday after it', () => {
    // Accepted Wed 2026-09-30: Oct 1–7 are off, Sat Oct 10 is a make-up workday.
    const d = caseDeadlines('2026-09-30', { promisedLimitDays: 3, legalLimitDays: 5 }, cal);
    expect(d.promisedDue).to.equal('2026-10-10'); // Oct 8 (Thu), Oct 9 (Fri), Oct 10 (Sat, make-up)
    expect(d.legalDue).to.equal('2026-10-13'); // Oct 12 (Mon), Oct 13 (Tue)
  });

  it('skip the Spring Festival week and count its make-up Saturdays', () => {
    // Fri 2026-02-13 → Sat 02-14 is a make-up workday; 02-15..02-23 are off.
    const d = caseDeadlines('2026-02-13', { promisedLimitDays: 2, legalLimitDays: 20 }, cal);
    expect(d.promisedDue).to.equal('2026-02-24'); // Feb 14 (make-up), then Feb 24 (Tue)
    expect(workingDaysBetween('2026-02-13', d.legalDue, cal)).to.equal(20);
  });

  it('a limit of 0 working days is due the same day', () => {
    expect(caseDeadlines('2026-11-23', { promisedLimitDays: 0, legalLimitDays: 0 }, cal)).to.deep.equal({ promisedDue: '2026-11-23', legalDue: '2026-11-23' });
  });

  it('working days between two days count holidays out and make-up days in, negative backwards', () => {
    expect(workingDaysBetween('2026-09-30', '2026-10-10', cal)).to.equal(3);
    expect(workingDaysBetween('2026-10-10', '2026-09-30', cal)).to.equal(-3);
    expect(workingDaysBetween('2026-11-23', '2026-11-23', cal)).to.equal(0);
    expect(workingDaysBetween('2026-11-20', '2026-11-23', cal)).to.equal(1); // Fri → Mon
  });
});

describe('case alerts', () => {
  const c = accepted('A', '2026-11-16', 5, 10); // promised 2026-11-23, legal 2026-11-30
  it('warn as the promised deadline nears, within the configured working days', () => {
    expect(c.promisedDue).to.equal('2026-11-23');
    expect(caseAlerts([c], '2026-11-18', cal, 2)).to.deep.equal([]); // 3 working days left
    const a = caseAlerts([c], '2026-11-19', cal, 2);
    expect(a).to.have.length(1);
    expect(a[0]).to.include({ caseId: 'A', level: 'warning', due: '2026-11-23', workingDaysLeft: 2 });
    // Saturday before a Monday deadline: one working day left.
    expect(caseAlerts([c], '2026-11-21', cal, 2)[0]).to.include({ level: 'warning', workingDaysLeft: 1 });
  });

  it('report overdue after the promised deadline and legal_overdue after the legal one', () => {
    expect(caseAlerts([c], '2026-11-24', cal, 2)[0]).to.include({ level: 'overdue', due: '2026-11-23', workingDaysLeft: -1 });
    expect(caseAlerts([c], '2026-12-01', cal, 2)[0]).to.include({ level: 'legal_overdue', due: '2026-11-30' });
  });

  it('stop watching a case once central reports it done (or refused)', () => {
    const late = { outcome: 'accepted' as const };
    const open = accepted('O', '2026-11-02', 5, 20, late);
    const finished = accepted('F', '2026-11-02', 5, 20, { ...late, completedDay: '2026-11-06', central: { status: 'done', steps: [], updatedAt: '2026-11-06T10:00:00+08:00', checkedAt: '2026-11-06T10:01:00+08:00' } });
    const ended = accepted('R', '2026-11-02', 5, 20, { ...late, central: { status: 'refused', steps: [], updatedAt: '2026-11-04T10:00:00+08:00', checkedAt: '2026-11-04T10:01:00+08:00' } });
    expect(caseAlerts([open, finished, ended], '2026-11-23', cal, 2).map((a) => a.caseId)).to.deep.equal(['O']);
  });

  it('watch the commitment due day of a 容缺受理 case, and ignore closed outcomes without deadlines', () => {
    const missing = [{ name: '宗地勘测定界图', required: true, copies: 1, state: 'missing' as const }];
    const pending = accepted('P', '2026-11-16', 10, 20, { outcome: 'accepted_pending', commitmentDue: '2026-11-20', materials: missing });
    // The same commitment, with the material brought since: nothing left to watch but the deadlines.
    const supplied = accepted('S', '2026-11-16', 10, 20, { outcome: 'accepted_pending', commitmentDue: '2026-11-20', materials: [{ ...missing[0]!, state: 'provided' }] });
    const done = accepted('D', '2026-11-02', 1, 1, { outcome: 'done' });
    const alerts = caseAlerts([pending, supplied, done], '2026-11-23', cal, 2);
    expect(alerts.map((a) => [a.caseId, a.level])).to.deep.equal([['P', 'commitment_overdue']]);
  });
});

describe('ticket alerts', () => {
  const sec = config.setup.sections[0]!;
  const now = Date.parse('2026-11-23T10:00:00+08:00');
  const ticket = (id: string, over: Partial<Ticket>): Ticket => ({ id, number: id, day: '2026-11-23', sectionId: sec.id, priority: 'normal', status: 'waiting', issuedAt: now, calls: 0, transfers: [], ...over });
  const state = (tickets: Ticket[]): HallState => ({ day: '2026-11-23', seq: 1, counters: {}, tickets: TicketTable.of(tickets), windows: {}, appointments: {}, serviceTimes: {}, ratings: {}, followUps: {} });

  it('flag a wait past the section target and a service past the factor times its default minutes', () => {
    const over = sec.targetWaitMinutes + 1;
    const s = state([
      ticket('A001', { issuedAt: now - over * 60_000 }),
      ticket('A002', { issuedAt: now - (sec.targetWaitMinutes - 1) * 60_000 }),
      ticket('A003', { status: 'serving', windowId: 'w1', startedAt: now - (2 * sec.defaultServiceMinutes + 1) * 60_000 }),
      ticket('A004', { status: 'serving', windowId: 'w2', startedAt: now - 60_000 }),
    ]);
    const alerts = ticketAlerts(s, config.setup, now, 2);
    expect(alerts.map((a) => [a.number, a.kind, a.limitMinutes]).sort()).to.deep.equal([
      ['A001', 'wait', sec.targetWaitMinutes],
      ['A003', 'service', 2 * sec.defaultServiceMinutes],
    ]);
  });
});
