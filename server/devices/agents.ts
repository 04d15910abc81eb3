// The /agent namespace: device agents on kiosk PCs (`npm run agent`) run the same drivers next to their
// hardware and relay over Socket.IO. The server treats their devices like local ones: they are in the
// registry with live health, their card reads and scans become the same events, and a print goes to the
// agent and comes back with the printer's outcome. An agent proves itself with the key in devices.json.
//
// Agent devices take their kind and options from devices.json (one place for the hall's settings); the agent
// only knows which local port each device hangs on.

import { timingSafeEqual } from 'node:crypto';
import type { Namespace, Server, Socket } from 'socket.io';
import { z } from 'zod';
import type { AgentConfig, DeviceConfig } from '../../config/devices.js';
import type { DeviceCounters, DeviceHealth } from '../../drivers/device.js';
import { isDeviceErrorCode } from '../../drivers/errors.js';
import type { CardText } from '../../drivers/idcard/codec.js';
import type { PrintJobOptions, PrintOutcome } from '../../drivers/printer/device.js';
import { HallError } from '../errors.js';
import type { Logger } from '../log.js';
import type { AgentPrintMessage } from './contract.js';
import type { DeviceService, RegisteredDevice } from './service.js';

const ZERO: DeviceCounters = { framesSent: 0, framesReceived: 0, timeouts: 0, discardedBytes: 0, reconnects: 0 };

const counters = z.strictObject({
  framesSent: z.number().int().min(0),
  framesReceived: z.number().int().min(0),
  timeouts: z.number().int().min(0),
  discardedBytes: z.number().int().min(0),
  reconnects: z.number().int().min(0),
});
const healthMsg = z.strictObject({
  deviceId: z.string().max(64),
  status: z.enum(['online', 'offline', 'fault']),
  code: z.string().max(64).optional(),
  detail: z.string().max(300).optional(),
  since: z.number(),
  lastSeen: z.number().nullable(),
  counters,
  transport: z.string().max(300),
  simulated: z.boolean(),
});
const short = z.string().max(200);
// The card text as drivers/idcard/codec.ts decodes it; checked for shape, strings only, bounded.
const cardMsg = z.strictObject({
  deviceId: z.string().max(64),
  card: z
    .looseObject({ variant: z.enum(['resident', 'hmt_permit', 'foreign_permanent', 'foreign_permanent_2023']) })
    .refine((c) => Object.values(c).every((v) => v === null || (typeof v === 'string' && v.length <= 200)), 'card fields must be short strings')
    .refine((c) => typeof c.idNumber === 'string' || typeof c.cardNumber === 'string', 'card carries no number'),
});
const cardErrorMsg = z.strictObject({ deviceId: z.string().max(64), code: z.string().max(64), message: short });
const scanMsg = z.strictObject({ deviceId: z.string().max(64), code: z.string().min(1).max(4096) });

/** A device that hangs off an agent, as the registry sees it. */
class AgentDevice implements RegisteredDevice {
  readonly id: string;
  readonly kind: string;
  readonly attachedTo: string;
  private h: DeviceHealth;
  private remoteTransport = '';
  private remoteSimulated = false;
  private readonly listeners: ((h: DeviceHealth) => void)[] = [];

  constructor(
    readonly config: DeviceConfig,
    readonly agentId: string,
    private readonly hub: AgentHub,
    now: number,
  ) {
    this.id = config.id;
    this.kind = config.kind;
    this.attachedTo = config.attachedTo;
    this.h = { status: 'offline', code: 'DEVICE_OFFLINE', detail: `agent ${agentId} not connected`, since: now, lastSeen: null, counters: { ...ZERO } };
  }

  get transport(): string {
    return `agent:${this.agentId}${this.remoteTransport ? `/${this.remoteTransport}` : ''}`;
  }

  get simulated(): boolean {
    return this.remoteSimulated;
  }

  health(): DeviceHealth {
    return { ...this.h, counters: { ...this.h.counters } };
  }

  onHealth(fn: (h: DeviceHealth) => void): void {
    this.listeners.push(fn);
  }

