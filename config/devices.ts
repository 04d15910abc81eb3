// config/devices.json: the hall's hardware. Each device names its kind, the kiosk or window it serves
// (attachedTo), and its transport: a simulator ("sim"), a serial port, a TCP port, a /dev/usb/lp printer,
// a HID device, or a device agent on a kiosk PC. Switching a device to real hardware is a change of its
// transport here and nothing else. Every option carries its default and range in the schema.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { ConfigIssue } from './schema.js';

/** The device files a manager's live changes stand in for (each kept with the hash of the file it replaced). */
export const DEVICE_FILES = { devices: 'devices.json', ledbars: 'ledbars.json', docscan: 'docscan.json' } as const;
export type DeviceFileKey = keyof typeof DEVICE_FILES;

/**
 * The content hash of each device file in the config folder, `absent` for a file the hall does not have:
 * what a saved live change was made against, so a file edited since can be told apart at start.
 */
export function deviceFileHashes(dir: string): Record<DeviceFileKey, string> {
  const hash = (name: string): string => {
    try {
      return 'sha256:' + createHash('sha256').update(readFileSync(join(dir, name))).digest('hex');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'absent';
      throw err;
    }
  };
  return { devices: hash(DEVICE_FILES.devices), ledbars: hash(DEVICE_FILES.ledbars), docscan: hash(DEVICE_FILES.docscan) };
}

const id = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,31}$/, { error: 'must be lowercase letters, digits or "-", starting with a letter' });
const int = (min: number, max: number) => z.number().int().min(min).max(max);

export const transportSchema = z.discriminatedUnion('type', [
  /** In-memory link to a simulator speaking the device's bytes. chunkSize splits replies, as serial ports do. */
  z.strictObject({ type: z.literal('sim'), chunkSize: int(1, 4096).optional() }),
  z.strictObject({
    type: z.literal('serial'),
    path: z.string().min(1).max(200),
    baudRate: int(300, 921_600).optional(),
    dataBits: z.union([z.literal(7), z.literal(8)]).optional(),
    parity: z.enum(['none', 'even', 'odd']).optional(),
    stopBits: z.union([z.literal(1), z.literal(2)]).optional(),
  }),
  z.strictObject({ type: z.literal('tcp'), host: z.string().min(1).max(255), port: int(1, 65_535), connectTimeoutMs: int(100, 60_000).optional() }),
  z.strictObject({ type: z.literal('lp'), path: z.string().regex(/^\/dev\/\S+$/, { error: 'must be a device path such as /dev/usb/lp0' }) }),
  z.strictObject({
    type: z.literal('hid'),
    path: z.string().min(1).max(200).optional(),
    vendorId: int(0, 0xffff).optional(),
    productId: int(0, 0xffff).optional(),
    reportId: z.boolean().optional(),
  }),
  /** The device hangs off a kiosk PC running `npm run agent`; the agent names it by this device's id. */
  z.strictObject({ type: z.literal('agent'), agent: id }),
]);

const backoffSchema = z.strictObject({ initialMs: int(100, 10_000).optional(), maxMs: int(1000, 600_000).optional() });

const common = { id, attachedTo: id, name: z.string().min(1).max(60).optional(), transport: transportSchema, backoff: backoffSchema.optional() };

export const idcardDeviceSchema = z.strictObject({
  ...common,
  kind: z.literal('idcard'),
  /** find-card poll, default 500 */
  pollMs: int(300, 5000).optional(),
  /** default 1000 */
  answerTimeoutMs: int(200, 10_000).optional(),
  /** default 2 */
  removedAfterMisses: int(1, 10).optional(),
  /** default 3 */
  offlineAfterTimeouts: int(1, 20).optional(),
});

export const printerDeviceSchema = z.strictObject({
  ...common,
  kind: z.literal('printer'),
  /** 32 on 58 mm paper, 48 on 80 mm; default 48 */
  widthColumns: int(16, 96).optional(),
  /** default 2000 */
  statusPollMs: int(500, 60_000).optional(),
  /** default 500 */
  answerTimeoutMs: int(100, 5000).optional(),
  /** false for a printer that cannot answer DLE EOT; default true */
  statusQueries: z.boolean().optional(),
  /** default true */
  strictStatus: z.boolean().optional(),
  /** default 2 */
  offlineAfterTimeouts: int(1, 20).optional(),
  /** A queue ticket not printed by then is reported unprinted (the kiosk shows the number). Default 5000. */
  ticketExpiryMs: int(1000, 60_000).optional(),
  /** Receipts and slips wait longer for a reconnect. Default 120000. */
  receiptExpiryMs: int(1000, 3_600_000).optional(),
});

