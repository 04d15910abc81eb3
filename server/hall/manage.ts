// The manager's commands: a live setup change and the steps of a negative rating's follow-up. Both are
// events like any other, so a replay reaches the same setup and the same follow-up records.

import { localDay } from './calendar.js';
import { isLive } from './queue.js';
import type { Actor, Command, DecideContext, DomainErrorCode, EventBody, FollowUp, HallSetup, HallState } from './types.js';

type Outcome = { ok: true; events: EventBody[] } | { ok: false; error: { code: DomainErrorCode; message: string; details?: Record<string, unknown> } };

function refuse(code: DomainErrorCode, message: string, details?: Record<string, unknown>): Outcome {
  return { ok: false, error: { code, message, ...(details ? { details } : {}) } };
}

function actorId(actor: Actor): string {
  return actor.kind === 'manager' ? actor.userId : actor.kind;
}

/**
 * A new setup may change anything a window, section or service is, but it may not pull the floor from under
 * work the hall has promised: a window still signed in or holding tickets transferred to it stays, a section
 * or service goes only when no live ticket and no booking still to come names it, and a prefix that numbered
 * today's tickets of one section is not handed to another (ticket ids are day + number, so numbers would
 * repeat). `details.reason` says which, for the page to explain.
 */
export function changeSetup(s: HallState, setup: HallSetup, summary: string, ctx: DecideContext): Outcome {
  const conflict = (message: string, details: Record<string, unknown>) => refuse('SETUP_CONFLICT', message, details);
  const windowIds = new Set(setup.windows.map((w) => w.id));
  for (const w of Object.values(s.windows)) {
    if (w.status !== 'closed' && !windowIds.has(w.id)) {
      return conflict(`窗口 ${w.id} 仍有人签入，不能删除 / window ${w.id} is signed in and cannot be removed`, { reason: 'windowSignedIn', windowId: w.id });
    }
  }
  const sectionIds = new Set(setup.sections.map((x) => x.id));
  const serviceSection = new Map(setup.sections.flatMap((x) => x.services.map((v) => [v.code, x.id] as const)));
  const prefixOwner = new Map(setup.sections.map((x) => [x.prefix, x.id]));
  const today = localDay(ctx.now, setup.calendar);
  const count = new Map<string, { reason: string; key: string; n: number }>();
  const note = (reason: string, key: string) => {
    const k = `${reason}|${key}`;
    const c = count.get(k) ?? count.set(k, { reason, key, n: 0 }).get(k)!;
    c.n++;
  };
  for (const t of s.tickets) {
    // Today's numbers stay with their section whatever the ticket's state.
    const owner = t.day === today ? prefixOwner.get(t.number.charAt(0)) : undefined;
    if (owner !== undefined && owner !== t.sectionId) note('prefixUsedToday', `${t.number.charAt(0)}:${t.sectionId}`);
    if (!isLive(t)) continue;
    if (!sectionIds.has(t.sectionId)) note('sectionLiveTickets', t.sectionId);
    else if (t.serviceCode !== undefined && serviceSection.get(t.serviceCode) !== t.sectionId) note('serviceLiveTickets', t.serviceCode);
    const target = t.transferTarget && 'windowId' in t.transferTarget ? t.transferTarget.windowId : undefined;
    if (target !== undefined && !windowIds.has(target)) note('windowLiveTickets', target);
  }
  for (const a of Object.values(s.appointments)) {
    if (a.status !== 'booked' || a.date < today) continue;
    if (!sectionIds.has(a.sectionId)) note('sectionBookings', a.sectionId);
    else if (a.serviceCode !== undefined && serviceSection.get(a.serviceCode) !== a.sectionId) note('serviceBookings', a.serviceCode);
  }
  const first = [...count.values()][0];
  if (!first) {
    const source = ctx.configuredSource;
    return { ok: true, events: [{ type: 'SetupChanged', setup, by: actorId(ctx.actor), summary, ...(source ? { source } : {}) }] };
  }
  const { reason, key, n } = first;
  switch (reason) {
    case 'sectionLiveTickets':
      return conflict(`业务板块 ${key} 仍有 ${n} 个号未办结，不能删除 / section ${key} still has ${n} live tickets`, { reason, sectionId: key, count: n });
    case 'sectionBookings':
      return conflict(`业务板块 ${key} 仍有 ${n} 个未到期的预约，不能删除 / section ${key} still has ${n} bookings to come`, { reason, sectionId: key, count: n });
    case 'serviceLiveTickets':
      return conflict(`事项 ${key} 仍有 ${n} 个号未办结 / service ${key} still has ${n} live tickets`, { reason, serviceCode: key, count: n });
    case 'serviceBookings':
      return conflict(`事项 ${key} 仍有 ${n} 个未到期的预约 / service ${key} still has ${n} bookings to come`, { reason, serviceCode: key, count: n });
    case 'windowLiveTickets':
      return conflict(`仍有 ${n} 个号转给窗口 ${key}，不能删除 / ${n} live tickets were transferred to window ${key}`, { reason, windowId: key, count: n });
    default: {
      const [prefix, sectionId] = key.split(':');
      return conflict(`字头 ${prefix} 今天已用于业务板块 ${sectionId} 的号，不能给其他板块 / prefix ${prefix} numbered today's tickets of section ${sectionId}`, {
        reason,
        prefix,
        sectionId,
      });
    }
  }
}

export function recordFollowUp(s: HallState, cmd: Extract<Command, { type: 'RecordFollowUp' }>, ctx: DecideContext): Outcome {
  const f: FollowUp | undefined = s.followUps[cmd.ticketId];
  if (!f) return refuse('UNKNOWN_FOLLOW_UP', '没有该号的差评回访 / no follow-up for this ticket', { ticketId: cmd.ticketId });
  if (f.status === 'closed') return refuse('FOLLOW_UP_CLOSED', '该回访已办结 / this follow-up is closed', { ticketId: cmd.ticketId });
  const clean = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v.trim());
  const entry = { verification: clean(cmd.verification), rectification: clean(cmd.rectification), reply: clean(cmd.reply) };
  const merged = {
    verification: entry.verification ?? f.verification,
    rectification: entry.rectification ?? f.rectification,
    reply: entry.reply ?? f.reply,
  };
  if (cmd.close && (!merged.verification || !merged.rectification || !merged.reply)) {
    const missing = (['verification', 'rectification', 'reply'] as const).filter((k) => !merged[k]);
    return refuse('FOLLOW_UP_INCOMPLETE', '核实、整改和回访答复都填写后才能办结 / record verification, rectification and reply before closing', { missing });
  }
  if (!cmd.close && !entry.verification && !entry.rectification && !entry.reply) {
    return refuse('BAD_COMMAND', '没有要记录的内容 / nothing to record', { field: 'verification' });
  }
  const e: EventBody = { type: 'FollowUpRecorded', ticketId: f.ticketId, by: actorId(ctx.actor), closed: cmd.close === true };
  if (entry.verification) e.verification = entry.verification;
  if (entry.rectification) e.rectification = entry.rectification;
  if (entry.reply) e.reply = entry.reply;
  return { ok: true, events: [e] };
}
