// Booking a visit on a later working day (预约抽号): section → day → slot → confirm → booking slip. Reached
// from the menu, from a service guide, and when today's tickets for a section are all taken. A card placed
// on the kiosk's reader at the confirmation books in the holder's name, so the same card checks it in.

import { useEffect, useState } from 'preact/hooks';
import type { SectionView } from '../server/realtime/contract.js';
import { api, ApiError, asApiError } from '../ui-shared/api.js';
import { safeText } from '../ui-shared/format.js';
import { errText, name, t, useCountdown } from '../ui-shared/page.js';
import type { AppointmentView, BookingDays, PrintOutcome, SlotLeft } from './types.js';
import { CardIcon } from './progress.js';
import { ScreenHead, useSignal, weekdayOf } from './widgets.js';
import { kioskToken } from './key.js';

/** Where the booking starts: nothing chosen, a section (and service), or a slot already picked. */
export interface BookingStart {
  sectionId?: string;
  serviceCode?: string;
  serviceName?: string;
  date?: string;
  slot?: SlotLeft;
}

type Step =
  | { k: 'section' }
  | { k: 'day'; sectionId: string }
  | { k: 'slot'; sectionId: string; date: string }
  | { k: 'confirm'; sectionId: string; date: string; slot: SlotLeft }
  | { k: 'sending' }
  | { k: 'done'; appointment: AppointmentView; print: 'printing' | PrintOutcome; deadline: number }
  | { k: 'error'; error: ApiError; back: Step };

/** The slip stays on screen long enough to copy the code by hand. */
const DONE_MS = 40_000;

function firstStep(s: BookingStart): Step {
  if (!s.sectionId) return { k: 'section' };
  if (s.date && s.slot) return { k: 'confirm', sectionId: s.sectionId, date: s.date, slot: s.slot };
  return { k: 'day', sectionId: s.sectionId };
}

