// Socket.IO fan-out. Each stream (the hall display; each window's pad; each window's staff console; the
// manager) numbers its own events consecutively. A client gets `snapshot` {seq, …} on connect and on
// `resync`; every later event carries the next seq, so a client that sees a gap knows to resync.
//
// Events go out only after the hall published them, i.e. after they are durable.
//
// Calls, window changes and pad events go out with every publication. Summaries that every ticket changes
// (section counts, the staff consoles' queues, the manager's view) go out at most once per
// `summaryIntervalMs`: the first change at once, later ones folded into one emit at the end of the interval.
// A burst of tickets then costs the hall screens a few frames a second instead of one frame per ticket.

import type { Server as HttpServer } from 'node:http';
import { Server, type Namespace, type Socket } from 'socket.io';
import { z } from 'zod';
import type { Hall, Publication } from '../hall/hall.js';
import type { Accounts, TokenClaims } from '../auth/accounts.js';
import { SectionCounts, type SectionTally, type Views } from '../views.js';
import type { HallEvent, HallState } from '../hall/types.js';
import { HallError } from '../errors.js';
import { bearer } from '../http/edge.js';
import type { Logger } from '../log.js';
import type { Ack, CallPayload } from './contract.js';

const RECENT_CALLS = 12;

/** Events that never change what a window shows (its status, clerk or current number). */
const WINDOW_NEUTRAL: ReadonlySet<HallEvent['type']> = new Set(['TicketIssued', 'AppointmentBooked', 'AppointmentCancelled', 'RatingRecorded']);

const rateSchema = z.strictObject({
  ticketId: z.string().min(1).max(64),
  level: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(5)]),
  reasons: z.array(z.string().min(1).max(100)).max(20).optional(),
  comment: z.string().max(500).optional(),
});
const timeoutSchema = z.strictObject({ ticketId: z.string().min(1).max(64) });

/** A numbered stream: one counter, and the last value sent per key so unchanged views are not re-sent. */
class Stream {
  seq = 0;
  private readonly last = new Map<string, string>();

  next(): number {
    return ++this.seq;
  }

  changed(key: string, value: unknown): boolean {
    const s = JSON.stringify(value);
    if (this.last.get(key) === s) return false;
    this.last.set(key, s);
    return true;
  }
}

export interface RealtimeOptions {
  hall: Hall;
  views: Views;
  accounts: Accounts;
  log: Logger;
  /** Least time between two summary emits (section counts, consoles, manager); default 200 ms. */
  summaryIntervalMs?: number;
}

export class Realtime {
  readonly io: Server;
  private readonly display = new Stream();
  private readonly manager = new Stream();
  private readonly pads = new Map<string, Stream>();
  private readonly staffs = new Map<string, Stream>();
  private recentCalls: Omit<CallPayload, 'seq'>[] = [];
  private managerExtra: () => Record<string, unknown> = () => ({});
  private readonly sectionCounts = new SectionCounts();
  /** The latest published state and its section tally, for the next summary emit. */
  private summaryOf: { state: HallState; counts: SectionTally } | null = null;
  private summaryTimer: NodeJS.Timeout | null = null;
  private summaryDue = false;
  private readonly summaryIntervalMs: number;
  private readonly nsp: { display: Namespace; pad: Namespace; staff: Namespace; manager: Namespace };

  constructor(
    http: HttpServer,
    private readonly o: RealtimeOptions,
  ) {
    this.io = new Server(http, { serveClient: false, maxHttpBufferSize: 64 * 1024, pingInterval: 10000, pingTimeout: 8000 });
    this.nsp = {
      display: this.io.of('/display'),
      pad: this.io.of('/pad'),
      staff: this.io.of('/staff'),
      manager: this.io.of('/manager'),
    };
    for (const w of o.hall.setup.windows) {
      this.pads.set(w.id, new Stream());
      this.staffs.set(w.id, new Stream());
    }
    this.summaryIntervalMs = o.summaryIntervalMs ?? 200;
    this.recentCalls = this.rebuildRecentCalls(o.hall.state);
    // Prime the change detectors with what a fresh snapshot would show.
    this.detectChanges(o.hall.state);
    this.wire();
    o.hall.subscribe((p) => this.publish(p));
  }

  private get views(): Views {
    return this.o.views;
  }

