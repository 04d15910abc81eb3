// Answers of the kiosk's own routes (server/http/citizen.ts and the appointment routes of app.ts).

import type { ServiceSummary } from '../server/realtime/contract.js';

/** GET /api/v1/self-service */
export interface SelfServiceMode {
  active: boolean;
  reason: 'after_hours' | 'day_off' | null;
  hours: { open: string; close: string } | null;
  day: string;
}

/** GET /api/v1/guides: one row per service. */
export interface GuideSummary extends ServiceSummary {
  sectionId: string;
  sectionName: string;
  sectionNameEn?: string;
}

/** GET /api/v1/services/:code: the full 七公开 guide. */
export interface ServiceGuide {
  code: string;
  name: string;
  nameEn?: string;
  kind: 'immediate' | 'promised';
  legalLimitDays: number;
  promisedLimitDays: number;
  summary: string;
  basis: string[];
  conditions: string[];
  materials: { name: string; copies: number; required: boolean; note?: string }[];
  procedure: string[];
  fees: string;
  contact: string;
  sectionId: string;
}

export interface SlotLeft {
  start: string;
  end: string;
  left: number;
}

/** GET /api/v1/sections/:id/booking-days */
export interface BookingDays {
  sectionId: string;
  today: string;
  days: { date: string; slots: SlotLeft[] }[];
}

/** POST /api/v1/appointments, GET /api/v1/appointments/:code */
export interface AppointmentView {
  code: string;
  sectionId: string;
  serviceCode?: string;
  date: string;
  slotStart: string;
  slotEnd: string;
  status: 'booked' | 'checked_in' | 'cancelled' | 'missed';
  /** Booked with an ID card (or a name): the holder, masked. */
  nameMasked?: string;
}

/** POST /api/v1/kiosks/:id/print */
export type PrintOutcome = { printed: true } | { printed: false; error: { code: string; message: string } };

export type ProgressStatus = 'received' | 'accepted' | 'review' | 'approved' | 'done' | 'refused' | 'notice_issued';

/** One case as the central approval system reports it (GET /api/v1/progress?receipt=). */
export interface CaseProgress {
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

/** Set when the answer is the hall's own record because the approval system could not be asked. */
interface HallSource {
  source?: 'hall';
  centralError?: { code: string; message: string };
}

/** The hall's answer: live, or the approval system is unreachable (with the last answer, when there is one). */
export type ProgressAnswer =
  | ({ available: true; cached: boolean; fetchedAt: string; progress: CaseProgress } & HallSource)
  | { available: false; error: { code: string; message: string }; retryAfterSeconds: number; stale?: { fetchedAt: string; progress?: CaseProgress } };

/** One case of a search (POST /api/v1/progress): the applicant masked, no ID number. */
export interface ProgressCaseView {
  receiptNumber: string;
  caseId: string;
  serviceCode: string;
  serviceName: string;
  applicantName: string;
  status: ProgressStatus;
  dueDate?: string;
  steps: { status: ProgressStatus; at: string }[];
  updatedAt: string;
}

/** POST /api/v1/progress {useCard: true, kioskId}: the cases of the card's holder. */
export type ProgressSearchAnswer =
  | ({ available: true; cached: boolean; fetchedAt: string; cases: ProgressCaseView[] } & HallSource)
  | { available: false; error: { code: string; message: string }; retryAfterSeconds: number; stale?: { fetchedAt: string; cases?: ProgressCaseView[] } };

/** GET /api/v1/kiosks/:id/card-appointments */
export interface CardAppointments {
  today: string;
  nameMasked: string;
  appointments: (AppointmentView & { nameMasked?: string })[];
}
