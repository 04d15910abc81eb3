// Alert thresholds (告警阈值): when the dashboard raises a wait, pause, outbox, case-deadline, rating or
// device alert. Changed live and audited (PUT /manager/thresholds).

import { useEffect, useState } from 'preact/hooks';
import type { AlertThresholdsView } from '../../server/manager/contract.js';
import { t } from '../../ui-shared/page.js';
import { useLoad } from '../load.js';
import { Note, useSave } from './shared.js';

export function Thresholds({ token }: { token: string }) {
  const [loaded, reload] = useLoad<AlertThresholdsView>('/manager/thresholds', token);
  const [form, setForm] = useState<AlertThresholdsView | null>(null);
  const { note, busy, run } = useSave(token, reload);
  useEffect(() => {
    if (loaded.data) setForm(loaded.data);
  }, [loaded.data]);
  if (!form) return null;
  const numbers = ['waitMinutes', 'pausedMinutes', 'outboxBacklog', 'caseWarnDays'] as const;
  const flags = ['negativeRating', 'deviceFault'] as const;
  return (
    <section class="card m-thresholds">
      <h2>{t('manager.set.thresholds')}</h2>
      <form
        class="m-inline"
        onSubmit={(e) => {
          e.preventDefault();
          void run('/manager/thresholds', 'PUT', form);
        }}
      >
        {numbers.map((k) => (
          <label>
            {t(`manager.th.${k}`)}
            <input class="m-num" type="number" name={k} value={form[k]} onInput={(e) => setForm({ ...form, [k]: Number((e.target as HTMLInputElement).value) })} />
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
      </form>
    </section>
  );
}
