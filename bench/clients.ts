// A client process for the fan-out bench: holds a share of the display connections and reports, per
// `call`, the monotonic time at which each of its clients received it. Driven over the fork IPC channel
// by bench/run.ts; the messages are typed in ClientCommand / ClientReport.

import { io, type Socket } from 'socket.io-client';
import { monoMs } from './stats.js';

export type ClientCommand =
  | { type: 'connect'; url: string; count: number; batch: number; timeoutMs: number }
  | { type: 'disconnect' }
  | { type: 'exit' };

export type ClientReport =
  | { type: 'ready'; connected: number; failed: number; errors: string[] }
  | { type: 'call'; key: string; times: number[]; expected: number }
  | { type: 'disconnected'; late: number }
  | { type: 'error'; message: string };

/** How long a call waits for the slowest of this process's clients before it is reported incomplete. */
const CALL_TIMEOUT_MS = 5000;

let sockets: Socket[] = [];
const pending = new Map<string, { times: number[]; timer: NodeJS.Timeout }>();
const reported = new Set<string>();
let late = 0;

function report(r: ClientReport): void {
  process.send?.(r);
}

function flush(key: string): void {
  const p = pending.get(key);
  if (!p) return;
  clearTimeout(p.timer);
  pending.delete(key);
  reported.add(key);
  report({ type: 'call', key, times: p.times, expected: sockets.length });
}

function onCall(payload: unknown): void {
  const at = monoMs();
  const key = (payload as { ticket?: { id?: unknown } } | null)?.ticket?.id;
  if (typeof key !== 'string') return;
  if (reported.has(key)) {
    late++;
    return;
  }
  let p = pending.get(key);
  if (!p) {
    p = { times: [], timer: setTimeout(() => flush(key), CALL_TIMEOUT_MS) };
    pending.set(key, p);
  }
  p.times.push(at);
  if (p.times.length >= sockets.length) flush(key);
}

function connectOne(url: string, timeoutMs: number): Promise<Socket> {
  return new Promise((res, rej) => {
    const s = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, timeout: timeoutMs });
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
    s.on('call', onCall);
  });
}

async function connectAll(cmd: Extract<ClientCommand, { type: 'connect' }>): Promise<void> {
  const errors: string[] = [];
  let failed = 0;
  for (let i = 0; i < cmd.count; i += cmd.batch) {
    const n = Math.min(cmd.batch, cmd.count - i);
    const results = await Promise.allSettled(Array.from({ length: n }, () => connectOne(cmd.url, cmd.timeoutMs)));
    for (const r of results) {
      if (r.status === 'fulfilled') sockets.push(r.value);
      else {
        failed++;
        if (errors.length < 5) errors.push((r.reason as Error).message);
      }
    }
  }
  report({ type: 'ready', connected: sockets.length, failed, errors });
}

function disconnectAll(): void {
  for (const s of sockets) s.disconnect();
  sockets = [];
  for (const p of pending.values()) clearTimeout(p.timer);
  pending.clear();
  reported.clear();
  const n = late;
  late = 0;
  report({ type: 'disconnected', late: n });
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
      for (const s of sockets) s.disconnect();
      process.exit(0);
  }
});
// The parent went away: never linger.
process.on('disconnect', () => process.exit(0));
