// The alert list: unacknowledged alerts, newest first, each said in the reader's language from its params.

import { useState } from 'preact/hooks';
import type { AlertView, AlertsPayload } from '../server/manager/contract.js';
import { api, asApiError } from '../ui-shared/api.js';
import { hallTime, safeText } from '../ui-shared/format.js';
import { currentLang, errText, t } from '../ui-shared/page.js';
import type { MessageKey } from '../ui-shared/i18n/index.js';

export function alertText(a: AlertView): string {
  const p = { ...a.params };
  const en = currentLang() === 'en';
  switch (a.kind) {
    case 'wait':
      return t('manager.alert.wait', { ...p, section: String(en ? p.sectionEn ?? p.section : p.section) });
    case 'paused':
      return t('manager.alert.paused', { ...p, reason: safeText(String(p.reason ?? '')) });
    case 'rating':
      return t('manager.alert.rating', { ...p, level: t(`pad.level.${p.level}` as MessageKey) });
    case 'followup':
      return t('manager.alert.followup', p);
    case 'device':
      return t('manager.alert.device', { ...p, status: t(`manager.device.${p.status}` as MessageKey), detail: safeText(String(p.detail ?? '')) });
    case 'outbox':
      return p.error ? t('manager.alert.outbox.error', p) : t('manager.alert.outbox.backlog', p);
    case 'case':
      if (p.level === 'legal_overdue' || p.level === 'commitment_overdue') return t(`manager.alert.case.${p.level}`, p);
      return t(p.state === 'past' ? 'manager.alert.case.past' : 'manager.alert.case.near', p);
  }
}

export function AlertsPanel({ alerts, token }: { alerts: AlertsPayload | undefined; token: string }) {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<{ id: string; text: string } | null>(null);
  const list = alerts?.active ?? [];
  const ack = async (id: string) => {
    setBusy(id);
    setError(null);
    try {
      await api(`/manager/alerts/${encodeURIComponent(id)}/ack`, { method: 'POST', body: {}, token });
    } catch (e) {
      const err = asApiError(e);
      setError({ id, text: errText(err.code, err.message) });
    } finally {
      setBusy(null);
    }
  };
  return (
    <section class={`m-alerts card${list.length ? ' has-alerts' : ''}`}>
      <h2>
        {t('manager.alerts')}
        {list.length > 0 && <span class="m-count num">{list.length}</span>}
        {alerts && alerts.holding > 0 && <span class="m-holding">{t('manager.alerts.holding', { n: alerts.holding })}</span>}
      </h2>
      {list.length === 0 ? (
        <p class="m-empty">{t('manager.alerts.none')}</p>
      ) : (
        <ul>
          {list.map((a) => (
            <li class={`m-alert sev-${a.severity}${a.clearedAt ? ' is-cleared' : ''}`} data-alert={a.kind} data-id={a.id}>
              <span class="m-sev">{t(`manager.severity.${a.severity}`)}</span>
              <span class="num m-time">{hallTime(a.raisedAt)}</span>
              <span class="m-alert-text">{alertText(a)}</span>
              {a.clearedAt && <span class="m-cleared">{t('manager.alerts.cleared')}</span>}
              <button type="button" class="btn m-ack" disabled={busy === a.id} onClick={() => void ack(a.id)}>
                {t('manager.alerts.ack')}
              </button>
              {error?.id === a.id && <span class="form-error">{error.text}</span>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
