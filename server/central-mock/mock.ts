// A mock of the central approval system: implements docs/central-api.yaml, records each idempotency key once,
// moves accepted cases through accept → review → approve → done on a timer, and injects failures (down, slow,
// 500s, lost answers that make the hall deliver again) on command. The demo hall and the tests use it.
//
// Every request is checked against the OpenAPI document first; a request off the contract is refused with 400
// and counted in `contractViolations`, so a test can assert that the hall never sent one.
//
// What it receives is appended to `<dataDir>/received.ndjson` (fsync'd before the answer), so a restarted
// mock still knows every idempotency key; PDF documents go to `<dataDir>/documents/<sha256>.pdf`.

import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { promises as fsp } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { CentralContract } from '../central/openapi.js';
import type { CasePush, DailyStatsPush, Progress, ProgressStatus, RatingPush, Recorded } from '../central/contract.js';
import { maskName } from '../privacy.js';

export interface Faults {
  /** Every contract request has its connection cut at once (as if the host were down). */
  down: boolean;
  /** Every contract answer waits this long (ms). */
  slowMs: number;
  /** Share of contract requests answered 500 before anything is recorded (0..1). */
  errorRate: number;
  /** The next N contract requests are answered 500 before anything is recorded. */
  errors: number;
  /** The next N pushes are recorded, then their connection is cut: the hall never hears and delivers again. */
  duplicates: number;
}

export const NO_FAULTS: Faults = { down: false, slowMs: 0, errorRate: 0, errors: 0, duplicates: 0 };

export const faultsSchema = z.strictObject({
  down: z.boolean().optional(),
  slowMs: z.number().int().min(0).max(600_000).optional(),
  errorRate: z.number().min(0).max(1).optional(),
  errors: z.number().int().min(0).max(1_000_000).optional(),
  duplicates: z.number().int().min(0).max(1_000_000).optional(),
});

