// The hall's link to the central approval system, assembled: the outbox and its HTTP sender, the feed of
// ratings and day figures into it, progress queries for kiosks, and the manager's view of the backlog.
// The composition root builds it once (`CentralLink.start`) and mounts `router()` under /api/v1.
//
// Other modules push through `link.outbox.enqueue({kind, key, idempotencyKey, payload})` (see outbox.ts):
// case capture pushes each case revision with key = case id.

import express, { type Request } from 'express';
import { z } from 'zod';
import type { CentralConfig } from '../../config/schema.js';
import type { Accounts } from '../auth/accounts.js';
import { HallError } from '../errors.js';
import type { Hall } from '../hall/hall.js';
import type { Logger } from '../log.js';
import { identityKey, isValidIdNumber, maskName } from '../privacy.js';
import { CentralClient } from './client.js';
import { CentralFeed } from './feed.js';
import { Outbox, type OutboxStatus, type RejectedItem } from './outbox.js';
import { ProgressService, type ProgressAnswer } from './progress.js';
import type { Progress, ProgressStatus } from './contract.js';
import { mergeProgress } from '../kiosk/progress.js';

export { Outbox } from './outbox.js';
export type { OutboxInput, OutboxItem, OutboxKind, OutboxStatus } from './outbox.js';
export type { CasePush, CaseDocument, RatingPush, DailyStatsPush, Progress } from './contract.js';

/** What the manager sees of the central link (HTTP GET /central/status and the /manager `central` event). */
export interface CentralStatusView {
  /** `remote`: a configured central system; `mock`: the demo's mock; `none`: no URL, pushes wait. */
  mode: 'remote' | 'mock' | 'none';
  url: string | null;
  outbox: OutboxStatus;
  /** Seconds since the oldest owed item was made: how far the central system lags behind the hall. */
  lagSeconds: number;
}

/** What the HTTP edge lends the link's routes. */
export interface CentralEdge {
  /** Throws 401/403 unless the request carries a manager's token. */
  requireManager(req: Request): unknown;
  /** The token's claims (a staff token's, or the kiosk a device key names), undefined without one; throws on a bad token. */
  optionalClaims(req: Request): unknown;
  /** Throws 401/403 unless the request carries this kiosk's own device key (anyone in demo mode). */
  kioskKey(req: Request, kioskId: string): void;
  demo: boolean;
}

export interface CentralLinkOptions {
  hall: Hall;
  accounts: Accounts;
  log: Logger;
  config: CentralConfig;
  hallCode: string;
  /** Outbox folder (under the hall's data folder). */
  dir: string;
  /** The central system's URL after overrides; null when none is configured. */
  url: string | null;
  mode: CentralStatusView['mode'];
  apiKey: string;
  /** 32 bytes: seals outbox payloads (cases carry full ID numbers). */
  sealKey: Buffer;
  /** Identity keys for progress searches by ID number (the cache keys on them, never on the number). */
  idSecret: Buffer;
  /**
   * The ID number the kiosk's card reader read last (fresh and unused), for progress by card; it stays in
   * the server. Absent (or null): such queries answer NO_CARD_READ.
   */
  cardIdentity?: (kioskId: string | undefined) => string | null;
  /** The hall's own closed cases, answered where the central system does not know them (yet). */
  hallCases?: HallCaseLookup;
  now?: () => number;
  random?: () => number;
}

const receiptSchema = z.string().trim().regex(/^[A-Za-z0-9][A-Za-z0-9-]{3,39}$/, '受理单号格式不正确 / not a receipt number');
const progressBody = z.union([
  z.strictObject({ receiptNumber: receiptSchema }),
  z.strictObject({ idNumber: z.string().trim().min(1).max(32) }),
  z.strictObject({ useCard: z.literal(true), kioskId: z.string().trim().min(1).max(64).optional() }),
]);

/** The hall's own case records as progress (server/kiosk/progress.ts). */
export interface HallCaseLookup {
  byReceipt(receiptNo: string): Progress | undefined;
  byIdNumber(idNumber: string): Progress[];
}

export class CentralLink {
  readonly outbox: Outbox;
  readonly client: CentralClient | null;
  readonly feed: CentralFeed;
  readonly progress: ProgressService;
  private readonly o: CentralLinkOptions;
  private readonly now: () => number;
  private readonly listeners = new Set<(v: CentralStatusView) => void>();
  private timer: NodeJS.Timeout | null = null;
  private pendingEmit = false;

  private constructor(o: CentralLinkOptions, outbox: Outbox, client: CentralClient | null) {
    this.o = o;
    this.outbox = outbox;
    this.client = client;
    const now = o.now ?? Date.now;
    this.now = now;
    this.feed = new CentralFeed({
      hall: o.hall,
      outbox,
      hallCode: o.hallCode,
      staffNo: (id) => o.accounts.find(id)?.staffNo,
      now,
      log: (level, msg, fields) => o.log[level](fields, msg),
    });
    this.progress = new ProgressService({ client, cacheSeconds: o.config.progressCacheSeconds, now });
    outbox.on('status', () => this.scheduleEmit());
  }

