// The device agent: the same drivers as the hall server, on a kiosk PC whose reader, printer and scanner
// hang on its own ports. It connects to the server's /agent namespace with its key, receives the settings
// of its devices, runs them, and relays card reads, scans, health, and print jobs with their outcomes.
// Reads made while the link to the server is down are dropped, not queued: a card read minutes ago must
// not turn up as a fresh one. A device whose settings (from the server) or local port (from the agent's
// file, see reconfigure) change is stopped and built again; one no longer listed is stopped.

import { io, type Socket } from 'socket.io-client';
import type { DeviceConfig } from '../config/devices.js';
import type { DeviceHealth } from '../drivers/device.js';
import { type BuildOptions, buildDevice, type BuiltDevice, type LocalTransportConfig, startBuilt } from '../drivers/factory.js';
import type { PrintOutcome } from '../drivers/printer/device.js';
import type { AgentHealthMessage, AgentPrintMessage } from '../server/devices/contract.js';
import { HallError } from '../server/errors.js';
import { applySimInput, simOutput } from '../server/devices/sim.js';
import type { Logger } from '../server/log.js';

export interface AgentOptions {
  server: string;
  agentId: string;
  key: string;
  transports: Record<string, LocalTransportConfig>;
  log: Logger;
  build?: BuildOptions;
  /** Counters go to the server this often even when nothing changed state. Default 5000 ms. */
  healthEveryMs?: number;
}

export interface RunningAgent {
  readonly socket: Socket;
  /** Devices by id, once the server has sent their settings. */
  readonly devices: ReadonlyMap<string, BuiltDevice>;
  /** New local transports (the agent's file changed): changed devices restart, the rest keep running. */
  reconfigure(transports: Record<string, LocalTransportConfig>): Promise<void>;
  close(): Promise<void>;
}

type Answer = { ok: true; result: Record<string, unknown> } | { ok: false; error: { code: string; message: string } };

function asAnswer(err: unknown): Answer {
  if (err instanceof HallError) return { ok: false, error: { code: err.code, message: err.message } };
  return { ok: false, error: { code: 'INTERNAL', message: (err as Error)?.message ?? String(err) } };
}

