// Device events on Socket.IO. /manager gets `devices` `{seq, devices}` (the whole list, as GET /devices) at
// once when a device changes status and every few seconds while counters move; it is numbered with the
// stream's other events, and the snapshot carries the list as of its seq. /kiosk (handshake
// auth: {kioskId}) tells a kiosk page that its reader read a card (masked name only), that a card could
// not be read, that a code was scanned (with the appointment it names, if any), and how its devices are;
// those kiosk notices stand outside the numbered streams, each carrying the whole current fact.

import type { Namespace, Server } from 'socket.io';
import type { Accounts } from '../auth/accounts.js';
import type { Hall } from '../hall/hall.js';
import type { HallState } from '../hall/types.js';
import type { Logger } from '../log.js';
import { HallError } from '../errors.js';
import { requireKioskKey } from '../http/edge.js';
import type { KioskCardErrorEvent, KioskCardEvent, KioskScanEvent } from './contract.js';
import { IDENTITY_TTL_MS, type DeviceService } from './service.js';

export interface DeviceStreamsOptions {
  devices: DeviceService;
  hall: Hall;
  accounts: Accounts;
  log: Logger;
  demo: boolean;
  /** The hall's kiosks (hall.json), with their device keys. */
  kiosks: readonly { id: string; key?: string | undefined }[];
  /**
   * Sends an event on the numbered /manager stream (Realtime.emitManager). Without it the list goes out
   * unnumbered, on connect and on change (for a server without the manager stream's numbering).
   */
  emitManager?: (name: string, body: Record<string, unknown>) => void;
  /** How often moving counters are sent (default DEVICES_PUSH_MS); status changes and removals go at once. */
  pushEveryMs?: number;
}

/** Counters move all the time; the manager gets them at most this often. */
export const DEVICES_PUSH_MS = 5000;

/** An appointment code as scanned: the bare code, or a URL that ends in it or carries it as ?code=. */
export function appointmentOf(state: HallState, scanned: string): HallState['appointments'][string] | undefined {
  const s = scanned.trim();
  const direct = state.appointments[s] ?? state.appointments[s.toUpperCase()];
  if (direct) return direct;
  try {
    const u = new URL(s);
    const q = u.searchParams.get('code') ?? u.searchParams.get('appointment');
    const last = u.pathname.split('/').filter(Boolean).pop();
    for (const c of [q, last]) if (c && state.appointments[c]) return state.appointments[c];
  } catch {
    /* not a URL */
  }
  return undefined;
}

export class DeviceStreams {
  private readonly manager: Namespace;
  private readonly kiosk: Namespace;
  private readonly timer: NodeJS.Timeout;
  private lastSent = '';
  private pushQueued: NodeJS.Timeout | null = null;
  private readonly kioskIds: Set<string>;

  constructor(
    io: Server,
    private readonly o: DeviceStreamsOptions,
  ) {
    this.manager = io.of('/manager');
    this.kiosk = io.of('/kiosk');
    this.kioskIds = new Set(o.kiosks.map((k) => k.id));
    // Numbered: the snapshot carries the list. Unnumbered: each new client gets it now.
    if (!o.emitManager) this.manager.on('connection', (s) => s.emit('devices', o.devices.list()));

    this.kiosk.use((s, next) => {
      const kioskId = (s.handshake.auth as { kioskId?: unknown } | undefined)?.kioskId;
      if (typeof kioskId !== 'string' || !this.isKiosk(kioskId)) {
        const err = new Error('unknown kiosk') as Error & { data: unknown };
        err.data = { code: 'VALIDATION_FAILED', message: '未知取号机 / unknown kiosk' };
        return next(err);
      }
      // The kiosk's card reads and scanned appointment codes are for that kiosk alone: outside demo mode the
      // socket proves itself with the kiosk's device key (auth.token `kiosk.<id>.<key>`), as its HTTP calls do.
      const token = (s.handshake.auth as { token?: unknown }).token;
      try {
        requireKioskKey(o.kiosks, o.demo, typeof token === 'string' ? `Bearer ${token}` : undefined, kioskId);
      } catch (e) {
        const err = new Error('kiosk key') as Error & { data: unknown };
        err.data = e instanceof HallError ? { code: e.code, message: e.message } : { code: 'UNAUTHORIZED', message: 'unauthorized' };
        return next(err);
      }
      s.data.kioskId = kioskId;
      next();
    });
    this.kiosk.on('connection', (s) => {
      const kioskId = s.data.kioskId as string;
      void s.join(kioskId);
      s.emit('devices', o.devices.list().filter((d) => d.attachedTo === kioskId));
    });

    o.devices.on('identity', (r) => {
      if (!this.isKiosk(r.attachedTo)) return;
      const ev: KioskCardEvent = { kioskId: r.attachedTo, nameMasked: r.nameMasked, usableUntil: new Date(r.at + IDENTITY_TTL_MS).toISOString() };
      this.kiosk.to(r.attachedTo).emit('card', ev);
    });
    o.devices.on('cardError', (r) => {
      if (!this.isKiosk(r.attachedTo)) return;
      const ev: KioskCardErrorEvent = { kioskId: r.attachedTo, code: r.code, message: r.message };
      this.kiosk.to(r.attachedTo).emit('card-error', ev);
    });
    o.devices.on('scan', (r) => {
      if (!this.isKiosk(r.attachedTo)) return;
      const a = appointmentOf(o.hall.state, r.code);
      const ev: KioskScanEvent = {
        kioskId: r.attachedTo,
        code: r.code,
        ...(a
          ? { appointment: { code: a.code, sectionId: a.sectionId, ...(a.serviceCode ? { serviceCode: a.serviceCode } : {}), date: a.date, slotStart: a.slotStart, status: a.status } }
          : {}),
      };
      this.kiosk.to(r.attachedTo).emit('scan', ev);
    });
    o.devices.on('health', (d) => {
      this.queuePush();
      if (d.attachedTo && this.isKiosk(d.attachedTo)) {
        this.kiosk.to(d.attachedTo).emit('devices', o.devices.list().filter((x) => x.attachedTo === d.attachedTo));
      }
    });
    // A device removed live leaves every list at once, as a status change would.
    o.devices.on('removed', (d) => {
      this.queuePush();
      if (d.attachedTo && this.isKiosk(d.attachedTo)) {
        this.kiosk.to(d.attachedTo).emit('devices', o.devices.list().filter((x) => x.attachedTo === d.attachedTo));
      }
    });
    this.timer = setInterval(() => this.push(false), o.pushEveryMs ?? DEVICES_PUSH_MS);
    this.timer.unref();
  }

  private isKiosk(id: string): boolean {
    return this.kioskIds.has(id);
  }

  /** Status changes go out at once (coalesced over 100 ms when several devices change together). */
  private queuePush(): void {
    if (this.pushQueued) return;
    this.pushQueued = setTimeout(() => {
      this.pushQueued = null;
      this.push(true);
    }, 100);
    this.pushQueued.unref();
  }

  private push(force: boolean): void {
    if (this.manager.sockets.size === 0) return;
    const list = this.o.devices.list();
    const s = JSON.stringify(list);
    if (!force && s === this.lastSent) return;
    this.lastSent = s;
    if (this.o.emitManager) this.o.emitManager('devices', { devices: list });
    else this.manager.emit('devices', list);
  }

  close(): void {
    clearInterval(this.timer);
    if (this.pushQueued) clearTimeout(this.pushQueued);
  }
}
