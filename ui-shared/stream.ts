// A typed client for one Socket.IO stream of the hall: a snapshot, then events numbered by `seq`.
// It applies events in order, drops duplicates, and asks for a fresh snapshot (`resync`) on a gap, so a page
// never shows a state built from a missing event. Kept free of DOM and of socket.io-client's runtime so the
// same logic runs in Node tests with a fake socket.

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'refused' | 'closed';

export interface StreamError {
  code: string;
  message: string;
}

/** The part of a socket.io-client `Socket` the stream uses. */
export interface SocketLike {
  readonly connected: boolean;
  /** False once the socket gave up (refused by the server's middleware, or closed). */
  readonly active: boolean;
  on(event: string, listener: (...args: any[]) => void): unknown;
  emit(event: string, ...args: any[]): unknown;
  connect(): unknown;
  disconnect(): unknown;
}

type SeqPayloads<E> = { [K in keyof E]: { seq: number } };

export type Reducers<S, E> = { [K in keyof E]: (state: S, payload: E[K]) => S };

export type StreamChange<S, E> =
  | { kind: 'snapshot'; state: S; previous: S | null }
  | { [K in keyof E]: { kind: 'event'; name: K; payload: E[K]; state: S } }[keyof E]
  | { kind: 'connection'; connection: ConnectionState };

export interface StreamStats {
  snapshots: number;
  events: number;
  duplicates: number;
  gaps: number;
}

export interface StreamOptions {
  /** Ask again when a requested snapshot has not come within this time. */
  resyncRetryMs?: number;
  /**
   * When the server drops the socket on purpose (socket.io-client then stops retrying), connect again after
   * this delay. Unset: the stream stays closed.
   */
  rejoinAfterMs?: number;
}

export class Stream<S extends { seq: number }, E extends SeqPayloads<E>> {
  private current: S | null = null;
  private conn: ConnectionState = 'connecting';
  private err: StreamError | null = null;
  /** Events are dropped while a snapshot is due (after connect or after a gap). */
  private awaitingSnapshot = true;
  private resyncTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly listeners = new Set<(change: StreamChange<S, E>) => void>();
  private readonly counters: StreamStats = { snapshots: 0, events: 0, duplicates: 0, gaps: 0 };
  private readonly resyncRetryMs: number;
  private readonly rejoinAfterMs: number | undefined;
  private rejoinTimer: ReturnType<typeof setTimeout> | null = null;
  private closedByUs = false;

  constructor(
    private readonly socket: SocketLike,
    private readonly reducers: Reducers<S, E>,
    opts: StreamOptions = {},
  ) {
    this.resyncRetryMs = opts.resyncRetryMs ?? 5000;
    this.rejoinAfterMs = opts.rejoinAfterMs;
    socket.on('connect', () => {
      this.err = null;
      this.awaitingSnapshot = true;
      this.setConnection('connected');
    });
    socket.on('disconnect', () => {
      this.clearResyncTimer();
      if (this.socket.active) {
        this.setConnection('reconnecting');
      } else if (this.rejoinAfterMs !== undefined && !this.closedByUs) {
        this.setConnection('reconnecting');
        this.rejoinTimer = setTimeout(() => {
          this.rejoinTimer = null;
          if (!this.closedByUs) this.socket.connect();
        }, this.rejoinAfterMs);
      } else {
        this.setConnection('closed');
      }
    });
    socket.on('connect_error', (e: unknown) => {
      if (this.socket.active) {
        this.setConnection(this.conn === 'connecting' ? 'connecting' : 'reconnecting');
        return;
      }
      // The server's middleware refused us (auth): socket.io-client does not retry that.
      this.err = refusalOf(e);
      this.setConnection('refused');
    });
    socket.on('snapshot', (snap: S) => this.onSnapshot(snap));
    for (const name of Object.keys(reducers) as (keyof E & string)[]) {
      socket.on(name, (payload: E[typeof name]) => this.onEvent(name, payload));
    }
  }

