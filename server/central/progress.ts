// Progress queries from kiosks, answered through the hall server: a short cache in front of the central
// system (many citizens ask about the same case while it sits in one stage), and a clear answer when the
// central system cannot be reached, with the last known progress if there is one.

import type { CentralClient, QueryResult } from './client.js';
import type { Progress } from './contract.js';
import type { CentralContract } from './openapi.js';

/** The contract checker, loaded on the first answer to check (it compiles schemas: not at start-up). */
async function loadContract(): Promise<CentralContract> {
  const { CentralContract: C } = await import('./openapi.js');
  return C.load();
}

export type ProgressAnswer<T> =
  /** `cached`: served from the cache, fetched at `fetchedAt`. */
  | { available: true; cached: boolean; fetchedAt: string; result: T }
  | { available: true; notFound: true }
  | {
      available: false;
      code: 'CENTRAL_UNREACHABLE' | 'CENTRAL_NOT_CONFIGURED' | 'CENTRAL_REFUSED';
      message: string;
      retryAfterSeconds: number;
      /** The last answer known, if any, and when it was fetched. */
      stale?: { fetchedAt: string; result: T };
    };

interface CacheEntry {
  at: number;
  value: unknown;
}

export interface ProgressServiceOptions {
  client: CentralClient | null;
  cacheSeconds: number;
  now: () => number;
  /** Entries kept; the oldest go first. */
  maxEntries?: number;
}

const MESSAGES = {
  CENTRAL_UNREACHABLE: '中心审批系统暂时无法连接，请稍后再试 / the central approval system cannot be reached now; please try again later',
  CENTRAL_NOT_CONFIGURED: '本大厅尚未连接中心审批系统 / this hall is not connected to the central approval system',
  CENTRAL_REFUSED: '中心审批系统拒绝了查询 / the central approval system refused the query',
} as const;

export class ProgressService {
  private readonly o: ProgressServiceOptions;
  private readonly fresh = new Map<string, CacheEntry>();
  /** Last good answers, kept past their freshness for the unreachable case. */
  private readonly known = new Map<string, CacheEntry>();
  /** Queries in flight: concurrent askers share one request. */
  private readonly flying = new Map<string, Promise<ProgressAnswer<unknown>>>();
  /** Requests that actually went to the central system (tests read it to see the cache work). */
  centralRequests = 0;

  constructor(o: ProgressServiceOptions) {
    this.o = o;
  }

  byReceipt(receiptNo: string): Promise<ProgressAnswer<Progress>> {
    return this.ask(`r:${receiptNo}`, 'progressByReceipt', (c) => c.progressByReceipt(receiptNo), (v) => ({ progress: v })) as Promise<ProgressAnswer<Progress>>;
  }

  /** `identity` is the keyed hash of the ID number: the cache never holds the number itself. */
  byIdNumber(identity: string, idNumber: string): Promise<ProgressAnswer<Progress[]>> {
    return this.ask(`i:${identity}`, 'progressSearch', (c) => c.progressSearch(idNumber), (v) => ({ cases: v })) as Promise<ProgressAnswer<Progress[]>>;
  }

  private ask<T>(key: string, op: string, call: (c: CentralClient) => Promise<QueryResult<T>>, envelope: (v: T) => unknown): Promise<ProgressAnswer<T>> {
    const now = this.o.now();
    const hit = this.fresh.get(key);
    if (hit && now - hit.at < this.o.cacheSeconds * 1000) {
      return Promise.resolve(hit.value === NOT_FOUND ? { available: true, notFound: true } : { available: true, cached: true, fetchedAt: new Date(hit.at).toISOString(), result: hit.value as T });
    }
    const inFlight = this.flying.get(key);
    if (inFlight) return inFlight as Promise<ProgressAnswer<T>>;
    const p = this.fetch(key, op, call, envelope).finally(() => this.flying.delete(key));
    this.flying.set(key, p as Promise<ProgressAnswer<unknown>>);
    return p;
  }

  private async fetch<T>(key: string, op: string, call: (c: CentralClient) => Promise<QueryResult<T>>, envelope: (v: T) => unknown): Promise<ProgressAnswer<T>> {
    const client = this.o.client;
    if (!client) return this.unavailable<T>(key, 'CENTRAL_NOT_CONFIGURED');
    this.centralRequests++;
    const r = await call(client);
    const at = this.o.now();
    if (r.ok) {
      // Whatever the central system answers reaches a kiosk only if it matches the contract.
      if ((await loadContract()).checkResponse(op, 200, envelope(r.value)).length > 0) return this.unavailable<T>(key, 'CENTRAL_REFUSED');
      this.remember(key, at, r.value);
      return { available: true, cached: false, fetchedAt: new Date(at).toISOString(), result: r.value };
    }
    if (r.reason === 'not_found') {
      this.remember(key, at, NOT_FOUND);
      return { available: true, notFound: true };
    }
    return this.unavailable<T>(key, r.reason === 'refused' ? 'CENTRAL_REFUSED' : 'CENTRAL_UNREACHABLE');
  }

  private unavailable<T>(key: string, code: 'CENTRAL_UNREACHABLE' | 'CENTRAL_NOT_CONFIGURED' | 'CENTRAL_REFUSED'): ProgressAnswer<T> {
    const last = this.known.get(key);
    return {
      available: false,
      code,
      message: MESSAGES[code],
      retryAfterSeconds: Math.max(5, this.o.cacheSeconds),
      ...(last && last.value !== NOT_FOUND ? { stale: { fetchedAt: new Date(last.at).toISOString(), result: last.value as T } } : {}),
    };
  }

  private remember(key: string, at: number, value: unknown): void {
    const max = this.o.maxEntries ?? 2000;
    for (const m of [this.fresh, this.known]) {
      m.delete(key);
      m.set(key, { at, value });
      while (m.size > max) m.delete(m.keys().next().value!);
    }
  }
}

const NOT_FOUND = Symbol('not found');
