// Commands → events. Total: any input gives either events or a structured refusal, never an exception.
// Pure: time is ctx.now, appointment codes come from ctx.newCode (or are derived from the state).

import { changeSetup, recordFollowUp } from './manage.js';
import { applyBody } from './apply.js';
import { addDays, addWorkingDays, isValidDay, isWorkingDay, localDay, localMinutes, parseHm } from './calendar.js';
import {
  bookingSuggestion,
  findSection,
  findWindow,
  isCallableAt,
  isLive,
  isQueued,
  pickNext,
  slotInstants,
  slotUse,
  slotsLeft,
} from './queue.js';
import { QueueIndex } from './queue-index.js';
import { idSectionKey, ticketIndex } from './ticket-index.js';
import type {
  Actor,
  Appointment,
  Command,
  DecideContext,
  Decision,
  DomainError,
  DomainErrorCode,
  EventBody,
  FollowUp,
  HallSetup,
  HallState,
  Rating,
  Ticket,
  WindowConfig,
  WindowState,
} from './types.js';

type Refusal = { ok: false; error: DomainError };
type Outcome = { ok: true; events: EventBody[] } | Refusal;

function refuse(code: DomainErrorCode, message: string, details?: Record<string, unknown>): Refusal {
  return { ok: false, error: details ? { code, message, details } : { code, message } };
}

function ok(events: EventBody[]): { ok: true; events: EventBody[] } {
  return { ok: true, events };
}

const MINUTE = 60_000;
const DEFAULT_PAUSE_REASON = '暂停服务';

const WINDOW_COMMANDS = new Set<string>([
  'SignIn', 'SignOut', 'CallNext', 'CallTicket', 'Recall', 'Start', 'Finish', 'NoShow', 'Transfer', 'Pause', 'Resume',
]);
const CITIZEN_COMMANDS = new Set<string>(['IssueTicket', 'BookAppointment', 'CancelAppointment', 'Rate', 'RatingTimeout', 'Rejoin']);
/** Commands only a manager (or the system) may give. */
const MANAGER_COMMANDS = new Set<string>(['ChangeSetup', 'RecordFollowUp']);
const ALL_COMMANDS = new Set<string>([
  ...WINDOW_COMMANDS, ...CITIZEN_COMMANDS, ...MANAGER_COMMANDS, 'OpenDay', 'CancelTicket',
]);
const ISSUE_PRIORITIES = new Set<string>(['normal', 'priority', 'green']);

// ---------------------------------------------------------------- shape checks (defence behind the edge)

const isStr = (v: unknown): v is string => typeof v === 'string';
const isId = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const optStr = (v: unknown): boolean => v === undefined || typeof v === 'string';

function badCommand(what: string): Refusal {
  return refuse('BAD_COMMAND', `命令格式错误：${what} / malformed command: ${what}`, { field: what });
}

