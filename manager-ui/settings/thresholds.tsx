// Alert thresholds (告警阈值): when the dashboard raises a wait, pause, outbox, case-deadline, rating or
// device alert. Changed live and audited (PUT /manager/thresholds).

import { useEffect, useState } from 'preact/hooks';
import type { AlertThresholdsView } from '../../server/manager/contract.js';
import { api } from '../../ui-shared/api.js';
import { hallTime } from '../../ui-shared/format.js';
import { t } from '../../ui-shared/page.js';
import { useLoad } from '../load.js';
import { FieldError, Note, OtherIssues, useSave } from './shared.js';

export function Thresholds({ token }: { token: string }) {
  const [loaded, reload] = useLoad<AlertThresholdsView>('/manager/thresholds', token);
  const [form, setForm] = useState<AlertThresholdsView | null>(null);
  const { note, issues, busy, run } = useSave(token, () => {
    reload();
    reloadAside();
  });
  useEffect(() => {
    if (loaded.data) setForm(loaded.data);
  }, [loaded.data]);
  const [aside, reloadAside] = useLoad<{ setAside: { at: string; alerts: AlertThresholdsView } | null }>('/manager/thresholds/set-aside', token);
  if (!form) return null;
  const numbers = ['waitMinutes', 'pausedMinutes', 'outboxBacklog', 'caseWarnDays'] as const;
  const flags = ['negativeRating', 'deviceFault'] as const;
  return (
    <section class="card m-thresholds">
      <h2>{t('manager.set.thresholds')}</h2>
      {aside.data?.setAside && (
        <div class="m-dev-notice" role="alert" data-notice="thresholds">
          <p>
            {t('manager.th.setAside', {
              at: `${aside.data.setAside.at.slice(0, 10)} ${hallTime(aside.data.setAside.at)}`,
              saved: numbers.map((k) => `${t(`manager.th.${k}`)} ${aside.data!.setAside!.alerts[k]}`).join('，'),
            })}
          </p>
          <button
            type="button"
            class="btn"
            data-act="dismiss-thresholds-notice"
            onClick={() => void api('/manager/thresholds/set-aside', { method: 'DELETE', token }).then(reloadAside, reloadAside)}
          >
            {t('manager.dev.notice.dismiss')}
          </button>
        </div>
      )}
      <form
        class="m-inline"
        onSubmit={(e) => {
          e.preventDefault();
          void run('/manager/thresholds', 'PUT', form);
        }}
      >
        {numbers.map((k) => (
          <label class={`m-th-field${issues[k] ? ' is-bad' : ''}`}>
            {t(`manager.th.${k}`)}
            <input
              class="m-num"
              type="number"
              name={k}
              value={Number.isNaN(form[k]) ? '' : form[k]}
              aria-invalid={issues[k] ? 'true' : undefined}
              // An empty box is sent as it is (not as 0), so the server says what it needs at the field.
              onInput={(e) => {
                const v = (e.target as HTMLInputElement).value;
                setForm({ ...form, [k]: v.trim() === '' ? Number.NaN : Number(v) });
              }}
            />
            <FieldError issues={issues} path={k} />
          </label>
        ))}
        {flags.map((k) => (
          <label class="m-check">
            <input type="checkbox" name={k} checked={form[k]} onChange={() => setForm({ ...form, [k]: !form[k] })} />
            {t(`manager.th.${k}`)}
          </label>
        ))}
        <button type="submit" class="btn btn-primary" disabled={busy}>
          {t('manager.set.save')}
        </button>
        <Note note={note} />
        <OtherIssues issues={issues} fields={[...numbers, ...flags]} />
      </form>
    </section>
  );
}
