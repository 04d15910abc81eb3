// The kiosk's own devices, as the hall's /kiosk stream reports them: a card read on this kiosk's reader
// (masked name only; the identity stays on the server for `useCard`), a card that could not be read, a
// scanned code (with the booking it names), and the status of the reader, printer and scanner. These are
// notices, each carrying the whole fact, so a missed one needs no resync.

import { useEffect, useRef, useState } from 'preact/hooks';
import { io } from 'socket.io-client';
import { kioskToken } from './key.js';

export interface KioskCard {
  nameMasked: string;
  usableUntil: string;
}

export interface KioskCardError {
  code: string;
  message: string;
}

export interface KioskScan {
  code: string;
  appointment?: { code: string; sectionId: string; serviceCode?: string; date: string; slotStart: string; status: string };
}

export interface KioskDevice {
  id: string;
  kind: string;
  status: 'online' | 'offline' | 'fault';
  code?: string;
}

export interface KioskDeviceHandlers {
  card?: (c: KioskCard) => void;
  cardError?: (e: KioskCardError) => void;
  scan?: (s: KioskScan) => void;
}

/** The printer's condition when it cannot print (PAPER_OUT, COVER_OPEN, DEVICE_OFFLINE…), else null. */
export function printerTrouble(devices: KioskDevice[] | null): string | null {
  const p = devices?.find((d) => d.kind === 'printer');
  if (!p || p.status === 'online') return null;
  return p.code ?? (p.status === 'offline' ? 'DEVICE_OFFLINE' : 'DEVICE_FAULT');
}

/**
 * Listens to this kiosk's devices for the page's lifetime. `devices` is null until the hall has said what
 * the kiosk has (a hall without a device registry never says, and the kiosk then works by its buttons).
 */
export function useKioskDevices(kioskId: string | undefined, handlers: KioskDeviceHandlers): KioskDevice[] | null {
  const [devices, setDevices] = useState<KioskDevice[] | null>(null);
  const h = useRef(handlers);
  h.current = handlers;
  useEffect(() => {
    if (!kioskId) return;
    const token = kioskToken(kioskId);
    const s = io('/kiosk', { auth: { kioskId, ...(token ? { token } : {}) }, reconnectionDelay: 1000, reconnectionDelayMax: 5000 });
    s.on('devices', (list: unknown) => {
      if (Array.isArray(list)) setDevices(list.filter((d): d is KioskDevice => typeof d === 'object' && d !== null && typeof d.kind === 'string'));
    });
    s.on('card', (c: KioskCard) => {
      if (c && typeof c.nameMasked === 'string') h.current.card?.(c);
    });
    s.on('card-error', (e: KioskCardError) => {
      if (e && typeof e.code === 'string') h.current.cardError?.(e);
    });
    s.on('scan', (x: KioskScan) => {
      if (x && typeof x.code === 'string') h.current.scan?.(x);
    });
    return () => {
      s.disconnect();
    };
  }, [kioskId]);
  return devices;
}
