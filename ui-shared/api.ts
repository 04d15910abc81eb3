// HTTP to the hall server. Every failure becomes an ApiError with a stable code, so pages branch on codes
// and never on message text: the server's refusal codes pass through, and the client adds its own for
// what happens before an answer exists (NETWORK, TIMEOUT) or when the answer is not the API's (BAD_RESPONSE).

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** HTTP status; 0 when no answer came. */
    readonly status: number,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ApiOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  token?: string | null;
  timeoutMs?: number;
  /** Origin of the hall server; pages leave it empty (same origin). */
  base?: string;
}

export const API_PREFIX = '/api/v1';

export async function api<T>(path: string, opts: ApiOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const ctrl = new AbortController();
  const timeoutMs = opts.timeoutMs ?? 10000;
  const timer = setTimeout(() => ctrl.abort(), timeoutMs);
  let res: Response;
  try {
    res = await fetch(`${opts.base ?? ''}${API_PREFIX}${path}`, {
      method: opts.method ?? (opts.body === undefined ? 'GET' : 'POST'),
      headers,
      ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
      signal: ctrl.signal,
    });
  } catch (e) {
    clearTimeout(timer);
    if (ctrl.signal.aborted) throw new ApiError('TIMEOUT', `no answer within ${timeoutMs} ms`, 0);
    throw new ApiError('NETWORK', e instanceof Error ? e.message : 'network error', 0);
  }
  let text: string;
  try {
    text = await res.text();
  } catch (e) {
    throw new ApiError('NETWORK', e instanceof Error ? e.message : 'network error', res.status);
  } finally {
    clearTimeout(timer);
  }
  let body: unknown = undefined;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      throw new ApiError(res.ok ? 'BAD_RESPONSE' : `HTTP_${res.status}`, `not JSON (HTTP ${res.status})`, res.status);
    }
  }
  if (!res.ok) throw errorFromBody(body, res.status);
  return body as T;
}

/** Reads the API's `{error: {code, message, details?}}`; anything else still becomes a coded error. */
export function errorFromBody(body: unknown, status: number): ApiError {
  const e = (body as { error?: unknown } | null | undefined)?.error;
  if (typeof e === 'object' && e !== null) {
    const { code, message, details } = e as { code?: unknown; message?: unknown; details?: unknown };
    if (typeof code === 'string' && code) {
      return new ApiError(
        code,
        typeof message === 'string' ? message : code,
        status,
        typeof details === 'object' && details !== null ? (details as Record<string, unknown>) : undefined,
      );
    }
  }
  return new ApiError(`HTTP_${status}`, `HTTP ${status}`, status);
}

export function asApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  const code = typeof (e as { code?: unknown })?.code === 'string' ? (e as { code: string }).code : 'CLIENT_ERROR';
  return new ApiError(code, e instanceof Error ? e.message : String(e), 0);
}
