// Window LED bars driven by the hall: what a bar shows is a function of its window's state (called ticket,
// serving, paused, open and idle, closed), recomputed for the windows a publication touches and sent when
// it changed. A call is always sent, even with the same text, so a recall lights the bar again. At start
// every bar gets its current text, so a restarted server puts the bars right.

import { createLedbarCodec } from '../../drivers/ledbar/codecs.js';
import { LedbarBus, type BusEvent, type BusClock, type ByteLink } from '../../drivers/ledbar/bus.js';
import { LedbarSimulator } from '../../drivers/ledbar/simulator.js';
import { buildTransport, type BuildOptions } from '../../drivers/factory.js';
import { DeviceError } from '../../drivers/errors.js';
import type { LedbarBusConfig, LedbarsConfig, LedbarTexts } from '../../config/ledbars.js';
import type { Hall, Publication } from '../hall/hall.js';
import type { HallState, WindowConfig } from '../hall/types.js';
import type { Logger } from '../log.js';
import type { DeviceHealth } from '../../drivers/device.js';
import type { RegisteredDevice } from '../devices/service.js';
import { HallError } from '../errors.js';
import { z } from 'zod';

const simInputSchema = z.strictObject({ connected: z.boolean() });

/** What a bar at this window shows now. */
export function ledText(state: HallState, w: WindowConfig, texts: LedbarTexts): string {
  const ws = state.windows[w.id];
  const fill = (tpl: string, number = '') => tpl.replaceAll('{window}', String(w.number)).replaceAll('{number}', number);
  if (!ws || ws.status === 'closed') return fill(texts.closed);
  if (ws.status === 'paused') return fill(texts.paused);
  const t = ws.currentTicketId ? state.tickets.get(ws.currentTicketId) : undefined;
  if (t?.status === 'called') return fill(texts.call, t.number);
  if (t?.status === 'serving') return fill(texts.serving, t.number);
  return fill(texts.idle);
}

interface BusEntry {
  cfg: LedbarBusConfig;
  bus: LedbarBus;
  sim: LedbarSimulator | null;
  windows: WindowConfig[];
}

export interface LedbarServiceOptions {
  config: LedbarsConfig;
  windows: readonly WindowConfig[];
  log: Logger;
  /**
   * Makes the link of a non-simulated bus. Default: the drivers' own serial and TCP transports (the same
   * ones the device registry uses), so a bus moves to hardware in ledbars.json alone.
   */
  linkFor?: (cfg: LedbarBusConfig) => ByteLink;
  /** Passed to the default links (tests: a SerialPortMock factory). */
  build?: BuildOptions;
  clock?: BusClock;
  now?: () => number;
}

/** Where the service puts its buses for GET /devices and /sim/*: the device registry. */
export interface LedbarRegistry {
  register(d: RegisteredDevice): void;
  unregister(id: string): void;
}

export class LedbarService {
  private buses: BusEntry[] = [];
  private byWindow = new Map<string, { entry: BusEntry; window: WindowConfig }>();
  private readonly shown = new Map<string, string>();
  private unsubscribe: (() => void) | null = null;
  private hall: Hall | null = null;
  private registry: LedbarRegistry | null = null;
  private windows: readonly WindowConfig[];

  constructor(private readonly o: LedbarServiceOptions) {
    this.windows = o.windows;
    this.buses = o.config.buses.map((cfg) => this.build(cfg));
    this.rewire();
  }

  /** The settings in force (ledbars.json, or the manager's last live change). */
  configured(): LedbarsConfig {
    return this.o.config;
  }

  private build(cfg: LedbarBusConfig): BusEntry {
    const o = this.o;
    const codec = createLedbarCodec(cfg.codec, cfg.codecOptions);
    let sim: LedbarSimulator | null = null;
    let link: ByteLink;
    if (cfg.link.type === 'sim') {
      sim = new LedbarSimulator({ codec, name: cfg.id, ...(o.now ? { now: o.now } : {}) });
      link = sim;
    } else {
      link = (o.linkFor ?? ((c) => busLink(c, o.build)))(cfg);
    }
    const log = o.log.child({ device: cfg.id });
    const bus = new LedbarBus({
      id: cfg.id,
      link,
      codec,
      gapMs: cfg.gapMs,
      ...(o.clock ? { clock: o.clock } : {}),
      onEvent: (e: BusEvent) => logBusEvent(log, e),
    });
    return { cfg, bus, sim, windows: [] };
  }

