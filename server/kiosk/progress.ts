// The hall's own record of a case, as a progress answer for the kiosk. A case closed at a window reaches the
// central approval system through the outbox, so for a while (or while the link is down, or in a hall with
// no central system) the hall knows a case the central system does not: the kiosk then shows what the hall
// recorded (accepted, done, refused, notice issued) instead of "not found". The central answer, when there
// is one, wins: it knows the stages after acceptance.

import type { Progress, ProgressStatus } from '../central/contract.js';
import type { CaseOutcome, CaseView } from '../cases/types.js';
import { cardNumber, type DeviceService } from '../devices/service.js';

/** What the lookup needs of the case module. */
export interface HallCaseStore {
  list(filter: { status: 'closed' }): CaseView[];
  /** Closed cases whose (sealed) applicant holds this ID number. */
  closedForApplicant(idNumber: string): CaseView[];
}

const STATUS: Record<CaseOutcome, ProgressStatus> = {
  done: 'done',
  accepted: 'accepted',
  // 容缺受理 is an acceptance: the missing materials follow under the written commitment.
  accepted_pending: 'accepted',
  notice: 'notice_issued',
  refused: 'refused',
};

/** A closed case of this hall in the central contract's progress shape; masked applicant only. */
export function hallCaseProgress(c: CaseView): Progress | null {
  if (c.status !== 'closed' || !c.outcome || !c.receiptNo) return null;
  const status = STATUS[c.outcome];
  const decidedAt = c.decidedAt ?? c.updatedAt;
  return {
    caseId: c.id,
    receiptNo: c.receiptNo,
    serviceCode: c.serviceCode,
    serviceName: c.serviceName,
    applicantName: c.applicant.nameMasked,
    status,
    steps: [
      { status: 'received', at: c.createdAt },
      { status, at: decidedAt },
    ],
    ...(c.promisedDue && (status === 'accepted' || status === 'done') ? { promisedDueDate: c.promisedDue } : {}),
    updatedAt: c.updatedAt,
  };
}

export class HallCaseProgress {
  constructor(private readonly store: () => HallCaseStore | null) {}

  byReceipt(receiptNo: string): Progress | undefined {
    const want = receiptNo.trim().toUpperCase();
    const c = this.store()?.list({ status: 'closed' }).find((x) => x.receiptNo?.toUpperCase() === want);
    return (c && hallCaseProgress(c)) || undefined;
  }

  byIdNumber(idNumber: string): Progress[] {
    return (this.store()?.closedForApplicant(idNumber) ?? []).map(hallCaseProgress).filter((p): p is Progress => p !== null);
  }
}

/** The central system's cases, then the hall's own that the central system does not know yet (by receipt). */
export function mergeProgress(central: Progress[], hall: Progress[]): Progress[] {
  const known = new Set(central.map((p) => p.receiptNo));
  return [...central, ...hall.filter((p) => !known.has(p.receiptNo))];
}

/**
 * Progress by card: the number on the card the kiosk's reader read last, if fresh and not yet used. One
 * read answers one query (it is used up), so the next citizen at the kiosk cannot ask about the last one's
 * cases; the number stays in the server.
 */
export function kioskCardNumber(devices: Pick<DeviceService, 'claimIdentity'>): (kioskId: string | undefined) => string | null {
  return (kioskId) => {
    const claim = kioskId ? devices.claimIdentity(kioskId) : null;
    if (!claim) return null;
    claim.commit();
    return cardNumber(claim.identity.card);
  };
}
