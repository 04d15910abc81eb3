// Appointment check-in (预约签到): the booking code from the slip's QR code (a scanner in keyboard mode) or
// typed on the keypad; the kiosk finds the booking's section and takes the appointment ticket.

import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, asApiError } from '../ui-shared/api.js';
import { errText, t } from '../ui-shared/page.js';
import { refusalFor } from './refusal.js';
import type { AppointmentView } from './types.js';
import { Keypad, ScreenHead, useTypedCode } from './widgets.js';

const MAX_CODE = 16;

export interface CheckIn {
  sectionId: string;
  serviceCode?: string;
  appointmentCode: string;
}

export function CheckInScreen(props: {
  onCheckIn: (c: CheckIn) => void;
  onBack: () => void;
  /** A code the kiosk's serial scanner read that names no booking: checked here so the refusal shows. */
  scanned?: { code: string; n: number } | null;
}) {
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
  useEffect(() => {
    if (!props.scanned) return;
    change(props.scanned.code);
    void submit(props.scanned.code);
  }, [props.scanned?.n]);

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
        <p class="k-lead">{t('kiosk.checkin.hint')}</p>
      </div>
      <div class="k-code-box" aria-live="polite">
        <span class="k-code-label">{t('kiosk.checkin.code')}</span>
        <span class="k-code-value num" data-code={code}>
          {code || '\u00a0'}
        </span>
      </div>
      {error && (
        <div class="k-inline-error" role="alert" data-code={error.code}>
          <b>{errText(error.code, error.message)}</b>
          <span>{t(refusalFor(error.code, error.details).hint)}</span>
          <span class="k-code">{t('common.errorCode', { code: error.code })}</span>
        </div>
      )}
      <Keypad onKey={add} onDelete={del} onClear={() => change('')} />
      <div class="k-actions">
        <button type="button" class="btn btn-primary k-big" disabled={!code || busy} onClick={() => void submit(code)}>
          {busy ? t('kiosk.checkin.checking') : t('kiosk.checkin.go')}
        </button>
      </div>
    </section>
  );
}
