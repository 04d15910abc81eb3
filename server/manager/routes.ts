// The manager's HTTP routes under /api/v1/manager (manager or admin token), and /metrics. Every change
// goes to the audit log with who made it.

import express, { type Request, type Response } from 'express';
import { z } from 'zod';
import { alertsSchema, checkSetup, rulesSchema } from '../../config/schema.js';
import type { Accounts, TokenClaims } from '../auth/accounts.js';
import { HallError } from '../errors.js';
import { localDay, toIso } from '../hall/calendar.js';
import type { FollowUp, HallSetup, Section, Service, WindowConfig } from '../hall/types.js';
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
const rulesBody = rulesSchema;
const HM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM');
const hoursBody = z.strictObject({ hours: z.strictObject({ open: HM, close: HM }).nullable() });
const setupBody = z.strictObject({ setup: z.unknown(), summary: z.string().trim().min(1).max(200).optional() });
// Setup items as the forms send them. The whole setup is checked again by checkSetup after the change, so
// these only keep out what is not even the right shape; cross-field rules live in one place (config/).
const itemId = z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'lowercase letters, digits or "-", starting with a letter');
const label = (max: number) => z.string().trim().min(1).max(max);
const lines = z.array(z.string().trim().min(1).max(500)).min(1).max(50);
const material = z.strictObject({
  name: label(200),
  copies: z.number().int().min(1).max(20),
  required: z.boolean(),
  note: label(200).optional(),
});
const serviceFields = {
  name: label(100),
  nameEn: label(200).nullable(),
  kind: z.enum(['immediate', 'promised']),
  legalLimitDays: z.number().int().min(0).max(365),
  promisedLimitDays: z.number().int().min(0).max(365),
  summary: label(1000),
  basis: lines,
  conditions: lines,
  materials: z.array(material).min(1).max(50),
  procedure: lines,
  fees: label(500),
  contact: label(200),
};
const serviceCode = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/, 'letters, digits, ".", "_" or "-"');
const serviceNew = z.strictObject({ code: serviceCode, ...serviceFields, nameEn: serviceFields.nameEn.optional() });
const servicePost = serviceNew.extend({ sectionId: itemId });
const servicePatch = z.strictObject(serviceFields).partial();
const slot = z.strictObject({
  start: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM'),
  end: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM'),
  capacity: z.number().int().min(1).max(1000),
});
const sectionFields = {
  prefix: z.string().regex(/^[A-Z]$/, 'one capital letter A–Z'),
  name: label(60),
  nameEn: label(120).nullable(),
  closed: z.boolean(),
  dailyCapacity: z.number().int().min(1).max(99_999),
  requireIdCard: z.boolean(),
  defaultServiceMinutes: z.number().positive().max(480),
  targetWaitMinutes: z.number().int().min(1).max(480),
  appointmentSlots: z.array(slot).max(48),
};
const sectionPatch = z.strictObject(sectionFields).partial();
const sectionPost = z.strictObject({
  id: itemId,
  ...sectionFields,
  nameEn: sectionFields.nameEn.optional(),
  closed: sectionFields.closed.optional(),
  /** The windows that will serve it: a section no window serves would hand out tickets nobody calls. */
  windowIds: z.array(itemId).min(1).max(100),
  /** Its first service: a section offers at least one. */
  service: serviceNew,
});
const windowFields = {
  number: z.number().int().min(1).max(999),
  name: label(60),
  nameEn: label(120).nullable(),
  sectionIds: z.array(itemId).min(1).max(20),
  policy: z.enum(['fifo', 'strict', 'weighted']),
  weights: z.record(itemId, z.number().positive().max(100)).nullable(),
};
const windowPatch = z.strictObject(windowFields).partial();
const windowPost = z.strictObject({ id: itemId, ...windowFields, nameEn: windowFields.nameEn.optional(), weights: windowFields.weights.optional() });
const dates = z.array(DAY).max(400);
const calendarBody = z.strictObject({ holidays: dates, workdays: dates });
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

  // Thresholds saved here and set aside at a start because hall.json's alerts were edited since.
  r.get('/manager/thresholds/set-aside', (_req, res) => {
    res.json({ setAside: manager.thresholdsSetAside });
  });

  r.delete('/manager/thresholds/set-aside', async (req, res) => {
    res.json({ dismissed: await manager.dismissThresholdsNotice(who(req)) });
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

  /**
   * Checks, journals (ChangeSetup) and audits a new setup. `focus` names the item a form changed, e.g.
   * `sections[2].services[0]`: issues inside it come back relative to it (`materials.0.name`), so the page
   * can put each next to its field; the rest keep their full path.
   */
  const changeSetup = async (req: Request, res: Response, next: HallSetup, summary: string, focus?: { at: string; as?: string }) => {
    const checked = checkSetup(next);
    if (!checked.ok) {
      const issues = checked.issues.map((i) => ({ path: relativePath(i.path, focus), message: i.message, ...(i.code ? { code: i.code } : {}), ...(i.params ? { params: i.params } : {}) }));
      throw new HallError('VALIDATION_FAILED', issues.map((i) => `${i.path}: ${i.message}`).join('; '), { issues });
    }
    const by = who(req);
    await hall.execute({ type: 'ChangeSetup', setup: checked.setup, summary }, { kind: 'manager', userId: by });
    await manager.record(by, 'setup.change', summary);
    res.json(hall.setup);
  };

  const conflict = (message: string, details: Record<string, unknown>) => new HallError('SETUP_CONFLICT', message, details);
  const findSection = (setup: HallSetup, id: string) => {
    const i = setup.sections.findIndex((x) => x.id === id);
    if (i < 0) throw new HallError('UNKNOWN_SECTION', `未知业务板块 ${id} / unknown section`);
    return i;
  };
  const findWindow = (setup: HallSetup, id: string) => {
    const i = setup.windows.findIndex((x) => x.id === id);
    if (i < 0) throw new HallError('UNKNOWN_WINDOW', `未知窗口 ${id} / unknown window`);
    return i;
  };
  const findService = (setup: HallSetup, code: string) => {
    for (const [si, x] of setup.sections.entries()) {
      const vi = x.services.findIndex((v) => v.code === code);
      if (vi >= 0) return { si, vi };
    }
    throw new HallError('UNKNOWN_SERVICE', `未知事项 ${code} / unknown service`);
  };
  /** `null` in a patch removes an optional field. */
  const merge = <T extends object>(item: T, patch: Record<string, unknown>): T => {
    const out = { ...item } as Record<string, unknown>;
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) delete out[k];
      else if (v !== undefined) out[k] = v;
    }
    return out as T;
  };
  /** The parsed body in the order the caller wrote it, so the audit reads as the change was asked. */
  const asSent = <T extends object>(parsed: T, raw: unknown): T => {
    const order = raw && typeof raw === 'object' ? Object.keys(raw) : [];
    const rank = (k: string) => (order.includes(k) ? order.indexOf(k) : order.length);
    return Object.fromEntries(Object.entries(parsed).sort(([a], [b]) => rank(a) - rank(b))) as T;
  };
  const changed = (body: Record<string, unknown>) =>
    Object.entries(body)
      .map(([k, v]) => (Array.isArray(v) ? (typeof v[0] === 'string' ? `${k}=${v.join('+')}` : k) : v !== null && typeof v === 'object' ? k : `${k}=${v}`))
      .join(', ') || '—';

  r.put('/manager/setup', async (req, res) => {
    const body = parse(setupBody, req.body);
    await changeSetup(req, res, body.setup as HallSetup, body.summary ?? '整体配置更新 / setup replaced');
  });

  // Windows: number, name, the sections served in order, policy and weights.

  /** A weighted window keeps weights only for sections it serves; other policies keep none. */
  const tidyWeights = (w: WindowConfig): WindowConfig => {
    if (!w.weights) return w;
    const kept = Object.fromEntries(Object.entries(w.weights).filter(([sid]) => w.sectionIds.includes(sid)));
    const { weights: _dropped, ...rest } = w;
    return w.policy === 'weighted' && Object.keys(kept).length ? { ...rest, weights: kept } : rest;
  };

  r.post('/manager/windows', async (req, res) => {
    const body = asSent(parse(windowPost, req.body), req.body);
    const setup = hall.setup;
    if (setup.windows.some((w) => w.id === body.id)) throw conflict(`窗口编号 ${body.id} 已存在 / window ${body.id} exists`, { reason: 'exists', path: 'id' });
    const w = tidyWeights(merge({} as WindowConfig, body));
    const { id: _id, ...rest } = body;
    await changeSetup(req, res.status(201), { ...setup, windows: [...setup.windows, w] }, `window ${body.id} added: ${changed(rest)}`, { at: `windows[${setup.windows.length}]` });
  });

  r.patch('/manager/windows/:id', async (req, res) => {
    const body = asSent(parse(windowPatch, req.body), req.body);
    const id = req.params.id as string;
    const setup = hall.setup;
    const i = findWindow(setup, id);
    const next = tidyWeights(merge(setup.windows[i]!, body));
    await changeSetup(req, res, { ...setup, windows: setup.windows.map((x, k) => (k === i ? next : x)) }, `window ${id}: ${changed(body)}`, { at: `windows[${i}]` });
  });

  r.delete('/manager/windows/:id', async (req, res) => {
    const id = req.params.id as string;
    const setup = hall.setup;
    findWindow(setup, id);
    // Devices at the counter (card reader, pad, LED bar link) would be left pointing at nothing.
    const port = manager.deviceConfig;
    const devices = (port ? manager.deviceSettings.list(port) : [])
      .filter((d) => (d.kind === 'ledbar' ? d.windowIds.includes(id) : d.kind === 'docscan' ? d.windowId === id : d.attachedTo === id))
      .map((d) => d.id);
    if (devices.length) {
      throw conflict(`窗口 ${id} 仍连接设备 ${devices.join('、')}，请先移除或改接设备 / devices ${devices.join(', ')} are attached to window ${id}`, { reason: 'windowDevices', windowId: id, devices });
    }
    const windows = setup.windows.filter((w) => w.id !== id);
    const served = new Set(windows.flatMap((w) => w.sectionIds));
    const orphans = setup.sections.filter((x) => !served.has(x.id)).map((x) => x.id);
    if (orphans.length) {
      throw conflict(`删除后没有窗口办理 ${orphans.join('、')}，请先让其他窗口办理 / no other window serves ${orphans.join(', ')}`, { reason: 'lastWindow', windowId: id, sectionIds: orphans });
    }
    await changeSetup(req, res, { ...setup, windows }, `window ${id} removed`);
  });

  // Sections: prefix, names, capacity, ID card, service time, target wait, booking slots, open or closed.

  r.post('/manager/sections', async (req, res) => {
    const body = parse(sectionPost, req.body);
    const setup = hall.setup;
    if (setup.sections.some((x) => x.id === body.id)) throw conflict(`业务板块 ${body.id} 已存在 / section ${body.id} exists`, { reason: 'exists', path: 'id' });
    const { windowIds, service, ...fields } = body;
    for (const [k, wid] of windowIds.entries()) {
      if (!setup.windows.some((w) => w.id === wid)) {
        throw new HallError('VALIDATION_FAILED', `windowIds.${k}: 未知窗口 ${wid} / unknown window`, { issues: [{ path: `windowIds.${k}`, message: `unknown window ${wid}`, code: 'unknown_window', params: { id: wid } }] });
      }
    }
    const section = { ...fields, services: [service] } as Section;
    const windows = setup.windows.map((w) => (windowIds.includes(w.id) ? { ...w, sectionIds: [...w.sectionIds, body.id] } : w));
    await changeSetup(req, res.status(201), { ...setup, sections: [...setup.sections, section], windows }, `section ${body.id} added (${body.prefix} ${body.name}, windows ${windowIds.join('+')}, service ${service.code})`, {
      at: `sections[${setup.sections.length}]`,
    });
  });

  r.patch('/manager/sections/:id', async (req, res) => {
    const body = asSent(parse(sectionPatch, req.body), req.body);
    const id = req.params.id as string;
    const setup = hall.setup;
    const i = findSection(setup, id);
    const next = merge(setup.sections[i]!, body);
    await changeSetup(req, res, { ...setup, sections: setup.sections.map((x, k) => (k === i ? next : x)) }, `section ${id}: ${changed(body)}`, { at: `sections[${i}]` });
  });

  r.delete('/manager/sections/:id', async (req, res) => {
    const id = req.params.id as string;
    const setup = hall.setup;
    findSection(setup, id);
    if (setup.sections.length === 1) throw conflict('大厅至少保留一个业务板块 / the hall keeps at least one section', { reason: 'lastSection', sectionId: id });
    const alone = setup.windows.filter((w) => w.sectionIds.length === 1 && w.sectionIds[0] === id).map((w) => w.id);
    if (alone.length) {
      throw conflict(`窗口 ${alone.join('、')} 只办理该板块，请先给它们其他板块或删除窗口 / windows ${alone.join(', ')} serve only this section`, { reason: 'onlySection', sectionId: id, windowIds: alone });
    }
    // The windows that served it stop doing so in the same change (the domain refuses it while tickets live).
    const windows = setup.windows.map((w) => (w.sectionIds.includes(id) ? tidyWeights({ ...w, sectionIds: w.sectionIds.filter((x) => x !== id) }) : w));
    await changeSetup(req, res, { ...setup, sections: setup.sections.filter((x) => x.id !== id), windows }, `section ${id} removed`);
  });

  // Services with their guides: the seven public items (七公开) and the one-line summary.

  r.post('/manager/services', async (req, res) => {
    const body = parse(servicePost, req.body);
    const { sectionId, ...service } = body;
    const setup = hall.setup;
    const si = findSection(setup, sectionId);
    const n = setup.sections[si]!.services.length;
    const sections = setup.sections.map((x, k) => (k === si ? { ...x, services: [...x.services, service as Service] } : x));
    await changeSetup(req, res.status(201), { ...setup, sections }, `service ${service.code} added to ${sectionId}: ${service.name}`, { at: `sections[${si}].services[${n}]` });
  });

  r.patch('/manager/services/:code', async (req, res) => {
    const body = asSent(parse(servicePatch, req.body), req.body);
    const code = req.params.code as string;
    const setup = hall.setup;
    const { si, vi } = findService(setup, code);
    const sections = setup.sections.map((x, k) => (k === si ? { ...x, services: x.services.map((v, j) => (j === vi ? merge(v, body) : v)) } : x));
    await changeSetup(req, res, { ...setup, sections }, `service ${code}: ${Object.keys(body).join(', ') || '—'}`, { at: `sections[${si}].services[${vi}]` });
  });

  r.delete('/manager/services/:code', async (req, res) => {
    const code = req.params.code as string;
    const setup = hall.setup;
    const { si } = findService(setup, code);
    const section = setup.sections[si]!;
    if (section.services.length === 1) {
      throw conflict(`事项 ${code} 是业务板块 ${section.id} 的最后一项，不能删除 / the last service of section ${section.id}`, { reason: 'lastService', serviceCode: code, sectionId: section.id });
    }
    const sections = setup.sections.map((x, k) => (k === si ? { ...x, services: x.services.filter((v) => v.code !== code) } : x));
    await changeSetup(req, res, { ...setup, sections }, `service ${code} removed from ${section.id}`);
  });

  // Queue rules (叫号与取号规则) as a whole: each value is checked as hall.json's rules are. The summary lists
  // what changed, for the audit log.
  r.put('/manager/rules', async (req, res) => {
    const body = parse(rulesBody, req.body);
    const setup = hall.setup;
    const changed = (Object.keys(body) as (keyof typeof body)[]).filter((k) => body[k] !== setup.rules[k]).map((k) => `${k} ${setup.rules[k]} → ${body[k]}`);
    await changeSetup(req, res, { ...setup, rules: body }, `rules: ${changed.join(', ') || 'unchanged'}`, { at: 'rules' });
  });

  // Ticketing hours on working days, or none (tickets at any hour). Booking slots must lie within them.
  r.put('/manager/ticketing-hours', async (req, res) => {
    const body = parse(hoursBody, req.body);
    const setup = hall.setup;
    const hours = body.hours;
    const summary = hours ? `ticketing hours ${hours.open}–${hours.close}` : 'ticketing hours: any time';
    await changeSetup(req, res, { ...setup, ticketingHours: hours }, summary, { at: 'ticketingHours', as: 'hours' });
  });

  r.put('/manager/calendar', async (req, res) => {
    const body = parse(calendarBody, req.body);
    const setup = hall.setup;
    const calendar = { ...setup.calendar, holidays: [...body.holidays].sort(), workdays: [...body.workdays].sort() };
    await changeSetup(req, res, { ...setup, calendar }, `calendar: ${calendar.holidays.length} holidays, ${calendar.workdays.length} make-up workdays`, { at: 'calendar' });
  });

  // ---------------------------------------------------------- staff accounts

  /** Staff numbers name clerks in KPIs and reports, so two accounts never share one. */
  const staffNoFree = (staffNo: string, username: string) => {
    const other = accounts.list().find((a) => a.staffNo === staffNo && a.username !== username);
    if (other) {
      const message = `工号 ${staffNo} 已由 ${other.username} 使用 / staff number used by ${other.username}`;
      throw new HallError('VALIDATION_FAILED', `staffNo: ${message}`, { issues: [{ path: 'staffNo', message, code: 'staff_no_taken', params: { username: other.username } }] });
    }
  };

  r.get('/manager/accounts', (_req, res) => {
    res.json(accounts.list().map((a) => ({ username: a.username, role: a.role, name: a.name, staffNo: a.staffNo, disabled: a.disabled === true })));
  });

  r.post('/manager/accounts', async (req, res) => {
    const body = parse(accountBody, req.body);
    const c = requireManager(req);
    if (body.role !== 'clerk' && c.role !== 'admin') throw new HallError('FORBIDDEN', '只有系统管理员可以创建管理账号 / only an admin creates manager accounts');
    if (accounts.find(body.username)) throw new HallError('ACCOUNT_EXISTS', '账号已存在 / account exists');
    staffNoFree(body.staffNo, body.username);
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
    if (body.staffNo !== undefined) staffNoFree(body.staffNo, username);
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

/** `sections[2].services[0].materials[1].name` → `materials.1.name` inside the focused item; dots throughout. */
export function relativePath(path: string, focus?: { at: string; as?: string }): string {
  let p = path;
  if (focus && (p === focus.at || p.startsWith(`${focus.at}.`) || p.startsWith(`${focus.at}[`))) {
    p = `${focus.as ?? ''}${p.slice(focus.at.length)}`.replace(/^\./, '');
  }
  return p.replace(/\[(\d+)\]/g, '.$1').replace(/^\./, '');
}