function checkShape(c: unknown): Refusal | null {
  if (!c || typeof c !== 'object') return badCommand('command');
  const cmd = c as Record<string, unknown>;
  if (!isStr(cmd.type) || !ALL_COMMANDS.has(cmd.type)) return badCommand('type');
  if (WINDOW_COMMANDS.has(cmd.type) && !isId(cmd.windowId)) return badCommand('windowId');
  switch (cmd.type) {
    case 'IssueTicket':
      if (!isStr(cmd.sectionId)) return badCommand('sectionId');
      for (const f of ['serviceCode', 'idKey', 'nameMasked', 'appointmentCode', 'kioskId'] as const) {
        if (!optStr(cmd[f])) return badCommand(f);
      }
      if (cmd.priority !== undefined && !(isStr(cmd.priority) && ISSUE_PRIORITIES.has(cmd.priority))) return badCommand('priority');
      return null;
    case 'SignIn': {
      const k = cmd.clerk as Record<string, unknown> | null | undefined;
      if (!k || typeof k !== 'object' || !isId(k.id) || !isStr(k.name) || !isStr(k.staffNo)) return badCommand('clerk');
      return null;
    }
    case 'CallTicket':
      if (!isStr(cmd.ticketId)) return badCommand('ticketId');
      if (!isStr(cmd.reason)) return badCommand('reason');
      return null;
    case 'Transfer': {
      const to = cmd.to as Record<string, unknown> | null | undefined;
      if (!to || typeof to !== 'object') return badCommand('to');
      const bySection = isId(to.sectionId);
      const byWindow = isId(to.windowId);
      if (bySection === byWindow) return badCommand('to');
      return null;
    }
    case 'Pause':
      return optStr(cmd.reason) ? null : badCommand('reason');
    case 'Rejoin':
    case 'RatingTimeout':
      return isStr(cmd.ticketId) ? null : badCommand('ticketId');
    case 'CancelTicket':
      if (!isStr(cmd.ticketId)) return badCommand('ticketId');
      return optStr(cmd.reason) ? null : badCommand('reason');
    case 'BookAppointment':
      if (!isStr(cmd.sectionId)) return badCommand('sectionId');
      if (!isStr(cmd.date)) return badCommand('date');
      if (!isStr(cmd.slotStart)) return badCommand('slotStart');
      for (const f of ['serviceCode', 'idKey', 'nameMasked'] as const) if (!optStr(cmd[f])) return badCommand(f);
      return null;
    case 'CancelAppointment':
      return isStr(cmd.code) ? null : badCommand('code');
    case 'ChangeSetup':
      if (!isStr(cmd.summary)) return badCommand('summary');
      return checkContext({ now: 0, setup: cmd.setup }) ? badCommand('setup') : null;
    case 'RecordFollowUp':
      if (!isStr(cmd.ticketId)) return badCommand('ticketId');
      for (const f of ['verification', 'rectification', 'reply'] as const) if (!optStr(cmd[f])) return badCommand(f);
      return cmd.close === undefined || typeof cmd.close === 'boolean' ? null : badCommand('close');
    case 'Rate': {
      if (!isStr(cmd.ticketId)) return badCommand('ticketId');
      const level = cmd.level;
      if (typeof level !== 'number' || !Number.isInteger(level) || level < 1 || level > 5) return badCommand('level');
      if (cmd.reasons !== undefined && !(Array.isArray(cmd.reasons) && cmd.reasons.every(isStr))) return badCommand('reasons');
      return optStr(cmd.comment) ? null : badCommand('comment');
    }
    default:
      return null;
  }
}

function checkContext(ctx: unknown): Refusal | null {
  const c = ctx as Partial<DecideContext> | null | undefined;
  if (!c || typeof c !== 'object' || typeof c.now !== 'number' || !Number.isFinite(c.now)) return badCommand('context.now');
  const s = c.setup as Partial<HallSetup> | undefined;
  if (!s || !Array.isArray(s.sections) || !Array.isArray(s.windows) || !s.rules || !s.calendar) return badCommand('context.setup');
  return null;
}

function checkState(state: unknown): Refusal | null {
  const s = state as Partial<HallState> | null | undefined;
  if (!s || typeof s !== 'object') return badCommand('state');
  for (const k of ['counters', 'tickets', 'windows', 'appointments', 'serviceTimes', 'ratings', 'followUps'] as const) {
    if (!s[k] || typeof s[k] !== 'object') return badCommand(`state.${k}`);
  }
  return null;
}

// ---------------------------------------------------------------- actors

/** Role and window checks: citizens take tickets, book and rate; clerks act only at their own window. */
function checkActor(cmd: Command, actor: Actor | undefined, setup: HallSetup): Refusal | null {
  const kind = actor && typeof actor === 'object' ? (actor as { kind?: unknown }).kind : undefined;
  const forbidden = () => refuse('FORBIDDEN', '无权执行此操作 / not allowed for this role', { command: cmd.type });
  switch (kind) {
    case 'system':
    case 'manager':
      break;
    case 'citizen':
      if (!CITIZEN_COMMANDS.has(cmd.type)) return forbidden();
      break;
    case 'clerk': {
      const a = actor as Extract<Actor, { kind: 'clerk' }>;
      if (!isStr(a.windowId) || !a.clerk || !isStr(a.clerk.id)) return forbidden();
      if (cmd.type === 'OpenDay' || MANAGER_COMMANDS.has(cmd.type)) return forbidden();
      break;
    }
    default:
      return forbidden();
  }
  if (!WINDOW_COMMANDS.has(cmd.type)) return null;
  const windowId = (cmd as { windowId: string }).windowId;
  if (!findWindow(setup, windowId)) return refuse('UNKNOWN_WINDOW', `窗口 ${windowId} 不存在 / unknown window`, { windowId });
  if (kind === 'clerk') {
    const a = actor as Extract<Actor, { kind: 'clerk' }>;
    if (a.windowId !== windowId) {
      return refuse('WRONG_WINDOW', '只能操作本人登录的窗口 / clerks act only at their own window', { windowId, actorWindowId: a.windowId });
    }
    if (cmd.type === 'SignIn' && cmd.clerk.id !== a.clerk.id) return forbidden();
  }
  return null;
}