  /** Which bar hangs where, from the buses and the windows as they are now (addresses come from the setup). */
  private rewire(): void {
    const windows = new Map(this.windows.map((w) => [w.id, w]));
    const before = new Map([...this.byWindow].map(([id, at]) => [id, `${at.entry.cfg.id}@${at.window.ledbarAddress}`]));
    this.byWindow = new Map();
    for (const entry of this.buses) {
      entry.windows = entry.cfg.windowIds.map((id) => windows.get(id)).filter((w): w is WindowConfig => w?.ledbarAddress !== undefined);
      for (const w of entry.windows) this.byWindow.set(w.id, { entry, window: w });
    }
    // A bar that moved (another bus or address) has shown nothing yet where it is now.
    for (const [id, at] of this.byWindow) if (before.get(id) !== `${at.entry.cfg.id}@${at.window.ledbarAddress}`) this.shown.delete(id);
    for (const id of [...this.shown.keys()]) if (!this.byWindow.has(id)) this.shown.delete(id);
  }

  /**
   * Registers every bus with the device registry, and from then on keeps it in step with live changes.
   */
  attachRegistry(registry: LedbarRegistry): void {
    this.registry = registry;
    for (const e of this.registryEntries()) registry.register(e);
  }

  /**
   * A live change from the manager's device settings: buses whose settings changed are closed and built
   * again (a new link, codec or gap), new ones opened, removed ones closed; every bar then gets its
   * window's text. `windows` is the setup in force (the windows' addresses).
   */
  async reconfigure(config: LedbarsConfig, windows: readonly WindowConfig[] = this.windows): Promise<void> {
    const same = (a: LedbarBusConfig, b: LedbarBusConfig) => JSON.stringify(a) === JSON.stringify(b);
    const kept: BusEntry[] = [];
    const closing: BusEntry[] = [];
    for (const e of this.buses) {
      const next = config.buses.find((c) => c.id === e.cfg.id);
      if (next && same(next, e.cfg)) kept.push(e);
      else closing.push(e);
    }
    for (const e of closing) {
      this.registry?.unregister(e.cfg.id);
      await e.bus.close().catch((err: Error) => this.o.log.warn({ device: e.cfg.id, err: err.message }, 'LED bus close failed'));
    }
    const opened = config.buses.filter((c) => !kept.some((e) => e.cfg.id === c.id)).map((c) => this.build(c));
    this.o.config = config;
    this.windows = windows;
    this.buses = config.buses.map((c) => kept.find((e) => e.cfg.id === c.id) ?? opened.find((e) => e.cfg.id === c.id)!);
    // Bars on a rebuilt bus show nothing yet: the whole bus is sent again.
    for (const e of opened) for (const id of e.cfg.windowIds) this.shown.delete(id);
    this.rewire();
    for (const e of opened) {
      if (this.registry) for (const r of this.entriesOf([e])) this.registry.register(r);
      if (this.hall) void e.bus.start();
    }
    if (this.hall) for (const windowId of this.byWindow.keys()) this.update(this.hall.state, windowId, false);
    this.o.log.info({ buses: config.buses.map((b) => b.id), rebuilt: opened.map((e) => e.cfg.id) }, 'LED bar settings changed live');
  }

  /** Opens every bus, shows every window's current text, and follows the hall from now on. */
  async start(hall: Hall): Promise<void> {
    this.hall = hall;
    this.unsubscribe = hall.subscribe((p) => this.onPublication(p));
    for (const [windowId] of this.byWindow) this.update(hall.state, windowId, false);
    // Opening is retried in the background by each bus; the hall does not wait for bars.
    for (const b of this.buses) void b.bus.start();
  }

  async close(): Promise<void> {
    this.unsubscribe?.();
    this.hall = null;
    await Promise.all(this.buses.map((b) => b.bus.close()));
  }

  /**
   * One registry entry per bus (GET /devices, health events, /sim/devices/:id/*). The service keeps the
   * buses' lifecycle (start(hall), close(), reconfigure), so the entries' start and stop do nothing.
   */
  registryEntries(): RegisteredDevice[] {
    return this.entriesOf(this.buses);
  }

