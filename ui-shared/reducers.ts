// How each stream's events change its snapshot. Pure functions: the server's snapshot stays the shape of
// the state, so a page renders the same way whether it got a fresh snapshot or a run of events.

import type {
  CallPayload,
  CentralStatusLite,
  DevicesPayload,
  DisplaySnapshot,
  ManagerSnapshot,
  PadSnapshot,
  PadTicket,
  PadTicketPayload,
  QueuePayload,
  StaffSnapshot,
  WindowPayload,
  WindowView,
} from '../server/realtime/contract.js';
import type { AlertsPayload } from '../server/manager/contract.js';
import type { Reducers } from './stream.js';

export type RecentCall = Omit<CallPayload, 'seq'>;

/** How many calls a screen keeps: the display lists fewer, but dedupe needs some history. */
export const RECENT_CALLS_KEPT = 30;

/**
 * A call is one ticket called at one time; a recall of the same ticket is a new call. Times on the wire have
 * whole seconds, so the recall flag keeps a recall within the second of its call apart from it.
 */
export function callKey(c: { ticket: { id: string }; at: string; recall: boolean }): string {
  return `${c.ticket.id}@${c.at}${c.recall ? '#recall' : ''}`;
}

/** Newest first, one entry per call, at most `RECENT_CALLS_KEPT`. */
export function mergeCalls(calls: readonly RecentCall[], add?: RecentCall): RecentCall[] {
  const all = add ? [add, ...calls] : [...calls];
  const seen = new Set<string>();
  const out: RecentCall[] = [];
  for (const c of all.sort((a, b) => Date.parse(b.at) - Date.parse(a.at))) {
    const k = callKey(c);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(c);
  }
  return out.slice(0, RECENT_CALLS_KEPT);
}

function stripSeq(p: CallPayload): RecentCall {
  const { seq: _seq, ...rest } = p;
  return rest;
}

/** The window a call names shows the called ticket until a `window` event says more. */
function windowCalled(w: WindowView, p: CallPayload): WindowView {
  if (w.id !== p.window.id) return w;
  return { ...w, current: { id: p.ticket.id, number: p.ticket.number, sectionId: p.ticket.sectionId, status: 'called' } };
}

function upsertWindow(windows: readonly WindowView[], w: WindowView): WindowView[] {
  const i = windows.findIndex((x) => x.id === w.id);
  if (i < 0) return [...windows, w].sort((a, b) => a.number - b.number);
  const next = [...windows];
  next[i] = w;
  return next;
}

function mergeQueue<T extends { id: string; waiting: number; estimatedWaitMinutes: number }>(
  sections: readonly T[],
  p: QueuePayload,
): T[] {
  const byId = new Map(p.sections.map((s) => [s.id, s]));
  return sections.map((s) => {
    const u = byId.get(s.id);
    return u ? { ...s, waiting: u.waiting, estimatedWaitMinutes: u.estimatedWaitMinutes } : s;
  });
}

export interface DisplayEvents {
  call: CallPayload;
  queue: QueuePayload;
  window: WindowPayload;
}

export const displayReducers: Reducers<DisplaySnapshot, DisplayEvents> = {
  call: (s, p) => ({
    ...s,
    seq: p.seq,
    recentCalls: mergeCalls(s.recentCalls, stripSeq(p)),
    windows: s.windows.map((w) => windowCalled(w, p)),
  }),
  queue: (s, p) => ({ ...s, seq: p.seq, sections: mergeQueue(s.sections, p) }),
  window: (s, p) => ({ ...s, seq: p.seq, windows: upsertWindow(s.windows, p.window) }),
};

export interface PadEvents {
  /** The hall display's call, its ticket carrying the service name as well. */
  call: Omit<CallPayload, 'ticket'> & { ticket: PadTicket };
  serving: PadTicketPayload;
  finished: PadTicketPayload;
  window: WindowPayload;
  rated: { seq: number; ticketId: string };
}

export const padReducers: Reducers<PadSnapshot, PadEvents> = {
  call: (s, p) => {
    const next: PadSnapshot = {
      ...s,
      seq: p.seq,
      current: { ...p.ticket, status: 'called' },
    };
    // Calling the next citizen ends the wait for the previous one's rating (the server does the same).
    delete next.awaitingRating;
    return next;
  },
  serving: (s, p) => ({
    ...s,
    seq: p.seq,
    current: { ...p.ticket, status: 'serving' },
    ...(p.clerk ? { clerk: p.clerk } : {}),
  }),
  finished: (s, p) => {
    const next: PadSnapshot = { ...s, seq: p.seq, awaitingRating: p.ticket };
    if (p.clerk) next.clerk = p.clerk;
    if (s.current?.id === p.ticket.id) delete next.current;
    return next;
  },
  window: (s, p) => {
    const next: PadSnapshot = { ...s, seq: p.seq, window: p.window };
    if (p.window.clerk) next.clerk = p.window.clerk;
    else delete next.clerk;
    return next;
  },
  rated: (s, p) => {
    const next: PadSnapshot = { ...s, seq: p.seq };
    if (s.awaitingRating?.id === p.ticketId) delete next.awaitingRating;
    return next;
  },
};

export interface StaffEvents {
  update: StaffSnapshot;
}

export const staffReducers: Reducers<StaffSnapshot, StaffEvents> = {
  update: (_s, p) => p,
};

export interface ManagerEvents {
  queue: QueuePayload;
  update: ManagerSnapshot;
  alerts: AlertsPayload & { seq: number };
  /** Other modules' events on the stream: taken so their seq does not look like a gap. */
  supervision: { seq: number; report: Record<string, unknown> };
  central: CentralStatusLite & { seq: number };
  /** Device health: the whole list at once when a device changes status, every 5 s while counters move. */
  devices: DevicesPayload;
}

export const managerReducers: Reducers<ManagerSnapshot, ManagerEvents> = {
  queue: (s, p) => ({ ...s, seq: p.seq, sections: mergeQueue(s.sections, p) }),
  // An update carries the queue view only: the alerts stay as the last `alerts` event left them.
  update: (s, p) => ({
    ...p,
    ...(s.alerts && !p.alerts ? { alerts: s.alerts } : {}),
    ...(s.supervision && !p.supervision ? { supervision: s.supervision } : {}),
    ...(s.central && !p.central ? { central: s.central } : {}),
    ...(s.devices && !p.devices ? { devices: s.devices } : {}),
  }),
  alerts: (s, { seq, ...alerts }) => ({ ...s, seq, alerts }),
  supervision: (s, { seq, report }) => ({ ...s, seq, supervision: report }),
  central: (s, { seq, ...central }) => ({ ...s, seq, central }),
  devices: (s, { seq, devices }) => ({ ...s, seq, devices }),
};
