// The pages' stream client, driven by a scripted socket: snapshot, ordered events, duplicates, gaps and
// resync, reconnects, refusals and acks.

import { expect } from 'chai';
import { Stream, refusalOf, type SocketLike } from '../../ui-shared/stream.js';

interface Counter {
  seq: number;
  total: number;
  log: string[];
}
interface CounterEvents {
  add: { seq: number; n: number };
  note: { seq: number; text: string };
}

const reducers = {
  add: (s: Counter, p: CounterEvents['add']): Counter => ({ ...s, seq: p.seq, total: s.total + p.n }),
  note: (s: Counter, p: CounterEvents['note']): Counter => ({ ...s, seq: p.seq, log: [...s.log, p.text] }),
};

/** Plays the server's side of a socket.io-client socket. */
class ScriptedSocket implements SocketLike {
  connected = false;
  active = true;
  connects = 0;
  readonly sent: { event: string; args: unknown[] }[] = [];
  onEmit: ((event: string, args: unknown[]) => void) | null = null;
  private readonly handlers = new Map<string, ((...args: any[]) => void)[]>();

  on(event: string, listener: (...args: any[]) => void): this {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), listener]);
    return this;
  }
  emit(event: string, ...args: unknown[]): this {
    this.sent.push({ event, args });
    this.onEmit?.(event, args);
    return this;
  }
  connect(): this {
    this.connects++;
    return this;
  }
  disconnect(): this {
    this.connected = false;
    this.active = false;
    return this;
  }
  fire(event: string, ...args: unknown[]): void {
    for (const h of this.handlers.get(event) ?? []) h(...args);
  }
  up(): void {
    this.connected = true;
    this.fire('connect');
  }
  down(active = true): void {
    this.connected = false;
    this.active = active;
    this.fire('disconnect', active ? 'transport close' : 'io server disconnect');
  }
  resyncs(): number {
    return this.sent.filter((s) => s.event === 'resync').length;
  }
}

function open(opts = {}) {
  const socket = new ScriptedSocket();
  const stream = new Stream<Counter, CounterEvents>(socket, reducers, opts);
  return { socket, stream };
}

