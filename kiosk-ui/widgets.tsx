// Pieces the kiosk's screens share: a head with a back button, an on-screen keypad for codes, and a
// listener for barcode scanners in keyboard mode (they type the code and press Enter).

import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { t, tList } from '../ui-shared/page.js';

export function ScreenHead({ title, onBack, children }: { title: string; onBack: () => void; children?: ComponentChildren }) {
  return (
    <div class="k-section-head">
      <button type="button" class="btn btn-ghost k-back" onClick={onBack}>
        ‹ {t('common.back')}
      </button>
      <h1 class="k-title">{title}</h1>
      {children}
    </div>
  );
}

/** 'YYYY-MM-DD' → its weekday name in the reader's language. */
export function weekdayOf(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? '' : (tList('date.weekdays')[d.getUTCDay()] ?? '');
}

/** Booking codes avoid I, L and O, which read like 1 and 0. */
export const CODE_KEYS = '1234567890ABCDEFGHJKMNPQRSTUVWXYZ';
/** Receipt numbers are the approval system's: any digit or capital letter. */
export const ALL_KEYS = '1234567890ABCDEFGHIJKLMNOPQRSTUVWXYZ-';

/** One big target per key, then delete and clear. */
export function Keypad({ onKey, onDelete, onClear, keys = CODE_KEYS }: { onKey: (k: string) => void; onDelete: () => void; onClear: () => void; keys?: string }) {
  return (
    <div class="k-keypad" role="group">
      {[...keys].map((k) => (
        <button type="button" class="k-key num" data-key={k} onClick={() => onKey(k)}>
          {k}
        </button>
      ))}
      <button type="button" class="k-key k-key-wide" onClick={onDelete}>
        {t('kiosk.checkin.delete')}
      </button>
      <button type="button" class="k-key k-key-wide" onClick={onClear}>
        {t('kiosk.checkin.clear')}
      </button>
    </div>
  );
}

/**
 * Keys typed anywhere on the page while this screen is open: a scanner in keyboard (HID) mode types the
 * code it read and Enter, so no input box has to hold the focus (which would raise an on-screen keyboard).
 */
export function useTypedCode(onChar: (c: string) => void, onBackspace: () => void, onEnter: () => void): void {
  const cb = useRef({ onChar, onBackspace, onEnter });
  cb.current = { onChar, onBackspace, onEnter };
  useEffect(() => {
    const handler = (e: KeyboardEvent) => {
      if (e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement) return;
      if (e.key === 'Enter') {
        e.preventDefault();
        cb.current.onEnter();
      } else if (e.key === 'Backspace') {
        e.preventDefault();
        cb.current.onBackspace();
      } else if (/^[A-Za-z0-9-]$/.test(e.key)) {
        cb.current.onChar(e.key.toUpperCase());
      }
    };
    window.addEventListener('keydown', handler);
    return () => window.removeEventListener('keydown', handler);
  }, []);
}

/**
 * Runs `fn` each time the page bumps `signal` (a device read while this screen is open), but not for a bump
 * that happened before the screen opened: a card read for another screen is not this screen's.
 */
export function useSignal(signal: { n: number } | null | undefined, fn: () => void): void {
  const seen = useRef(signal?.n);
  const cb = useRef(fn);
  cb.current = fn;
  useEffect(() => {
    if (!signal || signal.n === seen.current) return;
    seen.current = signal.n;
    cb.current();
  }, [signal?.n]);
}
