// The working calendar (工作日历): holidays and make-up workdays, one date a line. Checked as config/ is (a
// make-up workday must be a weekend day, no date twice) and in force for the next command: ticketing
// hours, bookable days, follow-up and case deadlines all count working days from it.

import { useEffect, useState } from 'preact/hooks';
import { t } from '../../ui-shared/page.js';
import { type Issues, Note, type Setup, toLines, useSave } from './shared.js';

/** An issue of `holidays.3` names the fourth date sent: show that date rather than an index. */
function LineIssues({ issues, field, lines }: { issues: Issues; field: 'holidays' | 'workdays'; lines: string[] }) {
  const mine = Object.entries(issues).filter(([p]) => p === field || p.startsWith(`${field}.`));
  if (mine.length === 0) return null;
  return (
    <span class="form-error m-field-error" data-field-error={field}>
      {mine.map(([p, m]) => {
        const i = Number(p.split('.')[1]);
        return Number.isInteger(i) && lines[i] !== undefined ? `${lines[i]}: ${m}` : m;
      }).join('; ')}
    </span>
  );
}

export function CalendarCard({ calendar, token, onSaved }: { calendar: Setup['calendar']; token: string; onSaved: () => void }) {
  const [holidays, setHolidays] = useState(calendar.holidays.join('\n'));
  const [workdays, setWorkdays] = useState(calendar.workdays.join('\n'));
  const inForce = `${calendar.holidays.join()}|${calendar.workdays.join()}`;
  useEffect(() => {
    setHolidays(calendar.holidays.join('\n'));
    setWorkdays(calendar.workdays.join('\n'));
  }, [inForce]);
  const { note, issues, busy, run } = useSave(token, onSaved);
  const [sent, setSent] = useState<{ holidays: string[]; workdays: string[] }>({ holidays: [], workdays: [] });
  return (
    <section class="card m-calendar">
      <h2>{t('manager.set.calendar')}</h2>
      <p>{t('manager.cal.summary', { holidays: calendar.holidays.length, workdays: calendar.workdays.length })}</p>
      <form
        class="m-inline"
        onSubmit={(e) => {
          e.preventDefault();
          const body = { holidays: toLines(holidays), workdays: toLines(workdays) };
          setSent(body);
          void run('/manager/calendar', 'PUT', body);
        }}
      >
        <label class="m-field">
          {t('manager.cal.holidays')}
          <textarea class="num" rows={6} name="holidays" value={holidays} onInput={(e) => setHolidays((e.target as HTMLTextAreaElement).value)} />
          <LineIssues issues={issues} field="holidays" lines={sent.holidays} />
        </label>
        <label class="m-field">
          {t('manager.cal.workdays')}
          <textarea class="num" rows={6} name="workdays" value={workdays} onInput={(e) => setWorkdays((e.target as HTMLTextAreaElement).value)} />
          <LineIssues issues={issues} field="workdays" lines={sent.workdays} />
        </label>
        <button type="submit" class="btn btn-primary" disabled={busy}>
          {t('manager.set.save')}
        </button>
        <Note note={note} />
      </form>
    </section>
  );
}
