// POST /tickets, the hottest write of the hall: a kiosk or a clerk takes a ticket. One function serves both
// ways in (express and the lean path), so validation, identity and the answer cannot drift apart.

import { z } from 'zod';
import type { HallConfig } from '../../config/schema.js';
import type { Accounts } from '../auth/accounts.js';
import { printKioskTicket } from '../devices/kiosk.js';
import type { DeviceService } from '../devices/service.js';
import { HallError } from '../errors.js';
import type { Hall } from '../hall/hall.js';
import type { Command } from '../hall/types.js';
import type { Logger } from '../log.js';
import { maskName } from '../privacy.js';
import type { TicketView } from '../realtime/contract.js';
import type { Views } from '../views.js';
import { identityOf, kioskOf, optionalClaimsOf, parse, requireKioskKey } from './edge.js';
import { ticketQrUrl } from './ticket-page.js';

const id = z.string().trim().min(1).max(64);
const ticketBody = z.strictObject({
  sectionId: id,
  serviceCode: id.optional(),
  idNumber: z.string().trim().max(32).optional(),
  name: z.string().trim().min(1).max(60).optional(),
  priority: z.enum(['normal', 'priority', 'green']).optional(),
  appointmentCode: z.string().trim().min(1).max(32).optional(),
  kioskId: id.optional(),
  useCard: z.boolean().optional(),
});

export interface TicketIssueDeps {
  hall: Hall;
  views: Views;
  accounts: Accounts;
  config: HallConfig;
  log: Logger;
  demo: boolean;
  idSecret: Buffer;
  devices: DeviceService;
}

export interface IssueRequest {
  body: unknown;
  authorization: string | undefined;
  /** scheme://host the request came to: the printed ticket's QR points back there. */
  origin: string;
}

export type TicketIssuer = (r: IssueRequest) => Promise<TicketView>;

export function ticketIssuer(o: TicketIssueDeps): TicketIssuer {
  return async ({ body: raw, authorization, origin }) => {
    const body = parse(ticketBody, raw);
    // A kiosk proves itself with its device key; staff with a sign-in token.
    const kiosk = kioskOf(o.config.kiosks, authorization);
    const claims = kiosk ? undefined : optionalClaimsOf(o.accounts, authorization);
    if (!o.demo && !claims && !kiosk) throw new HallError('UNAUTHORIZED', '取号需要设备或工作人员身份 / a kiosk or staff token is required');
    if (kiosk && body.kioskId !== undefined && body.kioskId !== kiosk) throw new HallError('FORBIDDEN', `kioskId: this key belongs to kiosk ${kiosk}`);
    if (body.priority === 'green' && !claims) throw new HallError('FORBIDDEN', '绿色通道由工作人员取号 / green channel tickets are issued by staff');
    if (body.kioskId && !o.config.kiosks.some((k) => k.id === body.kioskId)) throw new HallError('VALIDATION_FAILED', `kioskId: unknown kiosk ${body.kioskId}`);
    if (body.useCard && !body.kioskId) throw new HallError('VALIDATION_FAILED', 'kioskId: useCard needs the kiosk whose reader read the card');
    // A ticket for a kiosk prints on its printer and may take its card read: that kiosk's key only.
    if (body.kioskId) requireKioskKey(o.config.kiosks, o.demo, authorization, body.kioskId);
    if (body.useCard && body.idNumber) throw new HallError('VALIDATION_FAILED', 'idNumber: give either useCard or idNumber');
    // useCard: the identity the kiosk's reader read last, if under 60 s old and not used by a ticket yet.
    const claim = body.useCard ? o.devices.claimIdentity(body.kioskId!) : null;
    if (body.useCard && !claim) throw new HallError('NO_CARD_READ', '请先在读卡区放置身份证 / place the ID card on the reader first');
    let issued;
    try {
      const idKey = claim ? claim.identity.idKey : identityOf(o.idSecret, body.idNumber);
      const nameMasked = claim ? claim.identity.nameMasked : body.name ? maskName(body.name) : undefined;
      const command: Command = {
        type: 'IssueTicket',
        sectionId: body.sectionId,
        ...(body.serviceCode ? { serviceCode: body.serviceCode } : {}),
        ...(body.priority ? { priority: body.priority } : {}),
        ...(idKey ? { idKey } : {}),
        ...(nameMasked ? { nameMasked } : {}),
        ...(body.appointmentCode ? { appointmentCode: body.appointmentCode } : {}),
        ...(body.kioskId ? { kioskId: body.kioskId } : {}),
      };
      issued = await o.hall.execute(command, { kind: 'citizen', ...(body.kioskId ? { kioskId: body.kioskId } : {}) });
    } catch (err) {
      claim?.release();
      throw err;
    }
    claim?.commit();
    const { events, state: after } = issued;
    const ev = events.find((e) => e.type === 'TicketIssued');
    if (!ev || ev.type !== 'TicketIssued') throw new HallError('INTERNAL', 'no ticket issued');
    // Answer from the latest published state, read after the rest of this durable batch has been published
    // (one macrotask later): every ticket of the batch then shares one walk of its section's queue.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const published = o.hall.state;
    const t = published.tickets.get(ev.ticket.id) ?? after.tickets.get(ev.ticket.id)!;
    const view = o.views.ticket(published.tickets.get(t.id) ? published : after, t, o.hall.now());
    if (body.kioskId) {
      const progressUrl = ticketQrUrl(t.id, o.config.hall.publicUrl, origin);
      view.printed = await printKioskTicket({ devices: o.devices, config: o.config, setup: o.hall.setup, log: o.log, kioskId: body.kioskId, ticket: view, progressUrl });
    }
    return view;
  };
}
