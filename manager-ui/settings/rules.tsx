// Queue rules and ticketing hours (叫号规则与取号时间): the numbers hall.json's `rules` and `ticketingHours`
// hold, changed live. Each is checked as the file is (a range per rule, closing after opening, booking slots
// within the hours) and in force for the next command; the audit log lists what changed.

import { useEffect, useState } from 'preact/hooks';
import type { MessageKey } from '../../ui-shared/i18n/index.js';
import { t } from '../../ui-shared/page.js';
import { Field, type Issues, Note, OtherIssues, type Setup, useSave } from './shared.js';

type Rules = Setup['rules'];

/** In the order a manager thinks of them: calling, recalls, limits per person, bookings, follow-ups. */
const RULES: readonly (keyof Rules)[] = [
  'normalPerPriority',
  'agingMinutes',
  'maxRecalls',
  'rejoinWithinMinutes',
  'rejoinPositionsFromHead',
  'maxLiveTicketsPerSection',
  'maxTicketsPerDayPerId',
  'appointmentEarlyMinutes',
  'appointmentLateMinutes',
  'bookingHorizonDays',
  'followUpWorkingDays',
  'rollingWindow',
];

const asNumber = (v: string) => (v.trim() === '' ? Number.NaN : Number(v));

export function RulesCard({ setup, token, onSaved }: { setup: Setup; token: string; onSaved: () => void }) {
  const inForce = JSON.stringify([setup.rules, setup.ticketingHours]);
  const [rules, setRules] = useState<Rules>(setup.rules);
  const [anyTime, setAnyTime] = useState(setup.ticketingHours === null);
  const [open, setOpen] = useState(setup.ticketingHours?.open ?? '08:30');
  const [close, setClose] = useState(setup.ticketingHours?.close ?? '17:00');
  useEffect(() => {
    setRules(setup.rules);
    setAnyTime(setup.ticketingHours === null);
    if (setup.ticketingHours) {
      setOpen(setup.ticketingHours.open);
      setClose(setup.ticketingHours.close);
    }
  }, [inForce]);
  const saveRules = useSave(token, onSaved);
  const saveHours = useSave(token, onSaved);
  return (
    <section class="card m-rules">
      <h2>{t('manager.set.rules')}</h2>
      <form
        class="m-form-grid"
        onSubmit={(e) => {
          e.preventDefault();
          void saveRules.run('/manager/rules', 'PUT', rules);
        }}
      >
        {RULES.map((k) => (
          <Field label={t(`manager.rules.${k}` as MessageKey)} path={k} issues={saveRules.issues}>
            <input
              class="m-num"
              type="number"
              name={k}
              value={Number.isNaN(rules[k]) ? '' : rules[k]}
              onInput={(e) => setRules({ ...rules, [k]: asNumber((e.target as HTMLInputElement).value) })}
            />
          </Field>
        ))}
        <div class="m-inline m-wide">
          <button type="submit" class="btn btn-primary" data-act="save-rules" disabled={saveRules.busy}>
            {t('manager.set.save')}
          </button>
          <Note note={saveRules.note} />
          <OtherIssues issues={saveRules.issues} fields={RULES} />
        </div>
      </form>
      <h3>{t('manager.hours.title')}</h3>
      <form
        class="m-inline m-hours"
        onSubmit={(e) => {
          e.preventDefault();
          void saveHours.run('/manager/ticketing-hours', 'PUT', { hours: anyTime ? null : { open, close } });
        }}
      >
        <label class="m-check">
          <input type="checkbox" name="anyTime" checked={anyTime} onChange={() => setAnyTime(!anyTime)} />
          {t('manager.hours.anyTime')}
        </label>
        <Field label={t('manager.hours.open')} path="hours.open" issues={saveHours.issues}>
          <input type="time" name="open" value={open} disabled={anyTime} onInput={(e) => setOpen((e.target as HTMLInputElement).value)} />
        </Field>
        <Field label={t('manager.hours.close')} path="hours.close" issues={saveHours.issues}>
          <input type="time" name="close" value={close} disabled={anyTime} onInput={(e) => setClose((e.target as HTMLInputElement).value)} />
        </Field>
        <button type="submit" class="btn btn-primary" data-act="save-hours" disabled={saveHours.busy}>
          {t('manager.set.save')}
        </button>
        <Note note={saveHours.note} />
        <SlotsOutside setup={setup} issues={saveHours.issues} />
        <OtherIssues issues={saveHours.issues} fields={['hours.open', 'hours.close', 'sections']} />
      </form>
    </section>
  );
}

/**
 * Booking slots the new hours would leave out come back one issue per slot; a hall has dozens, so they are
 * said once: how many, and the span the hours must cover.
 */
function SlotsOutside({ setup, issues }: { setup: Setup; issues: Issues }) {
  const n = Object.keys(issues).filter((p) => /^sections\.\d+\.appointmentSlots\.\d+/.test(p)).length;
  if (n === 0) return null;
  const slots = setup.sections.flatMap((x) => x.appointmentSlots);
  const start = slots.reduce((m, x) => (x.start < m ? x.start : m), slots[0]?.start ?? '');
  const end = slots.reduce((m, x) => (x.end > m ? x.end : m), slots[0]?.end ?? '');
  return (
    <p class="form-error m-field-error" data-field-error="slots">
      {t('manager.hours.slotsOutside', { n, start, end })}
    </p>
  );
}