// ---------------------------------------------------------------- business day

/** The business day only moves forward: a clock stepping back never reopens an older day. */
function needsOpening(state: HallState, today: string): boolean {
  return state.day === null || today > state.day;
}

function dayOpened(state: HallState, day: string): EventBody {
  const closedTicketIds = state.tickets.values().filter(isLive).map((t) => t.id);
  const missedAppointmentCodes = Object.values(state.appointments)
    .filter((a) => a.date < day && a.status === 'booked')
    .map((a) => a.code);
  return { type: 'DayOpened', day, closedTicketIds, missedAppointmentCodes };
}

// ---------------------------------------------------------------- entry

export function decide(state: HallState, command: Command, ctx: DecideContext): Decision {
  const bad = checkShape(command) ?? checkContext(ctx) ?? checkState(state);
  if (bad) return bad;
  const denied = checkActor(command, ctx.actor, ctx.setup);
  if (denied) return denied;

  let s = state;
  const opening: EventBody[] = [];
  const today = localDay(ctx.now, ctx.setup.calendar);
  if (needsOpening(s, today)) {
    const e = dayOpened(s, today);
    opening.push(e);
    s = applyBody(s, e, ctx.now, ctx.setup);
  }
  const r = decideOn(s, command, ctx, s.day ?? today);
  if (!r.ok) return r;
  return ok([...opening, ...r.events]);
}

function decideOn(s: HallState, cmd: Command, ctx: DecideContext, today: string): Outcome {
  switch (cmd.type) {
    case 'OpenDay':
      return ok([]);
    case 'IssueTicket':
      return issueTicket(s, cmd, ctx, today);
    case 'SignIn':
      return ok([{ type: 'WindowSignedIn', windowId: cmd.windowId, clerk: { id: cmd.clerk.id, name: cmd.clerk.name, staffNo: cmd.clerk.staffNo } }]);
    case 'SignOut':
      return signOut(s, cmd.windowId, ctx);
    case 'CallNext':
      return callNext(s, cmd.windowId, ctx);
    case 'CallTicket':
      return callTicket(s, cmd, ctx);
    case 'Recall':
      return recall(s, cmd.windowId, ctx);
    case 'Start':
      return start(s, cmd.windowId);
    case 'Finish':
      return finish(s, cmd.windowId, ctx);
    case 'NoShow':
      return noShow(s, cmd.windowId);
    case 'Rejoin':
      return rejoin(s, cmd.ticketId, ctx);
    case 'Transfer':
      return transfer(s, cmd, ctx);
    case 'Pause':
      return pause(s, cmd.windowId, cmd.reason);
    case 'Resume':
      return resume(s, cmd.windowId);
    case 'CancelTicket':
      return cancelTicket(s, cmd.ticketId, cmd.reason ?? '');
    case 'BookAppointment':
      return book(s, cmd, ctx, today);
    case 'CancelAppointment':
      return cancelAppointment(s, cmd.code);
    case 'Rate':
      return rate(s, cmd.ticketId, cmd.level, cmd.reasons ?? [], cmd.comment, ctx, today);
    case 'RatingTimeout':
      return rate(s, cmd.ticketId, null, [], undefined, ctx, today);
    case 'ChangeSetup':
      return changeSetup(s, cmd.setup, cmd.summary, ctx);
    case 'RecordFollowUp':
      return recordFollowUp(s, cmd, ctx);
  }
}

// ---------------------------------------------------------------- tickets

export function formatNumber(prefix: string, seq: number): string {
  return `${prefix}${String(seq).padStart(3, '0')}`;
}

