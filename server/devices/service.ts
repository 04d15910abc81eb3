// The hall's device registry: every configured device (local, simulated, or behind an agent) and every
// device another module registers, with live health. The rest of the server uses this small typed service:
// printerFor(kiosk or window), claimIdentity/lastIdentity (the card read last at a kiosk or window),
// events 'identity' | 'cardError' | 'scan' | 'health', register() for further device kinds.
//
// A card read becomes an identity here: the full card text stays in this process (for a case record, which
// encrypts it); what leaves is a keyed identity key and a masked name.

import type { DeviceConfig, DevicesConfig, PrinterDeviceConfig } from '../../config/devices.js';
import type { DeviceHealth } from '../../drivers/device.js';
import { TypedEmitter } from '../../drivers/emitter.js';
import { type BuildOptions, buildDevice, type BuiltDevice, type SimHandle, startBuilt } from '../../drivers/factory.js';
import type { CardText } from '../../drivers/idcard/codec.js';
import type { PrintJobOptions, PrintOutcome } from '../../drivers/printer/device.js';
import { HallError } from '../errors.js';
import type { Logger } from '../log.js';
import { identityKey, maskName } from '../privacy.js';
import type { DeviceView } from './contract.js';
import { applySimInput, simOutput } from './sim.js';

/** A card read stays usable for a ticket this long (API.md: "under 60 s old"). */
export const IDENTITY_TTL_MS = 60_000;

/** What the registry needs of any device, whoever drives it. */
export interface RegisteredDevice {
  readonly id: string;
  readonly kind: string;
  readonly attachedTo?: string;
  /** How it is reached, e.g. `sim:w1-ledbar`, `tcp:10.0.0.9:4001`. */
  readonly transport: string;
  readonly simulated: boolean;
  health(): DeviceHealth;
  /** The registry subscribes once; call fn on every status change. */
  onHealth(fn: (h: DeviceHealth) => void): void;
  /** Demo mode: POST /sim/devices/:id/input. Throw HallError VALIDATION_FAILED for bad input. */
  simInput?(body: unknown): Promise<Record<string, unknown>>;
  /** Demo mode: GET /sim/devices/:id/output. */
  simOutput?(): Record<string, unknown> | Promise<Record<string, unknown>>;
  start?(): Promise<void> | void;
  stop(): Promise<void>;
}

/** A printer as the rest of the server sees it. */
export interface PrinterPort {
  readonly deviceId: string;
  readonly widthColumns: number;
  /** Expiry for a queue ticket (short: a late ticket is no use) and for receipts (longer). */
  readonly ticketExpiryMs: number;
  readonly receiptExpiryMs: number;
  print(bytes: Uint8Array, opts?: PrintJobOptions): Promise<PrintOutcome>;
}

export interface IdentityRead {
  deviceId: string;
  attachedTo: string;
  at: number;
  /** Keyed hash of the card number (server/privacy.ts identityKey). */
  idKey: string;
  nameMasked: string;
  /** The full card text: server-only, never logged, never sent to a page. */
  card: CardText;
  used: boolean;
}

export interface CardErrorRead {
  deviceId: string;
  attachedTo: string;
  code: string;
  message: string;
  at: number;
}

export interface ScanRead {
  deviceId: string;
  attachedTo: string;
  code: string;
  at: number;
}

export interface DeviceServiceEvents {
  [k: string]: unknown[];
  identity: [read: IdentityRead];
  cardError: [read: CardErrorRead];
  scan: [read: ScanRead];
  health: [device: DeviceView];
  /** A device left the registry (removed or replaced live): lists of devices are out of date. */
  removed: [device: { id: string; attachedTo?: string }];
}

/** What the registry needs of the agent hub (server/devices/agents.ts) for live changes. */
export interface AgentHost {
  /** Whether the device with this id hangs off an agent. */
  holds(id: string): boolean;
  /** Builds the registry entry (and printer) of a device behind an agent. */
  adopt(cfg: DeviceConfig): void;
  /** Drops a device behind an agent; returns the agent's id. */
  drop(id: string): string;
  /** Sends the agent its devices' settings as they are now. */
  push(agentId: string): void;
}

