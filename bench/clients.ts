// A client process for the fan-out bench: holds a share of the display connections of each server under
// test and reports, per `call`, the monotonic time at which each of its clients received it. Driven over the fork IPC channel
// by bench/run.ts; the messages are typed in ClientCommand / ClientReport.

import { io, type Socket } from 'socket.io-client';
import { monoMs } from './stats.js';

export interface Group {
  name: string;
  url: string;
}

export type ClientCommand =
  | { type: 'connect'; groups: Group[]; count: number; batch: number; timeoutMs: number }
  | { type: 'disconnect' }
  | { type: 'exit' };

export type ClientReport =
  | { type: 'ready'; groups: { name: string; connected: number; failed: number; errors: string[] }[] }
  | { type: 'call'; group: string; key: string; times: number[]; expected: number }
  | { type: 'disconnected'; late: number; events: Record<string, number> }
  | { type: 'error'; message: string };

/** How long a call waits for the slowest of this process's clients before it is reported incomplete. */
const CALL_TIMEOUT_MS = 5000;

/** Connected sockets per group (one group per server under test). */
const sockets = new Map<string, Socket[]>();
const pending = new Map<string, { group: string; times: number[]; timer: NodeJS.Timeout }>();
const reported = new Set<string>();
let late = 0;
/** Every event received per group, snapshots included: shows how many frames a server sends per call. */
let events: Record<string, number> = {};

function report(r: ClientReport): void {
  process.send?.(r);
}

const groupSize = (group: string) => sockets.get(group)?.length ?? 0;

function flush(key: string): void {
  const p = pending.get(key);
  if (!p) return;
  clearTimeout(p.timer);
  pending.delete(key);
  reported.add(key);
  report({ type: 'call', group: p.group, key, times: p.times, expected: groupSize(p.group) });
}

function onCall(group: string, payload: unknown): void {
  const at = monoMs();
  const key = (payload as { ticket?: { id?: unknown } } | null)?.ticket?.id;
  if (typeof key !== 'string') return;
  if (reported.has(key)) {
    late++;
    return;
  }
  let p = pending.get(key);
  if (!p) {
    p = { group, times: [], timer: setTimeout(() => flush(key), CALL_TIMEOUT_MS) };
    pending.set(key, p);
  }
  p.times.push(at);
  if (p.times.length >= groupSize(group)) flush(key);
}

function connectOne(group: Group, timeoutMs: number): Promise<Socket> {
  return new Promise((res, rej) => {
    const s = io(group.url, { transports: ['websocket'], forceNew: true, reconnection: false, timeout: timeoutMs });
    const timer = setTimeout(() => {
      s.disconnect();
      rej(new Error('no snapshot in time'));
    }, timeoutMs);
    s.once('connect_error', (err: Error) => {
      clearTimeout(timer);
      s.disconnect();
      rej(err);
    });
    // Joined once the server's connect-time snapshot arrived: from then on every call must reach us.
    s.once('snapshot', () => {
      clearTimeout(timer);
      res(s);
    });
    s.on('call', (p: unknown) => onCall(group.name, p));
    s.onAny(() => {
      events[group.name] = (events[group.name] ?? 0) + 1;
    });
  });
}

async function connectAll(cmd: Extract<ClientCommand, { type: 'connect' }>): Promise<void> {
  const out: { name: string; connected: number; failed: number; errors: string[] }[] = [];
  for (const g of cmd.groups) {
    const list: Socket[] = [];
    sockets.set(g.name, list);
    const errors: string[] = [];
    let failed = 0;
    for (let i = 0; i < cmd.count; i += cmd.batch) {
      const n = Math.min(cmd.batch, cmd.count - i);
      const results = await Promise.allSettled(Array.from({ length: n }, () => connectOne(g, cmd.timeoutMs)));
      for (const r of results) {
        if (r.status === 'fulfilled') list.push(r.value);
        else {
          failed++;
          if (errors.length < 5) errors.push((r.reason as Error).message);
        }
      }
    }
    out.push({ name: g.name, connected: list.length, failed, errors });
  }
  report({ type: 'ready', groups: out });
}

function disconnectAll(): void {
  for (const list of sockets.values()) for (const s of list) s.disconnect();
  sockets.clear();
  for (const p of pending.values()) clearTimeout(p.timer);
  pending.clear();
  reported.clear();
  report({ type: 'disconnected', late, events });
  late = 0;
  events = {};
}

process.on('message', (msg: ClientCommand) => {
  switch (msg.type) {
    case 'connect':
      connectAll(msg).catch((err: Error) => report({ type: 'error', message: err.message }));
      break;
    case 'disconnect':
      disconnectAll();
      break;
    case 'exit':
      for (const list of sockets.values()) for (const s of list) s.disconnect();
      process.exit(0);
  }
});
// The parent went away: never linger.
process.on('disconnect', () => process.exit(0));