export function ticketId(day: string, number: string): string {
  return `${day.replaceAll('-', '')}-${number}`;
}

function issueTicket(s: HallState, cmd: Extract<Command, { type: 'IssueTicket' }>, ctx: DecideContext, today: string): Outcome {
  const { setup, now } = ctx;
  let appt: Appointment | undefined;
  if (cmd.appointmentCode !== undefined) {
    appt = s.appointments[cmd.appointmentCode];
    if (!appt) return refuse('UNKNOWN_APPOINTMENT', '预约码无效 / unknown appointment code', { code: cmd.appointmentCode });
    if (appt.date !== today) return refuse('APPOINTMENT_NOT_TODAY', `预约日期为 ${appt.date}，不是今天 / the appointment is for another day`, { date: appt.date });
    if (appt.status !== 'booked') return refuse('APPOINTMENT_USED', '该预约已签到或已取消 / appointment already checked in or cancelled', { status: appt.status });
  }
  const sectionId = appt ? appt.sectionId : cmd.sectionId;
  const section = findSection(setup, sectionId);
  if (!section) return refuse('UNKNOWN_SECTION', `业务板块 ${sectionId} 不存在 / unknown section`, { sectionId });
  const serviceCode = cmd.serviceCode ?? appt?.serviceCode;
  if (serviceCode !== undefined && !section.services.some((sv) => sv.code === serviceCode)) {
    return refuse('UNKNOWN_SERVICE', `事项 ${serviceCode} 不属于该板块 / unknown service`, { sectionId, serviceCode });
  }
  if (section.closed) return refuse('SECTION_CLOSED', '该业务暂停取号 / ticketing for this section is closed', { sectionId });
  const hours = setup.ticketingHours;
  if (hours) {
    const m = localMinutes(now, setup.calendar);
    const open = parseHm(hours.open);
    const close = parseHm(hours.close);
    const inHours = isWorkingDay(today, setup.calendar) && open !== null && close !== null && m >= open && m < close;
    if (!inHours) {
      return refuse('SECTION_CLOSED', `取号时间为工作日 ${hours.open}–${hours.close} / outside ticketing hours`, { open: hours.open, close: hours.close });
    }
  }
  const idKey = cmd.idKey || appt?.idKey || undefined;
  if (section.requireIdCard && !idKey) return refuse('ID_REQUIRED', '该业务需刷身份证取号 / this section needs an ID card', { sectionId });
  const ix = ticketIndex(s.tickets);
  const { rules } = setup;
  if (idKey) {
    const live = ix.liveByIdSection.get(idSectionKey(idKey, section.id)) ?? 0;
    if (live >= rules.maxLiveTicketsPerSection) {
      // Refusals are rare, so the walk for the number the citizen already holds is only made here.
      const held: string[] = [];
      for (const t of s.tickets.values()) if (t.idKey === idKey && t.sectionId === section.id && isLive(t)) held.push(t.number);
      return refuse('ID_LIMIT_SECTION', '您在该业务已有未办结的号 / this ID already holds a live ticket here', { limit: rules.maxLiveTicketsPerSection, held });
    }
    if ((ix.byIdDay.get(idKey) ?? 0) >= rules.maxTicketsPerDayPerId) {
      return refuse('ID_LIMIT_DAY', `每人每天最多取 ${rules.maxTicketsPerDayPerId} 个号 / daily ticket limit for this ID reached`, { limit: rules.maxTicketsPerDayPerId });
    }
  }
  if (!appt && (ix.walkIns.get(section.id) ?? 0) >= section.dailyCapacity) {
    return refuse('CAPACITY_EXHAUSTED', '今日号源已满，可预约其他工作日 / no tickets left today; book another working day', {
      sectionId: section.id,
      capacity: section.dailyCapacity,
      suggestion: bookingSuggestion(s, setup, section.id, now),
    });
  }

  const number = formatNumber(section.prefix, (s.counters[section.id] ?? 0) + 1);
  const ticket: Ticket = {
    id: ticketId(today, number),
    number,
    day: today,
    sectionId: section.id,
    priority: appt ? 'appointment' : (cmd.priority ?? 'normal'),
    status: 'waiting',
    issuedAt: now,
    calls: 0,
    transfers: [],
  };
  if (serviceCode !== undefined) ticket.serviceCode = serviceCode;
  const kioskId = cmd.kioskId ?? (ctx.actor.kind === 'citizen' ? ctx.actor.kioskId : undefined);
  if (kioskId !== undefined) ticket.kioskId = kioskId;
  if (idKey) ticket.idKey = idKey;
  const nameMasked = cmd.nameMasked ?? appt?.nameMasked;
  if (nameMasked !== undefined) ticket.nameMasked = nameMasked;
  if (appt) {
    ticket.appointmentCode = appt.code;
    ticket.slot = slotInstants(appt.date, appt.slotStart, appt.slotEnd, setup);
    return ok([{ type: 'TicketIssued', ticket, appointmentCode: appt.code }]);
  }
  return ok([{ type: 'TicketIssued', ticket }]);
}

