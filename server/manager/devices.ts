// Devices changed from the manager's settings: each change is checked as config/devices.json is checked,
// applied to the device registry at once (old driver closed, new one opened) and kept in
// $HALL_DATA_DIR/manager/devices.json, which the composition root reads in place of config/devices.json's
// device list at the next start. Devices behind an agent and the LED bar / document scanner modules keep
// their own files.

import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { Low } from 'lowdb';
import { checkDevices, deviceSchema, type AgentConfig, type DeviceConfig } from '../../config/devices.js';
import type { ConfigIssue } from '../../config/schema.js';
import { HallError } from '../errors.js';
import { openDocument } from '../store/durable-file.js';

/** What the manager needs of the device registry (server/devices/service.ts DeviceService). */
export interface DeviceConfigPort {
  /** The configured devices in force (devices.json or the last live change). */
  configured(): { devices: DeviceConfig[]; agents: AgentConfig[] };
  reconfigure(id: string, cfg: DeviceConfig | null): Promise<void>;
}

interface DevicesDoc {
  devices?: DeviceConfig[];
}

const FILE = 'devices.json';

/** The device list saved by live changes, or null when the manager never changed a device. */
export async function readDeviceOverride(dataDir: string): Promise<unknown[] | null> {
  try {
    const doc = JSON.parse(await fsp.readFile(path.join(dataDir, 'manager', FILE), 'utf8')) as DevicesDoc;
    return Array.isArray(doc.devices) ? doc.devices : null;
  } catch {
    return null;
  }
}

/** Checks a whole device list; the same rules as config/devices.json. */
export function checkDeviceList(
  list: unknown[],
  agents: AgentConfig[],
  places: { kiosks: readonly string[]; windows: readonly string[] },
): { ok: true; devices: DeviceConfig[] } | { ok: false; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const file = 'devices';
  const devices: DeviceConfig[] = [];
  list.forEach((d, i) => {
    const r = deviceSchema.safeParse(d);
    if (r.success) devices.push(r.data);
    else for (const x of r.error.issues) issues.push({ file, path: `devices[${i}].${x.path.join('.')}`, message: x.message });
  });
  if (issues.length === 0) checkDevices({ devices, agents }, places, file, issues);
  return issues.length ? { ok: false, issues } : { ok: true, devices };
}

export class DeviceSettings {
  private constructor(private readonly doc: Low<DevicesDoc>) {}

  static async open(dataDir: string): Promise<DeviceSettings> {
    return new DeviceSettings(await openDocument<DevicesDoc>(path.join(dataDir, 'manager', FILE), {}));
  }

  /**
   * Puts `cfg` in place of device `id` (null removes it; a new id adds one). Throws VALIDATION_FAILED with
   * `details.issues` when the resulting list would not pass the config check; the registry is untouched then.
   */
  async change(port: DeviceConfigPort, id: string, cfg: unknown, places: { kiosks: readonly string[]; windows: readonly string[] }): Promise<{ before: DeviceConfig | null; after: DeviceConfig | null }> {
    const { devices, agents } = port.configured();
    const before = devices.find((d) => d.id === id) ?? null;
    if (cfg === null && !before) throw new HallError('UNKNOWN_DEVICE', `未知设备 ${id} / unknown device`);
    const list: unknown[] = devices.filter((d) => d.id !== id);
    if (cfg !== null) list.push(cfg);
    const checked = checkDeviceList(list, agents, places);
    if (!checked.ok) {
      throw new HallError('VALIDATION_FAILED', checked.issues.map((i) => `${i.path}: ${i.message}`).join('; '), { issues: checked.issues.map((i) => ({ path: i.path, message: i.message })) });
    }
    const after = cfg === null ? null : checked.devices[checked.devices.length - 1]!;
    if (after && after.id !== id) throw new HallError('VALIDATION_FAILED', `id: must stay ${id} (remove the device and add a new one to rename it)`);
    await port.reconfigure(id, after);
    this.doc.data.devices = port.configured().devices;
    await this.doc.write();
    return { before, after };
  }
}