  update(m: z.output<typeof healthMsg>): void {
    const changed = m.status !== this.h.status || m.code !== this.h.code || m.detail !== this.h.detail;
    this.remoteTransport = m.transport;
    this.remoteSimulated = m.simulated;
    this.h = {
      status: m.status,
      ...(m.code && isDeviceErrorCode(m.code) ? { code: m.code } : {}),
      ...(m.detail ? { detail: m.detail } : {}),
      since: m.since,
      lastSeen: m.lastSeen,
      counters: m.counters,
    };
    if (changed) for (const fn of this.listeners) fn(this.health());
  }

  /** Adopted while its agent is connected: waiting for the agent's first health report of it. */
  agentConnected(now: number): void {
    this.h = { ...this.h, status: 'offline', code: 'DEVICE_OFFLINE', detail: `waiting for agent ${this.agentId} to open it`, since: now };
  }

  agentGone(now: number): void {
    this.h = { ...this.h, status: 'offline', code: 'DEVICE_OFFLINE', detail: `agent ${this.agentId} not connected`, since: now };
    for (const fn of this.listeners) fn(this.health());
  }

  simInput(body: unknown): Promise<Record<string, unknown>> {
    return this.hub.ask(this.agentId, 'sim-input', { deviceId: this.id, input: body });
  }

  simOutput(): Promise<Record<string, unknown>> {
    return this.hub.ask(this.agentId, 'sim-output', { deviceId: this.id });
  }

  async stop(): Promise<void> {}
}

export interface AgentHubOptions {
  devices: DeviceService;
  log: Logger;
  now?: () => number;
}

/** How long the server waits for an agent to answer a simulator request. */
const ASK_TIMEOUT_MS = 5000;

export class AgentHub {
  private readonly nsp: Namespace;
  private readonly sockets = new Map<string, Socket>();
  private readonly byId = new Map<string, AgentDevice>();
  private readonly agents: Map<string, AgentConfig>;
  private readonly now: () => number;

  constructor(
    io: Server,
    private readonly o: AgentHubOptions,
  ) {
    this.now = o.now ?? Date.now;
    this.agents = new Map(o.devices.configured().agents.map((a) => [a.id, a]));
    // The registry's list in force (devices.json, or the manager's saved changes) names the agents' devices.
    for (const cfg of o.devices.configured().devices) if (cfg.transport.type === 'agent') this.adopt(cfg);
    o.devices.setAgentHost(this);
    this.nsp = io.of('/agent');
    this.nsp.use((s, next) => {
      const auth = s.handshake.auth as { agentId?: unknown; key?: unknown } | undefined;
      const agent = typeof auth?.agentId === 'string' ? this.agents.get(auth.agentId) : undefined;
      if (!agent || typeof auth?.key !== 'string' || !sameKey(auth.key, agent.key)) {
        const err = new Error('unauthorized') as Error & { data: unknown };
        err.data = { code: 'UNAUTHORIZED', message: '设备代理身份无效 / unknown agent or wrong key' };
        return next(err);
      }
      s.data.agentId = agent.id;
      next();
    });
    this.nsp.on('connection', (s) => this.connected(s));
  }

  holds(id: string): boolean {
    return this.byId.has(id);
  }

  /** A device behind an agent joins the registry (offline until its agent reports it). */
  adopt(cfg: DeviceConfig): void {
    if (cfg.transport.type !== 'agent') return;
    const d = new AgentDevice(cfg, cfg.transport.agent, this, this.now());
    this.byId.set(cfg.id, d);
    this.o.devices.register(d);
    if (cfg.kind === 'printer') this.o.devices.addPrinter(cfg, (bytes, opts) => this.print(d, bytes, opts));
    // Already connected: the device is as online as the agent's next health report says.
    if (this.sockets.has(d.agentId)) d.agentConnected(this.now());
  }

  drop(id: string): string {
    const d = this.byId.get(id);
    this.byId.delete(id);
    return d?.agentId ?? '';
  }

  /** The agent's device settings as they stand now: sent at connect and after every live change. */
  push(agentId: string): void {
    const s = this.sockets.get(agentId);
    if (!s) return;
    s.emit('config', { devices: this.devicesOf(agentId).map((d) => d.config) });
    this.o.log.info({ agent: agentId, devices: this.devicesOf(agentId).length }, 'device settings sent to the agent');
  }