export function BookingFlow(props: {
  start: BookingStart;
  sections: SectionView[];
  kioskId: string | undefined;
  onHome: () => void;
  /** The kiosk's reader is there: a card placed at the confirmation books at once. */
  hasReader?: boolean;
  /** Bumped each time this kiosk's reader reads a card while the flow is open. */
  card?: { n: number } | null;
}) {
  const { start, sections } = props;
  const [step, setStep] = useState<Step>(() => firstStep(start));
  const [days, setDays] = useState<Record<string, BookingDays | 'loading' | 'error'>>({});
  const sectionId = 'sectionId' in step ? step.sectionId : step.k === 'done' ? step.appointment.sectionId : start.sectionId;
  const section = sections.find((s) => s.id === sectionId);
  const serviceCode = sectionId === start.sectionId ? start.serviceCode : undefined;
  const serviceName = sectionId === start.sectionId ? start.serviceName : undefined;

  const loadDays = async (id: string, force = false) => {
    if (!force && days[id] && days[id] !== 'error') return;
    setDays((d) => ({ ...d, [id]: 'loading' }));
    try {
      const answer = await api<BookingDays>(`/sections/${encodeURIComponent(id)}/booking-days`);
      setDays((d) => ({ ...d, [id]: Array.isArray(answer?.days) ? answer : 'error' }));
    } catch {
      setDays((d) => ({ ...d, [id]: 'error' }));
    }
  };

  useEffect(() => {
    if (step.k === 'day' || step.k === 'slot') void loadDays(step.sectionId);
  }, [step.k, sectionId]);

  const book = async (s: Extract<Step, { k: 'confirm' }>, useCard = false) => {
    setStep({ k: 'sending' });
    try {
      const body: Record<string, unknown> = { sectionId: s.sectionId, date: s.date, slotStart: s.slot.start };
      if (serviceCode) body.serviceCode = serviceCode;
      if (useCard) Object.assign(body, { useCard: true, kioskId: props.kioskId });
      const answer = await api<{ appointment?: AppointmentView }>('/appointments', { method: 'POST', body, timeoutMs: 15000, ...(useCard ? { token: kioskToken(props.kioskId) } : {}) });
      const appointment = answer?.appointment;
      if (!appointment || typeof appointment.code !== 'string') throw new ApiError('BAD_RESPONSE', 'answer without an appointment', 201);
      setStep({ k: 'done', appointment, print: 'printing', deadline: Date.now() + DONE_MS });
      void loadDays(s.sectionId, true);
      const print = await printSlip(props.kioskId, appointment.code);
      setStep((cur) => (cur.k === 'done' && cur.appointment.code === appointment.code ? { ...cur, print } : cur));
    } catch (e) {
      const error = asApiError(e);
      // A slot taken meanwhile: back to the days, with fresh counts.
      const back: Step = error.code === 'SLOT_UNAVAILABLE' ? { k: 'day', sectionId: s.sectionId } : s;
      if (error.code === 'SLOT_UNAVAILABLE') void loadDays(s.sectionId, true);
      setStep({ k: 'error', error, back });
    }
  };

  useSignal(props.card, () => {
    if (step.k === 'confirm' && props.kioskId) void book(step, true);
  });

  const title = t('kiosk.booking.title');
  const sectionName = section ? name(section.name, section.nameEn) : (sectionId ?? '');

  if (step.k === 'section') {
    return (
      <section class="k-booking" data-step="section">
        <ScreenHead title={title} onBack={props.onHome} />
        <p class="k-hint">{t('kiosk.booking.chooseSection')}</p>
        <div class="k-choices">
          {sections.map((s) => (
            <button type="button" class="k-choice" data-section={s.id} onClick={() => setStep({ k: 'day', sectionId: s.id })}>
              <span class="k-choice-letter num">{s.prefix}</span>
              <span class="k-choice-name">{name(s.name, s.nameEn)}</span>
            </button>
          ))}
        </div>
      </section>
    );
  }

  if (step.k === 'day' || step.k === 'slot') {
    const list = days[step.sectionId] ?? 'loading';
    const back = step.k === 'slot' ? () => setStep({ k: 'day', sectionId: step.sectionId }) : start.sectionId ? props.onHome : () => setStep({ k: 'section' });
    return (
      <section class="k-booking" data-step={step.k}>
        <ScreenHead title={title} onBack={back}>
          <span class="k-section-facts">
            {sectionName}
            {serviceName ? ` · ${serviceName}` : ''}
          </span>
        </ScreenHead>
        {list === 'loading' ? (
          <p class="k-hint">{t('common.loading')}</p>
        ) : list === 'error' ? (
          <div class="k-offer">
            <p>{t('kiosk.booking.loadFailed')}</p>
            <button type="button" class="btn btn-primary k-big" onClick={() => void loadDays(step.sectionId, true)}>
              {t('common.retry')}
            </button>
          </div>
        ) : step.k === 'day' ? (
          <DayList days={list} onPick={(date) => setStep({ k: 'slot', sectionId: step.sectionId, date })} />
        ) : (
          <SlotList
            date={step.date}
            slots={list.days.find((d) => d.date === step.date)?.slots ?? []}
            onPick={(slot) => setStep({ k: 'confirm', sectionId: step.sectionId, date: step.date, slot })}
          />
        )}
      </section>
    );
  }

  if (step.k === 'confirm') {
    return (
      <section class="k-booking k-confirm" data-step="confirm">
        <ScreenHead title={t('kiosk.booking.confirmTitle')} onBack={() => setStep({ k: 'slot', sectionId: step.sectionId, date: step.date })} />
        <dl class="k-facts k-booking-facts">
          <div>
            <dt>{t('kiosk.booking.section')}</dt>
            <dd>{sectionName}</dd>
          </div>
          {serviceName && (
            <div>
              <dt>{t('kiosk.booking.service')}</dt>
              <dd>{serviceName}</dd>
            </div>
          )}
          <div>
            <dt>{t('kiosk.booking.date')}</dt>
            <dd class="num">{t('kiosk.booking.day', { date: step.date, weekday: weekdayOf(step.date) })}</dd>
          </div>
          <div>
            <dt>{t('kiosk.booking.slotLabel')}</dt>
            <dd class="num">{t('kiosk.booking.slot', { start: step.slot.start, end: step.slot.end })}</dd>
          </div>
        </dl>
        <p class="k-lead">{t('kiosk.booking.arrive')}</p>
        {props.kioskId && (
          <div class="k-booking-card">
            <CardIcon />
            <span>{t('kiosk.booking.cardHint')}</span>
            <button type="button" class="btn btn-ghost k-big" onClick={() => void book(step, true)}>
              {t('kiosk.booking.confirmCard')}
            </button>
          </div>
        )}
        <div class="k-actions">
          <button type="button" class="btn btn-ghost k-big" onClick={() => setStep({ k: 'day', sectionId: step.sectionId })}>
            {t('kiosk.booking.otherDays')}
          </button>
          <button type="button" class="btn btn-primary k-big" onClick={() => void book(step)}>
            {t('kiosk.booking.confirm')}
          </button>
        </div>
      </section>
    );
  }

  if (step.k === 'sending') {
    return (
      <div class="k-issuing" role="status">
        <div class="spinner" aria-hidden="true" />
        {t('kiosk.booking.sending')}
      </div>
    );
  }

  if (step.k === 'done') {
    return <BookingSlip step={step} sectionName={sectionName} serviceName={serviceName} onDone={props.onHome} />;
  }

  return (
    <section class="k-error" role="alert" data-code={step.error.code}>
      <h1 class="k-title">{errText(step.error.code, step.error.message)}</h1>
      <p class="k-code">{t('common.errorCode', { code: step.error.code })}</p>
      <div class="k-actions">
        <button type="button" class="btn btn-ghost k-big" onClick={props.onHome}>
          {t('common.home')}
        </button>
        <button type="button" class="btn btn-primary k-big" onClick={() => setStep(step.back)}>
          {t('common.back')}
        </button>
      </div>
    </section>
  );
}

