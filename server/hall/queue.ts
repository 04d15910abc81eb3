// Call order. One pick engine serves both CallNext (one pick) and the queue queries (picks repeated until
// empty), so what a screen shows as "next" is exactly what call-next will call.

import { addDays, isWorkingDay, localDay, localInstant } from './calendar.js';
import type {
  HallSetup,
  HallState,
  QueueRules,
  Section,
  SectionPolicy,
  Ticket,
  WindowConfig,
} from './types.js';

const MINUTE = 60_000;

/** Waiting in a queue: callable now or later. */
export function isQueued(t: Ticket): boolean {
  return t.status === 'waiting' || t.status === 'transferred';
}

/** Called, serving, or queued: the ticket still needs the hall (per-ID limits count these). */
export function isLive(t: Ticket): boolean {
  return isQueued(t) || t.status === 'called' || t.status === 'serving';
}

/** What the pick engine needs of a window: its sections, policy and weights. */
export interface PickWindow {
  id: string;
  sectionIds: string[];
  policy: SectionPolicy;
  weights?: Record<string, number>;
}

export interface PickCounters {
  normalsSincePriority: number;
  credits: Record<string, number>;
}

/** Which rule chose the ticket: `held` is a rejoined ticket taken only because nothing else was left. */
export type PickKind = 'head' | 'green' | 'due' | 'priority' | 'normal' | 'held';

export interface Pick {
  ticket: Ticket;
  kind: PickKind;
  /** The window's counters after this pick. */
  counters: PickCounters;
}

interface Entry {
  t: Ticket;
  headSince: number;
  hold: number;
}

/** A FIFO over a sorted array: popping is a pointer move, so a full simulation stays O(n log n). */
class Lane {
  private i = 0;
  constructor(readonly items: Entry[]) {}
  get head(): Entry | undefined {
    return this.items[this.i];
  }
  get empty(): boolean {
    return this.i >= this.items.length;
  }
  pop(): Entry {
    return this.items[this.i++]!;
  }
  /** Sorted insert behind the pointer (rare: a rejoin hold running out). */
  insert(e: Entry, before: (a: Entry, b: Entry) => number): void {
    let lo = this.i;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (before(this.items[mid]!, e) <= 0) lo = mid + 1;
      else hi = mid;
    }
    this.items.splice(lo, 0, e);
  }
}

interface Scope {
  key: string;
  due: Lane;
  prio: Lane;
  normal: Lane;
}

function byId(a: Entry, b: Entry): number {
  return a.t.id < b.t.id ? -1 : a.t.id > b.t.id ? 1 : 0;
}
const byIssued = (a: Entry, b: Entry): number => a.t.issuedAt - b.t.issuedAt || byId(a, b);
const byHead = (a: Entry, b: Entry): number => a.headSince - b.headSince || byIssued(a, b);
const bySlot = (a: Entry, b: Entry): number => (a.t.slot?.start ?? 0) - (b.t.slot?.start ?? 0) || byIssued(a, b);
const byHold = (a: Entry, b: Entry): number => a.hold - b.hold || byIssued(a, b);

/** An appointment ticket inside its check-in window [start − early, end + late]. */
export function isDue(t: Ticket, now: number, rules: QueueRules): boolean {
  if (t.priority !== 'appointment' || !t.slot) return false;
  return t.slot.start - rules.appointmentEarlyMinutes * MINUTE <= now && now <= t.slot.end + rules.appointmentLateMinutes * MINUTE;
}

/**
 * The pick engine for one window over a fixed set of eligible tickets, at a fixed `now`.
 * Each `next()` is what one call-next would take; holds of rejoined tickets run down as picks happen.
 */
export class Picker {
  private readonly head: Lane;
  private readonly green: Lane;
  private readonly scopes: Scope[];
  private readonly scopeOf = new Map<string, Scope>();
  private readonly held = new Map<string, Entry[]>();
  private readonly counters: PickCounters;

