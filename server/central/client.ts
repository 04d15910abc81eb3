// The hall's HTTP client of the central approval system (docs/central-api.yaml). As the outbox's sender it
// turns each answer into "delivered", "retry later" or "refused for good"; for progress queries it returns
// the answer or a typed failure, never throws.

import type { OutboxItem, OutboxSender, SendResult } from './outbox.js';
import { PUSH_PATHS, type Progress } from './contract.js';

export interface CentralClientOptions {
  /** Base URL, e.g. http://central.example:8091 (paths start with /v1). */
  url: string;
  apiKey: string;
  hallCode: string;
  /** Per request. */
  timeoutMs: number;
  fetch?: typeof fetch;
}

export type QueryResult<T> =
  | { ok: true; value: T }
  | { ok: false; reason: 'not_found' }
  | { ok: false; reason: 'unreachable' | 'refused'; code: string; message: string };

/** What the outbox needs to know about an answer's status: retried or not. */
export function isRetryable(status: number): boolean {
  return status === 401 || status === 403 || status === 408 || status === 429 || status >= 500;
}

function errorText(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    if (err.name === 'TimeoutError' || err.name === 'AbortError') return 'request timed out or was aborted';
    return cause?.code ? `${err.message} (${cause.code})` : err.message;
  }
  return String(err);
}

function retryAfterMs(h: string | null): number | undefined {
  if (!h) return undefined;
  const s = Number(h);
  if (Number.isFinite(s) && s >= 0) return Math.min(s, 3600) * 1000;
  const at = Date.parse(h);
  return Number.isFinite(at) ? Math.max(0, Math.min(at - Date.now(), 3_600_000)) : undefined;
}

async function errorOf(res: Response): Promise<{ code: string; message: string }> {
  try {
    const body = (await res.json()) as { error?: { code?: unknown; message?: unknown } };
    if (body?.error && typeof body.error.code === 'string') {
      return { code: body.error.code, message: typeof body.error.message === 'string' ? body.error.message : '' };
    }
  } catch {
    // Not JSON: the status says enough.
  }
  return { code: `HTTP_${res.status}`, message: res.statusText || `HTTP ${res.status}` };
}

export class CentralClient implements OutboxSender {
  private readonly o: CentralClientOptions;
  private readonly base: string;
  private readonly doFetch: typeof fetch;

  constructor(o: CentralClientOptions) {
    this.o = o;
    this.base = o.url.replace(/\/+$/, '');
    this.doFetch = o.fetch ?? fetch;
  }

  get url(): string {
    return this.base;
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { authorization: `Bearer ${this.o.apiKey}`, 'x-hall-code': this.o.hallCode, accept: 'application/json', ...extra };
  }

  private signal(outer?: AbortSignal): AbortSignal {
    const t = AbortSignal.timeout(this.o.timeoutMs);
    return outer ? AbortSignal.any([outer, t]) : t;
  }

  async send(item: OutboxItem, signal: AbortSignal): Promise<SendResult> {
    let res: Response;
    try {
      res = await this.doFetch(this.base + PUSH_PATHS[item.kind], {
        method: 'POST',
        headers: this.headers({ 'content-type': 'application/json', 'idempotency-key': item.idempotencyKey }),
        body: JSON.stringify(item.payload),
        signal: this.signal(signal),
      });
    } catch (err) {
      return { ok: false, retry: true, code: 'CENTRAL_UNREACHABLE', message: errorText(err) };
    }
    if (res.status === 200 || res.status === 201) {
      let duplicate = res.headers.get('idempotent-replayed') === 'true';
      try {
        duplicate ||= ((await res.json()) as { duplicate?: unknown }).duplicate === true;
      } catch {
        // A 2xx is a recording, whatever its body.
      }
      return { ok: true, duplicate };
    }
    const e = await errorOf(res);
    // Central holds a newer revision of this case: the older one is obsolete, not a fault for the manager.
    if (res.status === 409 && e.code === 'STALE_REVISION') return { ok: true, superseded: true };
    const ra = retryAfterMs(res.headers.get('retry-after'));
    return { ok: false, retry: isRetryable(res.status), code: e.code, message: `HTTP ${res.status}: ${e.message}`, ...(ra !== undefined ? { retryAfterMs: ra } : {}) };
  }

  private async query<T>(path: string, init: RequestInit = {}): Promise<QueryResult<T>> {
    let res: Response;
    try {
      res = await this.doFetch(this.base + path, { ...init, headers: this.headers(init.body ? { 'content-type': 'application/json' } : {}), signal: this.signal() });
    } catch (err) {
      return { ok: false, reason: 'unreachable', code: 'CENTRAL_UNREACHABLE', message: errorText(err) };
    }
    if (res.status === 404) {
      const e = await errorOf(res);
      // A 404 without the contract's error body means the URL is wrong, not that the case is unknown.
      return e.code.startsWith('HTTP_') ? { ok: false, reason: 'refused', ...e } : { ok: false, reason: 'not_found' };
    }
    if (!res.ok) {
      const e = await errorOf(res);
      return { ok: false, reason: isRetryable(res.status) ? 'unreachable' : 'refused', code: e.code, message: `HTTP ${res.status}: ${e.message}` };
    }
    try {
      return { ok: true, value: (await res.json()) as T };
    } catch (err) {
      return { ok: false, reason: 'unreachable', code: 'CENTRAL_BAD_ANSWER', message: errorText(err) };
    }
  }

  async progressByReceipt(receiptNo: string): Promise<QueryResult<Progress>> {
    const r = await this.query<{ progress: Progress }>(`/v1/progress?receiptNo=${encodeURIComponent(receiptNo)}`);
    return r.ok ? { ok: true, value: r.value.progress } : r;
  }

  async progressByCase(caseId: string): Promise<QueryResult<Progress>> {
    const r = await this.query<{ progress: Progress }>(`/v1/cases/${encodeURIComponent(caseId)}/progress`);
    return r.ok ? { ok: true, value: r.value.progress } : r;
  }

  async progressSearch(idNumber: string): Promise<QueryResult<Progress[]>> {
    const r = await this.query<{ cases: Progress[] }>('/v1/progress/search', { method: 'POST', body: JSON.stringify({ idNumber }) });
    return r.ok ? { ok: true, value: r.value.cases } : r;
  }

  async health(): Promise<QueryResult<{ status: string; time: string }>> {
    return this.query('/v1/health');
  }
}
