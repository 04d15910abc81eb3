// Starts the real hall server for a test: a free port, a fresh temp data directory, demo mode, silent logs.

import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startHall, type RunningHall, type StartOptions } from '../../server/main.js';
import { createLogger } from '../../server/log.js';
import type { CentralOverrides } from '../../server/central/setup.js';

export interface TestHall {
  url: string;
  dataDir: string;
  running: RunningHall;
  close(opts?: { keepData?: boolean }): Promise<void>;
}

export async function tempDir(prefix = 'hall-test-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function startTestHall(
  opts: { dataDir?: string; now?: () => number; demo?: boolean; configDir?: string; onFatal?: (e: Error) => void; start?: Partial<StartOptions>; central?: CentralOverrides } = {},
): Promise<TestHall> {
  const dataDir = opts.dataDir ?? (await tempDir());
  const running = await startHall({
    dataDir,
    port: 0,
    host: '127.0.0.1',
    demo: opts.demo ?? true,
    log: createLogger({ destination: null }),
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.configDir ? { configDir: opts.configDir } : {}),
    onFatal: opts.onFatal ?? ((e) => { throw e; }),
    // The demo's mock central system on any free port, so test halls never compete for the usual one.
    central: { mockPort: 0, ...opts.central },
    ...opts.start,
  });
  return {
    url: running.url,
    dataDir,
    running,
    async close(c = {}) {
      await running.close();
      if (!c.keepData) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A free port below the kernel's ephemeral range (32768+ here), for a server that must come back on the same
 * port after a restart: while it is down, no outgoing connection can borrow a port outside that range.
 */
export async function stablePort(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = 20000 + Math.floor(Math.random() * 12000);
    const ok = await new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (ok) return port;
  }
  return freePort();
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface ApiAnswer<T = any> {
  status: number;
  body: T;
}

/** JSON over HTTP as a client sends it; `raw` sends the body string as is (for malformed-input tests). */
export async function api<T = any>(
  base: string,
  method: string,
  path: string,
  opts: { body?: unknown; raw?: string; token?: string; headers?: Record<string, string> } = {},
): Promise<ApiAnswer<T>> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.body !== undefined || opts.raw !== undefined) headers['content-type'] ??= 'application/json';
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const res = await fetch(base + path, {
    method,
    headers,
    ...(opts.raw !== undefined ? { body: opts.raw } : opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* keep text */
  }
  return { status: res.status, body: body as T };
}

export async function login(base: string, username: string, password: string, windowId?: string): Promise<string> {
  const r = await api(base, 'POST', '/api/v1/auth/login', { body: { username, password, ...(windowId ? { windowId } : {}) } });
  if (r.status !== 200) throw new Error(`login ${username} failed: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.token as string;
}

/**
 * The demo hall as its own process (`node --import tsx server/main.ts`), for tests that kill it with -9.
 * Resolves once /health answers; `env` adds to or overrides the demo environment.
 */
export async function spawnHallProcess(dataDir: string, port: number, env: Record<string, string> = {}): Promise<ChildProcess> {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'server', 'main.ts')], {
    cwd: root,
    env: { ...process.env, PORT: String(port), HALL_DATA_DIR: dataDir, HALL_DEMO: '1', LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  const end = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`hall exited early (${child.exitCode}): ${stderr}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/api/v1/health`)).ok) return child;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > end) throw new Error(`hall did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