export const scannerDeviceSchema = z.strictObject({
  ...common,
  kind: z.literal('scanner'),
  mode: z.enum(['line', 'hid']),
  /** default 300 */
  interByteTimeoutMs: int(50, 5000).optional(),
  /** line mode without CR/LF suffix; default false */
  noSuffix: z.boolean().optional(),
  encoding: z.enum(['auto', 'utf8', 'gb18030', 'latin1']).optional(),
  /** default 4096 */
  maxLength: int(1, 1 << 20).optional(),
});

export const deviceSchema = z.discriminatedUnion('kind', [idcardDeviceSchema, printerDeviceSchema, scannerDeviceSchema]);

export const agentSchema = z.strictObject({
  id,
  name: z.string().min(1).max(60).optional(),
  /** Shared secret the agent presents; at least 16 characters. */
  key: z.string().min(16).max(256),
});

export const devicesFileSchema = z.strictObject({
  devices: z.array(deviceSchema),
  agents: z.array(agentSchema).optional(),
});

export type TransportConfig = z.output<typeof transportSchema>;
export type IdcardDeviceConfig = z.output<typeof idcardDeviceSchema>;
export type PrinterDeviceConfig = z.output<typeof printerDeviceSchema>;
export type ScannerDeviceConfig = z.output<typeof scannerDeviceSchema>;
export type DeviceConfig = z.output<typeof deviceSchema>;
export type AgentConfig = z.output<typeof agentSchema>;
export interface DevicesConfig {
  devices: DeviceConfig[];
  agents: AgentConfig[];
}

export const NO_DEVICES: DevicesConfig = { devices: [], agents: [] };

/** Checks across entries and against the kiosks and windows of the other files. */
export function checkDevices(
  f: z.output<typeof devicesFileSchema>,
  places: { kiosks: readonly string[]; windows: readonly string[] },
  file: string,
  issues: ConfigIssue[],
): void {
  const seen = new Map<string, number>();
  const slot = new Map<string, number>();
  const agents = new Set<string>();
  (f.agents ?? []).forEach((a, i) => {
    if (agents.has(a.id)) issues.push({ file, path: `agents[${i}].id`, message: `duplicate agent id "${a.id}"` });
    agents.add(a.id);
  });
  f.devices.forEach((d, i) => {
    const at = `devices[${i}]`;
    const first = seen.get(d.id);
    if (first !== undefined) issues.push({ file, path: `${at}.id`, message: `duplicate device id "${d.id}" (first at devices[${first}])` });
    else seen.set(d.id, i);
    if (!places.kiosks.includes(d.attachedTo) && !places.windows.includes(d.attachedTo)) {
      issues.push({ file, path: `${at}.attachedTo`, message: `no kiosk (hall.json) or window (windows.json) has id "${d.attachedTo}"` });
    }
    // The queue asks for "the printer of kiosk-1": one device of a kind per kiosk or window.
    const k = `${d.kind}@${d.attachedTo}`;
    const other = slot.get(k);
    if (other !== undefined) issues.push({ file, path: `${at}.attachedTo`, message: `"${d.attachedTo}" already has a ${d.kind} (devices[${other}])` });
    else slot.set(k, i);
    const t = d.transport;
    if (t.type === 'agent' && !agents.has(t.agent)) issues.push({ file, path: `${at}.transport.agent`, message: `no agent has id "${t.agent}" (agents)` });
    if (t.type === 'hid' && !t.path && (t.vendorId === undefined || t.productId === undefined)) {
      issues.push({ file, path: `${at}.transport`, message: 'a HID transport needs path, or vendorId and productId' });
    }
    if (t.type === 'hid' && d.kind !== 'scanner') issues.push({ file, path: `${at}.transport.type`, message: 'only scanners attach over HID' });
    if (d.kind === 'scanner' && d.mode === 'hid' && t.type !== 'hid' && t.type !== 'sim' && t.type !== 'agent') {
      issues.push({ file, path: `${at}.mode`, message: 'HID keyboard mode needs a hid (or sim/agent) transport' });
    }
  });
}