export interface DeviceServiceOptions {
  config: DevicesConfig;
  idSecret: Buffer;
  log: Logger;
  now?: () => number;
  build?: BuildOptions;
}

export interface IdentityClaim {
  identity: IdentityRead;
  /** The ticket was issued: the read is used up. */
  commit(): void;
  /** The ticket was refused: the read stays usable. */
  release(): void;
}

/** The number a card identifies its holder by (the ID number, or the 2017 permit's card number). */
export function cardNumber(c: CardText): string {
  return 'idNumber' in c ? c.idNumber : c.cardNumber;
}

/** The holder's name as printed on the card (Chinese name first on foreigners' cards). */
export function cardName(c: CardText): string {
  return 'name' in c ? c.name : c.chineseName || c.englishName;
}

/** A device driven by this process: a driver object over a local transport or a simulator. */
class LocalDevice implements RegisteredDevice {
  readonly id: string;
  readonly kind: string;
  readonly attachedTo: string;
  readonly transport: string;
  readonly simulated: boolean;

  constructor(readonly built: BuiltDevice) {
    this.id = built.config.id;
    this.kind = built.config.kind;
    this.attachedTo = built.config.attachedTo;
    this.transport = built.device.transport.address;
    this.simulated = built.sim !== undefined;
  }

  get sim(): SimHandle | undefined {
    return this.built.sim;
  }

  health(): DeviceHealth {
    return this.built.device.health;
  }

  onHealth(fn: (h: DeviceHealth) => void): void {
    this.built.device.on('health', fn);
  }

  async simInput(body: unknown): Promise<Record<string, unknown>> {
    if (!this.built.sim) throw new HallError('NOT_SIMULATED', `${this.id} is real hardware, not a simulator`);
    return applySimInput(this.built.sim, body);
  }

  simOutput(): Record<string, unknown> {
    if (!this.built.sim) throw new HallError('NOT_SIMULATED', `${this.id} is real hardware, not a simulator`);
    return simOutput(this.built.sim);
  }

  start(): Promise<void> {
    return startBuilt(this.built);
  }

  stop(): Promise<void> {
    return this.built.device.stop();
  }
}

export class DeviceService extends TypedEmitter<DeviceServiceEvents> {
  private readonly devices = new Map<string, RegisteredDevice>();
  private readonly printers = new Map<string, PrinterPort>();
  private readonly identities = new Map<string, IdentityRead & { reserved: boolean }>();
  private readonly now: () => number;
  private started = false;
  private agentHost: AgentHost | null = null;

  constructor(private readonly o: DeviceServiceOptions) {
    super();
    this.now = o.now ?? Date.now;
    this.onListenerError = (err, event) => o.log.error({ err: (err as Error)?.message, event }, 'device listener failed');
    for (const cfg of o.config.devices) {
      if (cfg.transport.type === 'agent') continue; // the agent hub registers these (server/devices/agents.ts)
      this.addLocal(cfg);
    }
  }

  get config(): DevicesConfig {
    return this.o.config;
  }

  /** The configured devices in force (for the manager's live device settings). */
  configured(): DevicesConfig {
    return this.o.config;
  }

  private addLocal(cfg: DeviceConfig): void {
    const built = buildDevice(cfg, { ...(this.o.now ? { now: this.o.now } : {}), ...this.o.build });
    const entry = new LocalDevice(built);
    const d = built.device;
    if (d.kind === 'idcard') {
      d.on('card', (r) => this.cardRead(cfg.id, cfg.attachedTo, r.card, r.at));
      d.on('cardError', (e) => this.cardFailed(cfg.id, cfg.attachedTo, e.code, e.message));
    } else if (d.kind === 'scanner') {
      d.on('scan', (s) => this.scanned(cfg.id, cfg.attachedTo, s.code, s.at));
    } else if (d.kind === 'printer' && cfg.kind === 'printer') {
      this.addPrinter(cfg, (bytes, opts) => d.print(bytes, opts));
    }
    this.register(entry);
  }

