// The manager's HTTP routes under /api/v1/manager (manager or admin token), and /metrics. Every change
// goes to the audit log with who made it.

import express, { type Request, type Response } from 'express';
import { z } from 'zod';
import { alertsSchema, checkSetup } from '../../config/schema.js';
import type { Accounts, TokenClaims } from '../auth/accounts.js';
import { HallError } from '../errors.js';
import { localDay, toIso } from '../hall/calendar.js';
import type { FollowUp, HallSetup } from '../hall/types.js';
import type { FollowUpView } from './contract.js';
import { writeBackup } from './backup.js';
import type { Manager } from './index.js';
import { renderMetrics } from './metrics.js';
import { mountDeviceRoutes } from './devices.js';
import { bearer, parse } from '../http/edge.js';

const DAY = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');
const MONTH = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'YYYY-MM');
const note = z.string().trim().min(1).max(500);

const rangeQuery = z.object({ from: DAY, to: DAY });
const ackBody = z.strictObject({ note: note.optional() });
const followUpBody = z.strictObject({
  verification: note.optional(),
  rectification: note.optional(),
  reply: note.optional(),
  close: z.boolean().optional(),
});
const setupBody = z.strictObject({ setup: z.unknown(), summary: z.string().trim().min(1).max(200).optional() });
const windowPatch = z.strictObject({
  sectionIds: z.array(z.string().min(1).max(32)).min(1).max(20).optional(),
  name: z.string().trim().min(1).max(60).optional(),
  policy: z.enum(['fifo', 'strict', 'weighted']).optional(),
});
const sectionPatch = z.strictObject({
  closed: z.boolean().optional(),
  dailyCapacity: z.number().int().min(1).max(99_999).optional(),
  targetWaitMinutes: z.number().int().min(1).max(480).optional(),
});
const dates = z.array(DAY).max(400);
const calendarBody = z.strictObject({ holidays: dates, workdays: dates });
const lines = z.array(z.string().trim().min(1).max(500)).min(1).max(50);
const servicePatch = z.strictObject({
  name: z.string().trim().min(1).max(100).optional(),
  summary: z.string().trim().min(1).max(1000).optional(),
  promisedLimitDays: z.number().int().min(0).max(365).optional(),
  fees: z.string().trim().min(1).max(500).optional(),
  contact: z.string().trim().min(1).max(200).optional(),
  conditions: lines.optional(),
  procedure: lines.optional(),
  basis: lines.optional(),
});
const accountBody = z.strictObject({
  username: z.string().regex(/^[a-z][a-z0-9_-]{1,31}$/, 'lowercase letters, digits, "_" or "-"'),
  password: z.string().min(8).max(256),
  role: z.enum(['clerk', 'manager', 'admin']),
  name: z.string().trim().min(1).max(60),
  staffNo: z.string().regex(/^[A-Z0-9]{2,16}$/, '2–16 capital letters or digits'),
});

const accountPatch = z.strictObject({
  name: accountBody.shape.name.optional(),
  staffNo: accountBody.shape.staffNo.optional(),
  role: accountBody.shape.role.optional(),
  disabled: z.boolean().optional(),
  password: accountBody.shape.password.optional(),
});


export interface ManagerRoutesOptions {
  manager: Manager;
  accounts: Accounts;
}

