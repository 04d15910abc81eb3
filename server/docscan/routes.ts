// Scanning at a window, for the staff console (the clerk of that window, or a manager):
//   POST   /windows/:id/scan              → 201 {draft, pages: [ScannedPage]}   scan now, add to the draft
//   GET    /windows/:id/scans             → {draft, pages}                      the current draft's pages
//   GET    /windows/:id/scans/pdf         → application/pdf                     the draft bound into one PDF
//   GET    /windows/:id/scans/:pageId     → image/jpeg
//   DELETE /windows/:id/scans             → {cleared: n}
// The draft is the ticket the window is serving (`none` between tickets). A simulated scanner takes
// POST /sim/devices/:id/input {pages?, skewDegrees?, connected?} through the device registry.

import express, { type Request } from 'express';
import { isDeviceError } from '../../drivers/errors.js';
import type { Accounts } from '../auth/accounts.js';
import { HallError } from '../errors.js';
import type { WindowConfig } from '../hall/types.js';
import type { DocscanService } from './service.js';
import { bearer } from '../http/edge.js';

export interface DocscanRouterOptions {
  service: DocscanService;
  accounts: Accounts;
  /** The windows in force (a setup changed live adds and removes them). */
  windows: () => readonly WindowConfig[];
}

/** A scanner's refusal as the one error shape: offline/fault 503, busy or empty feeder 409, timeout 504. */
export function scanError(err: unknown): HallError {
  if (!isDeviceError(err)) return err instanceof HallError ? err : new HallError('INTERNAL', '扫描失败 / scan failed');
  switch (err.code) {
    case 'DEVICE_OFFLINE':
      return new HallError('DEVICE_OFFLINE', `扫描仪未连接 / scanner not there: ${err.message}`, undefined, 503);
    case 'DEVICE_BUSY':
      return new HallError('DEVICE_BUSY', '扫描仪正忙 / a scan is already running', undefined, 409);
    case 'DEVICE_TIMEOUT':
      return new HallError('DEVICE_TIMEOUT', `扫描超时 / scan timed out: ${err.message}`, undefined, 504);
    case 'PAPER_OUT':
      return new HallError('PAPER_OUT', '进纸器中没有材料 / the feeder is empty', undefined, 409);
    default:
      return new HallError('DEVICE_FAULT', `扫描仪故障 / scanner fault: ${err.message}`, { deviceCode: err.code }, 503);
  }
}

export function docscanRouter(o: DocscanRouterOptions): express.Router {
  const r = express.Router();

  /** The window, if the caller may use its scanner: its own clerk, or a manager. */
  const windowFor = (req: Request): WindowConfig => {
    const h = req.headers.authorization;
    const claims = o.accounts.verifyToken(bearer(h));
    const id = String(req.params.id);
    const w = o.windows().find((x) => x.id === id);
    if (!w) throw new HallError('UNKNOWN_WINDOW', `未知窗口 ${id.slice(0, 64)} / unknown window`);
    if (claims.role === 'clerk' && claims.win !== id) throw new HallError('WRONG_WINDOW', '只能操作本人签入的窗口 / not your window');
    if (!o.service.hasScanner(id)) throw new HallError('NO_DEVICE', `${w.number} 号窗口没有配置扫描仪 / no document scanner at this window`, undefined, 404);
    return w;
  };

  r.post('/windows/:id/scan', async (req, res) => {
    const w = windowFor(req);
    if (req.body !== undefined && (typeof req.body !== 'object' || req.body === null || Object.keys(req.body).length > 0)) {
      throw new HallError('VALIDATION_FAILED', '(body): must be empty or {}');
    }
    try {
      res.status(201).json(await o.service.scan(w.id));
    } catch (err) {
      throw scanError(err);
    }
  });

  r.get('/windows/:id/scans', async (req, res) => {
    const w = windowFor(req);
    res.json({ draft: o.service.draftOf(w.id), pages: await o.service.pages(w.id) });
  });

  r.get('/windows/:id/scans/pdf', async (req, res) => {
    const w = windowFor(req);
    const { pdf } = await o.service.pdf(w.id, w);
    res.type('application/pdf').set('content-disposition', `inline; filename="scans-${w.id}.pdf"`).send(pdf);
  });

  r.get('/windows/:id/scans/:pageId', async (req, res) => {
    const w = windowFor(req);
    const img = await o.service.image(w.id, String(req.params.pageId));
    if (!img) throw new HallError('NOT_FOUND', '没有这一页 / no such page in this window\'s draft');
    res.type('image/jpeg').send(img);
  });

  r.delete('/windows/:id/scans', async (req, res) => {
    const w = windowFor(req);
    res.json({ cleared: await o.service.clear(w.id) });
  });

  return r;
}
