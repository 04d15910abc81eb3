// The queue domain's vocabulary. Plain data (the one exception: the immutable TicketTable), no I/O, no clock.
// Times inside the domain are epoch milliseconds; the edges turn them into ISO-8601 strings with offset.

import type { TicketTable } from './ticket-table.js';

export type PriorityClass = 'normal' | 'appointment' | 'priority' | 'green';

/** `closed` is the end of a ticket still open when its business day ended (rollover). */
export type TicketStatus =
  | 'waiting'
  | 'called'
  | 'serving'
  | 'done'
  | 'no_show'
  | 'transferred'
  | 'cancelled'
  | 'closed';

export type ServiceKind = 'immediate' | 'promised';

/** A service guide's seven public items (七公开) plus the data the queue needs. */
export interface Service {
  code: string;
  name: string;
  nameEn?: string;
  kind: ServiceKind;
  /** Working days. */
  legalLimitDays: number;
  promisedLimitDays: number;
  summary: string;
  basis: string[];
  conditions: string[];
  materials: { name: string; copies: number; required: boolean; note?: string }[];
  procedure: string[];
  fees: string;
  contact: string;
}

export interface Section {
  id: string;
  /** Ticket prefix letter, unique in the hall. */
  prefix: string;
  name: string;
  nameEn?: string;
  services: Service[];
  /** Tickets per business day (号源). */
  dailyCapacity: number;
  /** A ticket for this section needs an ID card (identity key). */
  requireIdCard: boolean;
  /** Used for the estimated wait until real service times exist. */
  defaultServiceMinutes: number;
  /** Service-level target: a wait longer than this counts against the section. */
  targetWaitMinutes: number;
  /** Bookable slots on working days, local times 'HH:MM'. */
  appointmentSlots: { start: string; end: string; capacity: number }[];
  /** Set by the manager to stop ticketing for this section (SECTION_CLOSED). */
  closed?: boolean;
}

export type SectionPolicy = 'fifo' | 'strict' | 'weighted';

export interface WindowConfig {
  id: string;
  /** The number on the counter, shown and announced. */
  number: number;
  name: string;
  nameEn?: string;
  /** Ordered: the order matters for the `strict` policy. */
  sectionIds: string[];
  policy: SectionPolicy;
  /** For `weighted`: weight per section id (missing = 1). */
  weights?: Record<string, number>;
  ledbarAddress?: number;
}

export interface QueueRules {
  /** Priority-class tickets called per `normalPerPriority` normal ones. */
  normalPerPriority: number;
  /** A head of the other class that has waited this much longer than the chosen head is called first. */
  agingMinutes: number;
  maxRecalls: number;
  rejoinWithinMinutes: number;
  rejoinPositionsFromHead: number;
  /** Live tickets per section per identity. */
  maxLiveTicketsPerSection: number;
  maxTicketsPerDayPerId: number;
  /** An appointment ticket counts as due from this many minutes before its slot start… */
  appointmentEarlyMinutes: number;
  /** …until this many minutes after its slot end. */
  appointmentLateMinutes: number;
  /** Service times kept per section for the rolling mean. */
  rollingWindow: number;
  /** Working days to answer a negative rating (差评整改). */
  followUpWorkingDays: number;
  /** How many days ahead a citizen may book. */
  bookingHorizonDays: number;
}

export interface Calendar {
  /** Minutes east of UTC for the hall (China: 480; no DST). */
  utcOffsetMinutes: number;
  /** 'YYYY-MM-DD' days off that would otherwise be working days. */
  holidays: string[];
  /** 'YYYY-MM-DD' weekend days that are working days (调休上班). */
  workdays: string[];
}

/** What the domain needs to know about the hall. Built from config/ by the composition root. */
export interface HallSetup {
  sections: Section[];
  windows: WindowConfig[];
  rules: QueueRules;
  calendar: Calendar;
  /**
   * Ticketing hours on working days, local 'HH:MM'. Outside them (and on days off) tickets are refused with
   * SECTION_CLOSED. null: tickets at any hour on any day (the demo hall).
   */
  ticketingHours: { open: string; close: string } | null;
}

