// The HTTP edge: every body and parameter is validated here, every refusal leaves as
// {"error": {"code", "message"}} with the status API.md gives it, and nothing malformed reaches the hall.

import express, { type NextFunction, type Request, type Response } from 'express';
import { existsSync } from 'node:fs';
import type { RequestListener } from 'node:http';
import { join } from 'node:path';
import { z } from 'zod';
import type { HallConfig } from '../../config/schema.js';
import type { Accounts, TokenClaims } from '../auth/accounts.js';
import { HallError } from '../errors.js';
import type { Hall } from '../hall/hall.js';
import type { Actor, Command, HallState } from '../hall/types.js';
import type { Logger } from '../log.js';
import { maskName } from '../privacy.js';
import { mountDeviceRoutes } from '../devices/http.js';
import type { DeviceService } from '../devices/service.js';
import type { Views } from '../views.js';
import type { KioskPrinting } from '../kiosk/printing.js';
import { citizenRoutes } from './citizen.js';
import { BODY_LIMIT_BYTES, bearer, identityOf, kioskOf, optionalClaimsOf, parse, requireKioskKey, toHallError } from './edge.js';
import { withLeanTickets } from './lean.js';
import { pageAssets, revalidate } from './page-assets.js';
import { ticketIssuer, type TicketIssuer } from './tickets.js';
import { mountTicketPage } from './ticket-page.js';
import type { Manager } from '../manager/index.js';
import { managerRoutes, metricsHandler } from '../manager/routes.js';

export interface AppOptions {
  hall: Hall;
  views: Views;
  accounts: Accounts;
  config: HallConfig;
  log: Logger;
  demo: boolean;
  idSecret: Buffer;
  uiDir: string;
  startedAt: number;
  /** The kiosks' printers for booking slips and guides; without it the kiosk routes answer NO_PRINTER. */
  kioskPrinting?: KioskPrinting;
  /** The manager's back end (alerts, KPIs, reports, live config, audit, metrics); routes absent without it. */
  manager?: Manager;
  /** Routers of other modules (e.g. cases), mounted under /api/v1 before the not-found answer. */
  routes?: express.Router[];
  devices: DeviceService;
  /** The central approval system link: its manager and progress routes mount under /api/v1. */
  central?: { router(edge: { requireManager(req: Request): unknown; optionalClaims(req: Request): unknown; kioskKey(req: Request, kioskId: string): void; demo: boolean }): express.Router };
}

export const PAGES = [
  { path: 'kiosk', title: '取号机 / Ticket kiosk', query: '?kiosk=kiosk-1' },
  { path: 'display', title: '大厅显示屏 / Hall display', query: '' },
  { path: 'window', title: '窗口屏 / Window screen', query: '?window=' },
  { path: 'pad', title: '评价器 / Evaluation pad', query: '?window=' },
  { path: 'console', title: '窗口工作台 / Staff console', query: '' },
  { path: 'manager', title: '大厅管理 / Hall manager', query: '' },
] as const;

const id = z.string().trim().min(1).max(64);
const loginBody = z.strictObject({
  username: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(256),
  windowId: id.optional(),
});
const transferBody = z.union([z.strictObject({ toSectionId: id }), z.strictObject({ toWindowId: id })]);
const pauseBody = z.strictObject({ reason: z.string().trim().min(1).max(100).optional() });
const callBody = z.strictObject({ ticketId: id, reason: z.string().trim().min(1).max(200) });
const cancelBody = z.strictObject({ reason: z.string().trim().min(1).max(200).optional() });
const bookingBody = z.strictObject({
  sectionId: id,
  serviceCode: id.optional(),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD'),
  slotStart: z.string().regex(/^\d{2}:\d{2}$/, 'HH:MM'),
  idNumber: z.string().trim().max(32).optional(),
  name: z.string().trim().min(1).max(60).optional(),
  kioskId: id.optional(),
  useCard: z.boolean().optional(),
});
const empty = z.strictObject({});