  constructor(
    tickets: Ticket[],
    private readonly win: PickWindow,
    start: PickCounters,
    private readonly rules: QueueRules,
    private readonly now: number,
  ) {
    this.counters = { normalsSincePriority: start.normalsSincePriority, credits: { ...start.credits } };
    const head: Entry[] = [];
    const green: Entry[] = [];
    const lanes = new Map<string, { due: Entry[]; prio: Entry[]; normal: Entry[] }>();
    const order: string[] = win.policy === 'fifo' ? ['*'] : [...win.sectionIds];
    const lanesFor = (key: string) => {
      let l = lanes.get(key);
      if (!l) {
        l = { due: [], prio: [], normal: [] };
        lanes.set(key, l);
        if (!order.includes(key)) order.push(key);
      }
      return l;
    };
    for (const t of tickets) {
      const e: Entry = { t, headSince: t.headSince ?? 0, hold: t.holdCalls ?? 0 };
      if (e.hold > 0) {
        const list = this.held.get(t.sectionId) ?? [];
        list.push(e);
        this.held.set(t.sectionId, list);
      } else if (t.headSince !== undefined) head.push(e);
      else if (t.priority === 'green') green.push(e);
      else {
        const l = lanesFor(win.policy === 'fifo' ? '*' : t.sectionId);
        if (isDue(t, now, rules)) l.due.push(e);
        else if (t.priority === 'priority') l.prio.push(e);
        else l.normal.push(e);
      }
    }
    this.head = new Lane(head.sort(byHead));
    this.green = new Lane(green.sort(byIssued));
    this.scopes = [];
    for (const key of order) {
      const l = lanes.get(key);
      if (!l) continue;
      const s: Scope = { key, due: new Lane(l.due.sort(bySlot)), prio: new Lane(l.prio.sort(byIssued)), normal: new Lane(l.normal.sort(byIssued)) };
      this.scopes.push(s);
      this.scopeOf.set(key, s);
    }
  }

  next(): Pick | null {
    const pick = this.take();
    if (!pick) return null;
    return { ...pick, counters: { normalsSincePriority: this.counters.normalsSincePriority, credits: { ...this.counters.credits } } };
  }

  /** Like next(), without the counters snapshot: for draining a whole queue, where only the order matters. */
  take(): { ticket: Ticket; kind: PickKind } | null {
    const pick = this.choose();
    if (pick) this.releaseHolds(pick.ticket);
    return pick;
  }

  private choose(): { ticket: Ticket; kind: PickKind } | null {
    if (!this.head.empty) return { ticket: this.head.pop().t, kind: 'head' };
    if (!this.green.empty) return { ticket: this.green.pop().t, kind: 'green' };
    const scope = this.chooseScope();
    if (scope) {
      if (!scope.due.empty) return { ticket: scope.due.pop().t, kind: 'due' };
      return this.interleave(scope);
    }
    return this.takeHeld();
  }

  private chooseScope(): Scope | null {
    // fifo (one merged scope) needs no candidate list: the common case on every drain step.
    if (this.scopes.length === 1) {
      const only = this.scopes[0]!;
      const busy = !only.due.empty || !only.prio.empty || !only.normal.empty;
      if (this.win.policy !== 'weighted' || !busy) return busy ? only : null;
    }
    const open = this.scopes.filter((s) => !s.due.empty || !s.prio.empty || !s.normal.empty);
    if (open.length === 0) return null;
    // fifo has one merged scope; strict takes the first section in the window's order.
    return this.win.policy === 'weighted' ? this.weighted(open) : open[0]!;
  }

  /** Smooth weighted round-robin: every candidate gains its weight, the richest is taken and pays the total. */
  private weighted(open: Scope[]): Scope {
    const credits = this.counters.credits;
    const weightOf = (key: string) => {
      const w = this.win.weights?.[key];
      if (w === undefined) return 1;
      return Number.isFinite(w) && w > 0 ? w : 0;
    };
    let total = 0;
    let best: Scope | null = null;
    for (const s of open) {
      const w = weightOf(s.key);
      total += w;
      credits[s.key] = (credits[s.key] ?? 0) + w;
      if (!best || credits[s.key]! > credits[best.key]!) best = s;
    }
    const chosen = best ?? open[0]!;
    credits[chosen.key] = (credits[chosen.key] ?? 0) - total;
    return chosen;
  }

