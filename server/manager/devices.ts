// Devices changed from the manager's settings, every kind: the readers, printers and scanners of
// config/devices.json (local or behind a device agent), the LED bar buses of ledbars.json and the document
// scanners of docscan.json. Each change is checked as its config file is checked, applied at once by the
// module that drives the device (old driver or bus closed, new one opened; an agent gets its new settings
// over its link), kept in $HALL_DATA_DIR/manager/devices.json and audited by the routes.
//
// Which wins at start: the saved list of a file stands in for that file only while the file is as it was
// when the list was saved (its content hash is kept beside the list). An installer who edits the config
// file afterwards means the file: it wins, the saved list is set aside into a backup file beside it, and a
// notice says so in the log and in the manager's device settings until a manager dismisses it or saves a
// device of that file again. A saved list that no longer passes the checks is set aside the same way.

import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type express from 'express';
import type { Request } from 'express';
import type { Low } from 'lowdb';
import { z } from 'zod';
import {
  checkDevices,
  DEVICE_FILES,
  deviceSchema,
  type AgentConfig,
  type DeviceConfig,
  type DeviceFileKey,
  type DevicesConfig,
} from '../../config/devices.js';
import { checkDocscan, docscanDeviceSchema, docscanFileSchema, type DocscanConfig, type DocscanScannerConfig } from '../../config/docscan.js';
import { zodIssueCode, type ConfigIssue } from '../../config/schema.js';
import { checkLedbars, ledbarDeviceSchema, ledbarsFileSchema, type LedbarBusConfig, type LedbarsConfig } from '../../config/ledbars.js';
import { ledbarCodecNames } from '../../drivers/ledbar/codecs.js';
import { HallError } from '../errors.js';
import type { WindowConfig } from '../hall/types.js';
import { parse } from '../http/edge.js';
import type { Logger } from '../log.js';
import { openDocument } from '../store/durable-file.js';

/** What the manager needs of the device registry (server/devices/service.ts DeviceService). */
export interface RegistryPort {
  /** The configured devices in force (devices.json or the last live change). */
  configured(): DevicesConfig;
  reconfigure(id: string, cfg: DeviceConfig | null): Promise<void>;
}

/** The LED bar module (server/ledbar/service.ts LedbarService). */
export interface LedbarPort {
  configured(): LedbarsConfig;
  reconfigure(cfg: LedbarsConfig, windows: readonly WindowConfig[]): Promise<void>;
}

/** The document scanner module (server/docscan/service.ts DocscanService). */
export interface DocscanPort {
  configured(): DocscanConfig;
  reconfigure(cfg: DocscanConfig): Promise<void>;
}

/** Everything that drives a configured device, and the config files' hashes as the server started. */
export interface DeviceConfigPort {
  registry: RegistryPort;
  ledbars: LedbarPort;
  /** null: the hall has no docscan.json, so no document scanner module runs. */
  docscan: DocscanPort | null;
  sources: Record<DeviceFileKey, string>;
}

export type LedbarDevice = LedbarBusConfig & { kind: 'ledbar' };
export type DocscanDevice = DocscanScannerConfig & { kind: 'docscan' };
/** A device as the manager's settings list and edit it: an entry of one of the three files, with its kind. */
export type ManagedDevice = DeviceConfig | LedbarDevice | DocscanDevice;

export interface DeviceNotice {
  file: (typeof DEVICE_FILES)[DeviceFileKey];
  /** config-changed: the file was edited after the list was saved; invalid: the saved list fails the checks. */
  reason: 'config-changed' | 'invalid';
  at: string;
  /** The set-aside copy of the saved settings, relative to the data folder. */
  backup: string;
  message: string;
}

interface DevicesDoc {
  devices?: DeviceConfig[];
  /** The hash of config/devices.json when `devices` was saved (absent in lists saved before hashes were kept). */
  devicesSource?: string;
  ledbars?: LedbarsConfig;
  ledbarsSource?: string;
  docscan?: DocscanConfig;
  docscanSource?: string;
  notices?: DeviceNotice[];
}

const FILE = 'devices.json';
type Places = { kiosks: readonly string[]; windows: readonly string[] };
type Issue = { path: string; message: string; field?: string; code?: string; params?: Record<string, string | number> };

function familyOf(kind: unknown): DeviceFileKey {
  return kind === 'ledbar' ? 'ledbars' : kind === 'docscan' ? 'docscan' : 'devices';
}

