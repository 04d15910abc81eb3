// config/ledbars.json: the RS-485 buses of window LED bars, which codec each speaks, and what a bar shows in
// each window state. Optional: a hall without the file has no LED bars. Each window's bus address is its
// `ledbarAddress` in windows.json.

import { z } from 'zod';
import { createLedbarCodec, ledbarCodecNames } from '../drivers/ledbar/codecs.js';
import type { WindowConfig } from '../server/hall/types.js';
import type { ConfigIssue } from './schema.js';

export const LEDBARS_FILE = 'ledbars.json';

const busId = z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, { error: 'must be lowercase letters, digits, "_" or "-"' });
const shortText = z.string().max(120);

const linkSchema = z.discriminatedUnion('type', [
  /** The bus simulator: frames are decoded and kept, as GET /sim/devices/:id/output shows. */
  z.strictObject({ type: z.literal('sim') }),
  /** An RS-485 adapter on a serial port (USB-RS485 dongle), typically 9600 8N1. */
  z.strictObject({
    type: z.literal('serial'),
    path: z.string().min(1).max(200),
    baudRate: z.number().int().min(1200).max(921600).default(9600),
  }),
  /** An RS-485 line behind a serial device server's TCP port. */
  z.strictObject({ type: z.literal('tcp'), host: z.string().min(1).max(200), port: z.number().int().min(1).max(65535) }),
]);

export const busSchema = z.strictObject({
  id: busId,
  codec: z.string().min(1),
  /** Passed to the codec factory (e.g. `sumCovers` for aa-bb-51, `xorCovers` for a0-90-a5). */
  codecOptions: z.record(z.string(), z.unknown()).default({}),
  /** Quiet time between frames on this bus, ms. Default 50; 0–2000. */
  gapMs: z.number().int().min(0).max(2000).default(50),
  link: linkSchema,
  /** The windows whose bars hang on this bus. */
  windowIds: z.array(z.string().min(1)).min(1),
});

const textsSchema = z.strictObject({
  /** While a ticket is called. `{number}` the ticket, `{window}` the window number. */
  call: shortText.default('请{number}号到{window}号窗口'),
  /** While the ticket is being served. */
  serving: shortText.default('{number}号 正在办理'),
  paused: shortText.default('暂停服务'),
  /** Open with nobody called. */
  idle: shortText.default('{window}号窗口 欢迎您'),
  /** No clerk signed in; empty blanks the bar. */
  closed: shortText.default(''),
});

export const ledbarsFileSchema = z.strictObject({
  texts: textsSchema.default({ call: '请{number}号到{window}号窗口', serving: '{number}号 正在办理', paused: '暂停服务', idle: '{window}号窗口 欢迎您', closed: '' }),
  buses: z.array(busSchema),
});

/** One bus as the manager's device settings edit it: the bus entry of ledbars.json with `kind: "ledbar"`. */
export const ledbarDeviceSchema = busSchema.extend({ kind: z.literal('ledbar') });

/** The texts ledbars.json falls back to when it sets none (and a hall without the file starts from). */
export const NO_LEDBARS = (): LedbarsConfig => ledbarsFileSchema.parse({ buses: [] });

export type LedbarsConfig = z.output<typeof ledbarsFileSchema>;
export type LedbarTexts = LedbarsConfig['texts'];
export type LedbarBusConfig = LedbarsConfig['buses'][number];

export function checkLedbars(cfg: LedbarsConfig, windows: readonly WindowConfig[], file: string, issues: ConfigIssue[]): void {
  const byId = new Map(windows.map((w) => [w.id, w]));
  const codecs = ledbarCodecNames();
  const onBus = new Map<string, string>();
  const busIds = new Set<string>();
  cfg.buses.forEach((bus, bi) => {
    if (busIds.has(bus.id)) issues.push({ file, path: `buses[${bi}].id`, message: `duplicate bus id "${bus.id}"` });
    busIds.add(bus.id);
    if (!codecs.includes(bus.codec)) {
      issues.push({ file, path: `buses[${bi}].codec`, message: `unknown LED bar codec "${bus.codec}" (known: ${codecs.join(', ')})` });
    } else {
      try {
        createLedbarCodec(bus.codec, bus.codecOptions);
      } catch (e) {
        issues.push({ file, path: `buses[${bi}].codecOptions`, message: (e as Error).message });
      }
    }
    const addresses = new Map<number, string>();
    bus.windowIds.forEach((wid, i) => {
      const path = `buses[${bi}].windowIds[${i}]`;
      const w = byId.get(wid);
      if (!w) return issues.push({ file, path, message: `no window has id "${wid}" (windows.json)` });
      if (w.ledbarAddress === undefined) return issues.push({ file, path, message: `window "${wid}" has no ledbarAddress (windows.json)` });
      const other = onBus.get(wid);
      if (other) return issues.push({ file, path, message: `window "${wid}" is already on bus "${other}"` });
      onBus.set(wid, bus.id);
      const same = addresses.get(w.ledbarAddress);
      if (same) issues.push({ file, path, message: `address ${w.ledbarAddress} is also window "${same}"'s on this bus` });
      addresses.set(w.ledbarAddress, wid);
    });
  });
}
