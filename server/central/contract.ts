// The bodies of the central interface as TypeScript types. docs/central-api.yaml is the contract; these types
// follow it field for field, and the contract tests check real bodies built from them against the document.

export type CaseOutcome = 'done_on_spot' | 'accepted' | 'accepted_pending_materials' | 'notice_issued' | 'refused';
export type DocumentType = 'receipt' | 'notice' | 'commitment' | 'refusal' | 'completion' | 'materials';

export interface CaseDocument {
  documentId: string;
  type: DocumentType;
  title: string;
  mediaType: 'application/pdf';
  /** Lower-case hex SHA-256 of the PDF bytes. */
  sha256: string;
  size: number;
  contentBase64: string;
}

/** POST /v1/cases: the whole case; `revision` grows by one with every change and is pushed again. */
export interface CasePush {
  caseId: string;
  revision: number;
  receiptNo: string;
  hallCode: string;
  service: { code: string; name: string; kind: 'immediate' | 'promised'; legalLimitDays: number; promisedLimitDays: number };
  outcome: CaseOutcome;
  /** ISO-8601 with offset. */
  capturedAt: string;
  promisedDueDate?: string;
  legalDueDate?: string;
  materialsDueDate?: string;
  refusal?: { reason: string; legalBasis: string };
  /** The full ID number goes to the central system only; the outbox seals it at rest. */
  applicant: { name: string; idNumber: string; phone?: string };
  materials: { name: string; required: boolean; provided: boolean; copies?: number; note?: string }[];
  clerk: { staffNo: string; windowId: string };
  ticketNumber?: string;
  documents: CaseDocument[];
}

/** POST /v1/ratings */
export interface RatingPush {
  ratingId: string;
  hallCode: string;
  day: string;
  ticketNumber: string;
  sectionId?: string;
  serviceCode?: string;
  windowId: string;
  windowNumber: number;
  staffNo?: string;
  level: 1 | 2 | 3 | 4 | 5;
  reasons: string[];
  comment?: string;
  ratedAt: string;
  followUpDueDate?: string;
}

export interface Counts {
  issued: number;
  served: number;
  noShow: number;
  avgWaitSeconds: number;
  avgServiceSeconds: number;
}

/** POST /v1/daily-stats */
export interface DailyStatsPush {
  hallCode: string;
  day: string;
  totals: Counts;
  sections: (Counts & { sectionId: string })[];
  ratings: { count: number; byLevel: Record<'1' | '2' | '3' | '4' | '5', number>; satisfaction: number | null };
  generatedAt: string;
}

/** The answer to every push. */
export interface Recorded {
  id: string;
  recordedAt: string;
  duplicate: boolean;
}

export type ProgressStatus = 'received' | 'accepted' | 'review' | 'approved' | 'done' | 'refused' | 'notice_issued';

export interface Progress {
  caseId: string;
  receiptNo: string;
  serviceCode: string;
  serviceName: string;
  /** Masked (张*三). */
  applicantName: string;
  status: ProgressStatus;
  steps: { status: ProgressStatus; at: string }[];
  promisedDueDate?: string;
  updatedAt: string;
}

/** The path each outbox kind is pushed to. */
export const PUSH_PATHS = { case: '/v1/cases', rating: '/v1/ratings', 'daily-stats': '/v1/daily-stats' } as const;

/** Time as the contract writes it: ISO-8601 with the hall's offset (China: +08:00). */
export function isoWithOffset(ms: number, offsetMinutes: number): string {
  const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 23);
  const sign = offsetMinutes >= 0 ? '+' : '-';
  const a = Math.abs(offsetMinutes);
  return `${local}${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}
