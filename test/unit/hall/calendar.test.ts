import { expect } from 'chai';
import {
  addDays,
  addWorkingDays,
  isValidDay,
  isWorkingDay,
  localDay,
  localInstant,
  localMinutes,
  nextWorkingDay,
  parseHm,
  toIso,
} from '../../../server/hall/index.js';
import type { Calendar } from '../../../server/hall/types.js';

// Wed 2026-11-25 holiday, Sat 2026-11-28 make-up workday; 2026-10-01..07 a holiday week with 10-10 (Sat) worked.
const cal: Calendar = {
  utcOffsetMinutes: 480,
  holidays: ['2026-11-25', '2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07'],
  workdays: ['2026-11-28', '2026-10-10'],
};

describe('hall calendar', () => {
  describe('local time', () => {
    it('puts 16:00 UTC on the next local day in a UTC+8 hall', () => {
      const lastUtcMinute = Date.UTC(2026, 10, 22, 15, 59);
      expect(localDay(lastUtcMinute, cal)).to.equal('2026-11-22');
      expect(localDay(lastUtcMinute + 60_000, cal)).to.equal('2026-11-23');
      expect(localMinutes(lastUtcMinute + 60_000, cal)).to.equal(0);
      expect(localMinutes(lastUtcMinute, cal)).to.equal(23 * 60 + 59);
    });

    it('turns a local date and time into the matching instant and back', () => {
      const t = localInstant('2026-11-23', '09:30', cal);
      expect(t).to.equal(Date.UTC(2026, 10, 23, 1, 30));
      expect(localDay(t, cal)).to.equal('2026-11-23');
      expect(localMinutes(t, cal)).to.equal(9 * 60 + 30);
    });

    it('writes instants as local ISO-8601 with the hall offset', () => {
      expect(toIso(localInstant('2026-11-23', '09:30', cal), cal)).to.equal('2026-11-23T09:30:00+08:00');
      const west: Calendar = { utcOffsetMinutes: -150, holidays: [], workdays: [] };
      expect(toIso(Date.UTC(2026, 0, 1, 0, 0, 5), west)).to.equal('2025-12-31T21:30:05-02:30');
      expect(toIso(Date.UTC(2026, 0, 1), { ...west, utcOffsetMinutes: 0 })).to.equal('2026-01-01T00:00:00+00:00');
    });

    it('gives NaN for a malformed date or time instead of a wrong instant', () => {
      expect(localInstant('2026-02-30', '09:00', cal)).to.be.NaN;
      expect(localInstant('2026-11-23', '9:00', cal)).to.be.NaN;
      expect(localInstant('2026-11-23', '09:60', cal)).to.be.NaN;
    });

    it('parses HH:MM up to 24:00 and rejects anything else', () => {
      expect(parseHm('00:00')).to.equal(0);
      expect(parseHm('17:30')).to.equal(1050);
      expect(parseHm('24:00')).to.equal(1440);
      for (const bad of ['24:01', '7:30', '07:3', 'ab:cd', '', 930]) expect(parseHm(bad), String(bad)).to.equal(null);
    });

    it('accepts only real calendar dates', () => {
      expect(isValidDay('2028-02-29')).to.equal(true);
      for (const bad of ['2026-02-29', '2026-13-01', '2026-1-01', '20261123', null]) expect(isValidDay(bad), String(bad)).to.equal(false);
    });

    it('moves calendar days across month and year ends', () => {
      expect(addDays('2026-12-31', 1)).to.equal('2027-01-01');
      expect(addDays('2026-03-01', -1)).to.equal('2026-02-28');
    });
  });

  describe('working days', () => {
    it('counts Monday to Friday as working days and weekends as days off', () => {
      expect(isWorkingDay('2026-11-23', cal)).to.equal(true); // Mon
      expect(isWorkingDay('2026-11-27', cal)).to.equal(true); // Fri
      expect(isWorkingDay('2026-11-29', cal)).to.equal(false); // Sun
      expect(isWorkingDay('2026-11-21', cal)).to.equal(false); // Sat
    });

    it('treats a listed holiday on a weekday as a day off', () => {
      expect(isWorkingDay('2026-11-25', cal)).to.equal(false);
    });

    it('treats a listed make-up Saturday as a working day', () => {
      expect(isWorkingDay('2026-11-28', cal)).to.equal(true);
    });

    it('never calls a malformed date a working day', () => {
      expect(isWorkingDay('2026-11-31', cal)).to.equal(false);
    });

    it('skips a weekday holiday when finding the next working day', () => {
      expect(nextWorkingDay('2026-11-24', cal)).to.equal('2026-11-26');
    });

    it('lands on a make-up Saturday as the next working day after Friday', () => {
      expect(nextWorkingDay('2026-11-27', cal)).to.equal('2026-11-28');
      expect(nextWorkingDay('2026-11-28', cal)).to.equal('2026-11-30');
    });

    it('counts working days across a holiday week and its make-up workday', () => {
      // After Wed 09-30: 10-01..02 off, 03–04 weekend, 05–07 off, 08 Thu, 09 Fri, 10 Sat (worked), 12 Mon.
      expect(addWorkingDays('2026-09-30', 1, cal)).to.equal('2026-10-08');
      expect(addWorkingDays('2026-09-30', 3, cal)).to.equal('2026-10-10');
      expect(addWorkingDays('2026-09-30', 4, cal)).to.equal('2026-10-12');
    });

    it('counts fifteen working days for a follow-up over a holiday and a make-up day', () => {
      // From Mon 11-23: 24, 26, 27, 28(Sat), 30, 12-01, 02, 03, 04, 07, 08, 09, 10, 11, 14.
      expect(addWorkingDays('2026-11-23', 15, cal)).to.equal('2026-12-14');
    });

    it('returns the day itself for zero working days and walks back for negative counts', () => {
      expect(addWorkingDays('2026-11-29', 0, cal)).to.equal('2026-11-29');
      expect(addWorkingDays('2026-11-26', -1, cal)).to.equal('2026-11-24');
      expect(addWorkingDays('2026-11-30', -1, cal)).to.equal('2026-11-28');
    });
  });
});
