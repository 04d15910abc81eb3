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
}

/** POST /api/v1/kiosks/:id/print */
export type PrintOutcome = { printed: true } | { printed: false; error: { code: string; message: string } };

/** One case in a progress answer. */
export interface CaseProgress {
  receiptNumber: string;
  serviceName: string;
  status: string;
  statusText: string;
  acceptedAt?: string;
  dueDate?: string;
}
