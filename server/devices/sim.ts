// Demo-mode control of simulated devices (API.md "Devices and simulators"): the body of
// POST /sim/devices/:id/input is validated here and handed to the simulator, which turns it into the bytes a
// real device would send; GET /sim/devices/:id/output reads back what the simulator took.
// Used by the server for its own simulators and by the agent for simulators on a kiosk PC.

import { z } from 'zod';
import { validIdNumber } from '../../drivers/idcard/codec.js';
import { isDeviceError } from '../../drivers/errors.js';
import type { SimHandle } from '../../drivers/factory.js';
import { HallError } from '../errors.js';
import { parse } from '../http/edge.js';

const dateText = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');
const text = (max: number) => z.string().trim().min(1).max(max);

export const cardInputSchema = z.strictObject({
  name: text(15),
  sex: z.enum(['男', '女']),
  nation: text(8),
  birthDate: dateText,
  address: text(35),
  idNumber: z.string().trim().refine((s) => validIdNumber(s), 'not a valid GB 11643 ID number'),
  issuer: text(15),
  validFrom: dateText,
  validTo: z.union([dateText, z.literal('长期')]),
});

const connected = { connected: z.boolean().optional() };
// `unreadable: true` puts a card the reader cannot authenticate on it (the reader reports a card error).
const idcardInput = z
  .strictObject({ card: cardInputSchema.optional(), unreadable: z.literal(true).optional(), ...connected })
  .refine((b) => !(b.card && b.unreadable), 'card and unreadable exclude each other');
const scannerInput = z.strictObject({ code: z.string().min(1).max(4096).optional(), ...connected });
const printerInput = z.strictObject({
  paperOut: z.boolean().optional(),
  paperLow: z.boolean().optional(),
  coverOpen: z.boolean().optional(),
  online: z.boolean().optional(),
  ...connected,
});


function plug(h: SimHandle, c: boolean | undefined): void {
  if (c === false) h.link.unplug();
  if (c === true) h.link.plug();
}

/** Applies one input; answers what the simulator now holds. Throws HallError VALIDATION_FAILED for bad input. */
export async function applySimInput(h: SimHandle, body: unknown): Promise<Record<string, unknown>> {
  try {
    switch (h.kind) {
      case 'idcard': {
        const b = parse(idcardInput, body);
        plug(h, b.connected);
        if (b.card) h.sim.place({ ...b.card, idNumber: b.card.idNumber.toUpperCase() });
        if (b.unreadable) h.sim.placeUnreadable();
        return { ok: true, cardOnReader: h.sim.hasCard, connected: h.link.plugged };
      }
      case 'scanner': {
        const b = parse(scannerInput, body);
        plug(h, b.connected);
        if (b.code !== undefined) await h.sim.scan(b.code);
        return { ok: true, connected: h.link.plugged };
      }
      case 'printer': {
        const b = parse(printerInput, body);
        plug(h, b.connected);
        const { connected: _c, ...state } = b;
        h.sim.set(Object.fromEntries(Object.entries(state).filter(([, v]) => v !== undefined)));
        return { ok: true, state: { ...h.sim.state }, connected: h.link.plugged };
      }
    }
  } catch (err) {
    // A card field the card cannot hold, a character a HID keyboard cannot type: the input is refused.
    if (isDeviceError(err)) throw new HallError('VALIDATION_FAILED', err.message, err.details);
    throw err;
  }
}

export function simOutput(h: SimHandle): Record<string, unknown> {
  switch (h.kind) {
    case 'printer':
      return {
        jobs: h.sim.jobs.map((j) => ({ at: new Date(j.at).toISOString(), bytes: j.bytes.toString('base64') })),
        state: { ...h.sim.state },
        connected: h.link.plugged,
      };
    case 'idcard':
      return { cardOnReader: h.sim.hasCard, requests: h.sim.requestCount, connected: h.link.plugged };
    case 'scanner':
      return { mode: h.sim.mode, connected: h.link.plugged };
  }
}