/** Checks a whole device list; the same rules as config/devices.json. */
export function checkDeviceList(
  list: unknown[],
  agents: AgentConfig[],
  places: Places,
): { ok: true; devices: DeviceConfig[] } | { ok: false; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const file = 'devices';
  const devices: DeviceConfig[] = [];
  list.forEach((d, i) => {
    const r = deviceSchema.safeParse(d);
    if (r.success) devices.push(r.data);
    else for (const x of r.error.issues) issues.push({ file, path: `devices[${i}].${x.path.join('.')}`, message: x.message, ...zodIssueCode(x) });
  });
  if (issues.length === 0) checkDevices({ devices, agents }, places, file, issues);
  return issues.length ? { ok: false, issues } : { ok: true, devices };
}

/** Checks a whole ledbars.json content; the same rules as the file. */
export function checkLedbarSettings(value: unknown, windows: readonly WindowConfig[]): { ok: true; value: LedbarsConfig } | { ok: false; issues: ConfigIssue[] } {
  const file = 'ledbars';
  const r = ledbarsFileSchema.safeParse(value);
  if (!r.success) return { ok: false, issues: r.error.issues.map((x) => ({ file, path: x.path.join('.'), message: x.message, ...zodIssueCode(x) })) };
  const issues: ConfigIssue[] = [];
  checkLedbars(r.data, windows, file, issues);
  return issues.length ? { ok: false, issues } : { ok: true, value: r.data };
}

/** Checks a whole docscan.json content; the same rules as the file. */
export function checkDocscanSettings(value: unknown, windows: readonly WindowConfig[]): { ok: true; value: DocscanConfig } | { ok: false; issues: ConfigIssue[] } {
  const file = 'docscan';
  const r = docscanFileSchema.safeParse(value);
  if (!r.success) return { ok: false, issues: r.error.issues.map((x) => ({ file, path: x.path.join('.'), message: x.message, ...zodIssueCode(x) })) };
  const issues: ConfigIssue[] = [];
  checkDocscan(r.data, windows, file, issues);
  return issues.length ? { ok: false, issues } : { ok: true, value: r.data };
}

export interface DeviceSettingsInForce {
  devices: DevicesConfig;
  /** ledbars.json's content in force; null when the hall has no file and nothing was saved. */
  ledbars: LedbarsConfig | null;
  docscan: DocscanConfig | null;
  notices: DeviceNotice[];
}

/**
 * At start: for each device file, the manager's saved list if it was saved against the file as it is now
 * and still passes the checks, otherwise the file (the saved list is set aside into a backup, with a notice).
 */