  /** Priority vs normal by the window's ratio, unless the other head has waited `agingMinutes` longer. */
  private interleave(scope: Scope): { ticket: Ticket; kind: PickKind } | null {
    const p = scope.prio.head;
    const n = scope.normal.head;
    let takePrio: boolean;
    if (p && n) {
      takePrio = this.counters.normalsSincePriority >= this.rules.normalPerPriority;
      const chosen = takePrio ? p : n;
      const other = takePrio ? n : p;
      if (chosen.t.issuedAt - other.t.issuedAt >= this.rules.agingMinutes * MINUTE) takePrio = !takePrio;
    } else if (p || n) takePrio = !!p;
    else return null;
    if (takePrio) {
      this.counters.normalsSincePriority = 0;
      return { ticket: scope.prio.pop().t, kind: 'priority' };
    }
    this.counters.normalsSincePriority += 1;
    return { ticket: scope.normal.pop().t, kind: 'normal' };
  }

  private takeHeld(): { ticket: Ticket; kind: PickKind } | null {
    let best: Entry | null = null;
    for (const list of this.held.values()) for (const e of list) if (!best || byHold(e, best) < 0) best = e;
    if (!best) return null;
    const list = this.held.get(best.t.sectionId)!;
    list.splice(list.indexOf(best), 1);
    return { ticket: best.t, kind: 'held' };
  }

  /** A call that takes another ticket lets each holding ticket of that section move one place up. */
  private releaseHolds(called: Ticket): void {
    const list = this.held.get(called.sectionId);
    if (!list || list.length === 0) return;
    const still: Entry[] = [];
    for (const e of list) {
      if (e.t.id === called.id) continue;
      const hold = e.hold - 1;
      if (hold > 0) still.push({ ...e, hold });
      else this.head.insert({ t: e.t, hold: 0, headSince: this.now }, byHead);
    }
    this.held.set(called.sectionId, still);
  }
}

// ---------------------------------------------------------------- queries

export function findWindow(setup: HallSetup, windowId: string): WindowConfig | undefined {
  return setup.windows.find((w) => w.id === windowId);
}

export function findSection(setup: HallSetup, sectionId: string): Section | undefined {
  return setup.sections.find((s) => s.id === sectionId);
}

/** Queued tickets that this window may call: its sections', or those transferred to it by id. */
/**
 * The tickets this window may call, in issue order. `queued`, when given, holds every queued ticket of the
 * state (a QueueIndex keeps them), so the day's finished tickets are not walked; the answer is the same.
 */
export function eligibleAt(state: HallState, win: WindowConfig, queued?: Iterable<Ticket>): Ticket[] {
  const out: Ticket[] = [];
  for (const t of queued ?? state.tickets) if (isCallableAt(t, win)) out.push(t);
  // Issue order matters only for ties the pick engine breaks by first sight (extra sections of a strict or
  // weighted window); keep it exact all the same.
  if (queued) {
    const at = (t: Ticket) => state.tickets.position(t.id) ?? Number.MAX_SAFE_INTEGER;
    out.sort((a, b) => at(a) - at(b));
  }
  return out;
}

export function isCallableAt(t: Ticket, win: WindowConfig): boolean {
  if (!isQueued(t)) return false;
  if (t.transferTarget && 'windowId' in t.transferTarget) return t.transferTarget.windowId === win.id;
  return win.sectionIds.includes(t.sectionId);
}

function countersOf(state: HallState, windowId: string): PickCounters {
  const w = state.windows[windowId];
  return { normalsSincePriority: w?.normalsSincePriority ?? 0, credits: w?.credits ?? {} };
}

/** The first pick of call-next at this window, or null when nothing is eligible. */
export function pickNext(state: HallState, setup: HallSetup, win: WindowConfig, now: number, queued?: Iterable<Ticket>): Pick | null {
  return new Picker(eligibleAt(state, win, queued), win, countersOf(state, win.id), setup.rules, now).next();
}

function drain(p: Picker): Ticket[] {
  const out: Ticket[] = [];
  for (let pick = p.take(); pick; pick = p.take()) out.push(pick.ticket);
  return out;
}

/** The order in which repeated call-next at this window would call today's tickets. */
export function windowQueue(state: HallState, setup: HallSetup, windowId: string, now: number, queued?: Iterable<Ticket>): Ticket[] {
  const win = findWindow(setup, windowId);
  if (!win) return [];
  return drain(new Picker(eligibleAt(state, win, queued), win, countersOf(state, windowId), setup.rules, now));
}