  private devicesOf(agentId: string): AgentDevice[] {
    return [...this.byId.values()].filter((d) => d.agentId === agentId);
  }

  private connected(s: Socket): void {
    const agentId = s.data.agentId as string;
    const previous = this.sockets.get(agentId);
    this.sockets.set(agentId, s);
    if (previous) previous.disconnect(true); // one live connection per agent: the newest wins
    this.o.log.info({ agent: agentId }, 'device agent connected');
    this.push(agentId);

    const own = (deviceId: string): AgentDevice | undefined => {
      const d = this.byId.get(deviceId);
      return d && d.agentId === agentId ? d : undefined;
    };
    const handle = <T>(schema: z.ZodType<T>, fn: (m: T, d: AgentDevice) => void) => (payload: unknown) => {
      const r = schema.safeParse(payload);
      if (!r.success) return void this.o.log.warn({ agent: agentId, issues: r.error.issues.length }, 'agent message refused');
      const d = own((r.data as { deviceId: string }).deviceId);
      if (!d) return void this.o.log.warn({ agent: agentId }, 'agent message for a device it does not hold');
      fn(r.data, d);
    };
    s.on('health', handle(healthMsg, (m, d) => d.update(m)));
    s.on('card', handle(cardMsg, (m, d) => this.o.devices.cardRead(d.id, d.attachedTo, m.card as unknown as CardText, this.now())));
    s.on('card-error', handle(cardErrorMsg, (m, d) => this.o.devices.cardFailed(d.id, d.attachedTo, m.code, m.message)));
    s.on('scan', handle(scanMsg, (m, d) => this.o.devices.scanned(d.id, d.attachedTo, m.code, this.now())));
    s.on('disconnect', () => {
      if (this.sockets.get(agentId) !== s) return;
      this.sockets.delete(agentId);
      this.o.log.warn({ agent: agentId }, 'device agent disconnected');
      for (const d of this.devicesOf(agentId)) d.agentGone(this.now());
    });
  }

  private async print(d: AgentDevice, bytes: Uint8Array, opts: PrintJobOptions = {}): Promise<PrintOutcome> {
    const s = this.sockets.get(d.agentId);
    const expiresInMs = opts.expiresInMs ?? 60_000;
    if (!s) return { ok: false, jobId: 0, attempts: 0, code: 'DEVICE_OFFLINE', message: `agent ${d.agentId} not connected` };
    const msg: AgentPrintMessage = { deviceId: d.id, bytes: Buffer.from(bytes).toString('base64'), expiresInMs };
    try {
      const answer = (await s.timeout(expiresInMs + 2000).emitWithAck('print', msg)) as PrintOutcome;
      if (answer && typeof answer === 'object' && typeof answer.ok === 'boolean') return answer;
      return { ok: false, jobId: 0, attempts: 0, code: 'DEVICE_FAULT', message: 'agent answered the print without an outcome' };
    } catch {
      return { ok: false, jobId: 0, attempts: 0, code: 'DEVICE_TIMEOUT', message: `agent ${d.agentId} did not answer the print` };
    }
  }

  /** Forwards a simulator request to the agent holding the device; its error answers become HallErrors. */
  async ask(agentId: string, event: 'sim-input' | 'sim-output', msg: Record<string, unknown>): Promise<Record<string, unknown>> {
    const s = this.sockets.get(agentId);
    if (!s) throw new HallError('NOT_SIMULATED', `agent ${agentId} not connected`);
    let answer: { ok?: boolean; result?: Record<string, unknown>; error?: { code: string; message: string } };
    try {
      answer = await s.timeout(ASK_TIMEOUT_MS).emitWithAck(event, msg);
    } catch {
      throw new HallError('NOT_SIMULATED', `agent ${agentId} did not answer`);
    }
    if (answer?.error) throw new HallError(answer.error.code === 'VALIDATION_FAILED' ? 'VALIDATION_FAILED' : 'NOT_SIMULATED', String(answer.error.message));
    return answer?.result ?? {};
  }

  close(): void {
    for (const s of this.sockets.values()) s.disconnect(true);
    this.sockets.clear();
  }
}

function sameKey(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
