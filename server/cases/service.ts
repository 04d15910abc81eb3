// Case capture at the window: a draft (service, applicant, ticket), its materials checklist, scanned pages,
// then one outcome that closes it with a receipt number, working-day deadlines, its documents and its slip,
// and hands it to the outbox for the central approval system. Every answer comes after the change is durable.

import { createHash, randomBytes } from 'node:crypto';
import sharp, { type OutputInfo } from 'sharp';
import type { HallConfig } from '../../config/schema.js';
import { HallError } from '../errors.js';
import type { Hall } from '../hall/hall.js';
import { addDays, addWorkingDays, localDay, toIso } from '../hall/calendar.js';
import type { Clerk, Service } from '../hall/types.js';
import type { Logger } from '../log.js';
import { isValidIdNumber, maskName } from '../privacy.js';
import type { CasesConfig } from './config.js';
import { type CjkFont, type DocumentContext, OUTCOME_FILES, OUTCOME_TITLES, outcomeSlip } from './documents.js';
import type { PdfRenderer } from './pdf-renderer.js';
import type { CaseStore } from './store.js';
import { caseAlerts, caseDeadlines, supervisionCounts, ticketAlerts, type SupervisionReport } from './supervision.js';
import type { Applicant, CaseLookup, CaseMaterial, CaseOutcome, CaseRecord, CaseView, CentralCaseStatus, MaterialState } from './types.js';

export type { CaseLookup } from './types.js';
import type { Sealer } from './seal.js';

/** The identity a window's ID-card reader read last (the device registry provides it). */
export interface CardIdentity {
  name: string;
  idNumber: string;
  sex?: string;
  address?: string;
  /** epoch ms */
  readAt: number;
}
export interface IdentitySource {
  lastIdentity(windowId: string): CardIdentity | undefined;
}

/** Sends a slip to the printer at a window; answers whether it printed (never throws for a missing printer). */
export interface SlipPrinter {
  printAtWindow(windowId: string, bytes: Buffer): Promise<{ printed: boolean; code?: string; message?: string }>;
}

/** The window's document scanner: scans now and hands over the window's scanned pages (JPEG) for a case. */
export interface WindowScanner {
  /** `release` is called once the case holds the pages (they leave the window's scan draft then). */
  scanForCase(windowId: string): Promise<{ images: Buffer[]; release: () => Promise<void> }>;
}

/** A case's progress as the central approval system reports it (the contract's Progress, the fields used here). */
export interface CentralProgress {
  status: CentralCaseStatus;
  steps: { status: CentralCaseStatus; at: string }[];
  updatedAt: string;
}

/** Asks the central approval system how a case stands; never throws (the central link's client). */
export interface CaseProgressSource {
  progressByCase(caseId: string): Promise<{ ok: true; value: CentralProgress } | { ok: false; reason: 'not_found' | 'unreachable' | 'refused'; code?: string; message?: string }>;
}

/** The narrow part of the central outbox that cases use. */
export interface CaseOutbox {
  enqueue(input: { kind: 'case'; key: string; idempotencyKey: string; payload: unknown }): Promise<unknown>;
}

export interface CasesOptions {
  hall: Hall;
  config: HallConfig;
  settings: CasesConfig;
  store: CaseStore;
  sealer: Sealer;
  font: CjkFont | null;
  pdf: PdfRenderer;
  log: Logger;
  identities?: IdentitySource;
  printer?: SlipPrinter;
  outbox?: CaseOutbox;
  progress?: CaseProgressSource;
  scanner?: WindowScanner;
}

export interface NewCase {
  windowId: string;
  clerk: Clerk;
  serviceCode: string;
  ticketId?: string;
  /** Typed applicant, or `card` for what the window's reader read last. */
  applicant: { name: string; idNumber: string; phone?: string } | 'card';
}

/** What one round of trackCentral did. */
export interface TrackRound {
  asked: number;
  changed: number;
  completed: number;
  /** Why the round stopped early (central unreachable or refusing). */
  error?: string;
}