export function managerRoutes({ manager, accounts }: ManagerRoutesOptions): express.Router {
  const r = express.Router();
  const hall = manager.o.hall;

  const requireManager = (req: Request): TokenClaims => {
    const h = req.headers.authorization;
    const c = accounts.verifyToken(bearer(h));
    if (c.role === 'clerk') throw new HallError('FORBIDDEN', '需要管理员权限 / manager role required');
    return c;
  };
  r.use('/manager', (req, _res, next) => {
    requireManager(req);
    next();
  });
  const who = (req: Request) => requireManager(req).sub;

  // ---------------------------------------------------------- KPIs

  r.get('/manager/kpis', async (req, res) => {
    const q = parse(rangeQuery, req.query);
    if (q.from > q.to) throw new HallError('VALIDATION_FAILED', 'from: must not be after to');
    res.json(await manager.kpis(q.from, q.to));
  });

  /** Today (or ?day=) against the same weekday a week before: the dashboard's charts. */
  r.get('/manager/compare', async (req, res) => {
    const { day } = parse(z.object({ day: DAY.optional() }), req.query);
    const d = day ?? manager.today();
    const { compare } = manager.period('daily', d);
    const [today, lastWeek] = await Promise.all([manager.kpis(d, d), manager.kpis(compare!.day, compare!.day)]);
    res.json({ day: d, lastWeekDay: compare!.day, today, lastWeek });
  });

  // ---------------------------------------------------------- alerts

  r.get('/manager/alerts', (req, res) => {
    const q = parse(z.object({ history: z.enum(['1', 'true']).optional(), from: DAY.optional(), to: DAY.optional() }), req.query);
    if (!q.history) return void res.json(manager.alertsPayload());
    const cal = hall.setup.calendar;
    const start = (d: string) => Date.parse(`${d}T00:00:00Z`) - cal.utcOffsetMinutes * 60000;
    const from = q.from ? start(q.from) : 0;
    const to = q.to ? start(q.to) + 86_400_000 - 1 : Number.MAX_SAFE_INTEGER;
    res.json(manager.alerts.history(from, to).map((a) => manager.alertView(a)));
  });

  r.post('/manager/alerts/:id/ack', async (req, res) => {
    const body = parse(ackBody, req.body);
    res.json({ alert: await manager.acknowledge(req.params.id as string, who(req), body.note) });
  });

  r.get('/manager/thresholds', (_req, res) => {
    res.json(manager.thresholds);
  });

  r.put('/manager/thresholds', async (req, res) => {
    const t = parse(alertsSchema, req.body);
    await manager.setThresholds(t, who(req));
    res.json(manager.thresholds);
  });

  // ---------------------------------------------------------- follow-ups (差评回访)

  const followUpView = (f: FollowUp): FollowUpView => {
    const s = hall.state;
    const cal = hall.setup.calendar;
    const rating = s.ratings[f.ticketId];
    const v: FollowUpView = {
      ticketId: f.ticketId,
      ticketNumber: f.ticketId.slice(f.ticketId.indexOf('-') + 1),
      level: f.level,
      reasons: rating?.reasons ?? [],
      openedAt: toIso(f.openedAt, cal),
      dueDate: f.dueDate,
      overdue: f.status === 'open' && f.dueDate < localDay(hall.now(), cal),
      status: f.status,
    };
    if (rating?.windowId) v.windowId = rating.windowId;
    for (const k of ['verification', 'rectification', 'reply', 'updatedBy'] as const) if (f[k]) v[k] = f[k];
    if (f.closedAt !== undefined) v.closedAt = toIso(f.closedAt, cal);
    return v;
  };

  r.get('/manager/follow-ups', (req, res) => {
    const { status } = parse(z.object({ status: z.enum(['open', 'closed', 'all']).optional() }), req.query);
    const list = Object.values(hall.state.followUps)
      .filter((f) => !status || status === 'all' || f.status === status)
      .sort((a, b) => b.openedAt - a.openedAt)
      .map(followUpView);
    res.json(list);
  });

  r.post('/manager/follow-ups/:ticketId', async (req, res) => {
    const body = parse(followUpBody, req.body);
    const by = who(req);
    const ticketId = req.params.ticketId as string;
    await hall.execute({ type: 'RecordFollowUp', ticketId, ...body }, { kind: 'manager', userId: by });
    const steps = (['verification', 'rectification', 'reply'] as const).filter((k) => body[k]).join(', ');
    await manager.record(by, body.close ? 'followup.close' : 'followup.record', `${ticketId}: ${steps || '—'}`);
    res.json({ followUp: followUpView(hall.state.followUps[ticketId]!) });
  });

  // ---------------------------------------------------------- live configuration

  r.get('/manager/setup', (_req, res) => {
    res.json(hall.setup);
  });

  const changeSetup = async (req: Request, res: Response, next: HallSetup, summary: string) => {
    const checked = checkSetup(next);
    if (!checked.ok) {
      throw new HallError('VALIDATION_FAILED', checked.issues.map((i) => `${i.path}: ${i.message}`).join('; '), { issues: checked.issues });
    }
    const by = who(req);
    await hall.execute({ type: 'ChangeSetup', setup: checked.setup, summary }, { kind: 'manager', userId: by });
    await manager.record(by, 'setup.change', summary);
    res.json(hall.setup);
  };

  r.put('/manager/setup', async (req, res) => {
    const body = parse(setupBody, req.body);
    await changeSetup(req, res, body.setup as HallSetup, body.summary ?? '整体配置更新 / setup replaced');
  });

  r.patch('/manager/windows/:id', async (req, res) => {
    const body = parse(windowPatch, req.body);
    const id = req.params.id as string;
    const setup = hall.setup;
    const w = setup.windows.find((x) => x.id === id);
    if (!w) throw new HallError('UNKNOWN_WINDOW', `未知窗口 ${id} / unknown window`);
    const next = { ...w, ...body };
    // Weights name sections; a weighted window keeps only those it still serves.
    if (next.weights) {
      const kept = Object.fromEntries(Object.entries(next.weights).filter(([sid]) => next.sectionIds.includes(sid)));
      if (next.policy === 'weighted' && Object.keys(kept).length) next.weights = kept;
      else delete next.weights;
    }
    const parts = Object.entries(body).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`);
    await changeSetup(req, res, { ...setup, windows: setup.windows.map((x) => (x.id === id ? next : x)) }, `window ${id}: ${parts.join(', ')}`);
  });

  r.patch('/manager/sections/:id', async (req, res) => {
    const body = parse(sectionPatch, req.body);
    const id = req.params.id as string;
    const setup = hall.setup;
    if (!setup.sections.some((s) => s.id === id)) throw new HallError('UNKNOWN_SECTION', `未知业务板块 ${id} / unknown section`);
    const parts = Object.entries(body).map(([k, v]) => `${k}=${v}`);
    await changeSetup(req, res, { ...setup, sections: setup.sections.map((s) => (s.id === id ? { ...s, ...body } : s)) }, `section ${id}: ${parts.join(', ')}`);
  });

  r.patch('/manager/services/:code', async (req, res) => {
    const body = parse(servicePatch, req.body);
    const code = req.params.code as string;
    const setup = hall.setup;
    if (!setup.sections.some((s) => s.services.some((v) => v.code === code))) throw new HallError('UNKNOWN_SERVICE', `未知事项 ${code} / unknown service`);
    const sections = setup.sections.map((s) => ({ ...s, services: s.services.map((v) => (v.code === code ? { ...v, ...body } : v)) }));
    await changeSetup(req, res, { ...setup, sections }, `service ${code}: ${Object.keys(body).join(', ') || '—'}`);
  });

  r.put('/manager/calendar', async (req, res) => {
    const body = parse(calendarBody, req.body);
    const setup = hall.setup;
    const calendar = { ...setup.calendar, holidays: [...body.holidays].sort(), workdays: [...body.workdays].sort() };
    await changeSetup(req, res, { ...setup, calendar }, `calendar: ${calendar.holidays.length} holidays, ${calendar.workdays.length} make-up workdays`);
  });

  // ---------------------------------------------------------- staff accounts

  r.get('/manager/accounts', (_req, res) => {
    res.json(accounts.list().map((a) => ({ username: a.username, role: a.role, name: a.name, staffNo: a.staffNo, disabled: a.disabled === true })));
  });

  r.post('/manager/accounts', async (req, res) => {
    const body = parse(accountBody, req.body);
    const c = requireManager(req);
    if (body.role !== 'clerk' && c.role !== 'admin') throw new HallError('FORBIDDEN', '只有系统管理员可以创建管理账号 / only an admin creates manager accounts');
    if (accounts.find(body.username)) throw new HallError('ACCOUNT_EXISTS', '账号已存在 / account exists');
    const a = await accounts.add(body);
    await manager.record(c.sub, 'account.add', `${a.username} (${a.role}, ${a.staffNo})`);
    res.status(201).json({ username: a.username, role: a.role, name: a.name, staffNo: a.staffNo, disabled: false });
  });

  r.patch('/manager/accounts/:username', async (req, res) => {
    const body = parse(accountPatch, req.body);
    const c = requireManager(req);
    const username = req.params.username as string;
    const acc = accounts.find(username);
    if (!acc) throw new HallError('NOT_FOUND', `未知账号 ${username} / unknown account`);
    // Managers look after clerks; only an admin touches manager and admin accounts or hands out those roles.
    if (c.role !== 'admin' && (acc.role !== 'clerk' || (body.role && body.role !== 'clerk'))) {
      throw new HallError('FORBIDDEN', '只有系统管理员可以修改管理账号 / only an admin changes manager accounts');
    }
    if (username === c.sub && (body.disabled || (body.role && body.role !== acc.role))) {
      throw new HallError('ACCOUNT_LOCKOUT', '不能停用或降级自己的账号 / you cannot disable or demote your own account');
    }
    const adminsLeft = accounts.list().filter((a) => a.role === 'admin' && !a.disabled && a.username !== username).length;
    if (acc.role === 'admin' && !acc.disabled && (body.disabled || (body.role && body.role !== 'admin')) && adminsLeft === 0) {
      throw new HallError('ACCOUNT_LOCKOUT', '至少保留一个可用的系统管理员 / the hall needs one enabled admin');
    }
    const { account: a, revoked } = await accounts.update(username, body);
    // A clerk taken off duty leaves the window at once: the queue must not wait on a signed-out person.
    if (revoked) {
      for (const [windowId, w] of Object.entries(hall.state.windows)) {
        if (w.clerk?.id === username) await hall.execute({ type: 'SignOut', windowId }, { kind: 'manager', userId: c.sub });
      }
    }
    const parts = Object.entries(body).map(([k, v]) => (k === 'password' ? 'password reset' : `${k}=${v}`));
    await manager.record(c.sub, 'account.update', `${username}: ${parts.join(', ') || '—'}${revoked ? ' (sessions ended)' : ''}`);
    res.json({ username: a.username, role: a.role, name: a.name, staffNo: a.staffNo, disabled: a.disabled === true });
  });

  // ---------------------------------------------------------- devices of every kind, changed live (./devices.ts)

  mountDeviceRoutes(r, {
    settings: manager.deviceSettings,
    port: () => manager.deviceConfig,
    kiosks: () => manager.o.config.kiosks.map((k) => k.id),
    windows: () => hall.setup.windows,
    who,
    record: (by, action, detail) => manager.record(by, action, detail),
  });

  // ---------------------------------------------------------- audit, reports, backup

  r.get('/manager/audit', async (req, res) => {
    const q = parse(z.object({ limit: z.coerce.number().int().min(1).max(5000).optional(), day: DAY.optional() }), req.query);
    // With a day: the whole hall's activity that day (windows and managers); without: the managers' log.
    if (q.day) return void res.json((await manager.dayActivity(q.day)).slice(0, q.limit ?? 5000));
    res.json(manager.auditLog({ limit: q.limit ?? 200 }));
  });

  r.get('/manager/reports', async (_req, res) => {
    res.json(await manager.listReports());
  });

  const sendReport = async (req: Request, res: Response, kind: 'daily' | 'monthly', period: string) => {
    const { format } = parse(z.object({ format: z.enum(['csv', 'pdf']).optional() }), req.query);
    const f = format ?? 'csv';
    const bytes = await manager.report(kind, period, f);
    await manager.record(who(req), 'report.download', `${kind} ${period} ${f}`);
    res.type(f === 'csv' ? 'text/csv; charset=utf-8' : 'application/pdf');
    res.setHeader('content-disposition', `attachment; filename="hall-${kind}-${period}.${f}"`);
    res.send(bytes);
  };
  r.get('/manager/reports/daily/:day', async (req, res) => sendReport(req, res, 'daily', parse(DAY, req.params.day)));
  r.get('/manager/reports/monthly/:month', async (req, res) => sendReport(req, res, 'monthly', parse(MONTH, req.params.month)));
  r.get('/manager/reports/files/:kind/:name', async (req, res) => {
    const kind = parse(z.enum(['daily', 'monthly']), req.params.kind);
    const name = parse(z.string().regex(/^\d{4}-\d{2}(-\d{2})?\.(csv|pdf)$/), req.params.name);
    const file = `${manager.reportsDir()}/${kind}/${name}`;
    await new Promise<void>((resolve, reject) =>
      res.download(file, `hall-${kind}-${name}`, (err) => (err ? reject(new HallError('NOT_FOUND', '报表文件不存在 / no such report')) : resolve())),
    );
  });

  r.get('/manager/export', async (req, res) => {
    const by = who(req);
    const stamp = localDay(hall.now(), hall.setup.calendar);
    await manager.record(by, 'data.export', `backup ${stamp}`);
    res.type('application/x-tar');
    res.setHeader('content-disposition', `attachment; filename="hall-backup-${stamp}.tar"`);
    await writeBackup(manager.o.dataDir, res, `hall-backup-${stamp}`);
    res.end();
  });

  return r;
}

/** GET /metrics: Prometheus text. No token (scrapers rarely carry one); it holds no personal data. */
export function metricsHandler(manager: Manager) {
  return (_req: Request, res: Response) => {
    const hall = manager.o.hall;
    const body = renderMetrics({
      state: hall.state,
      setup: hall.setup,
      now: hall.now(),
      journal: { ...hall.journal.stats, lastSeq: hall.journal.lastSeq },
      callLatency: manager.callLatency,
      alertsActive: manager.alerts.active().length,
      devices: manager.devices,
      outbox: manager.outbox,
    });
    res.type('text/plain; version=0.0.4; charset=utf-8').send(body);
  };
}