  static async start(o: CentralLinkOptions): Promise<CentralLink> {
    const client = o.url ? new CentralClient({ url: o.url, apiKey: o.apiKey, hallCode: o.hallCode, timeoutMs: o.config.timeoutSeconds * 1000 }) : null;
    const sender = client ?? {
      // No central system: every attempt fails as "not configured" and the items wait, visible to the manager.
      send: async () => ({ ok: false as const, retry: true, code: 'CENTRAL_NOT_CONFIGURED', message: 'no central URL configured (central.url or HALL_CENTRAL_URL)' }),
    };
    const outbox = await Outbox.open({
      dir: o.dir,
      sender,
      sealKey: o.sealKey,
      baseDelayMs: o.config.retry.baseSeconds * 1000,
      maxDelayMs: o.config.retry.maxSeconds * 1000,
      concurrency: o.config.retry.concurrency,
      ...(o.now ? { now: o.now } : {}),
      ...(o.random ? { random: o.random } : {}),
      log: (level, msg, fields) => o.log[level](fields, msg),
    });
    const link = new CentralLink(o, outbox, client);
    try {
      await link.feed.start();
    } catch (err) {
      await outbox.close();
      throw err;
    }
    o.log.info({ mode: o.mode, url: o.url, backlog: outbox.status().backlog }, 'central link started');
    return link;
  }

  status(): CentralStatusView {
    const s = this.outbox.status();
    return { mode: this.o.mode, url: this.o.url, outbox: s, lagSeconds: s.oldestAgeSeconds };
  }

