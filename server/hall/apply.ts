// Events → state. Never mutates its input: changed records are copied, the rest is shared.
// Times come from the event's `at` (the journal stamps it with the instant the command was decided at).

import { carryIndex } from './ticket-index.js';
import { TicketTable } from './ticket-table.js';
import type {
  EventBody,
  FollowUp,
  HallEvent,
  HallSetup,
  HallState,
  Ticket,
  TransferTarget,
  WindowState,
} from './types.js';

export function closedWindow(id: string): WindowState {
  return { id, status: 'closed', normalsSincePriority: 0, credits: {} };
}

export function initialState(setup: HallSetup): HallState {
  const windows: Record<string, WindowState> = {};
  for (const w of setup.windows) windows[w.id] = closedWindow(w.id);
  return {
    day: null,
    seq: 0,
    counters: {},
    tickets: TicketTable.empty(),
    windows,
    appointments: {},
    serviceTimes: {},
    ratings: {},
    followUps: {},
  };
}

/** A copy of `o` without `keys`: optional fields are absent, never `undefined`, so JSON round-trips match. */
function omit<T extends object, K extends keyof T>(o: T, ...keys: K[]): Omit<T, K> {
  const copy = { ...o };
  for (const k of keys) delete copy[k];
  return copy;
}

/** The state with tickets replaced or added; the table copies only the chunks they sit in. */
function withTickets(state: HallState, changed: Ticket[]): HallState {
  const tickets = state.tickets.with(changed);
  carryIndex(state.tickets, tickets, changed.map((t) => [state.tickets.get(t.id), t]));
  return { ...state, tickets };
}

function withTicket(state: HallState, t: Ticket): HallState {
  return withTickets(state, [t]);
}

function windowOf(state: HallState, id: string): WindowState {
  return state.windows[id] ?? closedWindow(id);
}

function withWindow(state: HallState, w: WindowState): HallState {
  return { ...state, windows: { ...state.windows, [w.id]: w } };
}

/** Clears a window's current ticket if it is `ticketId`. */
function releaseWindow(state: HallState, windowId: string | undefined, ticketId: string): HallState {
  if (!windowId) return state;
  const w = state.windows[windowId];
  if (!w || w.currentTicketId !== ticketId) return state;
  return withWindow(state, omit(w, 'currentTicketId'));
}

/** Where a transfer lands: the target section, or for a window the ticket's own section if that window serves it. */
export function transferSection(t: Ticket, to: TransferTarget, setup: HallSetup): string {
  if ('sectionId' in to) return to.sectionId;
  const win = setup.windows.find((w) => w.id === to.windowId);
  if (!win || win.sectionIds.length === 0 || win.sectionIds.includes(t.sectionId)) return t.sectionId;
  return win.sectionIds[0]!;
}

/** Every call that takes a ticket lets the holding (rejoined) tickets of its section move one place up. */
function runDownHolds(tickets: TicketTable, sectionId: string, calledId: string, at: number): Ticket[] {
  const out: Ticket[] = [];
  for (const t of tickets) {
    if (t.id === calledId || t.sectionId !== sectionId || !(t.holdCalls && t.holdCalls > 0) || t.status !== 'waiting') continue;
    const hold = t.holdCalls - 1;
    out.push(hold > 0 ? { ...t, holdCalls: hold } : { ...omit(t, 'holdCalls'), headSince: at });
  }
  return out;
}

