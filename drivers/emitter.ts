// A typed event emitter for the driver layers: the event map names every event and its arguments, so a
// misspelt event or a wrong payload fails to compile. A listener that throws is reported, never propagated
// into the transport or device that emitted.

export type EventMap = Record<string, unknown[]>;
type Listener<A extends unknown[]> = (...args: A) => void;

export class TypedEmitter<E extends EventMap> {
  private readonly listeners = new Map<keyof E, Set<Listener<never[]>>>();
  /** Where a throwing listener's error goes; the default drops it after writing it to stderr. */
  protected onListenerError: (err: unknown, event: string) => void = (err, event) => {
    process.emitWarning(`listener for '${event}' threw: ${(err as Error)?.message ?? String(err)}`);
  };

  on<K extends keyof E>(event: K, fn: Listener<E[K]>): this {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(fn as unknown as Listener<never[]>);
    return this;
  }

  once<K extends keyof E>(event: K, fn: Listener<E[K]>): this {
    const wrap = ((...args: E[K]) => {
      this.off(event, wrap);
      fn(...args);
    }) as Listener<E[K]>;
    return this.on(event, wrap);
  }

  off<K extends keyof E>(event: K, fn: Listener<E[K]>): this {
    this.listeners.get(event)?.delete(fn as unknown as Listener<never[]>);
    return this;
  }

  removeAllListeners(): this {
    this.listeners.clear();
    return this;
  }

  listenerCount<K extends keyof E>(event: K): number {
    return this.listeners.get(event)?.size ?? 0;
  }

  protected emit<K extends keyof E>(event: K, ...args: E[K]): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const fn of [...set]) {
      try {
        (fn as unknown as Listener<E[K]>)(...args);
      } catch (err) {
        this.onListenerError(err, String(event));
      }
    }
  }
}
