// The window's own devices for its staff console, on the Socket.IO namespace /desk (handshake
// `auth: {token}`, a clerk's token: the socket joins the clerk's window). A card read at the window's ID-card
// reader is announced with the masked name only (the identity stays on the server for `useCard`); a code read
// by the window's barcode/QR scanner is resolved here to the case it names (receipt number printed on slips
// and documents, case id) or today's ticket, so the console opens it. These are notices, each carrying the
// whole fact, outside the numbered streams.

import type { Server } from 'socket.io';
import type { Accounts } from '../auth/accounts.js';
import { HallError } from '../errors.js';
import type { Cases } from './service.js';
import type { DeskCardErrorEvent, DeskCardEvent, DeskScanEvent } from './types.js';

/** Handlers for card reads and scans at kiosks and windows, as the device registry reports them. */
export interface DeskDeviceHandlers {
  identity(r: { attachedTo: string; nameMasked: string; at: number }): void;
  cardError(r: { attachedTo: string; code: string; message: string }): void;
  scan(r: { attachedTo: string; code: string }): void;
}

export interface WindowDeskOptions {
  /** Subscribes the handlers to the device registry's events. */
  subscribe(h: DeskDeviceHandlers): void;
  accounts: Accounts;
  cases: Cases;
  /** The windows in force (a window added live gets its desk at once). */
  windowIds: () => readonly string[];
  /** How long a card read stays usable (the registry's rule). */
  cardTtlMs: number;
  /** Time as the hall writes it (ISO-8601 with the hall's offset), as the console shows hall times. */
  iso: (ms: number) => string;
}

export function startWindowDesk(io: Server, o: WindowDeskOptions): void {
  const desk = io.of('/desk');
  const known = (id: string): boolean => o.windowIds().includes(id);
  desk.use((s, next) => {
    try {
      const token = (s.handshake.auth as { token?: unknown } | undefined)?.token;
      const claims = o.accounts.verifyToken(typeof token === 'string' ? token : undefined);
      if (claims.role !== 'clerk' || !claims.win || !known(claims.win)) throw new HallError('FORBIDDEN', '窗口设备只对本窗口工作人员开放 / for the window clerk');
      s.data.windowId = claims.win;
      next();
    } catch (err) {
      const e = new Error('refused') as Error & { data: unknown };
      e.data = err instanceof HallError ? { code: err.code, message: err.message } : { code: 'UNAUTHORIZED', message: 'unauthorized' };
      next(e);
    }
  });
  desk.on('connection', (s) => void s.join(s.data.windowId as string));

  o.subscribe({
    identity(r) {
      if (!known(r.attachedTo)) return;
      const ev: DeskCardEvent = { windowId: r.attachedTo, nameMasked: r.nameMasked, usableUntil: o.iso(r.at + o.cardTtlMs) };
      desk.to(r.attachedTo).emit('card', ev);
    },
    cardError(r) {
      if (!known(r.attachedTo)) return;
      const ev: DeskCardErrorEvent = { windowId: r.attachedTo, code: r.code, message: r.message };
      desk.to(r.attachedTo).emit('card-error', ev);
    },
    scan(r) {
      if (!known(r.attachedTo)) return;
      const ev: DeskScanEvent = { windowId: r.attachedTo, found: o.cases.lookup(r.code, r.attachedTo) };
      desk.to(r.attachedTo).emit('scan', ev);
    },
  });
}
