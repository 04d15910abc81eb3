// The console's actions: API path, label, shortcut, and when each makes sense. Pure, so the rules that
// grey out a button are testable without a browser.

import type { StaffSnapshot } from '../server/realtime/contract.js';
import type { MessageKey } from '../ui-shared/i18n/index.js';

export type ActionId = 'callNext' | 'recall' | 'start' | 'finish' | 'noShow' | 'transfer' | 'pause' | 'resume';

export interface ActionDef {
  id: ActionId;
  /** POST /api/v1/windows/:id/<path> */
  path: string;
  label: MessageKey;
  /** Single-key shortcut, shown on the button. Pause and resume share P: only one is offered at a time. */
  key: string;
}

export const ACTIONS: readonly ActionDef[] = [
  { id: 'callNext', path: 'call-next', label: 'console.action.callNext', key: 'N' },
  { id: 'recall', path: 'recall', label: 'console.action.recall', key: 'R' },
  { id: 'start', path: 'start', label: 'console.action.start', key: 'S' },
  { id: 'finish', path: 'finish', label: 'console.action.finish', key: 'F' },
  { id: 'noShow', path: 'no-show', label: 'console.action.noShow', key: 'X' },
  { id: 'transfer', path: 'transfer', label: 'console.action.transfer', key: 'T' },
  { id: 'pause', path: 'pause', label: 'console.action.pause', key: 'P' },
  { id: 'resume', path: 'resume', label: 'console.action.resume', key: 'P' },
];

export function actionFor(id: ActionId): ActionDef {
  const a = ACTIONS.find((x) => x.id === id);
  if (!a) throw new Error(`unknown action ${id}`);
  return a;
}

/**
 * Actions worth offering in this state. Only the plainly impossible is greyed out; the server still decides
 * (e.g. call-next while a ticket is only called answers TICKET_OPEN, shown inline).
 */
export function enabledActions(s: StaffSnapshot | null): Set<ActionId> {
  const on = new Set<ActionId>();
  if (!s) return on;
  const status = s.window.status;
  const cur = s.current && (s.current.status === 'called' || s.current.status === 'serving') ? s.current : undefined;
  if (status === 'paused') {
    on.add('resume');
    if (cur?.status === 'serving') on.add('finish');
    return on;
  }
  if (status !== 'open') return on;
  on.add('callNext');
  on.add('pause');
  if (cur?.status === 'called') {
    on.add('recall');
    on.add('start');
    on.add('noShow');
  }
  if (cur?.status === 'serving') on.add('finish');
  if (cur) on.add('transfer');
  return on;
}