  /** For device sources other than local drivers (the agent hub): a printer reachable through `print`. */
  addPrinter(cfg: PrinterDeviceConfig, print: PrinterPort['print']): void {
    this.printers.set(cfg.attachedTo, {
      deviceId: cfg.id,
      widthColumns: cfg.widthColumns ?? 48,
      ticketExpiryMs: cfg.ticketExpiryMs ?? 5000,
      receiptExpiryMs: cfg.receiptExpiryMs ?? 120_000,
      print,
    });
  }

  /** Adds a device (LED bar, document scanner, an agent's device); its health joins the list and the events. */
  register(device: RegisteredDevice): void {
    if (this.devices.has(device.id)) throw new HallError('VALIDATION_FAILED', `device id ${device.id} registered twice`);
    this.devices.set(device.id, device);
    // A device replaced by a live change may still report its own shutdown: only the one in force speaks.
    device.onHealth(() => {
      if (this.devices.get(device.id) === device) this.emit('health', this.view(device));
    });
    if (this.started) void Promise.resolve(device.start?.()).catch((err: Error) => this.o.log.error({ device: device.id, err: err.message }, 'device start failed'));
  }

  /** Takes a registry entry out (a LED bus or document scanner its module closed); its health events stop. */
  unregister(id: string): void {
    const d = this.devices.get(id);
    if (!d) return;
    this.devices.delete(id);
    this.emit('removed', this.gone(d));
  }

  private gone(d: RegisteredDevice): { id: string; attachedTo?: string } {
    const v = this.view(d);
    return v.attachedTo ? { id: v.id, attachedTo: v.attachedTo } : { id: v.id };
  }

  /** The agent hub, which builds and drops the registry's devices that hang off agents. */
  setAgentHost(host: AgentHost): void {
    this.agentHost = host;
  }

  /**
   * A live device change from the manager: the old device (if any) is stopped and dropped, the new one built
   * from `cfg` and started; a device behind an agent goes to the agent hub, which sends the agent its new
   * settings. LED buses and document scanners belong to their own modules and are changed there.
   */
  async reconfigure(id: string, cfg: DeviceConfig | null): Promise<void> {
    const old = this.devices.get(id);
    const host = this.agentHost;
    const oldOnAgent = old !== undefined && host?.holds(id) === true;
    if (old && !(old instanceof LocalDevice) && !oldOnAgent) throw new HallError('DEVICE_NOT_EDITABLE', `设备 ${id} 由其他模块管理 / ${id} is managed by another module`);
    if (cfg && cfg.transport.type === 'agent' && !host) throw new HallError('DEVICE_NOT_EDITABLE', '本服务器没有设备代理连接 / this server takes no device agents');
    const touched = new Set<string>();
    if (old) {
      this.devices.delete(id);
      this.emit('removed', this.gone(old));
      for (const [place, p] of this.printers) if (p.deviceId === id) this.printers.delete(place);
      for (const [place, r] of this.identities) if (r.deviceId === id) this.identities.delete(place);
      if (oldOnAgent) touched.add(host!.drop(id));
      else await old.stop().catch((err: Error) => this.o.log.warn({ device: id, err: err.message }, 'device stop failed'));
    }
    const rest = this.o.config.devices.filter((d) => d.id !== id);
    this.o.config = { ...this.o.config, devices: cfg ? [...rest, cfg] : rest };
    if (cfg) {
      if (cfg.transport.type === 'agent') {
        host!.adopt(cfg);
        touched.add(cfg.transport.agent);
      } else this.addLocal(cfg);
      this.emit('health', this.view(this.devices.get(cfg.id)!));
    }
    // Each agent concerned gets its whole new device list; it restarts what changed and stops what left.
    for (const agentId of touched) host!.push(agentId);
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    for (const d of this.devices.values()) {
      await Promise.resolve(d.start?.()).catch((err: Error) => this.o.log.error({ device: d.id, err: err.message }, 'device start failed'));
    }
  }

  async close(): Promise<void> {
    this.started = false;
    await Promise.all([...this.devices.values()].map((d) => d.stop().catch(() => {})));
  }

  // ------------------------------------------------------------------ reads from devices

