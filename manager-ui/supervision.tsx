// Electronic supervision (电子监察) on the manager's live tab: the case module's report as the /manager
// stream carries it (in the snapshot and as `supervision` events): accepted cases near or past their
// deadlines, and single tickets waiting or being served too long. Cases central reports done drop out.

import type { CaseAlert, SupervisionReport, TicketAlert } from '../server/cases/supervision.js';
import type { MessageKey } from '../ui-shared/i18n/index.js';
import { t } from '../ui-shared/page.js';

function isReport(x: unknown): x is SupervisionReport {
  const r = x as SupervisionReport | undefined;
  return !!r && Array.isArray(r.cases) && Array.isArray(r.tickets) && typeof r.counts === 'object';
}

export function SupervisionPanel({ report }: { report: unknown }) {
  if (!isReport(report)) return null;
  const { cases, tickets } = report;
  return (
    <section class="m-devices card m-supervision" data-supervision>
      <h2>
        {t('manager.supervision')}
        <span class="m-holding">{t('manager.supervision.counts', { cases: cases.length, tickets: tickets.length })}</span>
      </h2>
      {cases.length === 0 && tickets.length === 0 ? (
        <p class="m-empty">{t('manager.supervision.none')}</p>
      ) : (
        <ul>
          {cases.slice(0, 20).map((c: CaseAlert) => (
            <li class={`m-device dev-${c.level === 'warning' ? 'offline' : 'fault'}`} data-case-alert={c.level}>
              <span class="num">{c.receiptNo ?? c.caseId}</span>
              <span>{c.serviceName}</span>
              <span>{t(`manager.supervision.level.${c.level}` as MessageKey, { due: c.due, n: Math.abs(c.workingDaysLeft) })}</span>
            </li>
          ))}
          {tickets.slice(0, 20).map((x: TicketAlert) => (
            <li class="m-device dev-offline" data-ticket-alert={x.kind}>
              <span class="num">{x.number}</span>
              <span>{t(`manager.supervision.ticket.${x.kind}` as MessageKey, { minutes: x.minutes, limit: x.limitMinutes })}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