/** Applies an event body at instant `at`, leaving `seq` alone (decide uses this to look ahead). */
export function applyBody(state: HallState, e: EventBody, at: number, configured: HallSetup): HallState {
  // A setup a manager changed live (SetupChanged) wins over the configured one.
  const setup = state.setup ?? configured;
  switch (e.type) {
    case 'DayOpened': {
      const tickets = state.tickets.filter((t) => t.day === e.day);
      const ratings: HallState['ratings'] = {};
      for (const [id, r] of Object.entries(state.ratings)) if (tickets.has(id)) ratings[id] = r;
      const windows: Record<string, WindowState> = {};
      for (const w of setup.windows) windows[w.id] = closedWindow(w.id);
      const appointments: HallState['appointments'] = {};
      for (const a of Object.values(state.appointments)) if (a.date >= e.day) appointments[a.code] = a;
      return { ...state, day: e.day, counters: {}, tickets, ratings, windows, appointments };
    }

    case 'TicketIssued': {
      const t = e.ticket;
      let next: HallState = {
        ...withTicket(state, t),
        counters: { ...state.counters, [t.sectionId]: (state.counters[t.sectionId] ?? 0) + 1 },
      };
      const code = e.appointmentCode;
      const a = code ? state.appointments[code] : undefined;
      if (a) next = { ...next, appointments: { ...next.appointments, [a.code]: { ...a, status: 'checked_in', ticketId: t.id } } };
      return next;
    }

    case 'WindowSignedIn': {
      const w = omit(windowOf(state, e.windowId), 'pauseReason', 'pausedAt');
      return withWindow(state, { ...w, status: 'open', clerk: e.clerk, openedAt: at });
    }

    case 'WindowSignedOut': {
      const w = windowOf(state, e.windowId);
      let next = state;
      const cur = w.currentTicketId ? state.tickets.get(w.currentTicketId) : undefined;
      if (cur && cur.status === 'called') {
        // Called but not served: back to the head of its section, as a transfer would put it.
        next = withTicket(next, { ...omit(cur, 'windowId', 'holdCalls', 'transferTarget'), status: 'waiting', calls: 0, headSince: at });
      }
      const closed = omit(w, 'clerk', 'currentTicketId', 'pauseReason', 'pausedAt', 'openedAt');
      return withWindow(next, { ...closed, status: 'closed' });
    }

    case 'TicketCalled': {
      const t = state.tickets.get(e.ticketId);
      if (!t) return state;
      const w = windowOf(state, e.windowId);
      let ticket: Ticket;
      let released: Ticket[] = [];
      if (e.recall) {
        ticket = { ...t, calls: t.calls + 1, lastCalledAt: at };
      } else {
        ticket = {
          ...omit(t, 'headSince', 'holdCalls', 'transferTarget'),
          status: 'called',
          windowId: e.windowId,
          calls: 1,
          firstCalledAt: t.firstCalledAt ?? at,
          lastCalledAt: at,
        };
        released = runDownHolds(state.tickets, t.sectionId, t.id, at);
      }
      const win: WindowState = { ...w, currentTicketId: t.id };
      if (e.counters) {
        win.normalsSincePriority = e.counters.normalsSincePriority;
        win.credits = { ...e.counters.credits };
      }
      return withWindow(withTickets(state, [...released, ticket]), win);
    }

    case 'TicketStarted': {
      const t = state.tickets.get(e.ticketId);
      if (!t) return state;
      return withTicket(state, { ...t, status: 'serving', startedAt: at });
    }

    case 'TicketFinished': {
      const t = state.tickets.get(e.ticketId);
      if (!t) return state;
      const clerkId = state.windows[e.windowId]?.clerk?.id;
      const done: Ticket = { ...t, status: 'done', finishedAt: at, windowId: e.windowId };
      if (clerkId) done.clerkId = clerkId;
      let next = releaseWindow(withTicket(state, done), e.windowId, t.id);
      // A zero-length service (finish straight after the call) says nothing about how long service takes.
      if (e.serviceMs > 0) {
        const keep = Math.max(1, setup.rules.rollingWindow);
        const times = [...(state.serviceTimes[t.sectionId] ?? []), e.serviceMs].slice(-keep);
        next = { ...next, serviceTimes: { ...next.serviceTimes, [t.sectionId]: times } };
      }
      return next;
    }

    case 'TicketNoShow': {
      const t = state.tickets.get(e.ticketId);
      if (!t) return state;
      return releaseWindow(withTicket(state, { ...t, status: 'no_show', noShowAt: at }), e.windowId, t.id);
    }

    case 'TicketRejoined': {
      const t = state.tickets.get(e.ticketId);
      if (!t) return state;
      const base = { ...omit(t, 'windowId', 'holdCalls', 'headSince', 'transferTarget'), status: 'waiting' as const, calls: 0 };
      return withTicket(state, e.holdCalls > 0 ? { ...base, holdCalls: e.holdCalls } : { ...base, headSince: at });
    }

    case 'TicketTransferred': {
      const t = state.tickets.get(e.ticketId);
      if (!t) return state;
      const from = e.fromWindowId ?? t.windowId;
      const entry: Ticket['transfers'][number] = { at, fromSectionId: t.sectionId, to: e.to };
      if (from) entry.fromWindowId = from;
      const moved: Ticket = {
        ...omit(t, 'windowId', 'holdCalls'),
        status: 'transferred',
        sectionId: transferSection(t, e.to, setup),
        transferTarget: e.to,
        headSince: at,
        calls: 0,
        transfers: [...t.transfers, entry],
      };
      return releaseWindow(withTicket(state, moved), from, t.id);
    }

    case 'TicketCancelled': {
      const t = state.tickets.get(e.ticketId);
      if (!t) return state;
      return withTicket(state, { ...omit(t, 'holdCalls', 'headSince'), status: 'cancelled' });
    }

    case 'WindowPaused':
      return withWindow(state, { ...windowOf(state, e.windowId), status: 'paused', pauseReason: e.reason, pausedAt: at });

    case 'WindowResumed':
      return withWindow(state, { ...omit(windowOf(state, e.windowId), 'pauseReason', 'pausedAt'), status: 'open' });

    case 'AppointmentBooked':
      return { ...state, appointments: { ...state.appointments, [e.appointment.code]: e.appointment } };

    case 'AppointmentCancelled': {
      const a = state.appointments[e.code];
      if (!a) return state;
      return { ...state, appointments: { ...state.appointments, [a.code]: { ...a, status: 'cancelled' } } };
    }

    case 'RatingRecorded': {
      const t = state.tickets.get(e.rating.ticketId);
      let next: HallState = { ...state, ratings: { ...state.ratings, [e.rating.ticketId]: e.rating } };
      if (t) next = withTicket(next, { ...t, rated: true });
      if (e.followUp) next = { ...next, followUps: { ...next.followUps, [e.followUp.ticketId]: e.followUp } };
      return next;
    }

    case 'SetupChanged': {
      // Windows new to the setup start closed; removed ones were closed (decide made sure) and go.
      const windows: Record<string, WindowState> = {};
      for (const w of e.setup.windows) windows[w.id] = state.windows[w.id] ?? closedWindow(w.id);
      const next: HallState = { ...state, setup: e.setup, windows };
      if (e.source) next.setupSource = e.source;
      else delete next.setupSource;
      return next;
    }

    case 'FollowUpRecorded': {
      const f = state.followUps[e.ticketId];
      if (!f) return state;
      const next: FollowUp = { ...f, updatedBy: e.by, updatedAt: at };
      if (e.verification !== undefined) next.verification = e.verification;
      if (e.rectification !== undefined) next.rectification = e.rectification;
      if (e.reply !== undefined) next.reply = e.reply;
      if (e.closed) {
        next.status = 'closed';
        next.closedAt = at;
      }
      return { ...state, followUps: { ...state.followUps, [f.ticketId]: next } };
    }

    default:
      // An event type this build does not know changes nothing (older code reading a newer journal).
      return state;
  }
}

/** The state after `event`: a new object; `state` is left as it was. */
export function apply(state: HallState, event: HallEvent, setup: HallSetup): HallState {
  return { ...applyBody(state, event, event.at, setup), seq: event.seq };
}
