// Closed cases from case capture (server/cases) into the outbox, in the contract's shape (CasePush in
// docs/central-api.yaml). Case capture hands over its own record (view, applicant, documents); this is the
// one place that knows both shapes.

import { createHash } from 'node:crypto';
import type { CaseOutbox } from '../cases/service.js';
import type { CaseOutcome as CapturedOutcome, CaseView } from '../cases/types.js';
import type { CaseDocument, CaseOutcome, CasePush, DocumentType } from './contract.js';
import type { Outbox } from './outbox.js';

/** What case capture hands to the outbox for a closed case. */
export interface CapturedCase {
  hallCode: string;
  case: CaseView;
  applicant: { name: string; idNumber: string; phone?: string };
  documents: { name: string; kind: 'outcome' | 'materials'; contentType: string; base64: string }[];
}

const OUTCOMES: Record<CapturedOutcome, CaseOutcome> = {
  done: 'done_on_spot',
  accepted: 'accepted',
  accepted_pending: 'accepted_pending_materials',
  notice: 'notice_issued',
  refused: 'refused',
};

/** The document an outcome produces (受理通知书, 一次性告知书, …). */
const OUTCOME_DOCUMENT: Record<CapturedOutcome, { type: DocumentType; title: string }> = {
  done: { type: 'completion', title: '办结通知书' },
  accepted: { type: 'receipt', title: '受理通知书' },
  accepted_pending: { type: 'commitment', title: '容缺受理通知书及承诺书' },
  notice: { type: 'notice', title: '一次性告知书' },
  refused: { type: 'refusal', title: '不予受理决定书' },
};

function text(s: string | undefined, max = 500): string | undefined {
  const t = s?.trim();
  return t ? t.slice(0, max) : undefined;
}

function documentId(caseId: string, name: string): string {
  return `${caseId}-${name.replace(/\.pdf$/i, '').replace(/[^A-Za-z0-9_.:-]/g, '-')}`.slice(0, 64);
}

/** The contract's case body for a captured, closed case. Throws if the case has no outcome or receipt. */
export function casePush(c: CapturedCase): CasePush {
  const v = c.case;
  if (!v.outcome || !v.receiptNo) throw new Error(`case ${v.id} is not closed (no outcome or receipt number)`);
  const documents: CaseDocument[] = c.documents.map((d) => {
    const bytes = Buffer.from(d.base64, 'base64');
    const kind = d.kind === 'materials' ? { type: 'materials' as const, title: '申请材料扫描件' } : OUTCOME_DOCUMENT[v.outcome!];
    return {
      documentId: documentId(v.id, d.name),
      type: kind.type,
      title: kind.title,
      mediaType: 'application/pdf',
      sha256: createHash('sha256').update(bytes).digest('hex'),
      size: bytes.length,
      contentBase64: d.base64,
    };
  });
  const phone = c.applicant.phone && /^[0-9+ -]{5,20}$/.test(c.applicant.phone) ? c.applicant.phone : undefined;
  return {
    caseId: v.id,
    revision: v.version,
    receiptNo: v.receiptNo,
    hallCode: c.hallCode,
    service: { code: v.serviceCode, name: v.serviceName, kind: v.serviceKind, legalLimitDays: v.legalLimitDays, promisedLimitDays: v.promisedLimitDays },
    outcome: OUTCOMES[v.outcome],
    capturedAt: v.decidedAt ?? v.createdAt,
    ...(v.promisedDue ? { promisedDueDate: v.promisedDue } : {}),
    ...(v.legalDue ? { legalDueDate: v.legalDue } : {}),
    ...(v.commitmentDue ? { materialsDueDate: v.commitmentDue } : {}),
    ...(v.outcome === 'refused'
      ? { refusal: { reason: text(v.reason) ?? text(v.remark) ?? '未注明 / not stated', legalBasis: text(v.legalBasis) ?? '未注明 / not stated' } }
      : {}),
    applicant: { name: c.applicant.name, idNumber: c.applicant.idNumber, ...(phone ? { phone } : {}) },
    materials: v.materials.map((m) => ({
      name: m.name.slice(0, 500),
      required: m.required,
      provided: m.state === 'provided',
      copies: m.copies,
      ...(text(m.note) ? { note: text(m.note)! } : m.state === 'defective' ? { note: '材料有误 / defective' } : {}),
    })),
    clerk: { staffNo: v.clerk.staffNo, windowId: v.windowId },
    ...(v.ticketNumber && /^[A-Z][0-9]{3,}$/.test(v.ticketNumber) ? { ticketNumber: v.ticketNumber } : {}),
    documents,
  };
}

/** The outbox as case capture sees it: each case version in the contract's shape, ordered by case id. */
export function caseOutbox(outbox: Outbox): CaseOutbox {
  return {
    enqueue: (input) => outbox.enqueue({ kind: 'case', key: input.key, idempotencyKey: input.idempotencyKey, payload: casePush(input.payload as CapturedCase) }),
  };
}