  private rebuildRecentCalls(state: HallState): Omit<CallPayload, 'seq'>[] {
    const called = state.tickets.values()
      .filter((t) => t.lastCalledAt !== undefined && t.windowId)
      .sort((a, b) => (b.lastCalledAt ?? 0) - (a.lastCalledAt ?? 0))
      .slice(0, RECENT_CALLS);
    return called.map((t) => this.views.call(state, t.id, t.windowId!, t.calls > 1, t.lastCalledAt!));
  }

  private wire(): void {
    const { display, pad, staff, manager } = this.nsp;

    display.on('connection', (s) => {
      const snap = () => s.emit('snapshot', this.views.display(this.o.hall.state, this.recentCalls, this.display.seq));
      snap();
      s.on('resync', snap);
    });

    pad.use((s, next) => {
      const windowId = (s.handshake.auth as { windowId?: unknown } | undefined)?.windowId;
      if (typeof windowId !== 'string' || !this.o.views.windowConfig(windowId)) return next(connectError('UNKNOWN_WINDOW', '未知窗口 / unknown window'));
      s.data.windowId = windowId;
      next();
    });
    pad.on('connection', (s) => {
      const windowId = s.data.windowId as string;
      void s.join(windowId);
      const snap = () => s.emit('snapshot', this.views.pad(this.o.hall.state, windowId, this.padStream(windowId).seq));
      snap();
      s.on('resync', snap);
      s.on('rate', (payload: unknown, ack?: unknown) => this.onRate(windowId, payload, ack, false));
      s.on('rating-timeout', (payload: unknown, ack?: unknown) => this.onRate(windowId, payload, ack, true));
    });

    staff.use((s, next) => {
      try {
        const claims = this.o.accounts.verifyToken(tokenOf(s));
        const asked = (s.handshake.auth as { windowId?: unknown } | undefined)?.windowId;
        const windowId = claims.role === 'clerk' ? claims.win : typeof asked === 'string' ? asked : claims.win;
        if (!windowId || !this.o.views.windowConfig(windowId)) return next(connectError('UNKNOWN_WINDOW', '未签入窗口 / no window'));
        s.data.windowId = windowId;
        s.data.claims = claims;
        next();
      } catch (err) {
        next(asConnectError(err));
      }
    });
    staff.on('connection', (s) => {
      const windowId = s.data.windowId as string;
      void s.join(windowId);
      const snap = () => s.emit('snapshot', this.views.staff(this.o.hall.state, windowId, this.staffStream(windowId).seq, this.o.hall.now()));
      snap();
      s.on('resync', snap);
    });

    manager.use((s, next) => {
      try {
        const claims: TokenClaims = this.o.accounts.verifyToken(tokenOf(s));
        if (claims.role === 'clerk') return next(connectError('FORBIDDEN', '需要管理员权限 / manager role required'));
        s.data.claims = claims;
        next();
      } catch (err) {
        next(asConnectError(err));
      }
    });
    manager.on('connection', (s) => {
      const snap = () => s.emit('snapshot', { ...this.views.manager(this.o.hall.state, this.recentCalls, this.manager.seq, this.o.hall.now()), ...this.managerExtra() });
      snap();
      s.on('resync', snap);
    });
  }