/** The bare code from a scan: receipts may carry a URL whose `receipt`/`code` parameter or last segment is it. */
export function scannedCode(raw: string): string {
  const s = raw.trim();
  if (!/^https?:\/\//i.test(s)) return s;
  try {
    const u = new URL(s);
    return (u.searchParams.get('receipt') ?? u.searchParams.get('code') ?? u.pathname.split('/').filter(Boolean).pop() ?? s).trim();
  } catch {
    return s;
  }
}

export interface Decision {
  outcome: CaseOutcome;
  commitment?: string;
  commitmentWorkingDays?: number;
  reason?: string;
  legalBasis?: string;
  remark?: string;
}

// The central contract's names (docs/central-api.yaml, POST /v1/cases).
type CentralDocumentType = 'receipt' | 'notice' | 'commitment' | 'refusal' | 'completion' | 'materials';
const CENTRAL_OUTCOMES = {
  done: 'done_on_spot',
  accepted: 'accepted',
  accepted_pending: 'accepted_pending_materials',
  notice: 'notice_issued',
  refused: 'refused',
} as const satisfies Record<CaseOutcome, string>;
const CENTRAL_DOCUMENT_TYPES = {
  done: 'completion',
  accepted: 'receipt',
  accepted_pending: 'commitment',
  notice: 'notice',
  refused: 'refusal',
} as const satisfies Record<CaseOutcome, CentralDocumentType>;

/** The body of a case push as the central contract defines it. */
export interface CasePushBody {
  caseId: string;
  revision: number;
  receiptNo: string;
  hallCode: string;
  service: { code: string; name: string; kind: 'immediate' | 'promised'; legalLimitDays: number; promisedLimitDays: number };
  outcome: (typeof CENTRAL_OUTCOMES)[CaseOutcome];
  capturedAt: string;
  promisedDueDate?: string;
  legalDueDate?: string;
  materialsDueDate?: string;
  refusal?: { reason: string; legalBasis: string };
  applicant: { name: string; idNumber: string; phone?: string };
  materials: { name: string; required: boolean; provided: boolean; copies?: number; note?: string }[];
  clerk: { staffNo: string; windowId: string };
  ticketNumber?: string;
  documents: { documentId: string; type: CentralDocumentType; title: string; mediaType: 'application/pdf'; sha256: string; size: number; contentBase64: string }[];
}

const CARD_MAX_AGE_MS = 60_000;
/** Central stages after which nothing more happens to a case. */
const FINAL_STATUSES: ReadonlySet<CentralCaseStatus> = new Set(['done', 'refused']);
/** Cases asked about per tracking round, oldest answer first; the rest wait for the next round. */
const TRACK_BATCH = 200;
const MAX_PAGES = 40;
/** Scans are normalised to this width (A4 at about 200 dpi) and to grayscale JPEG. */
const PAGE_WIDTH = 1654;

export function maskIdNumber(id: string): string {
  const s = id.trim().toUpperCase();
  return s.length <= 7 ? '*'.repeat(s.length) : s.slice(0, 3) + '*'.repeat(s.length - 7) + s.slice(-4);
}

export class Cases {
  /** Highest receipt sequence used per year. */
  private readonly receiptSeq = new Map<string, number>();
  private readonly hallCode: string;
  /** Case versions being handed to the outbox right now. */
  private readonly pushing = new Set<string>();
  /** When central was last asked about each case (memory only: an answer that changed nothing is not written). */
  private readonly asked = new Map<string, number>();
  private tracking: Promise<TrackRound> | null = null;

  constructor(private readonly o: CasesOptions) {
    this.hallCode = o.config.hall.code;
    for (const r of o.store.all()) this.noteReceipt(r.receiptNo);
  }

  private noteReceipt(no: string | undefined): void {
    const m = no ? /-(\d{4})-(\d{6,})$/.exec(no) : null;
    if (!m) return;
    const n = Number(m[2]);
    if (n > (this.receiptSeq.get(m[1]!) ?? 0)) this.receiptSeq.set(m[1]!, n);
  }

  /** Allocated synchronously, so two decisions at once never share a number. */
  private nextReceipt(year: string): string {
    const n = (this.receiptSeq.get(year) ?? 0) + 1;
    this.receiptSeq.set(year, n);
    return `${this.hallCode}-${year}-${String(n).padStart(6, '0')}`;
  }

  private now(): number {
    return this.o.hall.now();
  }

  private iso(ms: number): string {
    return toIso(ms, this.o.hall.setup.calendar);
  }

  private findService(code: string): { service: Service; sectionId: string } {
    for (const s of this.o.hall.setup.sections) {
      const service = s.services.find((x) => x.code === code);
      if (service) return { service, sectionId: s.id };
    }
    throw new HallError('UNKNOWN_SERVICE', `未知事项 ${code} / unknown service`);
  }

  view(r: CaseRecord): CaseView {
    const { sealed: _sealed, pushed: _pushed, ...view } = r;
    return view;
  }

  get(id: string): CaseRecord {
    const r = this.o.store.get(id);
    if (!r) throw new HallError('UNKNOWN_CASE', `未找到办件 ${id} / unknown case`);
    return r;
  }

  list(filter: { windowId?: string; status?: 'draft' | 'closed'; day?: string } = {}): CaseView[] {
    const out: CaseView[] = [];
    for (const r of this.o.store.all()) {
      if (filter.windowId && r.windowId !== filter.windowId) continue;
      if (filter.status && r.status !== filter.status) continue;
      if (filter.day && r.createdAt.slice(0, 10) !== filter.day) continue;
      out.push(this.view(r));
    }
    return out.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  /**
   * A receipt number, case id or ticket (number or id) as scanned or typed at `windowId`: the case it names
   * (for a ticket, the newest case of that ticket), else today's ticket itself, else nothing.
   */
  lookup(raw: string, windowId: string): CaseLookup {
    const code = scannedCode(raw).toUpperCase();
    if (!code || code.length > 80) return { kind: 'none' };
    const hit = (r: CaseRecord): CaseLookup => ({ kind: 'case', caseId: r.id, ...(r.receiptNo ? { receiptNo: r.receiptNo } : {}), windowId: r.windowId, status: r.status });
    const direct = this.o.store.get(code);
    if (direct) return hit(direct);
    for (const r of this.o.store.all()) if (r.receiptNo?.toUpperCase() === code) return hit(r);
    const state = this.o.hall.state;
    let ticket = state.tickets.get(code) ?? state.tickets.get(raw.trim());
    if (!ticket) for (const t of state.tickets) if (t.number.toUpperCase() === code && t.day === state.day) ticket = t;
    if (!ticket) return { kind: 'none' };
    let newest: CaseRecord | undefined;
    for (const r of this.o.store.all()) if (r.ticketId === ticket.id && (!newest || r.createdAt > newest.createdAt)) newest = r;
    if (newest) return hit(newest);
    return { kind: 'ticket', ticketId: ticket.id, number: ticket.number, current: state.windows[windowId]?.currentTicketId === ticket.id };
  }

  /**
   * Closed cases of the applicant with this ID number, newest first (a kiosk's progress query by card). The
   * number is only inside each sealed applicant, so each is opened; such queries are rare and cases few.
   */
  closedForApplicant(idNumber: string): CaseView[] {
    const want = idNumber.trim().toUpperCase();
    const out: CaseView[] = [];
    for (const r of this.o.store.all()) {
      if (r.status !== 'closed') continue;
      try {
        if (this.o.sealer.open<Applicant>(r.sealed, r.id).idNumber.toUpperCase() === want) out.push(this.view(r));
      } catch {
        // A record that does not open (another key) is not this applicant's as far as a kiosk can tell.
      }
    }
    return out.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  async create(input: NewCase): Promise<CaseView> {
    const { service, sectionId } = this.findService(input.serviceCode);
    let applicant: Applicant;
    if (input.applicant === 'card') {
      const card = this.o.identities?.lastIdentity(input.windowId);
      if (!card || this.now() - card.readAt > CARD_MAX_AGE_MS) {
        throw new HallError('NO_CARD_READ', '请先在本窗口读卡器上放置身份证 / place the ID card on this window\'s reader first');
      }
      // Older permanent residence cards carry a 15-character number: the clerk types the applicant instead.
      if (!isValidIdNumber(card.idNumber)) throw new HallError('VALIDATION_FAILED', 'card: 该证件没有18位身份号码，请手工录入 / this card has no 18-character ID number: type the applicant in');
      applicant = { name: card.name, idNumber: card.idNumber.toUpperCase(), source: 'card', ...(card.sex ? { sex: card.sex } : {}), ...(card.address ? { address: card.address } : {}) };
    } else {
      if (!isValidIdNumber(input.applicant.idNumber)) throw new HallError('VALIDATION_FAILED', 'applicant.idNumber: 身份证号码无效（校验位不符） / not a valid ID number');
      applicant = { name: input.applicant.name.trim(), idNumber: input.applicant.idNumber.trim().toUpperCase(), source: 'typed', ...(input.applicant.phone ? { phone: input.applicant.phone } : {}) };
    }
    const state = this.o.hall.state;
    const ticketId = input.ticketId ?? state.windows[input.windowId]?.currentTicketId;
    const ticket = ticketId ? state.tickets.get(ticketId) : undefined;
    if (input.ticketId && !ticket) throw new HallError('UNKNOWN_TICKET', `未找到号票 ${input.ticketId} / unknown ticket`);
    const now = this.now();
    const id = `C${localDay(now, this.o.hall.setup.calendar).replaceAll('-', '')}${randomBytes(4).toString('hex').toUpperCase()}`;
    const materials: CaseMaterial[] = service.materials.map((m) => ({ name: m.name, required: m.required, copies: m.copies, state: 'missing' as MaterialState }));
    const record: CaseRecord = {
      id,
      version: 1,
      status: 'draft',
      windowId: input.windowId,
      clerk: { id: input.clerk.id, name: maskName(input.clerk.name), staffNo: input.clerk.staffNo },
      ...(ticket ? { ticketId: ticket.id, ticketNumber: ticket.number } : {}),
      sectionId,
      serviceCode: service.code,
      serviceName: service.name,
      serviceKind: service.kind,
      legalLimitDays: service.legalLimitDays,
      promisedLimitDays: service.promisedLimitDays,
      applicant: { nameMasked: maskName(applicant.name), idMasked: maskIdNumber(applicant.idNumber), source: applicant.source },
      materials,
      pages: [],
      documents: [],
      createdAt: this.iso(now),
      updatedAt: this.iso(now),
      sealed: this.o.sealer.seal(applicant, id),
    };
    await this.o.store.put(record);
    return this.view(record);
  }

  private draft(id: string): CaseRecord {
    const r = this.get(id);
    if (r.status !== 'draft') throw new HallError('CASE_CLOSED', '办件已办结，不能再修改 / the case is closed');
    return r;
  }

  async setMaterials(id: string, updates: { name: string; state: MaterialState; note?: string }[]): Promise<CaseView> {
    const r = this.draft(id);
    const materials = r.materials.map((m) => ({ ...m }));
    for (const u of updates) {
      const m = materials.find((x) => x.name === u.name);
      if (!m) throw new HallError('VALIDATION_FAILED', `materials: 该事项没有材料“${u.name}” / not a material of this service`);
      m.state = u.state;
      if (u.note) m.note = u.note;
      else delete m.note;
    }
    const next: CaseRecord = { ...r, materials, version: r.version + 1, updatedAt: this.iso(this.now()) };
    await this.o.store.put(next);
    return this.view(next);
  }

  /** A scanned or uploaded page: normalised to a grayscale JPEG and stored sealed. */
  async addPage(id: string, image: Buffer): Promise<CaseView> {
    const r = this.draft(id);
    if (r.pages.length >= MAX_PAGES) throw new HallError('TOO_MANY_PAGES', `每个办件最多 ${MAX_PAGES} 页 / at most ${MAX_PAGES} pages per case`);
    let jpeg: { data: Buffer; info: OutputInfo };
    try {
      jpeg = await sharp(image, { limitInputPixels: 60_000_000 })
        .rotate()
        .resize({ width: PAGE_WIDTH, withoutEnlargement: true })
        .toColourspace('b-w')
        .jpeg({ quality: 80 })
        .toBuffer({ resolveWithObject: true });
    } catch (err) {
      throw new HallError('VALIDATION_FAILED', `page: 不是可识别的图像 / not a readable image (${(err as Error).message})`);
    }
    const pageId = `p${String(r.pages.length + 1).padStart(2, '0')}-${randomBytes(3).toString('hex')}`;
    await this.o.store.writeFile(id, `${pageId}.jpg`, jpeg.data);
    const next: CaseRecord = {
      ...r,
      pages: [...r.pages, { id: pageId, at: this.iso(this.now()), bytes: jpeg.data.length, width: jpeg.info.width, height: jpeg.info.height }],
      version: r.version + 1,
      updatedAt: this.iso(this.now()),
    };
    await this.o.store.put(next);
    return this.view(next);
  }

  /**
   * Scans at the case's window and adds the pages to the draft, after any already there: the scanned pages
   * become part of the case's one materials PDF with the uploads. Answers how many pages came in.
   */
  async scanPages(id: string): Promise<{ case: CaseView; scanned: number }> {
    const r = this.draft(id);
    if (!this.o.scanner) throw new HallError('NO_DEVICE', '本窗口没有配置扫描仪 / no document scanner at this window', undefined, 404);
    const room = MAX_PAGES - r.pages.length;
    if (room <= 0) throw new HallError('TOO_MANY_PAGES', `每个办件最多 ${MAX_PAGES} 页 / at most ${MAX_PAGES} pages per case`);
    const taken = await this.o.scanner.scanForCase(r.windowId);
    if (taken.images.length > room) throw new HallError('TOO_MANY_PAGES', `扫描了 ${taken.images.length} 页，本办件还能加 ${room} 页 / ${taken.images.length} pages scanned, room for ${room}`);
    let view = this.view(r);
    for (const image of taken.images) view = await this.addPage(id, image);
    await taken.release();
    return { case: view, scanned: taken.images.length };
  }

  async removePage(id: string, pageId: string): Promise<CaseView> {
    const r = this.draft(id);
    if (!r.pages.some((p) => p.id === pageId)) throw new HallError('NOT_FOUND', `未找到页面 ${pageId} / no such page`);
    const next: CaseRecord = { ...r, pages: r.pages.filter((p) => p.id !== pageId), version: r.version + 1, updatedAt: this.iso(this.now()) };
    await this.o.store.put(next);
    return this.view(next);
  }

  async page(id: string, pageId: string): Promise<Buffer> {
    const r = this.get(id);
    if (!r.pages.some((p) => p.id === pageId)) throw new HallError('NOT_FOUND', `未找到页面 ${pageId} / no such page`);
    return this.o.store.readFile(id, `${pageId}.jpg`);
  }

  private context(r: CaseView): DocumentContext {
    const { service } = this.findService(r.serviceCode);
    return { hallName: this.o.config.hall.name, hallCode: this.hallCode, contact: service.contact };
  }

  /** Closes the case with its outcome: checks the materials against the outcome, numbers it, dates it, writes its documents. */
  async decide(id: string, d: Decision): Promise<CaseView> {
    const r = this.draft(id);
    const cal = this.o.hall.setup.calendar;
    const now = this.now();
    const day = localDay(now, cal);
    const requiredOpen = r.materials.filter((m) => m.required && m.state !== 'provided');
    const anyOpen = r.materials.filter((m) => m.state !== 'provided');
    const refuse = (code: string, msg: string) => new HallError('OUTCOME_NOT_ALLOWED', msg, { rule: code });
    switch (d.outcome) {
      case 'done':
        if (r.serviceKind !== 'immediate') throw refuse('NOT_IMMEDIATE', '承诺件不能当场办结 / only immediate services finish on the spot');
        if (requiredOpen.length) throw refuse('MATERIALS_MISSING', `必要材料未齐：${requiredOpen.map((m) => m.name).join('、')} / required materials missing`);
        break;
      case 'accepted':
        if (requiredOpen.length) throw refuse('MATERIALS_MISSING', `必要材料未齐，请选择容缺受理或一次性告知：${requiredOpen.map((m) => m.name).join('、')} / required materials missing`);
        break;
      case 'accepted_pending':
        if (anyOpen.length === 0) throw refuse('NOTHING_MISSING', '材料已齐全，请直接受理 / nothing is missing: accept the case');
        if (!d.commitment) throw new HallError('VALIDATION_FAILED', 'commitment: 容缺受理须有申请人书面承诺 / a written commitment is required');
        break;
      case 'notice':
        if (anyOpen.length === 0) throw refuse('NOTHING_MISSING', '材料已齐全，无需一次性告知 / nothing is missing');
        break;
      case 'refused':
        if (!d.reason || !d.legalBasis) throw new HallError('VALIDATION_FAILED', 'reason, legalBasis: 不予受理须写明理由和法律依据 / reason and legal basis are required');
        break;
    }
    const closed: CaseRecord = {
      ...r,
      status: 'closed',
      outcome: d.outcome,
      receiptNo: this.nextReceipt(day.slice(0, 4)),
      decidedAt: this.iso(now),
      decidedDay: day,
      version: r.version + 1,
      updatedAt: this.iso(now),
      purgeAfter: addDays(day, this.o.settings.retentionDays),
      ...(d.remark ? { remark: d.remark } : {}),
      // 即办件 end at the window; 承诺件 end when central reports them done (trackCentral).
      ...(d.outcome === 'done' ? { completedAt: this.iso(now), completedDay: day } : {}),
    };
    if (d.outcome === 'accepted' || d.outcome === 'accepted_pending') Object.assign(closed, caseDeadlines(day, r, cal));
    if (d.outcome === 'accepted_pending') {
      closed.commitment = d.commitment!;
      closed.commitmentDue = addWorkingDays(day, d.commitmentWorkingDays ?? this.o.settings.commitmentWorkingDays, cal);
    }
    if (d.outcome === 'refused') {
      closed.reason = d.reason!;
      closed.legalBasis = d.legalBasis!;
    }
    // Documents first: a case is closed only with its documents on disk.
    const view = this.view(closed);
    const ctx = this.context(view);
    const pdf = await this.o.pdf.render({ kind: 'outcome', view, ctx, font: this.o.font });
    const docs: CaseRecord['documents'] = [{ name: OUTCOME_FILES[d.outcome], kind: 'outcome' as const, bytes: await this.o.store.writeFile(id, OUTCOME_FILES[d.outcome], pdf) }];
    if (r.pages.length > 0) {
      const images = await Promise.all(r.pages.map((p) => this.o.store.readFile(id, `${p.id}.jpg`)));
      const bound = await this.o.pdf.render({ kind: 'materials', view, pages: images, font: this.o.font });
      docs.push({ name: 'materials.pdf', kind: 'materials', bytes: await this.o.store.writeFile(id, 'materials.pdf', bound) });
    }
    closed.documents = docs;
    await this.o.store.put(closed);
    void this.push(closed);
    return this.view(closed);
  }

  /**
   * 容缺受理: the applicant brought what was missing. The named materials (all open ones when none are named)
   * become provided; the case gets a new revision, which goes to central like the first, and e-supervision
   * stops watching the commitment once nothing is open.
   */
  async supplement(id: string, names?: string[]): Promise<CaseView> {
    const r = this.get(id);
    if (r.status !== 'closed' || r.outcome !== 'accepted_pending') {
      throw new HallError('OUTCOME_NOT_ALLOWED', '只有容缺受理的办件可以补齐材料 / only a case accepted with missing materials takes them later', { rule: 'NOT_PENDING' });
    }
    const open = r.materials.filter((m) => m.state !== 'provided');
    if (open.length === 0) throw new HallError('OUTCOME_NOT_ALLOWED', '材料已经补齐 / nothing is missing any more', { rule: 'NOTHING_MISSING' });
    const wanted = names ?? open.map((m) => m.name);
    for (const n of wanted) {
      if (!open.some((m) => m.name === n)) throw new HallError('VALIDATION_FAILED', `materials: “${n}”不是待补齐的材料 / not a missing material of this case`);
    }
    const materials = r.materials.map((m) => (wanted.includes(m.name) ? { name: m.name, required: m.required, copies: m.copies, state: 'provided' as const } : { ...m }));
    const next: CaseRecord = { ...r, materials, version: r.version + 1, updatedAt: this.iso(this.now()) };
    await this.o.store.put(next);
    void this.push(next);
    return this.view(next);
  }

  async document(id: string, name: string): Promise<Buffer> {
    const r = this.get(id);
    if (!r.documents.some((d) => d.name === name)) throw new HallError('NOT_FOUND', `未找到文书 ${name} / no such document`);
    return this.o.store.readFile(id, name);
  }

  slip(id: string): Buffer {
    const r = this.get(id);
    if (r.status !== 'closed') throw new HallError('CASE_OPEN', '办件尚未作出结论 / the case has no outcome yet');
    return outcomeSlip(this.view(r), this.context(r), this.o.settings.slipColumns);
  }

  async printSlip(id: string): Promise<{ printed: boolean; code?: string; message?: string }> {
    const bytes = this.slip(id);
    const r = this.get(id);
    if (!this.o.printer) return { printed: false, code: 'NO_PRINTER', message: '本窗口未配置凭条打印机 / no slip printer at this window' };
    return this.o.printer.printAtWindow(r.windowId, bytes);
  }

  // ---------------------------------------------------------------- central

  /**
   * What the central approval system receives for a closed case (`POST /v1/cases` of the central contract):
   * the full applicant goes to the central side only, and the outbox seals it at rest.
   */
  private async payload(r: CaseRecord): Promise<CasePushBody> {
    const applicant = this.o.sealer.open<Applicant>(r.sealed, r.id);
    const documents = await Promise.all(
      r.documents.map(async (d) => {
        const bytes = await this.o.store.readFile(r.id, d.name);
        const type: CentralDocumentType = d.kind === 'materials' ? 'materials' : CENTRAL_DOCUMENT_TYPES[r.outcome!];
        return {
          documentId: `${r.id}-${d.name.replace(/\.pdf$/, '')}`,
          type,
          title: d.kind === 'materials' ? '申请材料' : OUTCOME_TITLES[r.outcome!],
          mediaType: 'application/pdf' as const,
          sha256: createHash('sha256').update(bytes).digest('hex'),
          size: bytes.length,
          contentBase64: bytes.toString('base64'),
        };
      }),
    );
    return {
      caseId: r.id,
      revision: r.version,
      receiptNo: r.receiptNo!,
      hallCode: this.hallCode,
      service: { code: r.serviceCode, name: r.serviceName, kind: r.serviceKind, legalLimitDays: r.legalLimitDays, promisedLimitDays: r.promisedLimitDays },
      outcome: CENTRAL_OUTCOMES[r.outcome!],
      capturedAt: r.decidedAt!,
      ...(r.promisedDue ? { promisedDueDate: r.promisedDue } : {}),
      ...(r.legalDue ? { legalDueDate: r.legalDue } : {}),
      ...(r.commitmentDue ? { materialsDueDate: r.commitmentDue } : {}),
      ...(r.outcome === 'refused' ? { refusal: { reason: r.reason ?? '', legalBasis: r.legalBasis ?? '' } } : {}),
      applicant: { name: applicant.name, idNumber: applicant.idNumber, ...(applicant.phone ? { phone: applicant.phone } : {}) },
      materials: r.materials.map((m) => ({ name: m.name, required: m.required, provided: m.state === 'provided', copies: m.copies, ...(m.note ? { note: m.note } : {}) })),
      clerk: { staffNo: r.clerk.staffNo, windowId: r.windowId },
      ...(r.ticketNumber ? { ticketNumber: r.ticketNumber } : {}),
      documents,
    };
  }

  /** Hands a closed case to the outbox once, then notes that it did (so a restart resends only what was not handed over). */
  private async push(r: CaseRecord): Promise<void> {
    if (!this.o.outbox) return;
    const key = `${r.id}:v${r.version}`;
    if (this.pushing.has(key)) return;
    this.pushing.add(key);
    try {
      await this.o.outbox.enqueue({ kind: 'case', key: r.id, idempotencyKey: `${r.id}:v${r.version}`, payload: await this.payload(r) });
      const latest = this.o.store.get(r.id);
      if (latest && latest.version === r.version) await this.o.store.put({ ...latest, pushed: r.version });
    } catch (err) {
      this.o.log.error({ caseId: r.id, err: (err as Error).message }, 'case not handed to the outbox yet; retried shortly');
    } finally {
      this.pushing.delete(key);
    }
  }

  /** At start and then now and again: closed cases whose latest version was never handed to the outbox. */
  async pushPending(): Promise<number> {
    let n = 0;
    for (const r of [...this.o.store.all()]) {
      if (r.status === 'closed' && r.pushed !== r.version) {
        await this.push(r);
        n++;
      }
    }
    return n;
  }

  /** Accepted cases the back office has not finished yet: these are the ones whose progress is asked. */
  private awaitingCentral(r: CaseRecord): boolean {
    return (
      r.status === 'closed' &&
      (r.outcome === 'accepted' || r.outcome === 'accepted_pending') &&
      r.pushed === r.version &&
      !r.completedDay &&
      !(r.central && FINAL_STATUSES.has(r.central.status))
    );
  }

  /**
   * One round of following cases into the back office: asks central for the progress of each accepted case
   * not finished yet (oldest answer first, at most TRACK_BATCH), and records a changed stage, and the
   * completion day once central says done. Stops the round at the first sign that central is unreachable.
   * Rounds never overlap: a caller during a round gets that round.
   */
  trackCentral(): Promise<TrackRound> {
    if (!this.o.progress) return Promise.resolve({ asked: 0, changed: 0, completed: 0 });
    this.tracking ??= this.trackRound(this.o.progress).finally(() => (this.tracking = null));
    return this.tracking;
  }

  /** Resolves when no tracking round is running (for shutdown). */
  async trackingIdle(): Promise<void> {
    await this.tracking?.catch(() => undefined);
  }

  private async trackRound(source: CaseProgressSource): Promise<TrackRound> {
    const due = [...this.o.store.all()].filter((r) => this.awaitingCentral(r));
    due.sort((a, b) => (this.asked.get(a.id) ?? 0) - (this.asked.get(b.id) ?? 0));
    const round: TrackRound = { asked: 0, changed: 0, completed: 0 };
    for (const r of due.slice(0, TRACK_BATCH)) {
      const answer = await source.progressByCase(r.id);
      round.asked++;
      this.asked.set(r.id, this.now());
      if (!answer.ok) {
        if (answer.reason === 'not_found') continue; // still in the outbox: asked again next round
        round.error = answer.code ?? answer.reason;
        break;
      }
      const p = answer.value;
      const latest = this.o.store.get(r.id);
      if (!latest || (latest.central?.status === p.status && latest.central.updatedAt === p.updatedAt)) continue;
      const cal = this.o.hall.setup.calendar;
      const done = p.status === 'done' ? p.steps.find((s) => s.status === 'done') : undefined;
      const doneMs = done ? Date.parse(done.at) : NaN;
      // The revision stays: what central reports is not a change the hall sends back.
      const next: CaseRecord = {
        ...latest,
        central: { status: p.status, steps: p.steps.map((s) => ({ status: s.status, at: s.at })), updatedAt: p.updatedAt, checkedAt: this.iso(this.now()) },
        ...(Number.isFinite(doneMs) ? { completedAt: this.iso(doneMs), completedDay: localDay(doneMs, cal) } : {}),
      };
      await this.o.store.put(next);
      round.changed++;
      if (next.completedDay) round.completed++;
    }
    if (round.changed || round.error) this.o.log.info({ ...round }, 'case progress from central');
    return round;
  }

  // ---------------------------------------------------------------- supervision and retention

  /** `warnWorkingDays`: the manager's alert threshold when it asks (default: cases.json's). */
  supervision(now = this.now(), warnWorkingDays = this.o.settings.warnWorkingDays): SupervisionReport {
    const setup = this.o.hall.setup;
    const day = localDay(now, setup.calendar);
    const cases = caseAlerts(this.list({ status: 'closed' }), day, setup.calendar, warnWorkingDays);
    const tickets = ticketAlerts(this.o.hall.state, setup, now, this.o.settings.serviceAlertFactor);
    return { at: this.iso(now), day, cases, tickets, counts: supervisionCounts(cases, tickets) };
  }

  /** Removes closed cases past their retention day, and drafts abandoned for as long. */
  async purgeExpired(now = this.now()): Promise<number> {
    const day = localDay(now, this.o.hall.setup.calendar);
    const expired: string[] = [];
    for (const r of this.o.store.all()) {
      const until = r.purgeAfter ?? addDays(r.createdAt.slice(0, 10), this.o.settings.retentionDays);
      if (until < day) expired.push(r.id);
    }
    const n = await this.o.store.purge(expired);
    if (n) this.o.log.info({ purged: n }, 'cases past their retention period purged');
    return n;
  }
}
