// The ticket's progress page for citizens' phones: `/ticket/?id=<ticket>` (the page bundle) and `/t/<ticket>`,
// the short address a ticket's QR carries (fewer characters make a smaller QR symbol, which a phone reads more
// easily off thermal paper). The page reads the public ticket view only.

import express, { type Express } from 'express';
import { join } from 'node:path';
import { HallError } from '../errors.js';
import { pageAssets, revalidate } from './page-assets.js';

/** Ticket ids are `YYYYMMDD-A012`; anything else is not a ticket address. */
const TICKET_ID = /^[0-9]{8}-[A-Z][0-9]{1,6}$/;

/**
 * The address printed as the ticket's QR: under the hall's configured public address when there is one,
 * else under the address the kiosk used to reach the server (`origin`, e.g. `http://192.168.1.10:8080`).
 */
export function ticketQrUrl(ticketId: string, publicUrl: string | undefined, origin: string): string {
  const base = (publicUrl ?? origin).replace(/\/+$/, '');
  return `${base}/t/${encodeURIComponent(ticketId)}`;
}

export function mountTicketPage(app: Express, uiDir: string): void {
  const dir = join(uiDir, 'ticket');
  app.use('/ticket', pageAssets(dir), express.static(dir, { index: 'index.html', maxAge: 0, fallthrough: true, setHeaders: revalidate }));
  app.get('/ticket', (req, res, next) => (req.path.endsWith('/') ? next() : res.redirect(301, '/ticket/')));
  app.get('/t/:id', (req, res) => {
    const id = String(req.params.id);
    if (!TICKET_ID.test(id)) {
      res.status(404).json(new HallError('UNKNOWN_TICKET', `未找到号票 / unknown ticket`).toBody());
      return;
    }
    const lang = req.query.lang === 'en' ? '&lang=en' : '';
    res.redirect(302, `/ticket/?id=${encodeURIComponent(id)}${lang}`);
  });
}