  /** Called with the status when it changed, at most about twice a second. */
  onStatus(fn: (v: CentralStatusView) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private scheduleEmit(): void {
    if (this.timer) {
      this.pendingEmit = true;
      return;
    }
    this.emitNow();
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.pendingEmit) {
        this.pendingEmit = false;
        this.scheduleEmit();
      }
    }, 500);
    this.timer.unref();
  }

  private emitNow(): void {
    const v = this.status();
    for (const fn of this.listeners) {
      try {
        fn(v);
      } catch (err) {
        this.o.log.error({ err: (err as Error).message }, 'central status listener failed');
      }
    }
  }

  /**
   * Routes under /api/v1: manager views of the outbox, and the kiosks' progress queries. The edge's own
   * checks are passed in, so every route refuses the same way.
   */
  router(edge: CentralEdge): express.Router {
    const { requireManager } = edge;
    const r = express.Router();
    r.get('/central/status', (req, res) => {
      requireManager(req);
      res.json(this.status());
    });
    r.get('/central/outbox/rejected', (req, res) => {
      requireManager(req);
      const items: RejectedItem[] = this.outbox.rejectedItems();
      res.json({ items });
    });
    r.post('/central/outbox/retry', (req, res) => {
      requireManager(req);
      this.outbox.retryNow();
      res.json(this.status());
    });
    r.post('/central/outbox/:id/requeue', async (req, res) => {
      requireManager(req);
      const id = Number(req.params.id);
      if (!Number.isSafeInteger(id) || id < 1) throw new HallError('VALIDATION_FAILED', 'id: must be a positive integer');
      await this.outbox.requeue(id);
      res.json(this.status());
    });
    // Kiosks. One case by its receipt number: `{available: true, cached, fetchedAt, progress}`, 404
    // CASE_NOT_FOUND, or `{available: false, error, retryAfterSeconds, stale?: {fetchedAt, progress}}`.
    r.get('/progress', async (req, res) => {
      const p = receiptSchema.safeParse(req.query.receipt);
      if (!p.success) throw new HallError('VALIDATION_FAILED', `receipt: ${p.error.issues[0]?.message ?? 'required'}`);
      const a = await this.progress.byReceipt(p.data);
      // A case the central system has not got (or cannot be asked about) may be one this hall closed.
      const own = !a.available || 'notFound' in a ? this.o.hallCases?.byReceipt(p.data) : undefined;
      if (own) {
        return void res.json({ available: true, cached: false, fetchedAt: new Date(this.now()).toISOString(), progress: own, source: 'hall', ...(a.available ? {} : { centralError: { code: a.code, message: a.message } }) });
      }
      if (!a.available) {
        const { stale, ...rest } = a;
        return void res.json({ ...unavailable(rest), ...(stale ? { stale: { fetchedAt: stale.fetchedAt, progress: stale.result } } : {}) });
      }
      if ('notFound' in a) throw new HallError('CASE_NOT_FOUND', '未找到该受理单号的办件 / no case with this receipt number');
      res.json({ available: true, cached: a.cached, fetchedAt: a.fetchedAt, progress: a.result });
    });
    // A search (by receipt, by ID number typed in, or by the card on the kiosk's reader): a list of cases.
    r.post('/progress', async (req, res) => {
      const body = req.body as Record<string, unknown> | undefined;
      // The card on a kiosk's reader: only that kiosk may ask with it.
      if (body && typeof body === 'object' && 'useCard' in body) edge.kioskKey(req, typeof body.kioskId === 'string' ? body.kioskId : '');
      // A search by person names whose cases to show: outside the demo only a kiosk or staff token may ask.
      else if (!edge.demo && body && typeof body === 'object' && !('receiptNumber' in body) && !edge.optionalClaims(req)) {
        throw new HallError('UNAUTHORIZED', '按身份证查询需要设备或工作人员身份 / a kiosk or staff token is required to search by ID');
      }
      res.json(await this.progressAnswer(req.body));
    });
    return r;
  }

  /**
   * `{available: true, cases, cached, fetchedAt}` (`cases` empty when nothing matches), or, when the central
   * system cannot answer, `{available: false, error, retryAfterSeconds, stale?: {fetchedAt, cases}}`: a clear
   * answer, never a 5xx.
   */
  private async progressAnswer(input: unknown): Promise<Record<string, unknown>> {
    const p = progressBody.safeParse(input ?? {});
    if (!p.success) throw new HallError('VALIDATION_FAILED', p.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; '));
    const q = p.data;
    let a: ProgressAnswer<Progress[]>;
    let own: Progress[] = [];
    if ('receiptNumber' in q) {
      const mine = this.o.hallCases?.byReceipt(q.receiptNumber);
      if (mine) own = [mine];
      const one = await this.progress.byReceipt(q.receiptNumber);
      if (!one.available) {
        const { stale, ...rest } = one;
        a = { ...rest, ...(stale ? { stale: { fetchedAt: stale.fetchedAt, result: [stale.result] } } : {}) };
      } else {
        a = 'notFound' in one ? one : { ...one, result: [one.result] };
      }
    } else {
      let idNumber: string;
      if ('useCard' in q) {
        const read = this.o.cardIdentity?.(q.kioskId);
        if (!read) throw new HallError('NO_CARD_READ', '请先在读卡区放置身份证 / place the ID card on the reader first');
        idNumber = read;
      } else {
        if (!isValidIdNumber(q.idNumber)) throw new HallError('VALIDATION_FAILED', 'idNumber: 身份证号码无效 / not a valid ID number');
        idNumber = q.idNumber.trim().toUpperCase();
      }
      a = await this.progress.byIdNumber(identityKey(this.o.idSecret, idNumber), idNumber);
      own = this.o.hallCases?.byIdNumber(idNumber) ?? [];
    }
    const fetchedNow = new Date(this.now()).toISOString();
    if (!a.available) {
      const { stale, ...rest } = a;
      // The hall's own records still answer; the kiosk says the central system could not be asked.
      if (own.length > 0) {
        const cases = mergeProgress(stale?.result ?? [], own).map(progressCase);
        return { available: true, cases, cached: false, fetchedAt: fetchedNow, source: 'hall', centralError: { code: rest.code, message: rest.message } };
      }
      return { ...unavailable(rest), ...(stale ? { stale: { fetchedAt: stale.fetchedAt, cases: stale.result.map(progressCase) } } : {}) };
    }
    if ('notFound' in a) return { available: true, cases: own.map(progressCase), cached: false, fetchedAt: fetchedNow };
    return { available: true, cases: mergeProgress(a.result, own).map(progressCase), cached: a.cached, fetchedAt: a.fetchedAt };
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.listeners.clear();
    this.feed.stop();
    await this.feed.idle();
    await this.outbox.close();
  }
}

function unavailable(a: { code: string; message: string; retryAfterSeconds: number }) {
  return { available: false, error: { code: a.code, message: a.message }, retryAfterSeconds: a.retryAfterSeconds };
}

const STATUS_TEXT: Record<ProgressStatus, string> = {
  received: '已接收 / Received',
  accepted: '已受理 / Accepted',
  review: '审查中 / Under review',
  approved: '已批准 / Approved',
  done: '已办结 / Completed',
  refused: '不予受理 / Refused',
  notice_issued: '待补正材料 / Materials to be added',
};

/** What a kiosk shows of a case: no ID number, the applicant masked. */
export interface ProgressCase {
  receiptNumber: string;
  caseId: string;
  serviceCode: string;
  serviceName: string;
  applicantName: string;
  status: ProgressStatus;
  statusText: string;
  acceptedAt?: string;
  dueDate?: string;
  steps: { status: ProgressStatus; at: string }[];
  updatedAt: string;
}

function progressCase(p: Progress): ProgressCase {
  const accepted = p.steps.find((s) => s.status === 'accepted');
  return {
    receiptNumber: p.receiptNo,
    caseId: p.caseId,
    serviceCode: p.serviceCode,
    serviceName: p.serviceName,
    applicantName: maskName(p.applicantName),
    status: p.status,
    statusText: STATUS_TEXT[p.status],
    ...(accepted ? { acceptedAt: accepted.at } : {}),
    ...(p.promisedDueDate ? { dueDate: p.promisedDueDate } : {}),
    steps: p.steps,
    updatedAt: p.updatedAt,
  };
}
