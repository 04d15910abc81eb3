// Wire shapes of the manager's routes and /manager stream additions. Types only: the dashboard imports them.

export type AlertKind = 'wait' | 'paused' | 'rating' | 'followup' | 'device' | 'outbox' | 'case';
export type AlertSeverity = 'warning' | 'critical';

export interface AlertView {
  id: string;
  /** Same key = same condition: a key is raised again only after its last alert cleared. */
  key: string;
  kind: AlertKind;
  severity: AlertSeverity;
  raisedAt: string;
  /** When the condition ended (a wait got shorter, a window resumed); the alert stays until acknowledged. */
  clearedAt?: string;
  ack?: { by: string; at: string; note?: string };
  /** What the page needs to say it in either language (section name, window number, minutes, …). */
  params: Record<string, string | number>;
}

/** `alerts` on /manager and GET /manager/alerts: unacknowledged alerts, newest first. */
export interface AlertsPayload {
  seq?: number;
  active: AlertView[];
  /** Unacknowledged and still holding. */
  holding: number;
}

export interface AlertThresholdsView {
  waitMinutes: number;
  pausedMinutes: number;
  outboxBacklog: number;
  caseWarnDays: number;
  negativeRating: boolean;
  deviceFault: boolean;
}

export interface FollowUpView {
  ticketId: string;
  ticketNumber: string;
  level: 1 | 2 | 3 | 4 | 5;
  reasons: string[];
  windowId?: string;
  openedAt: string;
  dueDate: string;
  overdue: boolean;
  status: 'open' | 'closed';
  verification?: string;
  rectification?: string;
  reply?: string;
  updatedBy?: string;
  closedAt?: string;
}

export interface AuditEntry {
  at: string;
  /** Username of whoever acted. */
  by: string;
  action: string;
  /** What changed, in words and ids: never a password, ID number or full citizen name. */
  detail: string;
}