  private entriesOf(buses: BusEntry[]): RegisteredDevice[] {
    return buses.map(({ cfg, bus, sim }) => {
      const health = (): DeviceHealth => {
        const h = bus.health();
        return {
          status: h.status,
          ...(h.status === 'online' ? {} : { code: h.status === 'fault' ? 'DEVICE_FAULT' : 'DEVICE_OFFLINE' }),
          ...(h.detail ? { detail: h.detail } : {}),
          since: h.since,
          // A bar never answers: the last byte seen is the last one the link took.
          lastSeen: h.lastSentAt,
          counters: { framesSent: h.framesSent, framesReceived: 0, timeouts: 0, discardedBytes: 0, reconnects: h.reconnects },
        };
      };
      const entry: RegisteredDevice = {
        id: cfg.id,
        kind: 'ledbar',
        transport: transportOf(cfg),
        simulated: sim !== null,
        health,
        onHealth: (fn) => void bus.onStatus(() => fn(health())),
        stop: async () => {},
      };
      if (sim) {
        entry.simInput = async (body) => {
          const r = simInputSchema.safeParse(body ?? {});
          if (!r.success) throw new HallError('VALIDATION_FAILED', 'LED bus input is {connected: boolean} (pulls or restores the bus cable)');
          if (r.data.connected) sim.plug();
          else sim.unplug();
          return { ok: true, connected: r.data.connected };
        };
        entry.simOutput = () => sim.output();
      }
      return entry;
    });
  }

  /** The simulator behind a simulated bus, for /sim/devices/:id/*. */
  simulator(busId: string): LedbarSimulator | undefined {
    return this.buses.find((b) => b.cfg.id === busId)?.sim ?? undefined;
  }

  /** The text last sent to a window's bar. */
  textOf(windowId: string): string | undefined {
    return this.shown.get(windowId);
  }

  private onPublication(p: Publication): void {
    const touched = new Map<string, boolean>();
    for (const e of p.events) {
      switch (e.type) {
        case 'TicketCalled':
          touched.set(e.windowId, true);
          break;
        case 'TicketStarted':
        case 'TicketFinished':
        case 'TicketNoShow':
        case 'WindowPaused':
        case 'WindowResumed':
        case 'WindowSignedIn':
        case 'WindowSignedOut':
          if (!touched.has(e.windowId)) touched.set(e.windowId, false);
          break;
        case 'TicketTransferred':
          if (e.fromWindowId && !touched.has(e.fromWindowId)) touched.set(e.fromWindowId, false);
          break;
        case 'SetupChanged':
          // Windows added, removed or given another address: the bars follow the setup in force.
          this.windows = e.setup.windows;
          this.rewire();
          for (const id of this.byWindow.keys()) if (!touched.has(id)) touched.set(id, false);
          break;
        case 'DayOpened':
          // Yesterday's open tickets were closed: every bar may change.
          for (const id of this.byWindow.keys()) if (!touched.has(id)) touched.set(id, false);
          break;
        default:
          break;
      }
    }
    for (const [windowId, force] of touched) this.update(p.state, windowId, force);
  }

  private update(state: HallState, windowId: string, force: boolean): void {
    const at = this.byWindow.get(windowId);
    if (!at) return;
    const text = ledText(state, at.window, this.o.config.texts);
    if (!force && this.shown.get(windowId) === text) return;
    this.shown.set(windowId, text);
    const address = at.window.ledbarAddress!;
    try {
      void (text === '' ? at.entry.bus.clear(address) : at.entry.bus.show(address, text));
    } catch (err) {
      // A text the codec cannot carry (too long for it) is a configuration problem: log it, keep going.
      this.o.log.warn({ device: at.entry.cfg.id, windowId, code: (err as DeviceError).code, err: (err as Error).message }, 'LED bar text refused');
    }
  }
}

/** The real link of a bus: an RS-485 adapter on a serial port, or a serial device server's TCP port. */
export function busLink(cfg: LedbarBusConfig, build: BuildOptions = {}): ByteLink {
  const l = cfg.link;
  switch (l.type) {
    case 'serial':
      return buildTransport({ type: 'serial', path: l.path, baudRate: l.baudRate }, cfg.id, build).transport;
    case 'tcp':
      return buildTransport({ type: 'tcp', host: l.host, port: l.port }, cfg.id, build).transport;
    case 'sim':
      throw new DeviceError('BAD_ARGUMENT', `bus ${cfg.id} is simulated; it has no real link`);
  }
}

function transportOf(cfg: LedbarBusConfig): string {
  return cfg.link.type === 'sim' ? `sim:${cfg.id}` : cfg.link.type === 'serial' ? `serial:${cfg.link.path}@${cfg.link.baudRate}` : `tcp:${cfg.link.host}:${cfg.link.port}`;
}

function logBusEvent(log: Logger, e: BusEvent): void {
  switch (e.type) {
    case 'online':
      log.info('LED bus online');
      break;
    case 'offline':
      log.warn({ reason: e.reason }, 'LED bus offline');
      break;
    case 'write-failed':
      log.warn({ address: e.address, code: e.code, err: e.message }, 'LED frame not written; kept for resend');
      break;
    case 'replaced':
      log.info({ chars: e.chars }, 'characters outside GBK replaced on an LED bar');
      break;
  }
}