  /** A card was read at a kiosk or window (by a local reader or through an agent). */
  cardRead(deviceId: string, attachedTo: string, card: CardText, at: number): void {
    const read = {
      deviceId,
      attachedTo,
      at,
      idKey: identityKey(this.o.idSecret, cardNumber(card)),
      nameMasked: maskName(cardName(card)),
      card,
      used: false,
      reserved: false,
    };
    this.identities.set(attachedTo, read);
    this.o.log.info({ device: deviceId, attachedTo, name: read.nameMasked }, 'ID card read');
    this.emit('identity', this.publicRead(read));
  }

  cardFailed(deviceId: string, attachedTo: string, code: string, message: string): void {
    this.o.log.info({ device: deviceId, attachedTo, code }, 'ID card could not be read');
    this.emit('cardError', { deviceId, attachedTo, code, message, at: this.now() });
  }

  scanned(deviceId: string, attachedTo: string, code: string, at: number): void {
    // Codes may carry personal data (a QR with a name): log the length only.
    this.o.log.info({ device: deviceId, attachedTo, length: code.length }, 'code scanned');
    this.emit('scan', { deviceId, attachedTo, code, at });
  }

  private publicRead(r: IdentityRead & { reserved?: boolean }): IdentityRead {
    const { reserved: _r, ...rest } = r;
    return rest;
  }

  // ------------------------------------------------------------------ what the rest of the server asks

  /** The card read last at this kiosk or window, if under 60 s old (used or not). */
  lastIdentity(attachedTo: string): IdentityRead | undefined {
    const r = this.identities.get(attachedTo);
    if (!r || this.now() - r.at >= IDENTITY_TTL_MS) return undefined;
    return this.publicRead(r);
  }

  /**
   * Takes the card read last at this kiosk for one ticket: under 60 s old, not used by a ticket, not held by
   * a request in flight. commit() uses it up; release() gives it back when the ticket was refused.
   */
  claimIdentity(attachedTo: string): IdentityClaim | null {
    const r = this.identities.get(attachedTo);
    if (!r || r.used || r.reserved || this.now() - r.at >= IDENTITY_TTL_MS) return null;
    r.reserved = true;
    return {
      identity: this.publicRead(r),
      commit: () => {
        r.reserved = false;
        r.used = true;
      },
      release: () => {
        r.reserved = false;
      },
    };
  }

  printerFor(attachedTo: string): PrinterPort | undefined {
    return this.printers.get(attachedTo);
  }

  get(id: string): RegisteredDevice | undefined {
    return this.devices.get(id);
  }

  /** Devices of a kind (and place): e.g. the LED bars, the scanner of window w3. */
  find(kind: string, attachedTo?: string): RegisteredDevice[] {
    return [...this.devices.values()].filter((d) => d.kind === kind && (attachedTo === undefined || d.attachedTo === attachedTo));
  }

  view(d: RegisteredDevice): DeviceView {
    const h = d.health();
    return {
      id: d.id,
      kind: d.kind,
      transport: d.transport,
      simulated: d.simulated,
      ...(d.attachedTo ? { attachedTo: d.attachedTo } : {}),
      status: h.status,
      ...(h.code ? { code: h.code } : {}),
      ...(h.detail ? { detail: h.detail } : {}),
      since: new Date(h.since).toISOString(),
      lastSeen: h.lastSeen === null ? null : new Date(h.lastSeen).toISOString(),
      counters: { ...h.counters },
    };
  }

  list(): DeviceView[] {
    return [...this.devices.values()].map((d) => this.view(d));
  }

  // ------------------------------------------------------------------ demo-mode simulator control

  async simInput(id: string, body: unknown): Promise<Record<string, unknown>> {
    const d = this.devices.get(id);
    if (!d) throw new HallError('UNKNOWN_DEVICE', `未知设备 ${id} / unknown device`);
    if (!d.simInput) throw new HallError('NOT_SIMULATED', `${id} takes no simulated input`);
    return d.simInput(body);
  }

  async simOutput(id: string): Promise<Record<string, unknown>> {
    const d = this.devices.get(id);
    if (!d) throw new HallError('UNKNOWN_DEVICE', `未知设备 ${id} / unknown device`);
    if (!d.simOutput) throw new HallError('NOT_SIMULATED', `${id} has no simulated output`);
    return d.simOutput();
  }
}