// ---------------------------------------------------------------- windows

interface At {
  cfg: WindowConfig;
  ws: WindowState;
  current: Ticket | undefined;
}

/** checkActor has already refused unknown windows. */
function at(s: HallState, setup: HallSetup, windowId: string): At {
  const cfg = findWindow(setup, windowId)!;
  const ws = s.windows[windowId] ?? { id: windowId, status: 'closed', normalsSincePriority: 0, credits: {} };
  const cur = ws.currentTicketId ? s.tickets.get(ws.currentTicketId) : undefined;
  const current = cur && (cur.status === 'called' || cur.status === 'serving') ? cur : undefined;
  return { cfg, ws, current };
}

function callable(w: At): Refusal | null {
  if (w.ws.status === 'closed') return refuse('WINDOW_CLOSED', '窗口未签到 / no clerk signed in at this window', { windowId: w.cfg.id });
  if (w.ws.status === 'paused') return refuse('WINDOW_PAUSED', '窗口暂停服务中 / the window is paused', { windowId: w.cfg.id });
  if (w.current?.status === 'called') {
    return refuse('TICKET_OPEN', `${w.current.number} 已呼叫，请先开始办理、重呼或过号 / a called ticket is still open`, {
      ticketId: w.current.id,
      number: w.current.number,
    });
  }
  return null;
}

function noCurrent(windowId: string): Refusal {
  return refuse('NO_CURRENT_TICKET', '窗口当前没有号 / no current ticket at this window', { windowId });
}

function finished(t: Ticket, windowId: string, now: number): EventBody {
  return { type: 'TicketFinished', ticketId: t.id, windowId, serviceMs: Math.max(0, now - (t.startedAt ?? now)) };
}

/**
 * The queued tickets of whatever state call-next sees, kept by the tables' changed chunks: a call picks
 * among the waiting tickets instead of walking the whole day. Only a cache: the pick is the same without it.
 */
const callQueues = new QueueIndex();

function callNext(s: HallState, windowId: string, ctx: DecideContext): Outcome {
  const w = at(s, ctx.setup, windowId);
  const no = callable(w);
  if (no) return no;
  const pick = pickNext(s, ctx.setup, w.cfg, ctx.now, callQueues.allQueued(s));
  if (!pick) return refuse('QUEUE_EMPTY', '当前没有等候的号 / nobody is waiting for this window', { windowId });
  const events: EventBody[] = [];
  const called: Extract<EventBody, { type: 'TicketCalled' }> = {
    type: 'TicketCalled',
    ticketId: pick.ticket.id,
    windowId,
    recall: false,
    counters: pick.counters,
  };
  if (w.current?.status === 'serving') {
    events.push(finished(w.current, windowId, ctx.now));
    called.finishedFirst = w.current.id;
  }
  events.push(called);
  return ok(events);
}