export interface Clerk {
  id: string;
  name: string;
  staffNo: string;
}

/** Where a transfer sends a ticket: the head of a section's queue, or of one window's. */
export type TransferTarget = { sectionId: string } | { windowId: string };

export interface Ticket {
  /** Unique across days: 'YYYYMMDD-A012'. */
  id: string;
  /** Prefix + daily sequence, at least 3 digits: 'A012', 'A1000'. */
  number: string;
  day: string;
  sectionId: string;
  serviceCode?: string;
  priority: PriorityClass;
  status: TicketStatus;
  issuedAt: number;
  kioskId?: string;
  /** Keyed hash of the ID number: used for limits, never reversible. */
  idKey?: string;
  /** Masked applicant name (张*三) if an identity was given. */
  nameMasked?: string;
  appointmentCode?: string;
  /** For appointment tickets: the slot, epoch ms. */
  slot?: { start: number; end: number };
  windowId?: string;
  firstCalledAt?: number;
  lastCalledAt?: number;
  /** Calls since the ticket last became callable: 1 after the first call, +1 per recall. */
  calls: number;
  startedAt?: number;
  finishedAt?: number;
  noShowAt?: number;
  /** Set while a rejoined ticket waits: other calls in its section to let pass before it is at the head. */
  holdCalls?: number;
  /** When the ticket was put at the head (transfer, or a rejoin whose hold ran out): orders the head group. */
  headSince?: number;
  transferTarget?: TransferTarget;
  /** Windows that served it before a transfer, oldest first. */
  transfers: { at: number; fromSectionId: string; fromWindowId?: string; to: TransferTarget }[];
  rated?: boolean;
  /** The clerk who finished it (kept with `windowId` after done, for the rating). */
  clerkId?: string;
}

export type WindowStatus = 'closed' | 'open' | 'paused';

export interface WindowState {
  id: string;
  status: WindowStatus;
  clerk?: Clerk;
  /** The ticket called or being served at this window. */
  currentTicketId?: string;
  pauseReason?: string;
  pausedAt?: number;
  openedAt?: number;
  /** Normal-class calls since the last priority-class call (for the interleave ratio). */
  normalsSincePriority: number;
  /** Smooth weighted round-robin credit per section (weighted policy). */
  credits: Record<string, number>;
}

export interface Appointment {
  code: string;
  sectionId: string;
  serviceCode?: string;
  /** 'YYYY-MM-DD' */
  date: string;
  /** 'HH:MM' local */
  slotStart: string;
  slotEnd: string;
  idKey?: string;
  nameMasked?: string;
  bookedAt: number;
  status: 'booked' | 'checked_in' | 'cancelled' | 'missed';
  ticketId?: string;
}

export type RatingLevel = 1 | 2 | 3 | 4 | 5;

export interface Rating {
  ticketId: string;
  windowId: string;
  clerkId?: string;
  /** null: the pad timed out, recorded as not rated. */
  level: RatingLevel | null;
  reasons: string[];
  comment?: string;
  at: number;
}

export interface FollowUp {
  ticketId: string;
  level: RatingLevel;
  openedAt: number;
  /** 'YYYY-MM-DD', working days from the rating. */
  dueDate: string;
  status: 'open' | 'closed';
  /** What the manager found when checking the complaint (核实情况). */
  verification?: string;
  /** What was changed because of it (整改措施). */
  rectification?: string;
  /** What the citizen was told on the return visit (回访答复). */
  reply?: string;
  /** Manager user id of the last entry. */
  updatedBy?: string;
  updatedAt?: number;
  closedAt?: number;
}

