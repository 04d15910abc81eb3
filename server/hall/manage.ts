// The manager's commands: a live setup change and the steps of a negative rating's follow-up. Both are
// events like any other, so a replay reaches the same setup and the same follow-up records.

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
 * A new setup may change anything a window or section is, but it may not pull the floor from under live
 * work: a window still signed in must stay, and a section may go only when no live ticket is in it.
 */
export function changeSetup(s: HallState, setup: HallSetup, summary: string, ctx: DecideContext): Outcome {
  const windowIds = new Set(setup.windows.map((w) => w.id));
  for (const w of Object.values(s.windows)) {
    if (w.status !== 'closed' && !windowIds.has(w.id)) {
      return refuse('SETUP_CONFLICT', `窗口 ${w.id} 仍有人签入，不能删除 / window ${w.id} is signed in and cannot be removed`, { windowId: w.id });
    }
  }
  const sectionIds = new Set(setup.sections.map((x) => x.id));
  for (const t of s.tickets) {
    if (isLive(t) && !sectionIds.has(t.sectionId)) {
      return refuse('SETUP_CONFLICT', `业务板块 ${t.sectionId} 仍有号票未办结，不能删除 / section ${t.sectionId} still has live tickets`, {
        sectionId: t.sectionId,
      });
    }
  }
  const source = ctx.configuredSource;
  return { ok: true, events: [{ type: 'SetupChanged', setup, by: actorId(ctx.actor), summary, ...(source ? { source } : {}) }] };
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
