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

export class LedbarService {
  private readonly buses: BusEntry[] = [];
  private readonly byWindow = new Map<string, { entry: BusEntry; window: WindowConfig }>();
  private readonly shown = new Map<string, string>();
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly o: LedbarServiceOptions) {
    const windows = new Map(o.windows.map((w) => [w.id, w]));
    for (const cfg of o.config.buses) {
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
      const entry: BusEntry = { cfg, bus, sim, windows: cfg.windowIds.map((id) => windows.get(id)!).filter(Boolean) };
      this.buses.push(entry);
      for (const w of entry.windows) this.byWindow.set(w.id, { entry, window: w });
    }
  }

  /** Opens every bus, shows every window's current text, and follows the hall from now on. */
  async start(hall: Hall): Promise<void> {
    this.unsubscribe = hall.subscribe((p) => this.onPublication(p));
    for (const [windowId] of this.byWindow) this.update(hall.state, windowId, false);
    // Opening is retried in the background by each bus; the hall does not wait for bars.
    for (const b of this.buses) void b.bus.start();
  }

  async close(): Promise<void> {
    this.unsubscribe?.();
    await Promise.all(this.buses.map((b) => b.bus.close()));
  }

  /**
   * One registry entry per bus (GET /devices, health events, /sim/devices/:id/*). The service keeps the
   * buses' lifecycle (start(hall), close()), so the entries' start and stop do nothing.
   */
  registryEntries(): RegisteredDevice[] {
    return this.buses.map(({ cfg, bus, sim }) => {
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
