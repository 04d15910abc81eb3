// The kiosk's routes beyond tickets against the real server: self-service mode from the configured hours,
// the guide list, bookable days, and printing a booking slip or a guide (no printer in the demo: said so).

import { expect } from 'chai';
import { readEscPos } from '../unit/drivers/escpos-reader.js';
import { brokenCopy, removeCopies } from '../unit/config/helpers.js';
import { api, startTestHall, type TestHall } from '../support/hall.js';
import { bookingSlip, guideSlip } from '../../server/kiosk/printing.js';
import { loadConfig, configDir } from '../../config/schema.js';

describe('kiosk routes: self-service mode, guides, booking days, printing', function () {
  this.timeout(30_000);
  let hall: TestHall;
  // Monday 2026-11-23, 10:00 in the hall.
  const now = Date.parse('2026-11-23T10:00:00+08:00');

  before(async () => {
    hall = await startTestHall({ now: () => now });
  });
  after(async () => {
    await hall.close();
    removeCopies();
  });

  it('says the demo kiosks never switch to self-service by the clock', async () => {
    const r = await api(hall.url, 'GET', '/api/v1/self-service');
    expect(r.status).to.equal(200);
    expect(r.body).to.deep.equal({ active: false, reason: null, hours: null, day: '2026-11-23' });
  });

  it('switches to self-service outside the configured hours', async () => {
    const dir = brokenCopy('hall.json', (j) => {
      j.selfService.hours = { open: '08:30', close: '17:30' };
    });
    const evening = await startTestHall({ configDir: dir, now: () => Date.parse('2026-11-23T19:00:00+08:00') });
    try {
      const r = await api(evening.url, 'GET', '/api/v1/self-service');
      expect(r.body).to.deep.include({ active: true, reason: 'after_hours', hours: { open: '08:30', close: '17:30' } });
    } finally {
      await evening.close();
    }
  });

  it('lists every service of the hall with its section for the guide search', async () => {
    const r = await api(hall.url, 'GET', '/api/v1/guides');
    expect(r.status).to.equal(200);
    const total = loadConfig(configDir).setup.sections.reduce((n, s) => n + s.services.length, 0);
    expect(r.body).to.have.length(total);
    expect(r.body[0]).to.include({ code: 'A01', sectionId: 'construction', sectionName: '建设项目审批' });
  });

  it('lists bookable working days with places left, skipping weekends, and counts a booking', async () => {
    const r = await api(hall.url, 'GET', '/api/v1/sections/tax/booking-days');
    expect(r.status).to.equal(200);
    const dates = r.body.days.map((d: { date: string }) => d.date);
    expect(dates[0]).to.equal('2026-11-24');
    expect(dates).to.not.include('2026-11-28').and.not.include('2026-11-29');
    const first = r.body.days[0].slots[0];
    const booked = await api(hall.url, 'POST', '/api/v1/appointments', { body: { sectionId: 'tax', date: '2026-11-24', slotStart: first.start } });
    expect(booked.status).to.equal(201);
    const again = await api(hall.url, 'GET', '/api/v1/sections/tax/booking-days');
    expect(again.body.days[0].slots[0].left).to.equal(first.left - 1);
    const unknown = await api(hall.url, 'GET', '/api/v1/sections/nope/booking-days');
    expect(unknown.status).to.equal(404);
    expect(unknown.body.error.code).to.equal('UNKNOWN_SECTION');
  });

  it('prints booking slips and guides on the kiosk printer, says why when it cannot, and refuses bad print requests', async () => {
    const booked = await api(hall.url, 'POST', '/api/v1/appointments', { body: { sectionId: 'company', date: '2026-11-25', slotStart: '09:00' } });
    expect(booked.status, JSON.stringify(booked.body)).to.equal(201);
    const jobs = async () => (await api(hall.url, 'GET', '/api/v1/sim/devices/kiosk-1-printer/output')).body.jobs.length as number;
    const before = await jobs();
    const slip = await api(hall.url, 'POST', '/api/v1/kiosks/kiosk-1/print', { body: { booking: booked.body.appointment.code } });
    expect(slip.status).to.equal(200);
    expect(slip.body).to.deep.include({ printed: true });
    const guide = await api(hall.url, 'POST', '/api/v1/kiosks/kiosk-1/print', { body: { guide: 'A01' } });
    expect(guide.body).to.deep.include({ printed: true });
    expect(await jobs()).to.equal(before + 2);
    await api(hall.url, 'POST', '/api/v1/sim/devices/kiosk-1-printer/input', { body: { coverOpen: true } });
    const open = await api(hall.url, 'POST', '/api/v1/kiosks/kiosk-1/print', { body: { guide: 'A01' } });
    await api(hall.url, 'POST', '/api/v1/sim/devices/kiosk-1-printer/input', { body: { coverOpen: false } });
    expect(open.body).to.deep.include({ printed: false });
    expect(open.body.error.code).to.equal('COVER_OPEN');
    expect((await api(hall.url, 'POST', '/api/v1/kiosks/kiosk-1/print', { body: { guide: 'ZZZ' } })).body.error.code).to.equal('UNKNOWN_SERVICE');
    expect((await api(hall.url, 'POST', '/api/v1/kiosks/kiosk-1/print', { body: { booking: 'NOPE' } })).body.error.code).to.equal('UNKNOWN_APPOINTMENT');
    expect((await api(hall.url, 'POST', '/api/v1/kiosks/nope/print', { body: { guide: 'A01' } })).status).to.equal(404);
    const bad = await api(hall.url, 'POST', '/api/v1/kiosks/kiosk-1/print', { raw: '{"guide": 3, "x": 1}' });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.code).to.equal('VALIDATION_FAILED');
  });

  it('prints the full seven-part guide and the booking slip as ESC/POS the reader understands', () => {
    const cfg = loadConfig(configDir);
    const section = cfg.setup.sections[0]!;
    const service = section.services[0]!;
    const lines = readEscPos(guideSlip(cfg.hall.name, section, service))
      .filter((e) => e.type === 'line')
      .map((e) => (e as { text: string }).text)
      .join('\n');
    for (const h of ['【设定依据】', '【受理条件】', '【申请材料】', '【办理流程】', '【办理时限】', '【收费标准】', '【咨询方式】']) expect(lines).to.contain(h);
    expect(lines).to.contain(service.name.slice(0, 8)).and.contain('不收费');
    const events = readEscPos(
      bookingSlip(cfg.hall.name, section, { code: 'K7Q2M9', sectionId: section.id, date: '2026-11-24', slotStart: '09:00', slotEnd: '10:00', bookedAt: 0, status: 'booked' }),
    );
    expect(events.some((e) => e.type === 'qr' && e.data === 'K7Q2M9')).to.equal(true);
    expect(events.at(-1)).to.deep.include({ type: 'cut' });
  });
});
