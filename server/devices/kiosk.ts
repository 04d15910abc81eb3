// What a kiosk ticket needs from the devices: the identity its reader read (useCard) and the printout on
// its printer through the real ESC/POS layout. A print failure never voids a ticket: the answer says
// printed: false and the kiosk shows the number.

import type { HallConfig } from '../../config/schema.js';
import { ticketLayout } from '../../drivers/printer/layouts.js';
import type { KioskPrinting } from '../kiosk/printing.js';
import type { TicketView } from '../realtime/contract.js';
import type { HallSetup } from '../hall/types.js';
import type { Logger } from '../log.js';
import type { DeviceService } from './service.js';

/** 'YYYY-MM-DD HH:MM' in the hall's time zone. */
export function hallClock(ms: number, utcOffsetMinutes: number): string {
  const d = new Date(ms + utcOffsetMinutes * 60_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`;
}

export interface KioskPrintInput {
  devices: DeviceService;
  config: HallConfig;
  /** The setup in force (sections and calendar may have changed live since config/ was read). */
  setup: HallSetup;
  log: Logger;
  kioskId: string;
  ticket: TicketView;
  /** Where the ticket's progress can be followed (the QR on the ticket); omitted when unknown. */
  progressUrl?: string;
}

/** Prints the ticket on the kiosk's printer; true only when the printer took the whole job. */
export async function printKioskTicket(i: KioskPrintInput): Promise<boolean> {
  const printer = i.devices.printerFor(i.kioskId);
  if (!printer) return false;
  const section = i.setup.sections.find((s) => s.id === i.ticket.sectionId);
  let bytes: Buffer;
  try {
    bytes = ticketLayout({
      hallName: i.config.hall.name,
      sectionName: section?.name ?? i.ticket.sectionId,
      number: i.ticket.number,
      ahead: i.ticket.ahead,
      estimatedWaitMinutes: i.ticket.estimatedWaitMinutes,
      issuedAt: hallClock(Date.parse(i.ticket.issuedAt), i.setup.calendar.utcOffsetMinutes),
      ...(i.progressUrl ? { qrUrl: i.progressUrl } : {}),
      ...(i.config.hall.notices[0] ? { notice: i.config.hall.notices[0] } : {}),
      widthColumns: printer.widthColumns,
    });
  } catch (err) {
    i.log.error({ device: printer.deviceId, err: (err as Error).message }, 'ticket layout failed');
    return false;
  }
  const outcome = await printer.print(bytes, { expiresInMs: printer.ticketExpiryMs });
  if (!outcome.ok) i.log.warn({ device: printer.deviceId, ticket: i.ticket.number, code: outcome.code }, 'ticket not printed');
  return outcome.ok;
}

/** The kiosk routes' printing (booking slips, guides) on the kiosk printers of the registry. */
export function kioskPrintingOf(devices: DeviceService): KioskPrinting {
  return {
    async print(kioskId, job) {
      const printer = devices.printerFor(kioskId);
      if (!printer) return { printed: false, error: { code: 'NO_PRINTER', message: '本机未连接打印机 / no printer is attached to this kiosk' } };
      // The citizen stands at the kiosk waiting for the slip: the short expiry of a queue ticket applies.
      const outcome = await printer.print(job, { expiresInMs: printer.ticketExpiryMs });
      return outcome.ok ? { printed: true } : { printed: false, error: { code: outcome.code, message: outcome.message } };
    },
  };
}