/** The server's request listener: express, with POST /tickets also on the lean path (lean.ts). */
export function createRequestListener(o: AppOptions): RequestListener {
  const issue = ticketIssuer(o);
  return withLeanTickets(createApp(o, issue), issue, o.log);
}

export function createApp(o: AppOptions, issueTicket: TicketIssuer = ticketIssuer(o)): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  // API answers are live and never revalidated; hashing every body for an ETag is wasted work. Static pages
  // get their validators from express.static, which does not use this setting.
  app.set('etag', false);
  app.use(express.json({ limit: BODY_LIMIT_BYTES, strict: false }));

  const api = express.Router();

  const claimsOf = (req: Request): TokenClaims => o.accounts.verifyToken(bearer(req.headers.authorization));
  const optionalClaims = (req: Request): TokenClaims | undefined => optionalClaimsOf(o.accounts, req.headers.authorization);
  const requireManager = (req: Request): TokenClaims => {
    const c = claimsOf(req);
    if (c.role === 'clerk') throw new HallError('FORBIDDEN', '需要管理员权限 / manager role required');
    return c;
  };
  const state = (): HallState => o.hall.state;
  const identity = (idNumber: string | undefined) => identityOf(o.idSecret, idNumber);
  const now = () => o.hall.now();

  /** The acting clerk must hold a token for this window and still be the one signed in there. */
  const windowActor = (req: Request, windowId: string): Actor => {
    const c = claimsOf(req);
    if (!o.views.windowConfig(windowId)) throw new HallError('UNKNOWN_WINDOW', `未知窗口 ${windowId} / unknown window`);
    if (c.role !== 'clerk') return { kind: 'manager', userId: c.sub };
    if (c.win !== windowId) throw new HallError('WRONG_WINDOW', '只能操作本人签入的窗口 / not your window');
    const current = state().windows[windowId]?.clerk;
    if (current && current.id !== c.sub) throw new HallError('WRONG_WINDOW', '该窗口已由他人签入 / another clerk signed in here');
    const acc = o.accounts.find(c.sub)!;
    return { kind: 'clerk', windowId, clerk: { id: acc.username, name: acc.name, staffNo: acc.staffNo } };
  };

  const ticketView = (ticketId: string) => {
    const t = state().tickets.get(ticketId);
    if (!t) throw new HallError('UNKNOWN_TICKET', `未找到号票 ${ticketId} / unknown ticket`);
    return o.views.ticket(state(), t, now());
  };

  api.get('/health', (_req, res) => {
    res.json({
      status: 'ok',
      seq: o.hall.journal.lastSeq,
      day: state().day,
      uptimeSeconds: Math.round((Date.now() - o.startedAt) / 1000),
      devices: o.devices.list().map((d) => ({ id: d.id, kind: d.kind, status: d.status })),
    });
  });

  api.get('/hall', (_req, res) => {
    const h = o.config.hall;
    res.json({
      name: h.name,
      nameEn: h.nameEn,
      notices: h.notices,
      noticesEn: h.noticesEn ?? [],
      demo: o.demo,
      day: state().day,
      // The pages' clocks show the hall's time, whatever the clock of the device they run on.
      now: o.views.iso(now()),
      kiosks: o.config.kiosks.map((k) => ({ id: k.id, name: k.name })),
      windows: o.views.windows(state()),
    });
  });

  api.get('/sections', (_req, res) => {
    res.json(o.views.sections(state()));
  });

  api.get('/sections/:id/services', (req, res) => {
    const list = o.views.services(req.params.id);
    if (!list) throw new HallError('UNKNOWN_SECTION', `未知业务板块 / unknown section`);
    res.json(list);
  });

  api.get('/services/:code', (req, res) => {
    for (const s of o.hall.setup.sections) {
      const svc = s.services.find((x) => x.code === req.params.code);
      if (svc) return void res.json({ ...svc, sectionId: s.id });
    }
    throw new HallError('UNKNOWN_SERVICE', '未知事项 / unknown service');
  });

  api.post('/tickets', async (req, res) => {
    const ticket = await issueTicket({ body: req.body, authorization: req.headers.authorization, origin: `${req.protocol}://${req.get('host') ?? 'localhost'}` });
    res.status(201).json({ ticket });
  });

  api.get('/tickets/:id', (req, res) => {
    res.json({ ticket: ticketView(req.params.id) });
  });

  api.post('/tickets/:id/rejoin', async (req, res) => {
    parse(empty, req.body);
    await o.hall.execute({ type: 'Rejoin', ticketId: req.params.id }, { kind: 'citizen' });
    res.json({ ticket: ticketView(req.params.id) });
  });

  api.post('/tickets/:id/cancel', async (req, res) => {
    const body = parse(cancelBody, req.body);
    const c = claimsOf(req);
    const actor: Actor = c.role === 'clerk' && c.win ? windowActor(req, c.win) : { kind: 'manager', userId: c.sub };
    await o.hall.execute({ type: 'CancelTicket', ticketId: req.params.id, reason: body.reason ?? '工作人员取消' }, actor);
    res.json({ ticket: ticketView(req.params.id) });
  });

  api.post('/appointments', async (req, res) => {
    const body = parse(bookingBody, req.body);
    if (body.kioskId && !o.config.kiosks.some((k) => k.id === body.kioskId)) throw new HallError('VALIDATION_FAILED', `kioskId: unknown kiosk ${body.kioskId}`);
    if (body.useCard && !body.kioskId) throw new HallError('VALIDATION_FAILED', 'kioskId: useCard needs the kiosk whose reader read the card');
    if (body.useCard && body.idNumber) throw new HallError('VALIDATION_FAILED', 'idNumber: give either useCard or idNumber');
    if (body.kioskId) requireKioskKey(o.config.kiosks, o.demo, req.headers.authorization, body.kioskId);
    // useCard: booked for the card the kiosk read last, so that card checks the booking in on the day.
    const claim = body.useCard ? o.devices.claimIdentity(body.kioskId!) : null;
    if (body.useCard && !claim) throw new HallError('NO_CARD_READ', '请先在读卡区放置身份证 / place the ID card on the reader first');
    let events;
    try {
      const idKey = claim ? claim.identity.idKey : identity(body.idNumber);
      const nameMasked = claim ? claim.identity.nameMasked : body.name ? maskName(body.name) : undefined;
      ({ events } = await o.hall.execute(
        {
          type: 'BookAppointment',
          sectionId: body.sectionId,
          date: body.date,
          slotStart: body.slotStart,
          ...(body.serviceCode ? { serviceCode: body.serviceCode } : {}),
          ...(idKey ? { idKey } : {}),
          ...(nameMasked ? { nameMasked } : {}),
        },
        { kind: 'citizen' },
      ));
    } catch (err) {
      claim?.release();
      throw err;
    }
    claim?.commit();
    const booked = events.find((e) => e.type === 'AppointmentBooked');
    if (!booked || booked.type !== 'AppointmentBooked') throw new HallError('INTERNAL', 'no appointment booked');
    const { idKey: _secret, ...appointment } = booked.appointment;
    res.status(201).json({ appointment });
  });

  api.get('/appointments/:code', (req, res) => {
    const a = state().appointments[req.params.code];
    if (!a) throw new HallError('UNKNOWN_APPOINTMENT', '未找到预约 / unknown appointment');
    const { idKey: _secret, ...appointment } = a;
    res.json({ appointment });
  });

  api.delete('/appointments/:code', async (req, res) => {
    await o.hall.execute({ type: 'CancelAppointment', code: req.params.code }, { kind: 'citizen' });
    const { idKey: _secret, ...appointment } = state().appointments[req.params.code] ?? { code: req.params.code, status: 'cancelled' };
    res.json({ appointment });
  });

  api.post('/auth/login', async (req, res) => {
    const body = parse(loginBody, req.body);
    const acc = await o.accounts.verify(body.username, body.password);
    if (acc.role === 'clerk' && !body.windowId) throw new HallError('VALIDATION_FAILED', 'windowId: 窗口人员须选择窗口 / clerks sign in to a window');
    if (body.windowId && !o.views.windowConfig(body.windowId)) throw new HallError('UNKNOWN_WINDOW', '未知窗口 / unknown window');
    if (acc.role === 'clerk' && body.windowId) {
      await o.hall.execute(
        { type: 'SignIn', windowId: body.windowId, clerk: { id: acc.username, name: acc.name, staffNo: acc.staffNo } },
        { kind: 'system' },
      );
    }
    const { token, claims } = o.accounts.issueToken(acc, body.windowId);
    res.json({
      token,
      role: acc.role,
      ...(body.windowId ? { windowId: body.windowId } : {}),
      name: maskName(acc.name),
      staffNo: acc.staffNo,
      expiresAt: new Date(claims.exp * 1000).toISOString(),
    });
  });

  api.post('/auth/logout', async (req, res) => {
    const c = claimsOf(req);
    if (c.role === 'clerk' && c.win && state().windows[c.win]?.clerk?.id === c.sub) {
      await o.hall.execute({ type: 'SignOut', windowId: c.win }, { kind: 'system' });
    }
    res.json({ ok: true });
  });

  api.get('/me', (req, res) => {
    const c = claimsOf(req);
    const acc = o.accounts.find(c.sub)!;
    res.json({ username: c.sub, role: c.role, windowId: c.win, name: maskName(acc.name), staffNo: acc.staffNo, expiresAt: new Date(c.exp * 1000).toISOString() });
  });

  api.get('/windows', (_req, res) => {
    res.json(o.views.windows(state()));
  });

  api.get('/windows/:id/queue', (req, res) => {
    windowActor(req, req.params.id);
    const snap = o.views.staff(state(), req.params.id, 0, now());
    res.json(snap?.queue ?? []);
  });

  /** Window commands that answer with the ticket they acted on. */
  const ticketCommand = (path: string, build: (windowId: string, body: unknown) => Command, pick: 'current' | 'called' | 'event') => {
    api.post(`/windows/:id/${path}`, async (req, res) => {
      const windowId = req.params.id as string;
      const actor = windowActor(req, windowId);
      const before = state().windows[windowId]?.currentTicketId;
      const { events, state: after } = await o.hall.execute(build(windowId, req.body), actor);
      let ticketId: string | undefined;
      for (const e of events) {
        if (pick === 'called' && e.type === 'TicketCalled') ticketId = e.ticketId;
        if (pick === 'event' && 'ticketId' in e) ticketId = e.ticketId;
      }
      ticketId ??= after.windows[windowId]?.currentTicketId ?? before;
      const t = ticketId ? after.tickets.get(ticketId) : undefined;
      if (!t) throw new HallError('NO_CURRENT_TICKET', '当前没有号票 / no current ticket');
      res.json({ ticket: o.views.ticket(after, t, now()) });
    });
  };
  ticketCommand('call-next', (windowId, body) => (parse(empty, body), { type: 'CallNext', windowId }), 'called');
  ticketCommand('call', (windowId, body) => ({ type: 'CallTicket', windowId, ...parse(callBody, body) }), 'called');
  ticketCommand('recall', (windowId, body) => (parse(empty, body), { type: 'Recall', windowId }), 'called');
  ticketCommand('start', (windowId, body) => (parse(empty, body), { type: 'Start', windowId }), 'event');
  ticketCommand('finish', (windowId, body) => (parse(empty, body), { type: 'Finish', windowId }), 'event');
  ticketCommand('no-show', (windowId, body) => (parse(empty, body), { type: 'NoShow', windowId }), 'event');
  ticketCommand(
    'transfer',
    (windowId, body) => {
      const b = parse(transferBody, body);
      return { type: 'Transfer', windowId, to: 'toSectionId' in b ? { sectionId: b.toSectionId } : { windowId: b.toWindowId } };
    },
    'event',
  );

  for (const [path, type] of [
    ['pause', 'Pause'],
    ['resume', 'Resume'],
  ] as const) {
    api.post(`/windows/:id/${path}`, async (req, res) => {
      const windowId = req.params.id as string;
      const actor = windowActor(req, windowId);
      const body = parse(pauseBody, req.body);
      const command: Command = type === 'Pause' ? { type, windowId, ...(body.reason ? { reason: body.reason } : {}) } : { type, windowId };
      const { state: after } = await o.hall.execute(command, actor);
      res.json({ window: o.views.window(after, o.views.windowConfig(windowId)!) });
    });
  }

  api.get('/stats/today', (req, res) => {
    requireManager(req);
    res.json(o.views.stats(state()));
  });

  mountDeviceRoutes(api, { devices: o.devices, demo: o.demo, requireManager });

  api.use(citizenRoutes(o));
  if (o.manager) api.use(managerRoutes({ manager: o.manager, accounts: o.accounts }));
  for (const r of o.routes ?? []) api.use(r);
  if (o.central) {
    const kioskKey = (req: Request, kioskId: string) => requireKioskKey(o.config.kiosks, o.demo, req.headers.authorization, kioskId);
    // A search by person is for staff and for the hall's kiosks (by their device keys).
    const staffOrKiosk = (req: Request) => kioskOf(o.config.kiosks, req.headers.authorization) ?? optionalClaims(req);
    api.use(o.central.router({ requireManager, optionalClaims: staffOrKiosk, kioskKey, demo: o.demo }));
  }

  api.use((req, _res, next) => next(new HallError('NOT_FOUND', `no such endpoint: ${req.method} ${req.path}`)));

  app.use('/api/v1', api);
  if (o.manager) app.get('/metrics', metricsHandler(o.manager));

  // Pages: one static bundle per client, built by scripts/build-ui.mjs.
  for (const p of PAGES) {
    const dir = join(o.uiDir, p.path);
    app.use(`/${p.path}`, pageAssets(dir), express.static(dir, { index: 'index.html', maxAge: 0, fallthrough: true, setHeaders: revalidate }));
    app.get(`/${p.path}`, (req, res, next) => (req.path.endsWith('/') ? next() : res.redirect(301, `/${p.path}/`)));
  }
  mountTicketPage(app, o.uiDir);
  app.get('/', (_req, res) => {
    res.type('html').send(indexPage(o, existsSync(join(o.uiDir, 'kiosk', 'index.html'))));
  });

  app.use((req: Request, res: Response) => {
    res.status(404).json(new HallError('NOT_FOUND', `not found: ${req.path}`).toBody());
  });

  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const e = toHallError(err);
    if (e.status >= 500) o.log.error({ err: (err as Error)?.message, path: req.path }, 'request failed');
    res.status(e.status).json(e.toBody());
  });

  return app;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function indexPage(o: AppOptions, built: boolean): string {
  const firstWindow = o.hall.setup.windows[0]?.id ?? '';
  const items = PAGES.map((p) => {
    const q = p.query.endsWith('=') ? p.query + encodeURIComponent(firstWindow) : p.query;
    return `<li><a href="/${p.path}/${q}">${escapeHtml(p.title)}</a> <code>/${p.path}/${escapeHtml(q)}</code></li>`;
  }).join('\n') +
    // The same kiosk page as a 24-hour self-service terminal, whatever the hour.
    `\n<li><a href="/kiosk/?kiosk=${encodeURIComponent(o.config.kiosks.at(-1)?.id ?? '')}&amp;mode=self-service">24小时自助终端 / 24-hour self-service terminal</a> <code>/kiosk/?mode=self-service</code></li>`;
  const warn = built ? '' : '<p class="warn">页面尚未构建：运行 <code>npm run build</code> / pages not built yet: run <code>npm run build</code></p>';
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${escapeHtml(o.config.hall.name)}</title>
<style>body{font:18px/1.6 system-ui,"Noto Sans CJK SC",sans-serif;margin:3rem;color:#1d2733}h1{color:#b3261e}code{color:#555}.warn{color:#b3261e}</style>
</head><body><h1>${escapeHtml(o.config.hall.name)}</h1>${warn}<ul>${items}</ul>${o.demo ? '<p>演示模式 / demo mode</p>' : ''}</body></html>`;
}