/** The call order within one section: a window serving only it, FIFO policy, counter at 0. */
export function sectionQueue(state: HallState, setup: HallSetup, sectionId: string, now: number): Ticket[] {
  const tickets = state.tickets.values().filter((t) => isQueued(t) && t.sectionId === sectionId);
  const win: PickWindow = { id: `section:${sectionId}`, sectionIds: [sectionId], policy: 'fifo' };
  return drain(new Picker(tickets, win, { normalsSincePriority: 0, credits: {} }, setup.rules, now));
}

/** People the section's queue calls before this ticket; 0 when it is not waiting. */
export function ticketsAhead(state: HallState, setup: HallSetup, ticketId: string, now: number): number {
  const t = state.tickets.get(ticketId);
  if (!t || !isQueued(t)) return 0;
  const i = sectionQueue(state, setup, t.sectionId, now).findIndex((q) => q.id === ticketId);
  return i < 0 ? 0 : i;
}

export function waitingCount(state: HallState, sectionId: string): number {
  let n = 0;
  for (const t of state.tickets.values()) if (t.sectionId === sectionId && isQueued(t)) n++;
  return n;
}

/** Mean of the last `rollingWindow` service times, in minutes; the section's default until one exists. */
export function meanServiceMinutes(state: HallState, setup: HallSetup, sectionId: string): number {
  const section = findSection(setup, sectionId);
  const all = state.serviceTimes[sectionId] ?? [];
  const n = setup.rules.rollingWindow;
  const recent = n > 0 ? all.slice(-n) : all;
  if (recent.length === 0) return section?.defaultServiceMinutes ?? 0;
  return recent.reduce((a, b) => a + b, 0) / recent.length / MINUTE;
}

export function openWindowsServing(state: HallState, setup: HallSetup, sectionId: string): number {
  return setup.windows.filter((w) => w.sectionIds.includes(sectionId) && state.windows[w.id]?.status === 'open').length;
}

/** ceil(ahead × mean service minutes ÷ max(1, open windows serving the section)). */
export function estimateWaitMinutes(state: HallState, setup: HallSetup, sectionId: string, ahead: number): number {
  if (!(ahead > 0)) return 0;
  const mean = meanServiceMinutes(state, setup, sectionId);
  return Math.ceil((ahead * mean) / Math.max(1, openWindowsServing(state, setup, sectionId)));
}

export interface SlotLeft {
  start: string;
  end: string;
  left: number;
}

/** Booked or checked-in appointments per slot start, for one section and date. */
export function slotUse(state: HallState, sectionId: string, date: string): Map<string, number> {
  const used = new Map<string, number>();
  for (const a of Object.values(state.appointments)) {
    if (a.sectionId !== sectionId || a.date !== date) continue;
    if (a.status !== 'booked' && a.status !== 'checked_in') continue;
    used.set(a.slotStart, (used.get(a.slotStart) ?? 0) + 1);
  }
  return used;
}

export function slotsLeft(state: HallState, section: Section, date: string): SlotLeft[] {
  const used = slotUse(state, section.id, date);
  return section.appointmentSlots.map((s) => ({ start: s.start, end: s.end, left: Math.max(0, s.capacity - (used.get(s.start) ?? 0)) }));
}

/**
 * The first working day after today, within the booking horizon, with a slot still free; only the free
 * slots are listed. null when the horizon holds none.
 */
export function bookingSuggestion(
  state: HallState,
  setup: HallSetup,
  sectionId: string,
  now: number,
): { date: string; slots: SlotLeft[] } | null {
  const section = findSection(setup, sectionId);
  if (!section) return null;
  const today = localDay(now, setup.calendar);
  for (let i = 1; i <= setup.rules.bookingHorizonDays; i++) {
    const date = addDays(today, i);
    if (!isWorkingDay(date, setup.calendar)) continue;
    const free = slotsLeft(state, section, date).filter((s) => s.left > 0);
    if (free.length > 0) return { date, slots: free };
  }
  return null;
}

/** Slot instants of an appointment's date and times. */
export function slotInstants(date: string, start: string, end: string, setup: HallSetup): { start: number; end: number } {
  return { start: localInstant(date, start, setup.calendar), end: localInstant(date, end, setup.calendar) };
}
