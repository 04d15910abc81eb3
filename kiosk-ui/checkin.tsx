// Appointment check-in (预约签到): the booking code from the slip's QR code (a scanner in keyboard mode) or
// typed on the keypad, or the ID card the booking was made with on the kiosk's reader; the kiosk finds the
// booking's section and takes the appointment ticket (with the card's read, when checked in by card).

import { useRef, useState } from 'preact/hooks';
import { api, ApiError, asApiError } from '../ui-shared/api.js';
import type { SectionView } from '../server/realtime/contract.js';
import { errText, name, t } from '../ui-shared/page.js';
import { CardIcon } from './progress.js';
import { refusalFor } from './refusal.js';
import type { AppointmentView, CardAppointments } from './types.js';
import { Keypad, ScreenHead, useSignal, useTypedCode, weekdayOf } from './widgets.js';
import { kioskToken } from './key.js';

const MAX_CODE = 16;

export interface CheckIn {
  sectionId: string;
  serviceCode?: string;
  appointmentCode: string;
  /** Checked in by card: the ticket takes the card's read (useCard). */
  useCard?: boolean;
}

/** No booking of this card at all (a code of the page's own: the server answers an empty list). */
const NO_BOOKING = 'NO_BOOKING_FOR_CARD';

export function CheckInScreen(props: {
  onCheckIn: (c: CheckIn) => void;
  onBack: () => void;
  /** A code the kiosk's serial scanner read that names no booking: checked here so the refusal shows. */
  scanned?: { code: string; n: number } | null;
  kioskId: string | undefined;
  sections: SectionView[];
  /** Bumped each time this kiosk's reader reads a card while the screen is open. */
  card?: { n: number } | null;
}) {
  const [choices, setChoices] = useState<AppointmentView[] | null>(null);
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  // A code that finds no booking is explained here, with the keypad still there to correct it.
  const [error, setError] = useState<ApiError | null>(null);

  const submit = async (value: string) => {
    const c = value.trim().toUpperCase();
    if (!c || busy) return;
    setBusy(true);
    setError(null);
    try {
      const answer = await api<{ appointment?: AppointmentView }>(`/appointments/${encodeURIComponent(c)}`);
      const a = answer?.appointment;
      if (!a || typeof a.sectionId !== 'string') throw new ApiError('BAD_RESPONSE', 'answer without an appointment', 200);
      props.onCheckIn({ sectionId: a.sectionId, appointmentCode: a.code, ...(a.serviceCode ? { serviceCode: a.serviceCode } : {}) });
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(false);
    }
  };

  const checkInCard = (a: AppointmentView) =>
    props.onCheckIn({ sectionId: a.sectionId, appointmentCode: a.code, useCard: true, ...(a.serviceCode ? { serviceCode: a.serviceCode } : {}) });

  // The bookings of the card on the reader: today's one checks in at once; several today, the citizen picks.
  const byCard = async () => {
    if (busy) return;
    setBusy(true);
    setError(null);
    setChoices(null);
    try {
      if (!props.kioskId) throw new ApiError('NO_CARD_READ', 'no kiosk id', 409);
      const answer = await api<CardAppointments>(`/kiosks/${encodeURIComponent(props.kioskId)}/card-appointments`, { token: kioskToken(props.kioskId) });
      const list = Array.isArray(answer?.appointments) ? answer.appointments : [];
      const today = list.filter((a) => a.date === answer.today);
      if (today.length === 1) checkInCard(today[0]!);
      else if (today.length > 1) setChoices(today);
      else if (list.length > 0) setError(new ApiError('APPOINTMENT_NOT_TODAY', '', 409, { date: list[0]!.date }));
      else setError(new ApiError(NO_BOOKING, '', 404));
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(false);
    }
  };
  useSignal(props.card, () => void byCard());

  // The code lives in a ref too: a scanner types faster than the page renders, and Enter must see it all.
  const codeRef = useRef('');
  const change = (next: string) => {
    codeRef.current = next.slice(0, MAX_CODE);
    setCode(codeRef.current);
    setError(null);
  };
  const add = (k: string) => change(codeRef.current + k);
  const del = () => change(codeRef.current.slice(0, -1));
  useTypedCode(add, del, () => void submit(codeRef.current));
  useSignal(props.scanned, () => {
    const code = props.scanned?.code ?? '';
    change(code);
    void submit(code);
  });

  return (
    <section class="k-checkin" data-busy={busy}>
      <ScreenHead title={t('kiosk.checkin.title')} onBack={props.onBack} />
      <div class="k-scan">
        <svg class="k-scan-icon" viewBox="0 0 64 64" aria-hidden="true">
          <path d="M4 20V4h16M44 4h16v16M60 44v16H44M20 60H4V44" stroke="#0b4f9c" stroke-width="5" fill="none" />
          <rect x="16" y="16" width="12" height="12" fill="#0b4f9c" />
          <rect x="36" y="16" width="12" height="12" fill="#0b4f9c" />
          <rect x="16" y="36" width="12" height="12" fill="#0b4f9c" />
          <rect x="36" y="36" width="6" height="6" fill="#0b4f9c" />
          <rect x="44" y="44" width="6" height="6" fill="#0b4f9c" />
        </svg>
        <div>
          <p class="k-lead">{t('kiosk.checkin.hint')}</p>
          <p class="k-hint k-checkin-card">{t('kiosk.checkin.cardHint')}</p>
        </div>
      </div>
      <div class="k-code-box" aria-live="polite">
        <span class="k-code-label">{t('kiosk.checkin.code')}</span>
        <span class="k-code-value num" data-code={code}>
          {code || '\u00a0'}
        </span>
      </div>
      {error && <CheckInError error={error} />}
      {choices && (
        <div class="k-offer k-checkin-choices" role="group">
          <p>{t('kiosk.checkin.choose')}</p>
          <ul>
            {choices.map((a) => {
              const sec = props.sections.find((s) => s.id === a.sectionId);
              return (
                <li>
                  <button type="button" class="k-offer-slot" data-code={a.code} onClick={() => checkInCard(a)}>
                    <span>{sec ? name(sec.name, sec.nameEn) : a.sectionId}</span>
                    <span class="num">{t('kiosk.booking.slot', { start: a.slotStart, end: a.slotEnd })}</span>
                  </button>
                </li>
              );
            })}
          </ul>
        </div>
      )}
      <Keypad onKey={add} onDelete={del} onClear={() => change('')} />
      <div class="k-actions">
        <button type="button" class="btn btn-ghost k-big k-card-go" disabled={busy} onClick={() => void byCard()}>
          <CardIcon />
          {t('kiosk.checkin.cardGo')}
        </button>
        <button type="button" class="btn btn-primary k-big" disabled={!code || busy} onClick={() => void submit(code)}>
          {busy ? t('kiosk.checkin.checking') : t('kiosk.checkin.go')}
        </button>
      </div>
    </section>
  );
}

function CheckInError({ error }: { error: ApiError }) {
  const date = typeof error.details?.date === 'string' ? error.details.date : null;
  const title = error.code === NO_BOOKING ? t('kiosk.checkin.noneForCard') : errText(error.code, error.message);
  const hint =
    error.code === NO_BOOKING
      ? t('kiosk.checkin.cardHint')
      : error.code === 'APPOINTMENT_NOT_TODAY' && date
        ? t('kiosk.checkin.notToday', { date: `${date} ${weekdayOf(date)}` })
        : t(refusalFor(error.code, error.details).hint);
  return (
    <div class="k-inline-error" role="alert" data-code={error.code}>
      <b>{title}</b>
      <span>{hint}</span>
      {error.code !== NO_BOOKING && <span class="k-code">{t('common.errorCode', { code: error.code })}</span>}
    </div>
  );
}
