// Shapes that cross the wire: HTTP answers and Socket.IO payloads. Imported by the server and by every
// browser client, so it holds types only (no runtime code, no Node imports). Times are ISO-8601 strings.

export type PriorityClass = 'normal' | 'appointment' | 'priority' | 'green';
export type TicketStatus =
  | 'waiting'
  | 'called'
  | 'serving'
  | 'done'
  | 'no_show'
  | 'transferred'
  | 'cancelled'
  | 'closed';
export type WindowStatus = 'closed' | 'open' | 'paused';

export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

export interface WindowRef {
  id: string;
  number: number;
  name: string;
}

/** A ticket as anyone may see it: no identity beyond a masked name. */
export interface TicketView {
  id: string;
  number: string;
  sectionId: string;
  serviceCode?: string;
  priority: PriorityClass;
  status: TicketStatus;
  issuedAt: string;
  /** People the queue will call before this ticket (0 once called). */
  ahead: number;
  estimatedWaitMinutes: number;
  window?: WindowRef;
  calledAt?: string;
  startedAt?: string;
  finishedAt?: string;
  calls: number;
  /** Kiosk tickets: whether the kiosk printer printed it. */
  printed?: boolean;
}

export interface SectionView {
  id: string;
  prefix: string;
  name: string;
  nameEn?: string;
  open: boolean;
  waiting: number;
  estimatedWaitMinutes: number;
  requireIdCard: boolean;
  capacityLeft: number;
}

export interface ServiceSummary {
  code: string;
  name: string;
  nameEn?: string;
  kind: 'immediate' | 'promised';
  summary: string;
  promisedLimitDays: number;
}

/** The clerk as public surfaces show them. */
export interface ClerkPublic {
  name: string;
  staffNo: string;
  /** `/api/v1/photos/<hash>.jpg`: names the photo, never the clerk; a new photo is a new URL. */
  photoUrl?: string;
}

export interface WindowView {
  id: string;
  number: number;
  name: string;
  nameEn?: string;
  sectionIds: string[];
  status: WindowStatus;
  pauseReason?: string;
  pausedSince?: string;
  clerk?: ClerkPublic;
  current?: { id: string; number: string; sectionId: string; status: TicketStatus };
}

export interface Announcement {
  /** What a person reads: 请 A012 号到 3 号窗口办理 */
  text: string;
  /** Clip names of the voice pack, played in order. */
  tokens: string[];
}

/** GET /api/v1/voice: the hall's clip pack for the display's announcements (docs/voice.md). */
export interface VoiceAnswer {
  /** False when no usable pack is configured: calls are then shown, not spoken. */
  available: boolean;
  /** Times each call is spoken (hall.json voice.repeat). */
  repeat: number;
  pack?: string;
  lang?: string;
  name?: string;
  mime?: string;
  /** Silence between clips, and between two repeats of one call, ms. */
  gapMs?: number;
  repeatGapMs?: number;
  /** Token → clip URL. */
  clips?: Record<string, string>;
  /** Announcement tokens this pack has no clip for (skipped when spoken). */
  missing?: string[];
}

export interface CallPayload {
  seq: number;
  ticket: { id: string; number: string; sectionId: string };
  window: WindowRef;
  announcement: Announcement;
  recall: boolean;
  at: string;
}

export interface QueuePayload {
  seq: number;
  sections: { id: string; waiting: number; estimatedWaitMinutes: number }[];
}

export interface WindowPayload {
  seq: number;
  window: WindowView;
}

export interface DisplaySnapshot {
  seq: number;
  hall: { name: string; nameEn?: string };
  day: string | null;
  sections: SectionView[];
  windows: WindowView[];
  recentCalls: Omit<CallPayload, 'seq'>[];
  notices: string[];
}

export interface PadTicket {
  id: string;
  number: string;
  sectionId: string;
  serviceName?: string;
}

export interface PadSnapshot {
  seq: number;
  window: WindowView;
  clerk?: ClerkPublic;
  /** Called or being served now. */
  current?: PadTicket & { status: TicketStatus };
  /** Finished and not yet rated: the pad asks for a rating. */
  awaitingRating?: PadTicket;
  ratingTimeoutSeconds: number;
  /** The reasons a low rating may carry, in Chinese: these strings are what a rating records. */
  negativeReasons: string[];
  /** The same reasons in English, same order: labels only. */
  negativeReasonsEn?: string[];
}

export interface PadTicketPayload {
  seq: number;
  ticket: PadTicket;
  clerk?: ClerkPublic;
}

export interface RatePayload {
  ticketId: string;
  level: 1 | 2 | 3 | 4 | 5;
  reasons?: string[];
  comment?: string;
}

export type Ack = { ok: true } | { ok: false; error: { code: string; message: string } };

export interface StaffQueueItem {
  id: string;
  number: string;
  sectionId: string;
  priority: PriorityClass;
  status: TicketStatus;
  issuedAt: string;
  waitedMinutes: number;
  nameMasked?: string;
}

export interface StaffSnapshot {
  seq: number;
  window: WindowView;
  current?: TicketView & { nameMasked?: string };
  /** The window's queue in the order call-next would take it. */
  queue: StaffQueueItem[];
  sections: SectionView[];
  windows: WindowView[];
  maxRecalls: number;
}

export interface TodayStats {
  issued: number;
  served: number;
  noShow: number;
  waiting: number;
  avgWaitSeconds: number;
  avgServiceSeconds: number;
  /** Share of ratings at levels 3–5, null before the first rating. */
  satisfaction: number | null;
}

/** What the dashboard reads of the central link's status; the full shape belongs to server/central. */
export interface CentralStatusLite {
  mode?: string;
  url?: string | null;
  outbox?: { backlog: number; central?: 'up' | 'down' | 'unknown'; lastError?: { at: string; code: string; message: string } | null };
}

export interface ManagerSnapshot {
  seq: number;
  /** Unacknowledged alerts (server/manager); later changes come as `alerts` events. */
  alerts?: import('../manager/contract.js').AlertsPayload;
  /** The case module's electronic supervision report, as its last `supervision` event carried it. */
  supervision?: Record<string, unknown>;
  /** The central approval system link's status (outbox backlog, last error), when that module reports it. */
  central?: CentralStatusLite;
  /** Every device with its health, as GET /devices; later changes come as `devices` events. */
  devices?: import('../devices/contract.js').DeviceView[];
  day: string | null;
  stats: TodayStats;
  sections: (SectionView & { longestWaitMinutes: number })[];
  windows: WindowView[];
  recentCalls: Omit<CallPayload, 'seq'>[];
}

/** /manager event `devices`: a device changed status, or counters moved (at most every 5 s). */
export interface DevicesPayload {
  seq: number;
  devices: import('../devices/contract.js').DeviceView[];
}

/** /manager event `central`: the link's status changed. */
export type CentralPayload = CentralView & { seq: number };

/** The manager's view of the central link (server/central: CentralStatusView), as plain wire data. */
export interface CentralView {
  mode: 'remote' | 'mock' | 'none';
  url: string | null;
  lagSeconds: number;
  outbox: {
    backlog: number;
    oldestAgeSeconds: number;
    byKind: Record<'case' | 'rating' | 'daily-stats', number>;
    delivered: number;
    duplicates: number;
    superseded: number;
    rejected: number;
    lastError: { at: string; code: string; message: string; kind: string; key: string; attempts: number } | null;
    lastSuccessAt: string | null;
    central: 'up' | 'down' | 'unknown';
    downSince: string | null;
    nextAttemptAt: string | null;
  };
}
