// The window's own devices as the hall's /desk stream reports them to its clerk: a card read at the window's
// reader (masked name only; the identity stays on the server for `useCard`), a card that could not be read,
// and a code read by the window's barcode/QR scanner, already resolved to the case or ticket it names.
// Notices, each carrying the whole fact: a missed one needs no resync.

import { useEffect, useRef } from 'preact/hooks';
import { io } from 'socket.io-client';
import type { DeskCardErrorEvent, DeskCardEvent, DeskScanEvent } from '../server/cases/types.js';

export interface DeskHandlers {
  card?: (c: DeskCardEvent) => void;
  cardError?: (e: DeskCardErrorEvent) => void;
  scan?: (s: DeskScanEvent) => void;
}

export function useDesk(token: string, handlers: DeskHandlers): void {
  const h = useRef(handlers);
  h.current = handlers;
  useEffect(() => {
    const s = io('/desk', { auth: { token }, reconnectionDelay: 1000, reconnectionDelayMax: 5000 });
    s.on('card', (c: DeskCardEvent) => {
      if (c && typeof c.nameMasked === 'string') h.current.card?.(c);
    });
    s.on('card-error', (e: DeskCardErrorEvent) => {
      if (e && typeof e.code === 'string') h.current.cardError?.(e);
    });
    s.on('scan', (x: DeskScanEvent) => {
      if (x && x.found && typeof x.found.kind === 'string') h.current.scan?.(x);
    });
    return () => {
      s.disconnect();
    };
  }, [token]);
}