async function printSlip(kioskId: string | undefined, code: string): Promise<PrintOutcome> {
  if (!kioskId) return { printed: false, error: { code: 'NO_PRINTER', message: '' } };
  try {
    const outcome = await api<PrintOutcome>(`/kiosks/${encodeURIComponent(kioskId)}/print`, { method: 'POST', body: { booking: code }, timeoutMs: 20000, token: kioskToken(kioskId) });
    if (outcome && (outcome.printed === true || (outcome.printed === false && outcome.error))) return outcome;
    return { printed: false, error: { code: 'BAD_RESPONSE', message: '' } };
  } catch (e) {
    const err = asApiError(e);
    return { printed: false, error: { code: err.code, message: err.message } };
  }
}

function DayList({ days, onPick }: { days: BookingDays; onPick: (date: string) => void }) {
  const open = days.days.filter((d) => d.slots.some((s) => s.left > 0));
  if (open.length === 0) return <p class="k-lead">{t('kiosk.booking.noDays')}</p>;
  return (
    <>
      <p class="k-hint">{t('kiosk.booking.chooseDay')}</p>
      <div class="k-choices">
        {days.days.map((d) => {
          const left = d.slots.reduce((n, s) => n + Math.max(0, s.left), 0);
          return (
            <button type="button" class="k-choice k-day" data-date={d.date} disabled={left === 0} onClick={() => onPick(d.date)}>
              <span class="k-choice-name num">{t('kiosk.booking.day', { date: d.date.slice(5), weekday: weekdayOf(d.date) })}</span>
              <span class="k-choice-left">{left > 0 ? t('kiosk.booking.dayLeft', { n: left }) : t('kiosk.booking.dayFull')}</span>
            </button>
          );
        })}
      </div>
    </>
  );
}

function SlotList({ date, slots, onPick }: { date: string; slots: SlotLeft[]; onPick: (s: SlotLeft) => void }) {
  return (
    <>
      <p class="k-hint">
        {t('kiosk.booking.chooseSlot')} · <b class="num">{t('kiosk.booking.day', { date, weekday: weekdayOf(date) })}</b>
      </p>
      <div class="k-choices">
        {slots.map((s) => (
          <button type="button" class="k-choice k-slot" data-slot={s.start} disabled={s.left <= 0} onClick={() => onPick(s)}>
            <span class="k-choice-name num">{t('kiosk.booking.slot', { start: s.start, end: s.end })}</span>
            <span class="k-choice-left">{s.left > 0 ? t('kiosk.booking.left', { n: s.left }) : t('kiosk.booking.dayFull')}</span>
          </button>
        ))}
      </div>
    </>
  );
}

function BookingSlip(props: { step: Extract<Step, { k: 'done' }>; sectionName: string; serviceName: string | undefined; onDone: () => void }) {
  const { appointment: a, print } = props.step;
  const left = useCountdown(props.step.deadline);
  useEffect(() => {
    if (left === 0) props.onDone();
  }, [left]);
  return (
    <section class="k-ticket k-booked" role="status">
      <div class="k-ticket-card">
        <div class="k-ticket-ok">
          <svg viewBox="0 0 24 24" width="44" height="44" aria-hidden="true">
            <circle cx="12" cy="12" r="11" fill="#127a3a" />
            <path d="M6.5 12.5 L10.5 16 L17.5 8.5" stroke="#fff" stroke-width="2.4" fill="none" stroke-linecap="round" />
          </svg>
          {t('kiosk.booking.doneTitle')}
        </div>
        <div class="k-ticket-label">{t('kiosk.booking.code')}</div>
        <div class="k-booking-code num" data-code={a.code}>
          {a.code}
        </div>
        <dl class="k-facts">
          <div>
            <dt>{t('kiosk.booking.section')}</dt>
            <dd>{props.sectionName}</dd>
          </div>
          {props.serviceName && (
            <div>
              <dt>{t('kiosk.booking.service')}</dt>
              <dd>{props.serviceName}</dd>
            </div>
          )}
          <div>
            <dt>{t('kiosk.booking.date')}</dt>
            <dd class="num">{t('kiosk.booking.day', { date: a.date, weekday: weekdayOf(a.date) })}</dd>
          </div>
          <div>
            <dt>{t('kiosk.booking.slotLabel')}</dt>
            <dd class="num">{t('kiosk.booking.slot', { start: a.slotStart, end: a.slotEnd })}</dd>
          </div>
          {a.nameMasked && (
            <div>
              <dt>{t('kiosk.booking.holder')}</dt>
              <dd class="k-holder">{safeText(a.nameMasked)}</dd>
            </div>
          )}
        </dl>
        <div class={`k-print ${print === 'printing' ? 'is-printing' : print.printed ? 'is-printed' : 'not-printed'}`} data-print={print === 'printing' ? 'printing' : String(print.printed)}>
          {print === 'printing' ? t('kiosk.booking.printing') : print.printed ? t('kiosk.booking.printed') : t('kiosk.booking.notPrinted')}
        </div>
        <p class="k-note">{t('kiosk.booking.arrive')}</p>
      </div>
      <button type="button" class="btn btn-primary k-big" onClick={props.onDone}>
        {t('kiosk.ticket.done')}
      </button>
      <p class="k-countdown num">{t('kiosk.backIn', { n: left })}</p>
    </section>
  );
}