function callTicket(s: HallState, cmd: Extract<Command, { type: 'CallTicket' }>, ctx: DecideContext): Outcome {
  const w = at(s, ctx.setup, cmd.windowId);
  const no = callable(w);
  if (no) return no;
  const reason = cmd.reason.trim();
  if (!reason) return refuse('REASONS_REQUIRED', '指定叫号须填写原因 / calling out of order needs a reason');
  const t = s.tickets.get(cmd.ticketId);
  if (!t) return refuse('UNKNOWN_TICKET', '号票不存在 / unknown ticket', { ticketId: cmd.ticketId });
  if (!isQueued(t)) return refuse('BAD_STATE', `${t.number} 不在等候中 / the ticket is not waiting`, { status: t.status });
  if (!isCallableAt(t, w.cfg)) return refuse('BAD_STATE', `${t.number} 不由本窗口办理 / the ticket is not served at this window`, { sectionId: t.sectionId });
  const called: Extract<EventBody, { type: 'TicketCalled' }> = {
    type: 'TicketCalled',
    ticketId: t.id,
    windowId: cmd.windowId,
    recall: false,
    outOfOrder: { reason },
  };
  if (w.current?.status === 'serving') {
    called.finishedFirst = w.current.id;
    return ok([finished(w.current, cmd.windowId, ctx.now), called]);
  }
  return ok([called]);
}

function recall(s: HallState, windowId: string, ctx: DecideContext): Outcome {
  const { current } = at(s, ctx.setup, windowId);
  if (!current || current.status !== 'called') return noCurrent(windowId);
  const max = 1 + ctx.setup.rules.maxRecalls;
  if (current.calls >= max) {
    return refuse('RECALL_LIMIT', `已呼叫 ${current.calls} 次，请按过号处理 / recall limit reached; mark it a no-show`, { calls: current.calls, max });
  }
  return ok([{ type: 'TicketCalled', ticketId: current.id, windowId, recall: true }]);
}

function start(s: HallState, windowId: string): Outcome {
  const cur = currentOf(s, windowId);
  if (!cur) return noCurrent(windowId);
  if (cur.status !== 'called') return refuse('BAD_STATE', `${cur.number} 已在办理中 / already being served`, { status: cur.status });
  return ok([{ type: 'TicketStarted', ticketId: cur.id, windowId }]);
}

function currentOf(s: HallState, windowId: string): Ticket | undefined {
  const id = s.windows[windowId]?.currentTicketId;
  const t = id ? s.tickets.get(id) : undefined;
  return t && (t.status === 'called' || t.status === 'serving') ? t : undefined;
}

function finish(s: HallState, windowId: string, ctx: DecideContext): Outcome {
  const cur = currentOf(s, windowId);
  if (!cur) return noCurrent(windowId);
  if (cur.status === 'called') {
    return ok([
      { type: 'TicketStarted', ticketId: cur.id, windowId },
      { type: 'TicketFinished', ticketId: cur.id, windowId, serviceMs: 0 },
    ]);
  }
  return ok([finished(cur, windowId, ctx.now)]);
}

function noShow(s: HallState, windowId: string): Outcome {
  const cur = currentOf(s, windowId);
  if (!cur) return noCurrent(windowId);
  if (cur.status !== 'called') return refuse('BAD_STATE', `${cur.number} 已在办理中，不能过号 / a ticket being served cannot be a no-show`, { status: cur.status });
  return ok([{ type: 'TicketNoShow', ticketId: cur.id, windowId }]);
}

function rejoin(s: HallState, id: string, ctx: DecideContext): Outcome {
  const t = s.tickets.get(id);
  if (!t) return refuse('UNKNOWN_TICKET', '号票不存在 / unknown ticket', { ticketId: id });
  if (t.status !== 'no_show') return refuse('BAD_STATE', `${t.number} 不是过号状态 / only a no-show ticket can rejoin`, { status: t.status });
  const within = ctx.setup.rules.rejoinWithinMinutes;
  if (ctx.now - (t.noShowAt ?? ctx.now) > within * MINUTE) {
    return refuse('REJOIN_EXPIRED', `过号超过 ${within} 分钟，请重新取号 / too late to rejoin; take a new ticket`, { withinMinutes: within });
  }
  return ok([{ type: 'TicketRejoined', ticketId: t.id, holdCalls: Math.max(0, Math.trunc(ctx.setup.rules.rejoinPositionsFromHead)) }]);
}