export async function resolveDeviceSettings(o: {
  dataDir: string;
  configured: { devices: DevicesConfig; ledbars: LedbarsConfig | null; docscan: DocscanConfig | null };
  sources: Record<DeviceFileKey, string>;
  places: Places;
  windows: readonly WindowConfig[];
  log: Logger;
  now: () => number;
}): Promise<DeviceSettingsInForce> {
  const doc = await openDocument<DevicesDoc>(path.join(o.dataDir, 'manager', FILE), {});
  const d = doc.data;
  const out: DeviceSettingsInForce = { devices: o.configured.devices, ledbars: o.configured.ledbars, docscan: o.configured.docscan, notices: [] };
  const aside: { key: DeviceFileKey; reason: DeviceNotice['reason']; detail: string }[] = [];
  let dirty = false;

  if (d.devices) {
    // A list saved before the hashes were kept was made against the file as it is (nothing else is known).
    if (d.devicesSource === undefined) {
      d.devicesSource = o.sources.devices;
      dirty = true;
    }
    if (d.devicesSource !== o.sources.devices) aside.push({ key: 'devices', reason: 'config-changed', detail: '' });
    else {
      const checked = checkDeviceList(d.devices, o.configured.devices.agents, o.places);
      if (checked.ok) out.devices = { ...o.configured.devices, devices: checked.devices };
      else aside.push({ key: 'devices', reason: 'invalid', detail: checked.issues.map((i) => `${i.path}: ${i.message}`).join('; ') });
    }
  }
  if (d.ledbars) {
    if (d.ledbarsSource !== o.sources.ledbars) aside.push({ key: 'ledbars', reason: 'config-changed', detail: '' });
    else {
      const checked = checkLedbarSettings(d.ledbars, o.windows);
      if (checked.ok) out.ledbars = checked.value;
      else aside.push({ key: 'ledbars', reason: 'invalid', detail: checked.issues.map((i) => `${i.path}: ${i.message}`).join('; ') });
    }
  }
  if (d.docscan) {
    if (d.docscanSource !== o.sources.docscan) aside.push({ key: 'docscan', reason: 'config-changed', detail: '' });
    else {
      const checked = checkDocscanSettings(d.docscan, o.windows);
      if (checked.ok) out.docscan = checked.value;
      else aside.push({ key: 'docscan', reason: 'invalid', detail: checked.issues.map((i) => `${i.path}: ${i.message}`).join('; ') });
    }
  }

  if (aside.length > 0) {
    // The whole saved document as it was, once, before any part of it is dropped.
    const stamp = new Date(o.now()).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
    const backup = path.join('manager', `devices.set-aside-${stamp}.json`);
    await writeDurably(path.join(o.dataDir, backup), JSON.stringify(d, null, 2) + '\n');
    const notices = (d.notices ?? []).filter((n) => !aside.some((a) => DEVICE_FILES[a.key] === n.file));
    for (const a of aside) {
      const file = DEVICE_FILES[a.key];
      const message =
        a.reason === 'config-changed'
          ? `config/${file} 在保存设备设置后被修改，已改用该文件；原设置另存为 ${backup} / config/${file} was edited after the device settings were saved: the file is in force, the saved settings were set aside into ${backup}`
          : `保存的设备设置未通过校验，已改用 config/${file}；原设置另存为 ${backup} / the saved device settings no longer pass the checks (${a.detail}): config/${file} is in force, the saved settings were set aside into ${backup}`;
      notices.push({ file, reason: a.reason, at: new Date(o.now()).toISOString(), backup, message });
      o.log.warn({ file, reason: a.reason, backup, ...(a.detail ? { issues: a.detail } : {}) }, 'device settings saved from the manager set aside: the config file is in force');
      delete d[a.key];
      delete d[`${a.key}Source`];
    }
    d.notices = notices;
    dirty = true;
  }
  if (dirty) await doc.write();
  out.notices = d.notices ?? [];
  return out;
}

async function writeDurably(file: string, text: string): Promise<void> {
  await fsp.mkdir(path.dirname(file), { recursive: true });
  const fh = await fsp.open(file, 'w', 0o600);
  try {
    await fh.writeFile(text);
    await fh.datasync();
  } finally {
    await fh.close();
  }
}

/** Refusal with one issue on one field of the device being edited. */
function refuse(field: string, message: string): HallError {
  return new HallError('VALIDATION_FAILED', `${field}: ${message}`, { issues: [{ path: field, field, message }] });
}

/**
 * Issues of a whole list, with `field` (the path inside the edited device) on those that concern it, so a
 * form can show each beside its input.
 */
function refuseIssues(issues: ConfigIssue[], listPath: string, index: number): HallError {
  const prefix = `${listPath}[${index}]`;
  const out: Issue[] = issues.map((i) => {
    const field = i.path === prefix ? '' : i.path.startsWith(`${prefix}.`) ? i.path.slice(prefix.length + 1) : undefined;
    return { path: i.path, message: i.message, ...(i.code ? { code: i.code } : {}), ...(i.params ? { params: i.params } : {}), ...(field !== undefined ? { field: field.replace(/\.$/, '') } : {}) };
  });
  return new HallError('VALIDATION_FAILED', out.map((i) => `${i.path}: ${i.message}`).join('; '), { issues: out });
}

export class DeviceSettings {
  private chain: Promise<unknown> = Promise.resolve();

  private constructor(private readonly doc: Low<DevicesDoc>) {}

  static async open(dataDir: string): Promise<DeviceSettings> {
    return new DeviceSettings(await openDocument<DevicesDoc>(path.join(dataDir, 'manager', FILE), {}));
  }

  /** Warnings from the last start (saved settings set aside), until dismissed or that file's devices are saved again. */
  notices(): DeviceNotice[] {
    return this.doc.data.notices ?? [];
  }

  async dismissNotices(): Promise<number> {
    const n = this.notices().length;
    this.doc.data.notices = [];
    await this.doc.write();
    return n;
  }

  /** Every device the manager can edit, of the three files, each with its kind. */
  list(port: DeviceConfigPort): ManagedDevice[] {
    return [
      ...port.registry.configured().devices,
      ...port.ledbars.configured().buses.map((b): LedbarDevice => ({ kind: 'ledbar', ...b })),
      ...(port.docscan?.configured().scanners ?? []).map((s): DocscanDevice => ({ kind: 'docscan', ...s })),
    ];
  }

