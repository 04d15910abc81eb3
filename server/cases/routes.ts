// HTTP routes of case capture, mounted on the API router: every body validated here, refusals in the one
// error shape. Clerks act on their own window's cases; managers read every case and the supervision report.

import express, { type Request, type Router } from 'express';
import { z } from 'zod';
import type { Accounts, TokenClaims } from '../auth/accounts.js';
import { HallError } from '../errors.js';
import type { Hall } from '../hall/hall.js';
import type { Clerk } from '../hall/types.js';
import type { Cases } from './service.js';
import { CASE_OUTCOMES, type CaseRecord } from './types.js';
import { bearer, parse } from '../http/edge.js';

const id = z.string().trim().min(1).max(64);
const line = (max: number) => z.string().trim().min(1).max(max);

const createBody = z.union([
  z.strictObject({ windowId: id, serviceCode: id, ticketId: id.optional(), useCard: z.literal(true) }),
  z.strictObject({
    windowId: id,
    serviceCode: id,
    ticketId: id.optional(),
    applicant: z.strictObject({ name: line(60), idNumber: z.string().trim().min(1).max(32), phone: z.string().trim().regex(/^[0-9+\- ]{5,20}$/).optional() }),
  }),
]);
const materialsBody = z.strictObject({
  materials: z.array(z.strictObject({ name: line(200), state: z.enum(['provided', 'missing', 'defective']), note: line(200).optional() })).min(1).max(100),
});
const outcomeBody = z.strictObject({
  outcome: z.enum(CASE_OUTCOMES as [string, ...string[]]).transform((v) => v as (typeof CASE_OUTCOMES)[number]),
  commitment: line(500).optional(),
  commitmentWorkingDays: z.number().int().min(1).max(60).optional(),
  reason: line(500).optional(),
  legalBasis: line(500).optional(),
  remark: line(500).optional(),
});
const listQuery = z.strictObject({ windowId: id.optional(), status: z.enum(['draft', 'closed']).optional(), day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional() });


export interface CaseRoutesOptions {
  cases: Cases;
  hall: Hall;
  accounts: Accounts;
}