function transfer(s: HallState, cmd: Extract<Command, { type: 'Transfer' }>, ctx: DecideContext): Outcome {
  const cur = currentOf(s, cmd.windowId);
  if (!cur) {
    // A no-show has left the window: it must rejoin before anyone can move it.
    return noCurrent(cmd.windowId);
  }
  const to = cmd.to;
  if ('sectionId' in to) {
    if (!findSection(ctx.setup, to.sectionId)) return refuse('TRANSFER_TARGET', '目标业务板块不存在 / unknown target section', { sectionId: to.sectionId });
    return ok([{ type: 'TicketTransferred', ticketId: cur.id, fromWindowId: cmd.windowId, to: { sectionId: to.sectionId } }]);
  }
  if (!findWindow(ctx.setup, to.windowId)) return refuse('TRANSFER_TARGET', '目标窗口不存在 / unknown target window', { windowId: to.windowId });
  if (to.windowId === cmd.windowId) return refuse('TRANSFER_TARGET', '不能转给本窗口 / cannot transfer to the same window', { windowId: to.windowId });
  return ok([{ type: 'TicketTransferred', ticketId: cur.id, fromWindowId: cmd.windowId, to: { windowId: to.windowId } }]);
}

function pause(s: HallState, windowId: string, reason: string | undefined): Outcome {
  const status = s.windows[windowId]?.status ?? 'closed';
  if (status === 'closed') return refuse('WINDOW_CLOSED', '窗口未签到 / no clerk signed in at this window', { windowId });
  if (status === 'paused') return refuse('WINDOW_PAUSED', '窗口已暂停 / the window is already paused', { windowId });
  return ok([{ type: 'WindowPaused', windowId, reason: reason?.trim() || DEFAULT_PAUSE_REASON }]);
}

function resume(s: HallState, windowId: string): Outcome {
  if (s.windows[windowId]?.status !== 'paused') return refuse('WINDOW_NOT_PAUSED', '窗口未暂停 / the window is not paused', { windowId });
  return ok([{ type: 'WindowResumed', windowId }]);
}

function signOut(s: HallState, windowId: string, ctx: DecideContext): Outcome {
  const w = at(s, ctx.setup, windowId);
  if (w.ws.status === 'closed') return refuse('WINDOW_CLOSED', '窗口未签到 / no clerk signed in at this window', { windowId });
  const events: EventBody[] = [];
  if (w.current?.status === 'serving') events.push(finished(w.current, windowId, ctx.now));
  events.push({ type: 'WindowSignedOut', windowId });
  return ok(events);
}

function cancelTicket(s: HallState, id: string, reason: string): Outcome {
  const t = s.tickets.get(id);
  if (!t) return refuse('UNKNOWN_TICKET', '号票不存在 / unknown ticket', { ticketId: id });
  if (!isQueued(t) && t.status !== 'no_show') return refuse('BAD_STATE', `${t.number} 当前状态不能取消 / this ticket cannot be cancelled now`, { status: t.status });
  return ok([{ type: 'TicketCancelled', ticketId: t.id, reason }]);
}

// ---------------------------------------------------------------- appointments