  get state(): S | null {
    return this.current;
  }

  get connection(): ConnectionState {
    return this.conn;
  }

  /** Why the server refused the connection, when `connection` is `refused`. */
  get error(): StreamError | null {
    return this.err;
  }

  get stats(): StreamStats {
    return { ...this.counters };
  }

  subscribe(listener: (change: StreamChange<S, E>) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Emits an event that the server answers through an ack. Fails at once when offline rather than letting
   * socket.io buffer it: a citizen should see "try again", not a rating sent minutes later.
   */
  request<T>(event: string, payload: unknown, timeoutMs = 8000): Promise<T> {
    if (!this.socket.connected) return Promise.reject(streamError('NETWORK', 'not connected'));
    return new Promise<T>((resolve, reject) => {
      let done = false;
      const timer = setTimeout(() => {
        if (done) return;
        done = true;
        reject(streamError('TIMEOUT', `no answer to ${event} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.socket.emit(event, payload, (answer: T) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        resolve(answer);
      });
    });
  }

  close(): void {
    this.closedByUs = true;
    this.clearResyncTimer();
    if (this.rejoinTimer) clearTimeout(this.rejoinTimer);
    this.socket.disconnect();
    this.setConnection('closed');
    this.listeners.clear();
  }

  private onSnapshot(snap: S): void {
    if (!isSeqObject(snap)) return;
    this.clearResyncTimer();
    const previous = this.current;
    // A snapshot is the truth even when its seq is lower: the server may have restarted.
    this.current = snap;
    this.awaitingSnapshot = false;
    this.counters.snapshots++;
    this.notify({ kind: 'snapshot', state: snap, previous });
  }

  private onEvent<K extends keyof E & string>(name: K, payload: E[K]): void {
    if (!isSeqObject(payload) || this.awaitingSnapshot || !this.current) return;
    const expected = this.current.seq + 1;
    if (payload.seq < expected) {
      this.counters.duplicates++;
      return;
    }
    if (payload.seq > expected) {
      this.counters.gaps++;
      this.requestResync();
      return;
    }
    this.current = this.reducers[name](this.current, payload);
    this.counters.events++;
    this.notify({ kind: 'event', name, payload, state: this.current } as StreamChange<S, E>);
  }

  private requestResync(): void {
    this.awaitingSnapshot = true;
    this.clearResyncTimer();
    if (this.socket.connected) this.socket.emit('resync');
    // If the answer is lost, ask again; a reconnect brings a snapshot by itself.
    this.resyncTimer = setTimeout(() => {
      this.resyncTimer = null;
      if (this.awaitingSnapshot && this.socket.connected) this.requestResync();
    }, this.resyncRetryMs);
  }

  private clearResyncTimer(): void {
    if (this.resyncTimer) clearTimeout(this.resyncTimer);
    this.resyncTimer = null;
  }

  private setConnection(c: ConnectionState): void {
    if (this.conn === c) return;
    this.conn = c;
    this.notify({ kind: 'connection', connection: c });
  }

  private notify(change: StreamChange<S, E>): void {
    for (const l of [...this.listeners]) l(change);
  }
}

function isSeqObject(v: unknown): v is { seq: number } {
  return typeof v === 'object' && v !== null && Number.isInteger((v as { seq?: unknown }).seq);
}

function streamError(code: string, message: string): Error & StreamError {
  return Object.assign(new Error(message), { code });
}

/** The server puts `{code, message}` in the connect_error's `data`; anything else is reported as refused. */
export function refusalOf(e: unknown): StreamError {
  const data = (e as { data?: unknown } | null)?.data;
  if (typeof data === 'object' && data !== null) {
    const { code, message } = data as { code?: unknown; message?: unknown };
    if (typeof code === 'string') return { code, message: typeof message === 'string' ? message : code };
  }
  const message = e instanceof Error ? e.message : 'connection refused';
  return { code: 'CONNECTION_REFUSED', message };
}
