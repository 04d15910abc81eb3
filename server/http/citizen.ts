// Routes of the citizen-facing kiosk beyond taking a ticket: whether the kiosk runs as a 24-hour
// self-service terminal, the service guides (七公开) for browsing and search, bookable days and slots, and
// printing a booking slip or a guide on the kiosk's printer. Mounted on the API router by app.ts.

import express, { type Request } from 'express';
import { z } from 'zod';
import { HallError } from '../errors.js';
import { addDays, isWorkingDay, localDay, slotsLeft } from '../hall/index.js';
import { bookingSlip, guideSlip, noKioskPrinters, type KioskPrinting } from '../kiosk/printing.js';
import { selfServiceMode } from '../kiosk/mode.js';
import type { AppOptions } from './app.js';
import { parse, requireKioskKey } from './edge.js';

const printBody = z.union([
  z.strictObject({ booking: z.string().trim().min(1).max(32) }),
  z.strictObject({ guide: z.string().trim().min(1).max(64) }),
]);

export function citizenRoutes(o: AppOptions & { kioskPrinting?: KioskPrinting }): express.Router {
  const r = express.Router();
  const printing = o.kioskPrinting ?? noKioskPrinters;
  const setup = () => o.hall.setup;

  const sectionOf = (id: string) => {
    const s = setup().sections.find((x) => x.id === id);
    if (!s) throw new HallError('UNKNOWN_SECTION', '未知业务板块 / unknown section');
    return s;
  };

  r.get('/self-service', (_req, res) => {
    res.json(selfServiceMode(o.config.selfService.hours, o.hall.now(), setup().calendar));
  });

  // Every service of the hall with its section, for the guide list and its search; the full guide of one
  // service is GET /services/:code.
  r.get('/guides', (_req, res) => {
    res.json(
      setup().sections.flatMap((sec) =>
        sec.services.map((s) => ({
          code: s.code,
          name: s.name,
          ...(s.nameEn ? { nameEn: s.nameEn } : {}),
          kind: s.kind,
          summary: s.summary,
          promisedLimitDays: s.promisedLimitDays,
          sectionId: sec.id,
          sectionName: sec.name,
          ...(sec.nameEn ? { sectionNameEn: sec.nameEn } : {}),
        })),
      ),
    );
  });

  // Working days from tomorrow to the booking horizon, each with its slots and how many places are left.
  r.get('/sections/:id/booking-days', (req, res) => {
    const section = sectionOf(req.params.id);
    const { rules, calendar } = setup();
    const today = localDay(o.hall.now(), calendar);
    const days = [];
    for (let i = 1; i <= rules.bookingHorizonDays; i++) {
      const date = addDays(today, i);
      if (!isWorkingDay(date, calendar)) continue;
      days.push({ date, slots: slotsLeft(o.hall.state, section, date) });
    }
    res.json({ sectionId: section.id, today, days });
  });

  // Check-in by ID card: the bookings of the card the kiosk's reader read last (under 60 s old), today's
  // first. The read is not used up here: the kiosk then takes the appointment ticket with useCard, which
  // uses it. Only the masked name and the bookings leave the server.
  r.get('/kiosks/:id/card-appointments', (req: Request, res) => {
    const kioskId = req.params.id as string;
    if (!o.config.kiosks.some((k) => k.id === kioskId)) throw new HallError('NOT_FOUND', `未登记的取号机 ${kioskId} / unknown kiosk`);
    requireKioskKey(o.config.kiosks, o.demo, req.headers.authorization, kioskId);
    const read = o.devices.lastIdentity(kioskId);
    if (!read) throw new HallError('NO_CARD_READ', '请先在读卡区放置身份证 / place the ID card on the reader first');
    const today = localDay(o.hall.now(), setup().calendar);
    const appointments = Object.values(o.hall.state.appointments)
      .filter((a) => a.idKey === read.idKey && a.status === 'booked' && a.date >= today)
      .sort((a, b) => a.date.localeCompare(b.date) || a.slotStart.localeCompare(b.slotStart))
      .map(({ idKey: _secret, ...a }) => a);
    res.json({ today, nameMasked: read.nameMasked, appointments });
  });

  r.post('/kiosks/:id/print', async (req: Request, res) => {
    const kioskId = req.params.id as string;
    if (!o.config.kiosks.some((k) => k.id === kioskId)) throw new HallError('NOT_FOUND', `未登记的取号机 ${kioskId} / unknown kiosk`);
    requireKioskKey(o.config.kiosks, o.demo, req.headers.authorization, kioskId);
    const body = parse(printBody, req.body);
    const hallName = o.config.hall.name;
    let job: Buffer;
    if ('booking' in body) {
      const a = o.hall.state.appointments[body.booking];
      if (!a) throw new HallError('UNKNOWN_APPOINTMENT', '未找到预约 / unknown appointment');
      job = bookingSlip(hallName, sectionOf(a.sectionId), a);
    } else {
      const section = setup().sections.find((s) => s.services.some((x) => x.code === body.guide));
      const service = section?.services.find((x) => x.code === body.guide);
      if (!section || !service) throw new HallError('UNKNOWN_SERVICE', '未知事项 / unknown service');
      job = guideSlip(hallName, section, service);
    }
    const outcome = await printing.print(kioskId, job);
    if (!outcome.printed) o.log.warn({ kioskId, code: outcome.error.code }, 'kiosk print failed');
    res.json(outcome);
  });

  return r;
}