  private onRate(windowId: string, payload: unknown, ack: unknown, timeout: boolean): void {
    const reply = (a: Ack) => {
      if (typeof ack === 'function') (ack as (a: Ack) => void)(a);
    };
    const parsed = timeout ? timeoutSchema.safeParse(payload) : rateSchema.safeParse(payload);
    if (!parsed.success) {
      reply({ ok: false, error: { code: 'VALIDATION_FAILED', message: parsed.error.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`).join('; ') } });
      return;
    }
    const ticket = this.o.hall.state.tickets.get(parsed.data.ticketId);
    if (ticket && ticket.windowId !== windowId) {
      reply({ ok: false, error: { code: 'WRONG_WINDOW', message: '该号不在本窗口办理 / ticket not served at this window' } });
      return;
    }
    const d = parsed.data as z.infer<typeof rateSchema>;
    const command = timeout
      ? ({ type: 'RatingTimeout', ticketId: d.ticketId } as const)
      : {
          type: 'Rate' as const,
          ticketId: d.ticketId,
          level: d.level,
          ...(d.reasons ? { reasons: d.reasons } : {}),
          ...(d.comment ? { comment: d.comment } : {}),
        };
    this.o.hall.execute(command, { kind: 'citizen' }).then(
      () => reply({ ok: true }),
      (err: unknown) => {
        const e = err instanceof HallError ? err : new HallError('INTERNAL', 'internal error');
        if (!(err instanceof HallError)) this.o.log.error({ err: (err as Error).message }, 'rate failed');
        reply({ ok: false, error: { code: e.code, message: e.message } });
      },
    );
  }

  private publish(p: Publication): void {
    const { state, events } = p;
    const { display, pad } = this.nsp;
    const padEvents = new Map<string, [string, Record<string, unknown>][]>();
    const toPad = (windowId: string, name: string, body: Record<string, unknown>) => {
      if (!padEvents.has(windowId)) padEvents.set(windowId, []);
      padEvents.get(windowId)!.push([name, body]);
    };

    for (const e of events) {
      switch (e.type) {
        case 'DayOpened':
          this.recentCalls = [];
          break;
        case 'TicketCalled': {
          const call = this.views.call(state, e.ticketId, e.windowId, e.recall, e.at);
          this.recentCalls = [call, ...this.recentCalls.filter((c) => c.ticket.id !== e.ticketId)].slice(0, RECENT_CALLS);
          display.emit('call', { seq: this.display.next(), ...call });
          // The pad also says which service the citizen came for (the display does not need it).
          const called = state.tickets.get(e.ticketId);
          toPad(e.windowId, 'call', called ? { ...call, ticket: this.views.padTicket(state, called) } : { ...call });
          break;
        }
        case 'TicketStarted':
        case 'TicketFinished': {
          const t = state.tickets.get(e.ticketId);
          if (!t) break;
          const body: Record<string, unknown> = { ticket: this.views.padTicket(state, t) };
          const clerk = this.views.clerk(state, e.windowId);
          if (clerk) body.clerk = clerk;
          toPad(e.windowId, e.type === 'TicketStarted' ? 'serving' : 'finished', body);
          break;
        }
        case 'RatingRecorded':
          toPad(e.rating.windowId, 'rated', { ticketId: e.rating.ticketId, level: e.rating.level });
          break;
        default:
          break;
      }
    }

    // Most publications are tickets being issued: they change no window, so the windows are not re-rendered.
    const windows = events.some((e) => !WINDOW_NEUTRAL.has(e.type)) ? this.views.windows(state) : null;
    for (const w of windows ?? []) {
      if (this.display.changed(`window:${w.id}`, w)) display.emit('window', { seq: this.display.next(), window: w });
      if (this.padStream(w.id).changed('window', w)) (padEvents.get(w.id) ?? padEvents.set(w.id, []).get(w.id)!).unshift(['window', { window: w }]);
    }
    for (const [windowId, queued] of padEvents) {
      const padStream = this.padStream(windowId);
      for (const [name, body] of queued) pad.to(windowId).emit(name, { seq: padStream.next(), ...body });
    }

    // The tally is carried by every publication's events, so it is advanced here, not at emit time.
    this.summaryOf = { state, counts: this.sectionCounts.advance(state, events) };
    this.requestSummary();
    // Section names, prefixes and open/closed come with the display snapshot only: after a live setup change
    // the public screens (kiosks included) get a fresh one rather than a patch.
    if (events.some((e) => e.type === 'SetupChanged')) display.emit('snapshot', this.views.display(state, this.recentCalls, this.display.seq));
  }

  /** Leading edge at once, then at most one emit per interval carrying the latest state. */
  private requestSummary(): void {
    if (this.summaryTimer) {
      this.summaryDue = true;
      return;
    }
    this.emitSummary();
    if (this.summaryIntervalMs <= 0) return;
    const tick = () => {
      if (!this.summaryDue) {
        this.summaryTimer = null;
        return;
      }
      this.summaryDue = false;
      this.emitSummary();
      this.summaryTimer = setTimeout(tick, this.summaryIntervalMs);
      this.summaryTimer.unref();
    };
    this.summaryTimer = setTimeout(tick, this.summaryIntervalMs);
    this.summaryTimer.unref();
  }

  private emitSummary(): void {
    if (!this.summaryOf) return;
    const { state, counts } = this.summaryOf;
    const { display, staff, manager } = this.nsp;
    const sections = this.views
      .sections(state, counts)
      .map((s) => ({ id: s.id, waiting: s.waiting, estimatedWaitMinutes: s.estimatedWaitMinutes }));
    if (this.display.changed('queue', sections)) display.emit('queue', { seq: this.display.next(), sections });

    for (const [windowId, stream] of this.staffs) {
      // Compute a console view only for windows with a console open; a later connect gets a snapshot.
      if (!staff.adapter.rooms.get(windowId)?.size) continue;
      const view = this.views.staff(state, windowId, 0, this.o.hall.now());
      if (!view) continue;
      const { seq: _ignored, ...rest } = view;
      if (stream.changed('view', rest)) staff.to(windowId).emit('update', { ...view, seq: stream.next() });
    }

    if (this.manager.changed('queue', sections)) manager.emit('queue', { seq: this.manager.next(), sections });
    if (manager.sockets.size > 0) {
      manager.emit('update', { ...this.views.manager(state, this.recentCalls, 0, this.o.hall.now()), seq: this.manager.next() });
    } else {
      this.manager.next();
    }
  }

  private detectChanges(state: HallState): void {
    const sections = this.views.sections(state, this.sectionCounts.advance(state, [])).map((s) => ({ id: s.id, waiting: s.waiting, estimatedWaitMinutes: s.estimatedWaitMinutes }));
    this.display.changed('queue', sections);
    this.manager.changed('queue', sections);
    for (const w of this.views.windows(state)) {
      this.display.changed(`window:${w.id}`, w);
      this.padStream(w.id).changed('window', w);
    }
  }

  /**
   * Something outside the hall's events changed what windows show (a clerk's photo): every window view that
   * differs from what its streams last sent goes out again, numbered like any other event.
   */
  refreshWindows(): void {
    const { display, pad } = this.nsp;
    for (const w of this.views.windows(this.o.hall.state)) {
      if (this.display.changed(`window:${w.id}`, w)) display.emit('window', { seq: this.display.next(), window: w });
      const padStream = this.padStream(w.id);
      if (padStream.changed('window', w)) pad.to(w.id).emit('window', { seq: padStream.next(), window: w });
    }
  }

  /** Data other modules add to the manager's snapshot (e.g. `alerts`). */
  setManagerExtra(fn: () => Record<string, unknown>): void {
    this.managerExtra = fn;
  }

  /** An event of another module on the /manager stream, numbered with the stream's other events. */
  emitManager(name: string, body: Record<string, unknown>): void {
    this.nsp.manager.emit(name, { ...body, seq: this.manager.next() });
  }

  /** Windows added by a live setup change get their streams on first use. */
  private padStream(id: string): Stream {
    let s = this.pads.get(id);
    if (!s) this.pads.set(id, (s = new Stream()));
    return s;
  }

  private staffStream(id: string): Stream {
    let s = this.staffs.get(id);
    if (!s) this.staffs.set(id, (s = new Stream()));
    return s;
  }

  /** An account whose tokens were ended (disabled, role or password changed) loses its live streams at once. */
  disconnectUser(username: string): void {
    for (const nsp of [this.nsp.staff, this.nsp.manager]) {
      for (const sock of nsp.sockets.values()) {
        if ((sock.data.claims as TokenClaims | undefined)?.sub !== username) continue;
        sock.emit('revoked', { code: 'UNAUTHORIZED', message: '账号已停用或凭据已变更，请重新登录 / account disabled or credentials changed: sign in again' });
        sock.disconnect(true);
      }
    }
  }

  /** Kick every socket; used by tests to simulate a network blip and by shutdown. */
  disconnectAll(): void {
    this.io.disconnectSockets(true);
  }

  async close(): Promise<void> {
    if (this.summaryTimer) clearTimeout(this.summaryTimer);
    this.summaryTimer = null;
    await new Promise<void>((resolve) => this.io.close(() => resolve()));
  }
}

function tokenOf(s: Socket): string | undefined {
  const auth = s.handshake.auth as { token?: unknown } | undefined;
  if (typeof auth?.token === 'string') return auth.token;
  return bearer(s.handshake.headers.authorization);
}

function connectError(code: string, message: string): Error & { data: { code: string; message: string } } {
  const err = new Error(message) as Error & { data: { code: string; message: string } };
  err.data = { code, message };
  return err;
}

function asConnectError(err: unknown): Error {
  if (err instanceof HallError) return connectError(err.code, err.message);
  return connectError('UNAUTHORIZED', 'unauthorized');
}