  /**
   * Puts `cfg` in place of device `id` (null removes it; a new id adds one). Throws VALIDATION_FAILED with
   * `details.issues` ({path, message, field?}) when the device or its file would not pass the config check;
   * nothing changes then. Changes run one at a time.
   */
  change(port: DeviceConfigPort, id: string, cfg: unknown, ctx: { places: Places; windows: readonly WindowConfig[] }): Promise<{ before: ManagedDevice | null; after: ManagedDevice | null }> {
    const run = this.chain.then(() => this.changeNow(port, id, cfg, ctx));
    this.chain = run.catch(() => {});
    return run;
  }

  private async changeNow(
    port: DeviceConfigPort,
    id: string,
    cfg: unknown,
    ctx: { places: Places; windows: readonly WindowConfig[] },
  ): Promise<{ before: ManagedDevice | null; after: ManagedDevice | null }> {
    const all = this.list(port);
    const before = all.find((d) => d.id === id) ?? null;
    if (cfg === null && !before) throw new HallError('UNKNOWN_DEVICE', `未知设备 ${id} / unknown device`);
    if (cfg !== null && (typeof cfg !== 'object' || Array.isArray(cfg))) throw refuse('(body)', 'must be a device object');
    // A device sent back without its kind (JSON edited by hand) keeps the kind it has.
    const body = cfg === null ? null : { ...(before && (cfg as Record<string, unknown>).kind === undefined ? { kind: before.kind } : {}), ...(cfg as Record<string, unknown>) };
    const family = body ? familyOf(body.kind) : familyOf(before!.kind);
    if (body && 'id' in body && body.id !== id) throw refuse('id', `must stay ${id} (remove the device and add a new one to rename it)`);
    if (body && before && familyOf(before.kind) !== family) {
      throw refuse('kind', `${id} is a ${before.kind}; remove it and add a new device to change its kind`);
    }
    if (body && !before) {
      const other = all.find((d) => d.id === id);
      if (other) throw refuse('id', `"${id}" is already a ${other.kind}`);
    }

    let after: ManagedDevice | null = null;
    switch (family) {
      case 'devices': {
        const { devices, agents } = port.registry.configured();
        const list: unknown[] = devices.filter((d) => d.id !== id);
        if (body) list.push({ ...body, id });
        const checked = checkDeviceList(list, agents, ctx.places);
        if (!checked.ok) throw refuseIssues(checked.issues, 'devices', list.length - 1);
        after = body ? checked.devices[checked.devices.length - 1]! : null;
        await port.registry.reconfigure(id, after as DeviceConfig | null);
        this.doc.data.devices = port.registry.configured().devices;
        break;
      }
      case 'ledbars': {
        const current = port.ledbars.configured();
        const buses: unknown[] = current.buses.filter((b) => b.id !== id);
        let bus: LedbarBusConfig | null = null;
        if (body) {
          const r = ledbarDeviceSchema.safeParse({ ...body, id });
          if (!r.success) throw refuseIssues(r.error.issues.map((x) => ({ file: 'ledbars', path: `buses[${buses.length}].${x.path.join('.')}`, message: x.message, ...zodIssueCode(x) })), 'buses', buses.length);
          const { kind: _k, ...rest } = r.data;
          bus = rest;
          buses.push(bus);
        }
        const checked = checkLedbarSettings({ ...current, buses }, ctx.windows);
        if (!checked.ok) throw refuseIssues(checked.issues, 'buses', buses.length - 1);
        await port.ledbars.reconfigure(checked.value, ctx.windows);
        this.doc.data.ledbars = checked.value;
        after = bus ? { kind: 'ledbar', ...checked.value.buses[checked.value.buses.length - 1]! } : null;
        break;
      }
      case 'docscan': {
        const ds = port.docscan;
        if (!ds) throw new HallError('DEVICE_NOT_EDITABLE', '本大厅没有 config/docscan.json，未启用高拍仪模块 / the hall has no config/docscan.json, so no document scanner module runs');
        const current = ds.configured();
        const scanners: unknown[] = current.scanners.filter((s) => s.id !== id);
        if (body) {
          const r = docscanDeviceSchema.safeParse({ ...body, id });
          if (!r.success) throw refuseIssues(r.error.issues.map((x) => ({ file: 'docscan', path: `scanners[${scanners.length}].${x.path.join('.')}`, message: x.message, ...zodIssueCode(x) })), 'scanners', scanners.length);
          const { kind: _k, ...rest } = r.data;
          scanners.push(rest);
        }
        const checked = checkDocscanSettings({ ...current, scanners }, ctx.windows);
        if (!checked.ok) throw refuseIssues(checked.issues, 'scanners', scanners.length - 1);
        await ds.reconfigure(checked.value);
        this.doc.data.docscan = checked.value;
        after = body ? { kind: 'docscan', ...checked.value.scanners[checked.value.scanners.length - 1]! } : null;
        break;
      }
    }
    this.doc.data[`${family}Source`] = port.sources[family];
    // Saved again against the file as it is: that file's warning has been seen to.
    this.doc.data.notices = this.notices().filter((n) => n.file !== DEVICE_FILES[family]);
    await this.doc.write();
    return { before, after };
  }
}

