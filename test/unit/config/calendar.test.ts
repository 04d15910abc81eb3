import { expect } from 'chai';
import { loadConfig } from '../../../config/schema.js';
import type { Calendar } from '../../../server/hall/types.js';

// Facts from the State Council General Office notice on the 2026 public holidays (issued 2025-11-04).

/** Weekdays work unless a holiday; weekends are off unless a make-up workday. */
function isWorkingDay(cal: Calendar, day: string): boolean {
  if (cal.holidays.includes(day)) return false;
  if (cal.workdays.includes(day)) return true;
  const dow = new Date(`${day}T00:00:00Z`).getUTCDay();
  return dow !== 0 && dow !== 6;
}

function daysOf(year: number): string[] {
  const out: string[] = [];
  for (let t = Date.UTC(year, 0, 1); new Date(t).getUTCFullYear() === year; t += 86_400_000) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

describe('the shipped 2026 working-day calendar', () => {
  const cal = loadConfig().setup.calendar;

  it('is in China time, UTC+8', () => {
    expect(cal.utcOffsetMinutes).to.equal(480);
  });

  const off: [string, string][] = [
    ['2026-01-01', '元旦 (Thu)'],
    ['2026-01-02', '元旦 (Fri)'],
    ['2026-02-16', '春节 (Mon)'],
    ['2026-02-23', '春节, last day (Mon)'],
    ['2026-04-06', '清明 (Mon)'],
    ['2026-05-01', '劳动节 (Fri)'],
    ['2026-05-05', '劳动节, last day (Tue)'],
    ['2026-06-19', '端午 (Fri)'],
    ['2026-09-25', '中秋 (Fri)'],
    ['2026-10-01', '国庆 (Thu)'],
    ['2026-10-07', '国庆, last day (Wed)'],
  ];
  for (const [day, why] of off) {
    it(`treats ${day} as a day off: ${why}`, () => {
      expect(isWorkingDay(cal, day)).to.equal(false);
    });
  }

  const work: [string, string][] = [
    ['2026-01-04', 'Sunday after 元旦'],
    ['2026-02-14', 'Saturday before 春节'],
    ['2026-02-28', 'Saturday after 春节'],
    ['2026-05-09', 'Saturday after 劳动节'],
    ['2026-09-20', 'Sunday before 国庆'],
    ['2026-10-10', 'Saturday after 国庆'],
  ];
  for (const [day, why] of work) {
    it(`treats ${day} as a make-up workday: ${why}`, () => {
      expect(isWorkingDay(cal, day)).to.equal(true);
    });
  }

  it('lists exactly the six make-up workdays of the notice', () => {
    expect([...cal.workdays].sort()).to.deep.equal(work.map(([d]) => d));
  });

  it('lists every day of each announced break: 3 + 9 + 3 + 5 + 3 + 3 + 7 days', () => {
    const byMonth = (prefix: string) => cal.holidays.filter((d) => d.startsWith(prefix)).length;
    expect(byMonth('2026-01')).to.equal(3);
    expect(byMonth('2026-02')).to.equal(9);
    expect(byMonth('2026-04')).to.equal(3);
    expect(byMonth('2026-05')).to.equal(5);
    expect(byMonth('2026-06')).to.equal(3);
    expect(byMonth('2026-09')).to.equal(3);
    expect(byMonth('2026-10')).to.equal(7);
    expect(cal.holidays).to.have.length(33);
  });

  it('keeps ordinary days as they are: a plain Monday works, a plain Saturday is off', () => {
    expect(isWorkingDay(cal, '2026-03-02')).to.equal(true);
    expect(isWorkingDay(cal, '2026-03-07')).to.equal(false);
  });

  it('gives 2026 248 working days (261 weekdays − 19 weekday holidays + 6 make-up days)', () => {
    const days = daysOf(2026);
    const weekdays = days.filter((d) => ![0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay()));
    expect(weekdays).to.have.length(261);
    expect(cal.holidays.filter((d) => weekdays.includes(d))).to.have.length(19);
    expect(days.filter((d) => isWorkingDay(cal, d))).to.have.length(248);
  });
});
