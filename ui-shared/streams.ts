// One factory per hall stream: the namespace, its handshake and its reducers in one place.

import { io } from 'socket.io-client';
import type { DisplaySnapshot, ManagerSnapshot, PadSnapshot, StaffSnapshot } from '../server/realtime/contract.js';
import {
  displayReducers,
  managerReducers,
  padReducers,
  staffReducers,
  type DisplayEvents,
  type ManagerEvents,
  type PadEvents,
  type StaffEvents,
} from './reducers.js';
import { Stream } from './stream.js';

export type DisplayStream = Stream<DisplaySnapshot, DisplayEvents>;
export type PadStream = Stream<PadSnapshot, PadEvents>;
export type StaffStream = Stream<StaffSnapshot, StaffEvents>;
export type ManagerStream = Stream<ManagerSnapshot, ManagerEvents>;

// Same origin as the page: the hall server serves both the pages and /socket.io/.
function socket(namespace: string, auth?: Record<string, string>) {
  return io(namespace, {
    ...(auth ? { auth } : {}),
    reconnectionDelay: 1000,
    reconnectionDelayMax: 5000,
  });
}

// Every page comes back by itself after the server dropped it (restart, shutdown, kick): a revoked session
// is then refused by the server's handshake check and the page says so.
const REJOIN = { rejoinAfterMs: 3000 };

export function openDisplayStream(): DisplayStream {
  return new Stream(socket('/display'), displayReducers, REJOIN);
}

export function openPadStream(windowId: string): PadStream {
  return new Stream(socket('/pad', { windowId }), padReducers, REJOIN);
}

export function openStaffStream(token: string): StaffStream {
  return new Stream(socket('/staff', { token }), staffReducers, REJOIN);
}

export function openManagerStream(token: string): ManagerStream {
  return new Stream(socket('/manager', { token }), managerReducers, REJOIN);
}