/** How a device is reached, for the audit line: `tcp host=… port=…`, `sim`, `agent agent=kiosk-pc-2`. */
export function linkText(d: ManagedDevice): string {
  const link: Record<string, unknown> = d.kind === 'ledbar' ? d.link : d.kind === 'docscan' ? d.source : d.transport;
  return Object.entries(link)
    .map(([k, v]) => (k === 'type' ? String(v) : `${k}=${String(v)}`))
    .join(' ');
}

function placeText(d: ManagedDevice): string {
  return d.kind === 'ledbar' ? d.windowIds.join(',') : d.kind === 'docscan' ? d.windowId : d.attachedTo;
}

const deviceId = z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/);

/**
 * The device settings routes under /manager (the router already requires a manager):
 *   GET    /manager/devices/config          → {devices: [ManagedDevice], agents: [{id, name?}], places, codecs, notices}
 *   PUT    /manager/devices/config/:id      → 200 {device} changed, 201 added
 *   DELETE /manager/devices/config/:id      → {removed}
 *   DELETE /manager/devices/notices         → {dismissed: n}
 */
export function mountDeviceRoutes(
  r: express.Router,
  o: {
    settings: DeviceSettings;
    port: () => DeviceConfigPort | null;
    kiosks: () => readonly string[];
    windows: () => readonly WindowConfig[];
    who: (req: Request) => string;
    record: (by: string, action: string, detail: string) => Promise<unknown>;
  },
): void {
  const port = (): DeviceConfigPort => {
    const p = o.port();
    if (!p) throw new HallError('NO_DEVICE', '本大厅未配置设备登记 / this hall has no device registry');
    return p;
  };
  const ctx = () => ({ places: { kiosks: o.kiosks(), windows: o.windows().map((w) => w.id) }, windows: o.windows() });

  r.get('/manager/devices/config', (_req, res) => {
    const p = port();
    // Agents' keys stay on the server.
    res.json({
      devices: o.settings.list(p),
      agents: p.registry.configured().agents.map((a) => ({ id: a.id, ...(a.name ? { name: a.name } : {}) })),
      places: { kiosks: o.kiosks(), windows: o.windows().map((w) => ({ id: w.id, number: w.number, ...(w.ledbarAddress !== undefined ? { ledbarAddress: w.ledbarAddress } : {}) })) },
      codecs: ledbarCodecNames(),
      docscan: p.docscan !== null,
      notices: o.settings.notices(),
    });
  });

  r.put('/manager/devices/config/:id', async (req, res) => {
    const id = parse(deviceId, req.params.id);
    const by = o.who(req);
    const { before, after } = await o.settings.change(port(), id, req.body ?? {}, ctx());
    await o.record(by, before ? 'device.change' : 'device.add', `${id} (${after!.kind} @ ${placeText(after!)}): ${before ? `${linkText(before)} → ` : ''}${linkText(after!)}`);
    res.status(before ? 200 : 201).json({ device: after });
  });

  r.delete('/manager/devices/config/:id', async (req, res) => {
    const id = parse(deviceId, req.params.id);
    const by = o.who(req);
    const { before } = await o.settings.change(port(), id, null, ctx());
    await o.record(by, 'device.remove', `${id} (${before!.kind} @ ${placeText(before!)})`);
    res.json({ removed: id });
  });

  r.delete('/manager/devices/notices', async (req, res) => {
    const by = o.who(req);
    const n = await o.settings.dismissNotices();
    if (n > 0) await o.record(by, 'device.notices', `${n} notice(s) about set-aside device settings dismissed`);
    res.json({ dismissed: n });
  });
}