const snap = (seq: number, total = 0): Counter => ({ seq, total, log: [] });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('stream client (ui-shared/stream.ts)', () => {
  it('applies a snapshot and then each consecutive event through its reducer', () => {
    const { socket, stream } = open();
    socket.up();
    socket.fire('snapshot', snap(10, 5));
    socket.fire('add', { seq: 11, n: 2 });
    socket.fire('note', { seq: 12, text: 'hello' });
    expect(stream.state).to.deep.equal({ seq: 12, total: 7, log: ['hello'] });
    expect(stream.stats).to.include({ snapshots: 1, events: 2, duplicates: 0, gaps: 0 });
  });

  it('drops an event whose seq it has already applied', () => {
    const { socket, stream } = open();
    socket.up();
    socket.fire('snapshot', snap(10, 5));
    socket.fire('add', { seq: 11, n: 2 });
    socket.fire('add', { seq: 11, n: 2 });
    socket.fire('add', { seq: 9, n: 100 });
    expect(stream.state?.total).to.equal(7);
    expect(stream.stats.duplicates).to.equal(2);
  });

  it('asks for a resync on a gap, ignores events until the new snapshot, then continues from it', () => {
    const { socket, stream } = open();
    socket.up();
    socket.fire('snapshot', snap(10, 5));
    socket.fire('add', { seq: 12, n: 1 });
    expect(socket.resyncs()).to.equal(1);
    expect(stream.state?.total).to.equal(5);
    socket.fire('add', { seq: 13, n: 1 });
    expect(stream.state?.total, 'events after a gap wait for the snapshot').to.equal(5);
    socket.fire('snapshot', snap(13, 40));
    socket.fire('add', { seq: 14, n: 2 });
    expect(stream.state).to.deep.include({ seq: 14, total: 42 });
    expect(stream.stats.gaps).to.equal(1);
  });

  it('asks again when the snapshot it asked for does not come', async () => {
    const { socket, stream } = open({ resyncRetryMs: 20 });
    socket.up();
    socket.fire('snapshot', snap(1));
    socket.fire('add', { seq: 3, n: 1 });
    await sleep(70);
    expect(socket.resyncs()).to.be.at.least(2);
    socket.fire('snapshot', snap(3, 9));
    const after = socket.resyncs();
    await sleep(50);
    expect(socket.resyncs(), 'no more asking once the snapshot came').to.equal(after);
    stream.close();
  });

  it('takes the snapshot after a reconnect as the truth even when its seq is lower (server restarted)', () => {
    const { socket, stream } = open();
    const seen: string[] = [];
    stream.subscribe((c) => seen.push(c.kind === 'connection' ? `connection:${c.connection}` : c.kind));
    socket.up();
    socket.fire('snapshot', snap(50, 5));
    socket.down();
    expect(stream.connection).to.equal('reconnecting');
    socket.up();
    socket.fire('add', { seq: 51, n: 1 });
    expect(stream.state?.total, 'an event before the new snapshot is not applied').to.equal(5);
    socket.fire('snapshot', snap(2, 8));
    socket.fire('add', { seq: 3, n: 1 });
    expect(stream.state).to.deep.include({ seq: 3, total: 9 });
    expect(seen).to.deep.equal(['connection:connected', 'snapshot', 'connection:reconnecting', 'connection:connected', 'snapshot', 'event']);
  });

  it('reports a refusal by the server with the code and message from connect_error data', () => {
    const { socket, stream } = open();
    socket.active = false;
    socket.fire('connect_error', Object.assign(new Error('unauthorized'), { data: { code: 'TOKEN_EXPIRED', message: 'expired' } }));
    expect(stream.connection).to.equal('refused');
    expect(stream.error).to.deep.equal({ code: 'TOKEN_EXPIRED', message: 'expired' });
  });

  it('stays connecting (not refused) while socket.io keeps retrying an unreachable server', () => {
    const { socket, stream } = open();
    socket.fire('connect_error', new Error('xhr poll error'));
    expect(stream.connection).to.equal('connecting');
    expect(stream.error).to.equal(null);
  });

  it('rejoins after the server dropped the socket on purpose, unless the page closed it', async () => {
    const { socket, stream } = open({ rejoinAfterMs: 10 });
    socket.up();
    socket.down(false);
    expect(stream.connection).to.equal('reconnecting');
    await sleep(30);
    expect(socket.connects).to.equal(1);
    const b = open({ rejoinAfterMs: 10 });
    b.socket.up();
    b.socket.down(false);
    b.stream.close();
    await sleep(30);
    expect(b.socket.connects).to.equal(0);
    expect(b.stream.connection).to.equal('closed');
    stream.close();
  });

  it('stays closed after a server disconnect when no rejoin is configured', () => {
    const { socket, stream } = open();
    socket.up();
    socket.down(false);
    expect(stream.connection).to.equal('closed');
  });

  it('answers a request with the server ack, and fails fast offline or on a missing ack', async () => {
    const { socket, stream } = open();
    try {
      await stream.request('rate', { ticketId: 't' });
      expect.fail('should refuse offline');
    } catch (e) {
      expect((e as { code?: string }).code).to.equal('NETWORK');
    }
    expect(socket.sent.filter((s) => s.event === 'rate'), 'nothing is buffered for later').to.have.length(0);
    socket.up();
    socket.onEmit = (event, args) => {
      if (event === 'rate') (args[1] as (a: unknown) => void)({ ok: true });
    };
    expect(await stream.request('rate', { ticketId: 't' })).to.deep.equal({ ok: true });
    socket.onEmit = null;
    try {
      await stream.request('rate', { ticketId: 't' }, 20);
      expect.fail('should time out');
    } catch (e) {
      expect((e as { code?: string }).code).to.equal('TIMEOUT');
    }
  });

  it('ignores payloads without a numeric seq instead of throwing', () => {
    const { socket, stream } = open();
    socket.up();
    socket.fire('snapshot', { total: 3 });
    expect(stream.state).to.equal(null);
    socket.fire('snapshot', snap(1));
    socket.fire('add', { n: 5 });
    socket.fire('add', null);
    socket.fire('add', { seq: '2', n: 5 });
    expect(stream.state).to.deep.equal(snap(1));
  });

  it('turns connect errors without data into a CONNECTION_REFUSED refusal', () => {
    expect(refusalOf(new Error('nope'))).to.deep.equal({ code: 'CONNECTION_REFUSED', message: 'nope' });
    expect(refusalOf({ data: { code: 'FORBIDDEN' } })).to.deep.equal({ code: 'FORBIDDEN', message: 'FORBIDDEN' });
    expect(refusalOf(undefined)).to.deep.equal({ code: 'CONNECTION_REFUSED', message: 'connection refused' });
  });
});
