// The device registry seen through the narrow interfaces other modules declared: the cases module's
// IdentitySource (the card a window's reader read last) and SlipPrinter (the window's receipt printer).

import type { IdentitySource, SlipPrinter } from '../cases/service.js';
import { cardName, cardNumber, type DeviceService } from './service.js';

export function caseIdentitiesOf(devices: DeviceService): IdentitySource {
  return {
    lastIdentity(windowId) {
      const r = devices.lastIdentity(windowId);
      if (!r) return undefined;
      const c = r.card;
      return {
        name: cardName(c),
        idNumber: cardNumber(c),
        ...(c.sex ? { sex: c.sex } : {}),
        ...('address' in c ? { address: c.address } : {}),
        readAt: r.at,
      };
    },
  };
}

export function windowSlipPrinterOf(devices: DeviceService): SlipPrinter {
  return {
    async printAtWindow(windowId, bytes) {
      const printer = devices.printerFor(windowId);
      if (!printer) return { printed: false, code: 'NO_PRINTER', message: '本窗口未配置凭条打印机 / no slip printer at this window' };
      // The clerk's request waits for the outcome, so the short expiry applies, as for a kiosk ticket.
      const o = await printer.print(bytes, { expiresInMs: printer.ticketExpiryMs });
      return o.ok ? { printed: true } : { printed: false, code: o.code, message: o.message };
    },
  };
}