export function caseRoutes(o: CaseRoutesOptions): Router {
  const r = express.Router();
  const claimsOf = (req: Request): TokenClaims => {
    const h = req.headers.authorization;
    return o.accounts.verifyToken(bearer(h));
  };
  /** The clerk signed in at `windowId` with this token; anyone else is refused. */
  const clerkAt = (req: Request, windowId: string): Clerk => {
    const c = claimsOf(req);
    if (!o.hall.setup.windows.some((w) => w.id === windowId)) throw new HallError('UNKNOWN_WINDOW', `未知窗口 ${windowId} / unknown window`);
    if (c.role !== 'clerk') throw new HallError('FORBIDDEN', '办件由窗口工作人员受理 / cases are captured by the window clerk');
    if (c.win !== windowId) throw new HallError('WRONG_WINDOW', '只能操作本人签入的窗口 / not your window');
    const current = o.hall.state.windows[windowId]?.clerk;
    if (current && current.id !== c.sub) throw new HallError('WRONG_WINDOW', '该窗口已由他人签入 / another clerk signed in here');
    const acc = o.accounts.find(c.sub);
    if (!acc) throw new HallError('UNAUTHORIZED', 'unknown account');
    return { id: acc.username, name: acc.name, staffNo: acc.staffNo };
  };
  /** Read access: the case's own window clerk, or a manager. */
  const readable = (req: Request, caseId: string): CaseRecord => {
    const c = claimsOf(req);
    const rec = o.cases.get(caseId);
    if (c.role === 'clerk' && c.win !== rec.windowId) throw new HallError('WRONG_WINDOW', '只能查看本窗口的办件 / not a case of your window');
    return rec;
  };
  const writable = (req: Request, caseId: string): CaseRecord => {
    const rec = o.cases.get(caseId);
    clerkAt(req, rec.windowId);
    return rec;
  };

  r.get('/cases', (req, res) => {
    const q = parse(listQuery, req.query);
    const c = claimsOf(req);
    if (c.role === 'clerk') {
      if (q.windowId && q.windowId !== c.win) throw new HallError('WRONG_WINDOW', '只能查看本窗口的办件 / not your window');
      if (c.win) q.windowId = c.win;
    }
    res.json({ cases: o.cases.list(q) });
  });

  // A receipt number, case id or ticket typed or scanned at the clerk's window: what it names.
  r.get('/cases/lookup', (req, res) => {
    const q = parse(z.strictObject({ code: z.string().trim().min(1).max(200) }), req.query);
    const c = claimsOf(req);
    if (c.role !== 'clerk' || !c.win) throw new HallError('FORBIDDEN', '办件查找由窗口工作人员使用 / for window clerks');
    const found = o.cases.lookup(q.code, c.win);
    if (found.kind === 'none') throw new HallError('CASE_NOT_FOUND', '未找到该受理单号、办件或号票 / no case or ticket with this code');
    res.json(found);
  });

  r.post('/cases', async (req, res) => {
    const body = parse(createBody, req.body);
    const clerk = clerkAt(req, body.windowId);
    const view = await o.cases.create({
      windowId: body.windowId,
      clerk,
      serviceCode: body.serviceCode,
      ...(body.ticketId ? { ticketId: body.ticketId } : {}),
      applicant: 'useCard' in body ? 'card' : { name: body.applicant.name, idNumber: body.applicant.idNumber, ...(body.applicant.phone ? { phone: body.applicant.phone } : {}) },
    });
    res.status(201).json({ case: view });
  });

  r.get('/cases/:id', (req, res) => {
    res.json({ case: o.cases.view(readable(req, req.params.id)) });
  });

  r.put('/cases/:id/materials', async (req, res) => {
    writable(req, req.params.id);
    const body = parse(materialsBody, req.body);
    res.json({ case: await o.cases.setMaterials(req.params.id, body.materials) });
  });

  // Scanned pages arrive as the image itself (image/jpeg, image/png, …), not inside JSON.
  r.post('/cases/:id/pages', express.raw({ type: ['image/jpeg', 'image/png', 'image/tiff', 'image/webp'], limit: '15mb' }), async (req, res) => {
    writable(req, req.params.id);
    if (!Buffer.isBuffer(req.body) || req.body.length === 0) {
      throw new HallError('VALIDATION_FAILED', 'page: 请以 image/jpeg、image/png、image/tiff 或 image/webp 上传图像 / send the image as image/jpeg, image/png, image/tiff or image/webp');
    }
    res.status(201).json({ case: await o.cases.addPage(req.params.id, req.body) });
  });

  // The window's document scanner scans now; its pages join the draft (201 with how many came in).
  r.post('/cases/:id/scan', async (req, res) => {
    writable(req, req.params.id);
    if (req.body !== undefined && (typeof req.body !== 'object' || req.body === null || Object.keys(req.body).length > 0)) {
      throw new HallError('VALIDATION_FAILED', '(body): must be empty or {}');
    }
    res.status(201).json(await o.cases.scanPages(req.params.id));
  });

  r.get('/cases/:id/pages/:pageId', async (req, res) => {
    readable(req, req.params.id);
    const img = await o.cases.page(req.params.id, req.params.pageId);
    res.type('image/jpeg').set('cache-control', 'no-store').send(img);
  });

  r.delete('/cases/:id/pages/:pageId', async (req, res) => {
    writable(req, req.params.id);
    res.json({ case: await o.cases.removePage(req.params.id, req.params.pageId) });
  });

  r.post('/cases/:id/outcome', async (req, res) => {
    writable(req, req.params.id);
    const body = parse(outcomeBody, req.body);
    const view = await o.cases.decide(req.params.id, {
      outcome: body.outcome,
      ...(body.commitment ? { commitment: body.commitment } : {}),
      ...(body.commitmentWorkingDays ? { commitmentWorkingDays: body.commitmentWorkingDays } : {}),
      ...(body.reason ? { reason: body.reason } : {}),
      ...(body.legalBasis ? { legalBasis: body.legalBasis } : {}),
      ...(body.remark ? { remark: body.remark } : {}),
    });
    // The slip prints at once; a printer problem never undoes the decision.
    const print = await o.cases.printSlip(view.id).catch((err: Error) => ({ printed: false, code: (err as HallError).code ?? 'PRINT_FAILED', message: err.message }));
    res.json({ case: view, print });
  });

  // 容缺受理: the missing materials brought later (all open ones when none are named).
  r.post('/cases/:id/supplement', async (req, res) => {
    writable(req, req.params.id);
    const body = parse(z.strictObject({ materials: z.array(line(200)).min(1).max(100).optional() }), req.body);
    res.json({ case: await o.cases.supplement(req.params.id, body.materials) });
  });

  r.get('/cases/:id/documents/:name', async (req, res) => {
    readable(req, req.params.id);
    const pdf = await o.cases.document(req.params.id, req.params.name);
    res
      .type('application/pdf')
      .set('cache-control', 'no-store')
      .set('content-disposition', `inline; filename="${req.params.id}-${req.params.name.replace(/[^a-z0-9.-]/g, '')}"`)
      .send(pdf);
  });

  r.get('/cases/:id/slip', (req, res) => {
    readable(req, req.params.id);
    const bytes = o.cases.slip(req.params.id);
    res.json({ bytes: bytes.toString('base64') });
  });

  r.post('/cases/:id/print', async (req, res) => {
    writable(req, req.params.id);
    res.json(await o.cases.printSlip(req.params.id));
  });

  r.get('/supervision', (req, res) => {
    const c = claimsOf(req);
    if (c.role === 'clerk') throw new HallError('FORBIDDEN', '需要管理员权限 / manager role required');
    res.json(o.cases.supervision());
  });

  return r;
}
