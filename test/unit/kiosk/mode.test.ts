import { expect } from 'chai';
import { selfServiceMode } from '../../../server/kiosk/mode.js';

const cal = { utcOffsetMinutes: 480, holidays: ['2026-10-01'], workdays: ['2026-10-10'] };
const at = (local: string) => Date.parse(`${local}+08:00`);
const hours = { open: '08:30', close: '17:30' };

describe('kiosk self-service mode', () => {
  it('takes tickets inside the hours of a working day', () => {
    expect(selfServiceMode(hours, at('2026-11-23T08:30:00'), cal)).to.deep.equal({ active: false, reason: null, hours, day: '2026-11-23' });
    expect(selfServiceMode(hours, at('2026-11-23T17:29:59'), cal).active).to.equal(false);
  });

  it('runs as a self-service terminal before opening and from closing time on', () => {
    expect(selfServiceMode(hours, at('2026-11-23T08:29:00'), cal)).to.include({ active: true, reason: 'after_hours' });
    expect(selfServiceMode(hours, at('2026-11-23T17:30:00'), cal)).to.include({ active: true, reason: 'after_hours' });
    expect(selfServiceMode(hours, at('2026-11-23T23:59:00'), cal)).to.include({ active: true, day: '2026-11-23' });
  });

  it('runs as a self-service terminal all day on weekends and holidays, but not on make-up workdays', () => {
    expect(selfServiceMode(hours, at('2026-11-22T10:00:00'), cal)).to.include({ active: true, reason: 'day_off' });
    expect(selfServiceMode(hours, at('2026-10-01T10:00:00'), cal)).to.include({ active: true, reason: 'day_off' });
    expect(selfServiceMode(hours, at('2026-10-10T10:00:00'), cal)).to.include({ active: false, reason: null });
  });

  it('never switches by the clock when no hours are configured', () => {
    expect(selfServiceMode(null, at('2026-11-22T03:00:00'), cal)).to.deep.equal({ active: false, reason: null, hours: null, day: '2026-11-22' });
  });
});
