// Cases (办件): what a clerk captures at the window. The record kept on disk carries masked applicant data
// in the clear and the full applicant (name, ID number, address) only sealed; see store.ts.

export type CaseOutcome = 'done' | 'accepted' | 'accepted_pending' | 'notice' | 'refused';
export const CASE_OUTCOMES: readonly CaseOutcome[] = ['done', 'accepted', 'accepted_pending', 'notice', 'refused'];

export type MaterialState = 'provided' | 'missing' | 'defective';

export interface CaseMaterial {
  name: string;
  required: boolean;
  copies: number;
  state: MaterialState;
  /** What is wrong with a defective one, or what to bring. */
  note?: string;
}

/** Full applicant data: only ever stored sealed. */
export interface Applicant {
  name: string;
  idNumber: string;
  source: 'card' | 'typed';
  sex?: string;
  address?: string;
  phone?: string;
}

export interface ScannedPage {
  id: string;
  at: string;
  bytes: number;
  width: number;
  height: number;
}

export interface CaseDocument {
  /** File name under the case's folder, e.g. 'receipt.pdf'. */
  name: string;
  kind: 'outcome' | 'materials';
  bytes: number;
}

/** A case as the API shows it: no full ID number, no full name. */
export interface CaseView {
  id: string;
  version: number;
  status: 'draft' | 'closed';
  windowId: string;
  clerk: { id: string; name: string; staffNo: string };
  ticketId?: string;
  ticketNumber?: string;
  sectionId: string;
  serviceCode: string;
  serviceName: string;
  serviceKind: 'immediate' | 'promised';
  legalLimitDays: number;
  promisedLimitDays: number;
  applicant: { nameMasked: string; idMasked: string; source: 'card' | 'typed' };
  materials: CaseMaterial[];
  pages: ScannedPage[];
  outcome?: CaseOutcome;
  /** Unique per hall and year; every closed case has one. */
  receiptNo?: string;
  decidedAt?: string;
  decidedDay?: string;
  /** Working-day deadlines, 'YYYY-MM-DD'. */
  promisedDue?: string;
  legalDue?: string;
  /** 容缺受理: the missing materials are due by this day under the written commitment. */
  commitmentDue?: string;
  commitment?: string;
  /** 不予受理 */
  reason?: string;
  legalBasis?: string;
  /** 一次性告知 / 不予受理 / others: a free remark printed on the document. */
  remark?: string;
  documents: CaseDocument[];
  createdAt: string;
  updatedAt: string;
  /** Local day on which the case may be purged (retention from the decision). */
  purgeAfter?: string;
  /**
   * What the central approval system last said of the case (the hall asks it; the contract has no callback).
   * Not part of the case's revision: it never goes back to central.
   */
  central?: CentralTrack;
  /** When the back office finished the case (central's `done` step, or the decision for 即办件), and that local day. */
  completedAt?: string;
  completedDay?: string;
}

/** Central's stages of a case, as in the contract's Progress. */
export type CentralCaseStatus = 'received' | 'accepted' | 'review' | 'approved' | 'done' | 'refused' | 'notice_issued';

export interface CentralTrack {
  status: CentralCaseStatus;
  steps: { status: CentralCaseStatus; at: string }[];
  /** Central's own time of its latest step. */
  updatedAt: string;
  /** When the hall last asked. */
  checkedAt: string;
}

/** What the store keeps per case: the view plus the sealed applicant. */
export interface CaseRecord extends CaseView {
  sealed: string;
  /** The version last handed to the central outbox. */
  pushed?: number;
}

/** What a code scanned or typed at a window names: a case (by receipt number or case id), or a ticket of today. */
export type CaseLookup =
  | { kind: 'case'; caseId: string; receiptNo?: string; windowId: string; status: 'draft' | 'closed' }
  | { kind: 'ticket'; ticketId: string; number: string; current: boolean }
  | { kind: 'none' };

// The /desk stream (server/cases/desk.ts): the window's card reader and code scanner, for its console.
export interface DeskCardEvent {
  windowId: string;
  nameMasked: string;
  /** The read is usable for `useCard` until then. */
  usableUntil: string;
}
export interface DeskCardErrorEvent {
  windowId: string;
  code: string;
  message: string;
}
export interface DeskScanEvent {
  windowId: string;
  found: CaseLookup;
}