/** Everything the queue knows. Snapshots and replays produce exactly this. */
export interface HallState {
  /** Business day 'YYYY-MM-DD', null before the first opening. */
  day: string | null;
  /** Seq of the last applied event. */
  seq: number;
  /** Last daily sequence per section id. */
  counters: Record<string, number>;
  /** Today's tickets (and, until the day opens, yesterday's). */
  tickets: TicketTable;
  windows: Record<string, WindowState>;
  /** Keyed by code; today's and future ones. */
  appointments: Record<string, Appointment>;
  /** Last `rollingWindow` service durations (ms) per section. */
  serviceTimes: Record<string, number[]>;
  ratings: Record<string, Rating>;
  followUps: Record<string, FollowUp>;
  /**
   * The setup a manager put in force live (SetupChanged); from then on it wins over the one built from
   * config/. Absent: the configured setup applies. Kept in the state so checkpoints and replay carry it.
   */
  setup?: HallSetup;
  /**
   * Fingerprint of the configured setup (config/ files) when `setup` was put in force. A start with other
   * files sees that the installer edited them since: the composition root then puts the files' setup in force.
   */
  setupSource?: string;
}

// ---------------------------------------------------------------- commands

/** Who acts. The edge authenticates; the domain checks role and window. */
export type Actor =
  | { kind: 'citizen'; kioskId?: string }
  | { kind: 'clerk'; clerk: Clerk; windowId: string }
  | { kind: 'manager'; userId: string }
  | { kind: 'system' };

export type Command =
  /** Starts the business day if `now` is past it (the composition root sends it at local midnight). */
  | { type: 'OpenDay' }
  | {
      type: 'IssueTicket';
      sectionId: string;
      serviceCode?: string;
      priority?: Exclude<PriorityClass, 'appointment'>;
      idKey?: string;
      nameMasked?: string;
      appointmentCode?: string;
      kioskId?: string;
    }
  | { type: 'SignIn'; windowId: string; clerk: Clerk }
  | { type: 'SignOut'; windowId: string }
  | { type: 'CallNext'; windowId: string }
  | { type: 'CallTicket'; windowId: string; ticketId: string; reason: string }
  | { type: 'Recall'; windowId: string }
  | { type: 'Start'; windowId: string }
  | { type: 'Finish'; windowId: string }
  | { type: 'NoShow'; windowId: string }
  | { type: 'Rejoin'; ticketId: string }
  | { type: 'Transfer'; windowId: string; to: TransferTarget }
  | { type: 'Pause'; windowId: string; reason?: string }
  | { type: 'Resume'; windowId: string }
  | { type: 'CancelTicket'; ticketId: string; reason: string }
  | {
      type: 'BookAppointment';
      sectionId: string;
      serviceCode?: string;
      date: string;
      slotStart: string;
      idKey?: string;
      nameMasked?: string;
    }
  | { type: 'CancelAppointment'; code: string }
  | { type: 'Rate'; ticketId: string; level: RatingLevel; reasons?: string[]; comment?: string }
  | { type: 'RatingTimeout'; ticketId: string }
  /** Manager only: puts a whole new setup in force; the edge has validated it against config/schema.ts. */
  | { type: 'ChangeSetup'; setup: HallSetup; summary: string }
  /** Manager only: records the steps of a negative rating's follow-up; `close` ends it (all three needed). */
  | { type: 'RecordFollowUp'; ticketId: string; verification?: string; rectification?: string; reply?: string; close?: boolean };

export type CommandType = Command['type'];

/** What decide needs besides the state and the command. */
export interface DecideContext {
  now: number;
  setup: HallSetup;
  actor: Actor;
  /**
   * Source of appointment codes: the edge passes a fresh random one so decide stays pure.
   * Decide never calls it more than once per command.
   */
  newCode?: () => string;
  /** Fingerprint of the configured setup, carried on SetupChanged (HallState.setupSource). */
  configuredSource?: string;
}

// ---------------------------------------------------------------- events

