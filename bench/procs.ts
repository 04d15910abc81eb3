// Process and HTTP plumbing for the bench: child servers that are always stopped, readiness polling,
// RSS from /proc, a keep-alive JSON client, and the machine's file-descriptor limit.

import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request, Agent } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';

const children = new Set<ChildProcess>();
// Whatever happens to the bench, its servers and client processes do not outlive it.
process.on('exit', () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

export function track(c: ChildProcess): ChildProcess {
  children.add(c);
  c.once('exit', () => children.delete(c));
  return c;
}

export interface ServerProcess {
  name: string;
  child: ChildProcess;
  pid: number;
  /** Lines the process printed on stdout so far. */
  lines: string[];
  /** The last few KB of stderr, for error messages. */
  stderrTail(): string;
  exited(): boolean;
  stop(timeoutMs?: number): Promise<void>;
}

export function startProcess(name: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): ServerProcess {
  const child = track(spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] }));
  if (child.pid === undefined) throw new Error(`${name}: could not spawn`);
  const lines: string[] = [];
  let partial = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    const parts = (partial + d).split('\n');
    partial = parts.pop() ?? '';
    for (const l of parts) if (lines.length < 1000) lines.push(l);
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    err = (err + d).slice(-4096);
  });
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  return {
    name,
    child,
    pid: child.pid,
    lines,
    stderrTail: () => err.trim(),
    exited,
    async stop(timeoutMs = 5000) {
      if (exited()) return;
      const done = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await done;
      clearTimeout(timer);
    },
  };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Waits until `check` returns a value, polling every `everyMs`, for at most `timeoutMs`. */
export async function waitFor<T>(what: string, timeoutMs: number, everyMs: number, check: () => Promise<T | undefined>, alive?: () => string | undefined): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const dead = alive?.();
    if (dead) throw new Error(`${what}: ${dead}`);
    const v = await check().catch(() => undefined);
    if (v !== undefined) return v;
    await sleep(everyMs);
  }
  throw new Error(`${what}: not ready after ${timeoutMs} ms`);
}

/** A port free right now on loopback (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => res(port));
    });
  });
}

export interface Mem {
  rssMB: number;
  peakMB: number;
}

/** VmRSS and VmHWM (peak RSS) of a process, from /proc/<pid>/status. */
export function memOf(pid: number): Mem {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    if (!m) throw new Error(`/proc/${pid}/status has no ${field}`);
    return Number(m[1]);
  };
  return { rssMB: Math.round(kb('VmRSS') / 102.4) / 10, peakMB: Math.round(kb('VmHWM') / 102.4) / 10 };
}

/** The soft and hard "Max open files" of this process (children inherit them). */
export function openFilesLimit(): { soft: number; hard: number } {
  const text = readFileSync('/proc/self/limits', 'utf8');
  const m = /^Max open files\s+(\S+)\s+(\S+)/m.exec(text);
  const n = (v: string | undefined) => (v === undefined || v === 'unlimited' ? Infinity : Number(v));
  return { soft: n(m?.[1]), hard: n(m?.[2]) };
}

export interface JsonResponse {
  status: number;
  body: unknown;
}

/** A small JSON client over a keep-alive agent, so connection setup stays out of the timings. */
export class JsonClient {
  readonly agent: Agent;

  constructor(
    readonly base: string,
    maxSockets: number,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets });
  }

  call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<JsonResponse> {
    const url = new URL(path, this.base);
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise((res, rej) => {
      const req = request(
        url,
        {
          method,
          agent: this.agent,
          headers: { ...headers, ...(data ? { 'content-type': 'application/json', 'content-length': String(data.length) } : {}) },
          timeout: 30_000,
        },
        (r) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('error', rej);
          r.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {
              // Not JSON: keep the text for the error message.
            }
            res({ status: r.statusCode ?? 0, body: parsed });
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${url.pathname}: no answer in 30 s`)));
      req.on('error', rej);
      req.end(data);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** The error code of a structured error body, or the HTTP status when there is none. */
export function errorCode(r: JsonResponse): string {
  const code = (r.body as { error?: { code?: unknown } } | undefined)?.error?.code;
  return typeof code === 'string' ? code : `HTTP_${r.status}`;
}