const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function fnv1a(text: string, basis: number): number {
  let h = basis >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** A code derived from the state and the booking, for when the edge passes no code source. */
function derivedCode(s: HallState, seed: string): string {
  for (let salt = 0; ; salt++) {
    const text = `${seed}|${salt}`;
    const bits = [fnv1a(text, 0x811c9dc5), fnv1a(text, 0x01234567)];
    let code = '';
    for (let i = 0; i < 10; i++) code += CODE_ALPHABET[(bits[i % 2]! >>> ((i >> 1) * 5)) & 31];
    if (!s.appointments[code]) return code;
  }
}

function book(s: HallState, cmd: Extract<Command, { type: 'BookAppointment' }>, ctx: DecideContext, today: string): Outcome {
  const { setup } = ctx;
  const section = findSection(setup, cmd.sectionId);
  if (!section) return refuse('UNKNOWN_SECTION', `业务板块 ${cmd.sectionId} 不存在 / unknown section`, { sectionId: cmd.sectionId });
  if (cmd.serviceCode !== undefined && !section.services.some((sv) => sv.code === cmd.serviceCode)) {
    return refuse('UNKNOWN_SERVICE', `事项 ${cmd.serviceCode} 不属于该板块 / unknown service`, { serviceCode: cmd.serviceCode });
  }
  const last = addDays(today, setup.rules.bookingHorizonDays);
  if (!isValidDay(cmd.date) || cmd.date <= today || cmd.date > last) {
    return refuse('BOOKING_RANGE', `可预约 ${addDays(today, 1)} 至 ${last} / bookable from tomorrow to ${last}`, { from: addDays(today, 1), to: last });
  }
  if (!isWorkingDay(cmd.date, setup.calendar)) return refuse('NOT_WORKING_DAY', `${cmd.date} 不是工作日 / not a working day`, { date: cmd.date });
  const slot = section.appointmentSlots.find((x) => x.start === cmd.slotStart);
  const used = slot ? (slotUse(s, section.id, cmd.date).get(slot.start) ?? 0) : 0;
  if (!slot || used >= slot.capacity) {
    return refuse('SLOT_UNAVAILABLE', '该时段已约满或不存在 / this slot is full or does not exist', {
      date: cmd.date,
      slots: slotsLeft(s, section, cmd.date).filter((x) => x.left > 0),
    });
  }
  if (cmd.idKey) {
    const held = Object.values(s.appointments).some(
      (a) => a.idKey === cmd.idKey && a.sectionId === section.id && a.date === cmd.date && a.status === 'booked',
    );
    if (held) return refuse('ID_LIMIT_SECTION', '您当天在该业务已有预约 / this ID already has a booking for that section and day', { date: cmd.date });
  }
  const offered = ctx.newCode?.();
  const code = isId(offered) && !s.appointments[offered]
    ? offered
    : derivedCode(s, `${s.seq}|${section.id}|${cmd.date}|${slot.start}|${cmd.idKey ?? ''}|${ctx.now}`);
  const appointment: Appointment = {
    code,
    sectionId: section.id,
    date: cmd.date,
    slotStart: slot.start,
    slotEnd: slot.end,
    bookedAt: ctx.now,
    status: 'booked',
  };
  if (cmd.serviceCode !== undefined) appointment.serviceCode = cmd.serviceCode;
  if (cmd.idKey) appointment.idKey = cmd.idKey;
  if (cmd.nameMasked !== undefined) appointment.nameMasked = cmd.nameMasked;
  return ok([{ type: 'AppointmentBooked', appointment }]);
}

function cancelAppointment(s: HallState, code: string): Outcome {
  const a = s.appointments[code];
  if (!a) return refuse('UNKNOWN_APPOINTMENT', '预约码无效 / unknown appointment code', { code });
  if (a.status !== 'booked') return refuse('APPOINTMENT_USED', '该预约已签到或已取消 / appointment already checked in or cancelled', { status: a.status });
  return ok([{ type: 'AppointmentCancelled', code }]);
}

// ---------------------------------------------------------------- ratings

function rate(
  s: HallState,
  id: string,
  level: Rating['level'],
  reasons: string[],
  comment: string | undefined,
  ctx: DecideContext,
  today: string,
): Outcome {
  const t = s.tickets.get(id);
  if (!t) return refuse('UNKNOWN_TICKET', '号票不存在 / unknown ticket', { ticketId: id });
  if (t.status !== 'done') return refuse('NOT_RATABLE', '业务办结后才能评价 / only a finished ticket can be rated', { status: t.status });
  if (t.rated) return refuse('ALREADY_RATED', '该号已评价 / this ticket has been rated', { ticketId: id });
  const given = reasons.map((r) => r.trim()).filter((r) => r.length > 0);
  if (level !== null && level <= 2 && given.length === 0) {
    return refuse('REASONS_REQUIRED', '不满意评价请选择原因 / a negative rating needs at least one reason');
  }
  const rating: Rating = { ticketId: t.id, windowId: t.windowId ?? '', level, reasons: given, at: ctx.now };
  if (t.clerkId) rating.clerkId = t.clerkId;
  if (comment !== undefined && comment.trim()) rating.comment = comment.trim();
  if (level !== null && level <= 2) {
    const followUp: FollowUp = {
      ticketId: t.id,
      level,
      openedAt: ctx.now,
      dueDate: addWorkingDays(today, ctx.setup.rules.followUpWorkingDays, ctx.setup.calendar),
      status: 'open',
    };
    return ok([{ type: 'RatingRecorded', rating, followUp }]);
  }
  return ok([{ type: 'RatingRecorded', rating }]);
}