export interface CentralMockOptions {
  dataDir: string;
  /** The key halls present as `Authorization: Bearer <key>`. */
  apiKey: string;
  port?: number;
  host?: string;
  /** Time each of accept → review → approve → done takes for a promised case. Default 60 s. */
  stageMs?: number;
  faults?: Partial<Faults>;
  now?: () => number;
  random?: () => number;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

type Kind = 'case' | 'rating' | 'daily-stats';

/** One recorded push as the admin route lists it (no ID numbers, no document bytes). */
export interface ReceivedEntry {
  seq: number;
  kind: Kind;
  hallCode: string;
  idempotencyKey: string;
  /** Case id, rating id, or stats day. */
  id: string;
  revision?: number;
  receivedAt: string;
}

interface StoredLine {
  seq: number;
  kind: Kind;
  hallCode: string;
  ik: string;
  hash: string;
  at: number;
  body: StoredCase | RatingPush | DailyStatsPush;
  answer: Recorded;
}

/**
 * A case as the mock keeps it: the applicant only masked, the ID number only as a keyed hash (enough to find an
 * applicant's cases), so no personal data sits on disk in the clear, whatever folder the mock uses.
 */
export type StoredCase = Omit<CasePush, 'applicant'> & { applicant: { nameMasked: string; idHash: string } };

interface CaseRecord {
  latest: StoredCase;
  firstAt: number;
  revisions: number[];
}

const KIND_OF: Record<string, Kind> = { pushCase: 'case', pushRating: 'rating', pushDailyStats: 'daily-stats' };

function err(res: Response, status: number, code: string, message: string, extra: Record<string, string> = {}): void {
  for (const [k, v] of Object.entries(extra)) res.setHeader(k, v);
  res.status(status).json({ error: { code, message } });
}

/** Canonical JSON (sorted keys) so the same body always hashes the same. */
function canonical(x: unknown): string {
  if (Array.isArray(x)) return `[${x.map(canonical).join(',')}]`;
  if (x && typeof x === 'object') {
    return `{${Object.keys(x as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((x as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(x);
}

export class CentralMock {
  readonly contract = CentralContract.load();
  faults: Faults;
  /** Push requests that reached the recording step (first deliveries and repeats). */
  deliveries = 0;
  /** Requests that did not match the contract. */
  readonly contractViolations: { method: string; path: string; issues: string[] }[] = [];
  private readonly lines: StoredLine[] = [];
  private readonly byKey = new Map<string, StoredLine>();
  private readonly cases = new Map<string, CaseRecord>();
  private readonly stats = new Map<string, DailyStatsPush>();
  private readonly o: Required<Omit<CentralMockOptions, 'faults' | 'log' | 'port' | 'host'>> & Pick<CentralMockOptions, 'log'>;
  private file: fsp.FileHandle | null = null;
  private chain: Promise<void> = Promise.resolve();
  private server: Server | null = null;
  url = '';

  constructor(o: CentralMockOptions) {
    this.o = { stageMs: 60_000, now: Date.now, random: Math.random, ...o };
    this.faults = { ...NO_FAULTS, ...o.faults };
  }

  // ---------------------------------------------------------------- storage

  async open(): Promise<void> {
    await fsp.mkdir(path.join(this.o.dataDir, 'documents'), { recursive: true });
    const file = path.join(this.o.dataDir, 'received.ndjson');
    let text = '';
    try {
      text = await fsp.readFile(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    let good = 0;
    for (const raw of text.split('\n')) {
      if (!raw) continue;
      try {
        this.index(JSON.parse(raw) as StoredLine);
        good += Buffer.byteLength(raw) + 1;
      } catch {
        break; // a torn last line from a crash: what follows it is cut below
      }
    }
    this.file = await fsp.open(file, 'a+');
    if (good < Buffer.byteLength(text)) await this.file.truncate(good);
  }

  private index(line: StoredLine): void {
    this.lines.push(line);
    this.byKey.set(`${line.hallCode}\n${line.ik}`, line);
    if (line.kind === 'case') {
      const c = line.body as StoredCase;
      const k = `${line.hallCode}\n${c.caseId}`;
      const prev = this.cases.get(k);
      if (prev) {
        prev.revisions.push(c.revision);
        if (c.revision > prev.latest.revision) prev.latest = c;
      } else {
        this.cases.set(k, { latest: c, firstAt: line.at, revisions: [c.revision] });
      }
    } else if (line.kind === 'daily-stats') {
      const s = line.body as DailyStatsPush;
      this.stats.set(`${line.hallCode}\n${s.day}`, s);
    }
  }

  private persist(line: StoredLine): Promise<void> {
    const run = this.chain.then(async () => {
      if (!this.file) throw new Error('mock store closed');
      await this.file.write(JSON.stringify(line) + '\n');
      await this.file.datasync();
    });
    this.chain = run.catch(() => {});
    return run;
  }

  // ---------------------------------------------------------------- what tests and the admin route see

  received(kind?: Kind): ReceivedEntry[] {
    return this.lines
      .filter((l) => !kind || l.kind === kind)
      .map((l) => ({
        seq: l.seq,
        kind: l.kind,
        hallCode: l.hallCode,
        idempotencyKey: l.ik,
        id: l.answer.id,
        ...(l.kind === 'case' ? { revision: (l.body as StoredCase).revision } : {}),
        receivedAt: new Date(l.at).toISOString(),
      }));
  }

  /** The full body of a recorded push (tests compare what arrived with what was sent). */
  body(hallCode: string, idempotencyKey: string): unknown {
    return this.byKey.get(`${hallCode}\n${idempotencyKey}`)?.body;
  }

  summary(): { received: Record<Kind, number>; cases: number; deliveries: number; faults: Faults; contractViolations: number } {
    const received: Record<Kind, number> = { case: 0, rating: 0, 'daily-stats': 0 };
    for (const l of this.lines) received[l.kind]++;
    return { received, cases: this.cases.size, deliveries: this.deliveries, faults: this.faults, contractViolations: this.contractViolations.length };
  }

  setFaults(f: Partial<Faults>): Faults {
    this.faults = { ...this.faults, ...f };
    return this.faults;
  }

  /** Keyed with the hall key, so the hash cannot be looked up in a table of all ID numbers. */
  private idHash(idNumber: string): string {
    return createHash('sha256').update(`${this.o.apiKey}\n${idNumber.toUpperCase()}`).digest('hex');
  }

  // ---------------------------------------------------------------- progress

  progress(hallCode: string, caseId: string): Progress | null {
    const c = this.cases.get(`${hallCode}\n${caseId}`);
    return c ? this.progressOf(c) : null;
  }

  private progressOf(c: CaseRecord): Progress {
    const p = c.latest;
    const t0 = c.firstAt;
    const now = this.o.now();
    const at = (ms: number) => new Date(ms).toISOString();
    const steps: { status: ProgressStatus; at: string }[] = [{ status: 'received', at: at(t0) }];
    switch (p.outcome) {
      case 'refused':
        steps.push({ status: 'refused', at: at(t0) });
        break;
      case 'notice_issued':
        steps.push({ status: 'notice_issued', at: at(t0) });
        break;
      case 'done_on_spot':
        steps.push({ status: 'accepted', at: at(t0) }, { status: 'done', at: at(t0) });
        break;
      default: {
        steps.push({ status: 'accepted', at: at(t0) });
        const next: ProgressStatus[] = ['review', 'approved', 'done'];
        for (let i = 0; i < next.length; i++) {
          const when = t0 + (i + 1) * this.o.stageMs;
          if (when > now) break;
          steps.push({ status: next[i]!, at: at(when) });
        }
      }
    }
    const last = steps.at(-1)!;
    return {
      caseId: p.caseId,
      receiptNo: p.receiptNo,
      serviceCode: p.service.code,
      serviceName: p.service.name,
      applicantName: p.applicant.nameMasked,
      status: last.status,
      steps,
      ...(p.promisedDueDate ? { promisedDueDate: p.promisedDueDate } : {}),
      updatedAt: last.at,
    };
  }

  // ---------------------------------------------------------------- HTTP

  app(): express.Express {
    const app = express();
    app.disable('x-powered-by');
    app.use('/admin', express.json({ limit: '64kb' }), this.adminRouter());

    // Faults act before anything else, as a broken or overloaded host would.
    app.use(async (req, res, next) => {
      if (this.faults.down) return void req.socket.destroy();
      if (this.faults.slowMs > 0) await new Promise((r) => setTimeout(r, this.faults.slowMs));
      if (this.faults.errors > 0 || (this.faults.errorRate > 0 && this.o.random() < this.faults.errorRate)) {
        if (this.faults.errors > 0) this.faults.errors--;
        return void err(res, 500, 'CENTRAL_INTERNAL', '模拟故障 / injected failure');
      }
      next();
    });
    app.use(express.json({ limit: '32mb' }));
    app.use((req, res, next) => {
      const check = this.contract.checkRequest({ method: req.method, path: req.path, query: req.query as Record<string, unknown>, headers: req.headers, body: req.body });
      if (!check.ok) {
        if (check.status === 400) this.contractViolations.push({ method: req.method, path: req.path, issues: check.issues });
        return void err(res, check.status, check.code, check.message);
      }
      const auth = req.headers.authorization;
      if (auth !== `Bearer ${this.o.apiKey}`) return void err(res, 401, 'UNAUTHORIZED', 'hall key missing or wrong');
      res.locals.operationId = check.operationId;
      res.locals.params = check.params;
      res.locals.hallCode = String(req.headers['x-hall-code']);
      next();
    });
    app.use((req, res, next) => void this.handle(req, res).catch(next));
    app.use((e: unknown, _req: Request, res: Response, _next: NextFunction) => {
      const t = (e as { type?: string }).type;
      if (t === 'entity.parse.failed') return void err(res, 400, 'VALIDATION_FAILED', 'body is not valid JSON');
      if (t === 'entity.too.large') return void err(res, 413, 'PAYLOAD_TOO_LARGE', 'body over 32 MiB');
      this.o.log?.('mock central: request failed', { err: (e as Error)?.message });
      err(res, 503, 'CENTRAL_UNAVAILABLE', 'storage failed; retry later', { 'retry-after': '1' });
    });
    return app;
  }

  private async handle(req: Request, res: Response): Promise<void> {
    const op = res.locals.operationId as string;
    const hallCode = res.locals.hallCode as string;
    if (op === 'health') return void res.json({ status: 'ok', time: new Date(this.o.now()).toISOString() });
    if (op === 'caseProgress') {
      const p = this.progress(hallCode, (res.locals.params as Record<string, string>).caseId!);
      return p ? void res.json({ progress: p }) : err(res, 404, 'CASE_NOT_FOUND', '未找到该办件 / no such case');
    }
    if (op === 'progressByReceipt') {
      const receiptNo = String(req.query.receiptNo);
      const c = [...this.cases.entries()].find(([k, v]) => k.startsWith(`${hallCode}\n`) && v.latest.receiptNo === receiptNo);
      return c ? void res.json({ progress: this.progressOf(c[1]) }) : err(res, 404, 'CASE_NOT_FOUND', '未找到该受理单号 / no case with this receipt number');
    }
    if (op === 'progressSearch') {
      const idNumber = (req.body as { idNumber: string }).idNumber;
      const list = [...this.cases.entries()]
        .filter(([k, v]) => k.startsWith(`${hallCode}\n`) && v.latest.applicant.idHash === this.idHash(idNumber))
        .map(([, v]) => v)
        .sort((a, b) => b.firstAt - a.firstAt)
        .slice(0, 50)
        .map((c) => this.progressOf(c));
      return void res.json({ cases: list });
    }
    const kind = KIND_OF[op];
    if (!kind) return err(res, 404, 'NOT_FOUND', 'no such operation');
    await this.push(kind, hallCode, req, res);
  }

  private async push(kind: Kind, hallCode: string, req: Request, res: Response): Promise<void> {
    this.deliveries++;
    const ik = String(req.headers['idempotency-key']);
    const body = req.body as CasePush | RatingPush | DailyStatsPush;
    if (body.hallCode !== hallCode) return err(res, 400, 'VALIDATION_FAILED', 'body hallCode differs from X-Hall-Code');
    const hash = createHash('sha256').update(`${kind}\n${canonical(body)}`).digest('hex');
    const known = this.byKey.get(`${hallCode}\n${ik}`);
    if (known) {
      if (known.hash !== hash) return err(res, 409, 'IDEMPOTENCY_KEY_REUSED', 'this idempotency key was used for a different request');
      res.setHeader('idempotent-replayed', 'true');
      return void res.status(200).json({ ...known.answer, duplicate: true });
    }
    let id: string;
    if (kind === 'case') {
      const c = body as CasePush;
      const prev = this.cases.get(`${hallCode}\n${c.caseId}`);
      if (prev && c.revision <= prev.latest.revision) {
        return err(res, 409, 'STALE_REVISION', `revision ${c.revision} is not newer than the recorded ${prev.latest.revision}`);
      }
      for (const d of c.documents) {
        const bytes = Buffer.from(d.contentBase64, 'base64');
        const sha = createHash('sha256').update(bytes).digest('hex');
        if (sha !== d.sha256 || bytes.length !== d.size) return err(res, 400, 'DOCUMENT_DIGEST_MISMATCH', `document ${d.documentId}: size or sha256 does not match its content`);
        if (!bytes.subarray(0, 5).equals(Buffer.from('%PDF-'))) return err(res, 400, 'VALIDATION_FAILED', `document ${d.documentId} is not a PDF`);
        await fsp.writeFile(path.join(this.o.dataDir, 'documents', `${sha}.pdf`), bytes);
      }
      id = c.caseId;
    } else if (kind === 'rating') {
      id = (body as RatingPush).ratingId;
    } else {
      id = (body as DailyStatsPush).day;
    }
    const at = this.o.now();
    const answer: Recorded = { id, recordedAt: new Date(at).toISOString(), duplicate: false };
    // Document bytes are on disk already; the log keeps the case without them, and without the applicant in clear.
    let stored: StoredLine['body'] = body as RatingPush | DailyStatsPush;
    if (kind === 'case') {
      const { applicant, documents, ...rest } = body as CasePush;
      stored = {
        ...rest,
        applicant: { nameMasked: maskName(applicant.name), idHash: this.idHash(applicant.idNumber) },
        documents: documents.map((d) => ({ ...d, contentBase64: '' })),
      };
    }
    const line: StoredLine = { seq: this.lines.length + 1, kind, hallCode, ik, hash, at, body: stored, answer };
    await this.persist(line);
    this.index(line);
    if (this.faults.duplicates > 0) {
      this.faults.duplicates--;
      return void req.socket.destroy();
    }
    res.status(201).json(answer);
  }

  private adminRouter(): express.Router {
    const r = express.Router();
    r.get('/state', (_req, res) => void res.json(this.summary()));
    r.get('/received', (req, res) => {
      const kind = typeof req.query.kind === 'string' && ['case', 'rating', 'daily-stats'].includes(req.query.kind) ? (req.query.kind as Kind) : undefined;
      res.json({ received: this.received(kind), deliveries: this.deliveries });
    });
    r.get('/violations', (_req, res) => void res.json({ violations: this.contractViolations }));
    r.get('/faults', (_req, res) => void res.json({ faults: this.faults }));
    r.put('/faults', (req, res) => {
      const p = faultsSchema.safeParse(req.body ?? {});
      if (!p.success) return err(res, 400, 'VALIDATION_FAILED', p.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      res.json({ faults: this.setFaults(p.data as Partial<Faults>) });
    });
    r.use((_req, res) => err(res, 404, 'NOT_FOUND', 'no such admin route'));
    r.use((e: unknown, _req: Request, res: Response, _next: NextFunction) => {
      const t = (e as { type?: string }).type;
      err(res, 400, 'VALIDATION_FAILED', t === 'entity.parse.failed' ? 'body is not valid JSON' : 'bad request');
    });
    return r;
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    if (!this.file) await this.open();
    const server = createServer(this.app());
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.server = server;
    const a = server.address() as AddressInfo;
    this.url = `http://${host.includes(':') ? `[${host}]` : host}:${a.port}`;
    return this.url;
  }

  async close(): Promise<void> {
    if (this.server) {
      const s = this.server;
      this.server = null;
      s.closeAllConnections();
      await new Promise<void>((r) => s.close(() => r()));
    }
    await this.chain;
    await this.file?.close().catch(() => {});
    this.file = null;
  }
}

/** Opens the store and listens: the one call the demo hall and the CLI make. */
export async function startCentralMock(o: CentralMockOptions): Promise<CentralMock> {
  const mock = new CentralMock(o);
  await mock.open();
  await mock.listen(o.port ?? 0, o.host ?? '127.0.0.1');
  return mock;
}