/** An event as decide produces it; the journal adds `seq` and `at`. */
export type EventBody =
  | { type: 'DayOpened'; day: string; closedTicketIds: string[]; missedAppointmentCodes: string[] }
  | { type: 'TicketIssued'; ticket: Ticket; appointmentCode?: string }
  | { type: 'WindowSignedIn'; windowId: string; clerk: Clerk }
  | { type: 'WindowSignedOut'; windowId: string }
  | {
      type: 'TicketCalled';
      ticketId: string;
      windowId: string;
      recall: boolean;
      /** Set when the clerk called a named ticket out of order. */
      outOfOrder?: { reason: string };
      /** The ticket that was `serving` at the window and was finished first (API: call-next). */
      finishedFirst?: string;
      /** Call-next only: the window's interleave counter and WRR credits after this pick. */
      counters?: { normalsSincePriority: number; credits: Record<string, number> };
    }
  | { type: 'TicketStarted'; ticketId: string; windowId: string }
  | { type: 'TicketFinished'; ticketId: string; windowId: string; serviceMs: number }
  | { type: 'TicketNoShow'; ticketId: string; windowId: string }
  | { type: 'TicketRejoined'; ticketId: string; holdCalls: number }
  | { type: 'TicketTransferred'; ticketId: string; fromWindowId?: string; to: TransferTarget }
  | { type: 'TicketCancelled'; ticketId: string; reason: string }
  | { type: 'WindowPaused'; windowId: string; reason: string }
  | { type: 'WindowResumed'; windowId: string }
  | { type: 'AppointmentBooked'; appointment: Appointment }
  | { type: 'AppointmentCancelled'; code: string }
  | { type: 'RatingRecorded'; rating: Rating; followUp?: FollowUp }
  | { type: 'SetupChanged'; setup: HallSetup; by: string; summary: string; source?: string }
  | {
      type: 'FollowUpRecorded';
      ticketId: string;
      by: string;
      verification?: string;
      rectification?: string;
      reply?: string;
      closed: boolean;
    };

export type EventType = EventBody['type'];

export type HallEvent = EventBody & { seq: number; at: number };

// ---------------------------------------------------------------- refusals

/** Stable codes; the same strings reach HTTP and socket answers. */
export type DomainErrorCode =
  | 'UNKNOWN_SECTION'
  | 'UNKNOWN_SERVICE'
  | 'UNKNOWN_WINDOW'
  | 'UNKNOWN_TICKET'
  | 'UNKNOWN_APPOINTMENT'
  | 'SECTION_CLOSED'
  | 'ID_REQUIRED'
  | 'ID_LIMIT_SECTION'
  | 'ID_LIMIT_DAY'
  | 'CAPACITY_EXHAUSTED'
  | 'QUEUE_EMPTY'
  | 'TICKET_OPEN'
  | 'NO_CURRENT_TICKET'
  | 'WINDOW_CLOSED'
  | 'WINDOW_PAUSED'
  | 'WINDOW_NOT_PAUSED'
  | 'WRONG_WINDOW'
  | 'FORBIDDEN'
  | 'RECALL_LIMIT'
  | 'BAD_STATE'
  | 'REJOIN_EXPIRED'
  | 'TRANSFER_TARGET'
  | 'APPOINTMENT_NOT_TODAY'
  | 'APPOINTMENT_USED'
  | 'SLOT_UNAVAILABLE'
  | 'NOT_WORKING_DAY'
  | 'BOOKING_RANGE'
  | 'NOT_RATABLE'
  | 'ALREADY_RATED'
  | 'REASONS_REQUIRED'
  /** A live setup change that would strand a signed-in window or live tickets. */
  | 'SETUP_CONFLICT'
  | 'UNKNOWN_FOLLOW_UP'
  | 'FOLLOW_UP_CLOSED'
  /** A follow-up closes only with verification, rectification and the reply recorded. */
  | 'FOLLOW_UP_INCOMPLETE'
  /** A command whose shape the edge should have refused (missing or mistyped fields). */
  | 'BAD_COMMAND';

export interface DomainError {
  code: DomainErrorCode;
  message: string;
  /** Extra facts a client can act on, e.g. a booking suggestion with CAPACITY_EXHAUSTED. */
  details?: Record<string, unknown>;
}

export type Decision = { ok: true; events: EventBody[] } | { ok: false; error: DomainError };