export function startAgent(o: AgentOptions): RunningAgent {
  const devices = new Map<string, BuiltDevice>();
  /** What each running device was built from, to see whether new settings change it. */
  const builtFrom = new Map<string, string>();
  /** The server's settings for this agent's devices, as its last `config` message gave them. */
  let wanted: DeviceConfig[] = [];
  let transports = { ...o.transports };
  let closed = false;
  const socket = io(`${o.server.replace(/\/$/, '')}/agent`, {
    auth: { agentId: o.agentId, key: o.key },
    transports: ['websocket'],
    reconnectionDelay: 500,
    reconnectionDelayMax: 10_000,
  });

  const healthOf = (b: BuiltDevice, h: DeviceHealth = b.device.health): AgentHealthMessage => ({
    deviceId: b.config.id,
    status: h.status,
    ...(h.code ? { code: h.code } : {}),
    ...(h.detail ? { detail: h.detail } : {}),
    since: h.since,
    lastSeen: h.lastSeen,
    counters: h.counters,
    transport: b.device.transport.address,
    simulated: b.sim !== undefined,
  });
  const sendHealth = (b: BuiltDevice) => {
    if (socket.connected) socket.emit('health', healthOf(b));
  };

  const adopt = async (cfg: DeviceConfig): Promise<void> => {
    if (devices.has(cfg.id)) return;
    const local = transports[cfg.id];
    if (!local) {
      o.log.error({ device: cfg.id }, 'no local transport for this device in the agent file');
      socket.emit('health', {
        deviceId: cfg.id,
        status: 'offline',
        code: 'PORT_UNAVAILABLE',
        detail: `agent ${o.agentId} has no transport for ${cfg.id}`,
        since: Date.now(),
        lastSeen: null,
        counters: { framesSent: 0, framesReceived: 0, timeouts: 0, discardedBytes: 0, reconnects: 0 },
        transport: 'none',
        simulated: false,
      } satisfies AgentHealthMessage);
      return;
    }
    const built = buildDevice({ ...cfg, transport: local } as DeviceConfig, o.build);
    devices.set(cfg.id, built);
    builtFrom.set(cfg.id, JSON.stringify([cfg, local]));
    const d = built.device;
    d.on('health', () => sendHealth(built));
    if (d.kind === 'idcard') {
      // volatile: dropped, not buffered, while the server is unreachable
      d.on('card', (r) => socket.volatile.emit('card', { deviceId: cfg.id, card: r.card }));
      d.on('cardError', (e) => socket.volatile.emit('card-error', { deviceId: cfg.id, code: e.code, message: e.message }));
    } else if (d.kind === 'scanner') {
      d.on('scan', (s) => socket.volatile.emit('scan', { deviceId: cfg.id, code: s.code }));
    }
    await startBuilt(built);
    sendHealth(built);
  };

  /** Brings the running devices in line with `wanted` and `transports`; one pass at a time. */
  let applying: Promise<void> = Promise.resolve();
  const apply = (): Promise<void> =>
    (applying = applying.then(async () => {
      if (closed) return;
      const want = new Map(wanted.map((c) => [c.id, JSON.stringify([c, transports[c.id]])]));
      for (const [id, b] of [...devices]) {
        if (want.get(id) === builtFrom.get(id)) continue;
        devices.delete(id);
        builtFrom.delete(id);
        o.log.info({ device: id }, want.has(id) ? 'device settings changed; restarting it' : 'device no longer on this agent; stopping it');
        await b.device.stop().catch(() => {});
      }
      for (const cfg of wanted) {
        await adopt(cfg).catch((err: Error) => o.log.error({ device: cfg.id, err: err.message }, 'device start failed'));
      }
    }));

  socket.on('config', (msg: { devices?: DeviceConfig[] }) => {
    wanted = Array.isArray(msg?.devices) ? msg.devices : [];
    void apply();
  });
  socket.on('connect', () => {
    o.log.info({ server: o.server }, 'connected to the hall server');
    for (const b of devices.values()) sendHealth(b);
  });
  socket.on('disconnect', (reason) => o.log.warn({ reason }, 'lost the hall server; reconnecting'));
  socket.on('connect_error', (err: Error & { data?: { code?: string } }) => {
    o.log.warn({ err: err.message, code: err.data?.code }, 'cannot connect to the hall server');
  });

  socket.on('print', (msg: AgentPrintMessage, ack?: (o: PrintOutcome) => void) => {
    const reply = typeof ack === 'function' ? ack : () => {};
    const b = devices.get(msg?.deviceId);
    if (!b || b.device.kind !== 'printer' || typeof msg.bytes !== 'string') {
      return reply({ ok: false, jobId: 0, attempts: 0, code: 'DEVICE_OFFLINE', message: `no printer ${String(msg?.deviceId)} on this agent` });
    }
    const expiresInMs = Number.isFinite(msg.expiresInMs) ? Math.min(Math.max(msg.expiresInMs, 100), 3_600_000) : 60_000;
    void b.device.print(Buffer.from(msg.bytes, 'base64'), { expiresInMs }).then(reply);
  });

  socket.on('sim-input', (msg: { deviceId?: string; input?: unknown }, ack?: (a: Answer) => void) => {
    const reply = typeof ack === 'function' ? ack : () => {};
    const b = devices.get(String(msg?.deviceId));
    if (!b?.sim) return reply({ ok: false, error: { code: 'NOT_SIMULATED', message: `${String(msg?.deviceId)} is not simulated on this agent` } });
    applySimInput(b.sim, msg.input).then(
      (result) => reply({ ok: true, result }),
      (err: unknown) => reply(asAnswer(err)),
    );
  });
  socket.on('sim-output', (msg: { deviceId?: string }, ack?: (a: Answer) => void) => {
    const reply = typeof ack === 'function' ? ack : () => {};
    const b = devices.get(String(msg?.deviceId));
    if (!b?.sim) return reply({ ok: false, error: { code: 'NOT_SIMULATED', message: `${String(msg?.deviceId)} is not simulated on this agent` } });
    reply({ ok: true, result: simOutput(b.sim) });
  });

  const timer = setInterval(() => {
    for (const b of devices.values()) sendHealth(b);
  }, o.healthEveryMs ?? 5000);
  timer.unref();

  return {
    socket,
    devices,
    reconfigure(next) {
      transports = { ...next };
      return apply();
    },
    async close() {
      closed = true;
      clearInterval(timer);
      socket.disconnect();
      await applying.catch(() => {});
      await Promise.all([...devices.values()].map((b) => b.device.stop()));
    },
  };
}
