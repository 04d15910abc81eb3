// `npm run bench`: figures for the hall server, each next to a bare baseline (bench/bare-server.ts) that runs
// in its own process in the same run and gets the same load, warm-up included. It prints figures and ratios
// and writes them to bench/results.json; it asserts nothing about time.
//
//   1. call fan-out: N display clients (websocket) per server, spread over client processes; the two servers
//      take turns call by call; latency per client from just before the call request was sent to the
//      client's `call` handler, and to the last client
//   2. durable ticket issues: 32 concurrent requests, ~1 s warm-up, ~5 s measured
//   3. RSS of the server processes, idle and with the N clients connected
//
// Settings (environment, all optional): BENCH_CLIENTS (1000), BENCH_CLIENT_PROCS (2), BENCH_WARMUP_CALLS (10),
// BENCH_CALLS (100), BENCH_CONCURRENCY (32), BENCH_WARMUP_S (1), BENCH_MEASURE_S (5),
// BENCH_PROFILE_DIR (run the hall with --cpu-prof, profiles written there at exit), BENCH_KEEP_TMP=1.

import { fork, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClientCommand, ClientReport, Group } from './clients.js';
import { errorCode, freePort, JsonClient, memOf, openFilesLimit, sleep, startProcess, track, waitFor, type Mem, type ServerProcess } from './procs.js';
import { pageWeights } from './pages.js';
import { benchPick } from './pick.js';
import { monoMs, round, roundSummary, summarize, type Summary } from './stats.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');

// ------------------------------------------------------------------------------------------ settings

function intSetting(name: string, def: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return def;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min || v > max) throw new Error(`${name} must be an integer in ${min}..${max}, got "${raw}"`);
  return v;
}

const settings = {
  clients: intSetting('BENCH_CLIENTS', 1000, 1, 5000),
  clientProcs: intSetting('BENCH_CLIENT_PROCS', 2, 1, 8),
  warmupCalls: intSetting('BENCH_WARMUP_CALLS', 10, 1, 1000),
  calls: intSetting('BENCH_CALLS', 100, 1, 2000),
  concurrency: intSetting('BENCH_CONCURRENCY', 32, 1, 256),
  warmupSeconds: intSetting('BENCH_WARMUP_S', 1, 0, 60),
  measureSeconds: intSetting('BENCH_MEASURE_S', 5, 1, 120),
  /** Connections opened at once per client process, so the handshakes do not arrive as one burst. */
  connectBatch: 50,
  /** Pause after each call (and the hall's untimed /start), so calls never overlap. */
  gapMs: 50,
  /** The schema's ceiling for a section's daily capacity (config/schema.ts). */
  dailyCapacity: 99_999,
};
const profileDir = process.env.BENCH_PROFILE_DIR ? resolve(process.env.BENCH_PROFILE_DIR) : undefined;

const log = (line: string) => process.stdout.write(line + '\n');

// ------------------------------------------------------------------------------------------ client processes

/** Routes client-process reports to whoever waits for them. */
class ClientPool {
  private readonly procs: ChildProcess[] = [];
  private readonly calls = new Map<string, Extract<ClientReport, { type: 'call' }>[]>();
  private readonly waiters = new Map<string, () => void>();
  private readonly once: ((r: ClientReport, from: number) => boolean)[] = [];

  constructor(n: number) {
    for (let i = 0; i < n; i++) {
      const c = track(fork(join(here, 'clients.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
      c.on('message', (r: ClientReport) => this.onReport(r, i));
      this.procs.push(c);
    }
  }

  get size(): number {
    return this.procs.length;
  }

  private onReport(r: ClientReport, from: number): void {
    if (r.type === 'call') {
      const list = this.calls.get(r.key) ?? [];
      list.push(r);
      this.calls.set(r.key, list);
      if (list.length === this.procs.length) this.waiters.get(r.key)?.();
      return;
    }
    const i = this.once.findIndex((f) => f(r, from));
    if (i >= 0) this.once.splice(i, 1);
  }

  /** Sends a command to every process and collects one answer of `type` from each. */
  private all<T extends ClientReport['type']>(cmd: (i: number) => ClientCommand, type: T, timeoutMs: number): Promise<Extract<ClientReport, { type: T }>[]> {
    return new Promise((res, rej) => {
      const got: Extract<ClientReport, { type: T }>[] = [];
      const seen = new Set<number>();
      const timer = setTimeout(() => rej(new Error(`client processes: no "${type}" from all within ${timeoutMs} ms`)), timeoutMs);
      for (let i = 0; i < this.procs.length; i++) {
        this.once.push((r, from) => {
          if (r.type === 'error') {
            clearTimeout(timer);
            rej(new Error(`client process ${from}: ${r.message}`));
            return true;
          }
          if (r.type !== type || seen.has(from)) return false;
          seen.add(from);
          got.push(r as Extract<ClientReport, { type: T }>);
          if (got.length === this.procs.length) {
            clearTimeout(timer);
            res(got);
          }
          return true;
        });
      }
      this.procs.forEach((p, i) => p.send(cmd(i)));
    });
  }

  /** Connects `perGroup` clients to each group's URL, split over the client processes. */
  async connect(groups: Group[], perGroup: number): Promise<Map<string, { connected: number; failed: number; errors: string[] }>> {
    const share = (i: number) => Math.floor(perGroup / this.procs.length) + (i < perGroup % this.procs.length ? 1 : 0);
    const timeoutMs = 10_000;
    const ready = await this.all((i) => ({ type: 'connect', groups, count: share(i), batch: settings.connectBatch, timeoutMs }), 'ready', 5 * 60_000);
    const out = new Map<string, { connected: number; failed: number; errors: string[] }>();
    for (const g of groups) {
      const parts = ready.map((r) => r.groups.find((x) => x.name === g.name) ?? { connected: 0, failed: 0, errors: [] });
      out.set(g.name, {
        connected: parts.reduce((a, r) => a + r.connected, 0),
        failed: parts.reduce((a, r) => a + r.failed, 0),
        errors: parts.flatMap((r) => r.errors).slice(0, 5),
      });
    }
    return out;
  }

  async disconnect(): Promise<{ late: number; events: Map<string, number> }> {
    const done = await this.all(() => ({ type: 'disconnect' }), 'disconnected', 30_000);
    this.calls.clear();
    const events = new Map<string, number>();
    for (const r of done) for (const [g, n] of Object.entries(r.events)) events.set(g, (events.get(g) ?? 0) + n);
    return { late: done.reduce((a, r) => a + r.late, 0), events };
  }

  /** Receipt times of one call from every process; missing clients are counted, never waited for forever. */
  async receipts(key: string, timeoutMs: number): Promise<{ times: number[]; expected: number; complete: boolean }> {
    if ((this.calls.get(key)?.length ?? 0) < this.procs.length) {
      await new Promise<void>((res) => {
        const timer = setTimeout(res, timeoutMs);
        this.waiters.set(key, () => {
          clearTimeout(timer);
          res();
        });
      });
      this.waiters.delete(key);
    }
    const list = this.calls.get(key) ?? [];
    this.calls.delete(key);
    return { times: list.flatMap((r) => r.times), expected: list.reduce((a, r) => a + r.expected, 0), complete: list.length === this.procs.length };
  }

  async close(): Promise<void> {
    await Promise.all(
      this.procs.map(
        (p) =>
          new Promise<void>((res) => {
            if (p.exitCode !== null || p.signalCode !== null) return res();
            const timer = setTimeout(() => p.kill('SIGKILL'), 5000);
            p.once('exit', () => {
              clearTimeout(timer);
              res();
            });
            p.send({ type: 'exit' } satisfies ClientCommand);
          }),
      ),
    );
  }
}

// ------------------------------------------------------------------------------------------ the two targets

interface Target {
  name: 'hall' | 'bare';
  proc: ServerProcess;
  http: JsonClient;
  /** Socket.IO URL of the display namespace. */
  displayUrl: string;
  /** Sends one call; resolves with the key clients see as ticket.id and the HTTP round trip. */
  call(i: number): Promise<{ key: string; httpMs: number; t0: number }>;
  /** Work after a call that is not timed (the hall's /start). */
  afterCall(): Promise<void>;
  issue(i: number): Promise<{ status: number; code?: string }>;
}

function expectStatus(what: string, r: { status: number; body: unknown }, status: number): void {
  if (r.status !== status) throw new Error(`${what}: expected ${status}, got ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
}

async function startBareTarget(tmp: string): Promise<Target> {
  const dataDir = join(tmp, 'bare');
  mkdirSync(dataDir);
  const proc = startProcess('bare', ['--import', 'tsx', join(here, 'bare-server.ts')], { ...process.env, PORT: '0', BARE_DATA_FILE: join(dataDir, 'tickets.jsonl') }, root);
  const port = await waitFor(
    'bare server start',
    30_000,
    50,
    async () => {
      for (const l of proc.lines) {
        const m = /^\{"listening":(\d+)\}$/.exec(l.trim());
        if (m) return Number(m[1]);
      }
      return undefined;
    },
    () => (proc.exited() ? `exited: ${proc.stderrTail()}` : undefined),
  );
  const base = `http://127.0.0.1:${port}`;
  const http = new JsonClient(base, settings.concurrency);
  expectStatus('bare health', await http.call('GET', '/health'), 200);
  return {
    name: 'bare',
    proc,
    http,
    displayUrl: `${base}/display`,
    async call(i) {
      const key = `bare-${i}`;
      const t0 = monoMs();
      const r = await http.call('POST', '/broadcast', { id: key, number: `B${String(i % 1000).padStart(3, '0')}` });
      const httpMs = monoMs() - t0;
      expectStatus('bare broadcast', r, 200);
      return { key, httpMs, t0 };
    },
    async afterCall() {},
    async issue(i) {
      const r = await http.call('POST', '/tickets', { sectionId: `s${i % 7}` });
      return r.status === 201 ? { status: r.status } : { status: r.status, code: errorCode(r) };
    },
  };
}

/** A copy of config/ whose sections never run out of tickets during a long run. */
function benchConfig(tmp: string): string {
  const dir = join(tmp, 'config');
  // The whole folder but its TypeScript: staff.json names the demo clerks' photos under config/photos/.
  cpSync(join(root, 'config'), dir, { recursive: true, filter: (src) => !src.endsWith('.ts') });
  const file = join(dir, 'sections.json');
  const doc = JSON.parse(readFileSync(file, 'utf8')) as { sections: { dailyCapacity: number }[] };
  for (const s of doc.sections) s.dailyCapacity = settings.dailyCapacity;
  writeFileSync(file, JSON.stringify(doc, null, 2));
  return dir;
}

async function startHallTarget(tmp: string, ticketsForCalls: number): Promise<Target & { sections: string[]; windowId: string }> {
  const dataDir = join(tmp, 'hall');
  mkdirSync(dataDir);
  const port = await freePort();
  const args = ['--import', 'tsx', ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), join(root, 'server', 'main.ts')];
  const env = { ...process.env, PORT: String(port), HALL_DATA_DIR: dataDir, HALL_DEMO: '1', LOG_LEVEL: 'silent', HALL_CONFIG_DIR: benchConfig(tmp), MALLOC_MMAP_THRESHOLD_: '131072' }; // as scripts/start.mjs
  const proc = startProcess('hall', args, env, root);
  const base = `http://127.0.0.1:${port}`;
  const http = new JsonClient(base, settings.concurrency);
  await waitFor(
    'hall health',
    60_000,
    100,
    async () => ((await http.call('GET', '/api/v1/health')).status === 200 ? true : undefined),
    () => (proc.exited() ? `exited: ${proc.stderrTail()}` : undefined),
  );

  // The clerk of the first window (API.md: staffN signs in to the N-th window of GET /windows).
  const windows = await http.call('GET', '/api/v1/windows');
  expectStatus('GET /windows', windows, 200);
  const win = (windows.body as { id: string; sectionIds: string[] }[])[0];
  if (!win) throw new Error('the hall lists no windows');
  const login = await http.call('POST', '/api/v1/auth/login', { username: 'staff1', password: 'staff123', windowId: win.id });
  expectStatus('clerk login', login, 200);
  const auth = { authorization: `Bearer ${(login.body as { token: string }).token}` };

  const sectionsRes = await http.call('GET', '/api/v1/sections');
  expectStatus('GET /sections', sectionsRes, 200);
  // Sections that demand an ID card would refuse anonymous load (ID_REQUIRED) and cap each ID per day.
  const sections = (sectionsRes.body as { id: string; open: boolean; requireIdCard?: boolean }[]).filter((s) => s.open && !s.requireIdCard).map((s) => s.id);
  if (sections.length === 0) throw new Error('no section of the hall takes tickets without an ID card');
  const callSection = win.sectionIds.find((s) => sections.includes(s));
  if (!callSection) throw new Error(`window ${win.id} serves no open section`);
  for (let i = 0; i < ticketsForCalls; i++) expectStatus('pre-issue ticket', await http.call('POST', '/api/v1/tickets', { sectionId: callSection }), 201);

  return {
    name: 'hall',
    proc,
    http,
    sections,
    windowId: win.id,
    displayUrl: `${base}/display`,
    async call() {
      const t0 = monoMs();
      const r = await http.call('POST', `/api/v1/windows/${win.id}/call-next`, undefined, auth);
      const httpMs = monoMs() - t0;
      expectStatus('call-next', r, 200);
      return { key: (r.body as { ticket: { id: string } }).ticket.id, httpMs, t0 };
    },
    async afterCall() {
      expectStatus('start', await http.call('POST', `/api/v1/windows/${win.id}/start`, undefined, auth), 200);
    },
    async issue(i) {
      const r = await http.call('POST', '/api/v1/tickets', { sectionId: sections[i % sections.length] });
      return r.status === 201 ? { status: r.status } : { status: r.status, code: errorCode(r) };
    },
  };
}

// ------------------------------------------------------------------------------------------ measurements

interface FanoutResult {
  clients: number;
  failedConnects: number;
  calls: number;
  /** Per client and call: receipt − just before the request. */
  perClientMs: Summary;
  /** Per call: the first of all clients, i.e. mostly the server's own time before it emits. */
  firstClientMs: Summary;
  /** Per call: the last of all clients. */
  lastClientMs: Summary;
  /** The HTTP round trip of the call request itself. */
  httpMs: Summary;
  /** Client receipts that never came within the wait (sum over calls). */
  missed: number;
  /** Socket.IO events each client received per call (all kinds, the snapshot left out). */
  eventsPerCall: number;
  memIdle: Mem;
  memWithClients: Mem;
}

/**
 * Both servers get their clients at once and take turns call by call (the first of each pair alternating),
 * so whatever else runs on the machine weighs on both alike. Only one call is in flight at any time.
 */
async function fanout(targets: Target[], pool: ClientPool): Promise<{ results: Map<string, FanoutResult>; late: number; connectSeconds: number }> {
  const memIdle = new Map(targets.map((t) => [t.name, memOf(t.proc.pid)]));
  const c0 = monoMs();
  const conn = await pool.connect(
    targets.map((t) => ({ name: t.name, url: t.displayUrl })),
    settings.clients,
  );
  const connectSeconds = (monoMs() - c0) / 1000;
  for (const t of targets) {
    const c = conn.get(t.name)!;
    log(`  ${t.name}: ${c.connected} clients connected${c.failed ? `, ${c.failed} failed (${c.errors.join('; ')})` : ''}`);
    if (c.connected === 0) throw new Error(`${t.name}: no client could connect`);
  }

  const acc = new Map(targets.map((t) => [t.name, { perClient: [] as number[], first: [] as number[], last: [] as number[], http: [] as number[], missed: 0 }]));
  const total = settings.warmupCalls + settings.calls;
  for (let i = 0; i < total; i++) {
    const order = i % 2 === 0 ? targets : [...targets].reverse();
    for (const t of order) {
      const { key, httpMs, t0 } = await t.call(i);
      const r = await pool.receipts(key, 10_000);
      await t.afterCall();
      if (i >= settings.warmupCalls) {
        const a = acc.get(t.name)!;
        for (const at of r.times) a.perClient.push(at - t0);
        if (r.times.length > 0) {
          a.first.push(Math.min(...r.times) - t0);
          a.last.push(Math.max(...r.times) - t0);
        }
        a.http.push(httpMs);
        a.missed += conn.get(t.name)!.connected - r.times.length;
      }
      await sleep(settings.gapMs);
    }
  }
  const memWithClients = new Map(targets.map((t) => [t.name, memOf(t.proc.pid)]));
  const { late, events } = await pool.disconnect();
  const results = new Map<string, FanoutResult>();
  for (const t of targets) {
    const a = acc.get(t.name)!;
    if (a.last.length === 0) throw new Error(`${t.name}: no call reached any client`);
    results.set(t.name, {
      clients: conn.get(t.name)!.connected,
      failedConnects: conn.get(t.name)!.failed,
      calls: settings.calls,
      perClientMs: roundSummary(summarize(a.perClient)),
      firstClientMs: roundSummary(summarize(a.first)),
      lastClientMs: roundSummary(summarize(a.last)),
      httpMs: roundSummary(summarize(a.http)),
      missed: a.missed,
      eventsPerCall: round(((events.get(t.name) ?? 0) - conn.get(t.name)!.connected) / (conn.get(t.name)!.connected * total), 2),
      memIdle: memIdle.get(t.name)!,
      memWithClients: memWithClients.get(t.name)!,
    });
  }
  return { results, late, connectSeconds: round(connectSeconds, 1) };
}

interface IssueResult {
  concurrency: number;
  seconds: number;
  ok: number;
  reqPerSec: number;
  latencyMs: Summary;
  /** Refusals and failures in the measured window, by error code. */
  errors: Record<string, number>;
  /** Issued per second of the measured window: a falling series means cost grows with the day's tickets. */
  perSecond: number[];
}

async function issues(t: Target): Promise<IssueResult> {
  const start = monoMs();
  const warmEnd = start + settings.warmupSeconds * 1000;
  const end = warmEnd + settings.measureSeconds * 1000;
  const lat: number[] = [];
  const perSecond = new Array<number>(settings.measureSeconds).fill(0);
  const errors: Record<string, number> = {};
  let next = 0;
  const worker = async () => {
    // Bounded by the clock: a request starts only before the end of the measured window.
    while (monoMs() < end) {
      const i = next++;
      const t0 = monoMs();
      let r: { status: number; code?: string };
      try {
        r = await t.issue(i);
      } catch (err) {
        r = { status: 0, code: `NETWORK:${(err as Error).message.slice(0, 60)}` };
      }
      const t1 = monoMs();
      if (t1 < warmEnd || t1 > end) continue;
      if (r.status === 201) {
        lat.push(t1 - t0);
        const sec = Math.min(settings.measureSeconds - 1, Math.floor((t1 - warmEnd) / 1000));
        perSecond[sec] = (perSecond[sec] ?? 0) + 1;
      } else errors[r.code ?? `HTTP_${r.status}`] = (errors[r.code ?? `HTTP_${r.status}`] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: settings.concurrency }, worker));
  if (lat.length === 0) throw new Error(`${t.name}: no ticket issued in the measured window (${JSON.stringify(errors)})`);
  return {
    concurrency: settings.concurrency,
    seconds: settings.measureSeconds,
    ok: lat.length,
    reqPerSec: round(lat.length / settings.measureSeconds, 1),
    latencyMs: roundSummary(summarize(lat)),
    errors,
    perSecond,
  };
}

// ------------------------------------------------------------------------------------------ main

function machine() {
  const c = cpus();
  const limit = openFilesLimit();
  return {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpus: c.length,
    cpuModel: c[0]?.model.trim() ?? 'unknown',
    memTotalMB: Math.round(totalmem() / 2 ** 20),
    memFreeMB: Math.round(freemem() / 2 ** 20),
    openFilesSoft: Number.isFinite(limit.soft) ? limit.soft : 'unlimited',
    openFilesHard: Number.isFinite(limit.hard) ? limit.hard : 'unlimited',
    /** Other work on the machine skews every figure: the 1-minute load when the run started. */
    loadAvgAtStart: round(loadavg()[0]!, 2),
  };
}

interface Check {
  name: string;
  hall: number;
  bare: number | null;
  unit: string;
  ratio: number | null;
  target: string;
  met: boolean;
}

async function main(): Promise<void> {
  const facts = machine();
  log(`hall bench — ${facts.date}, node ${facts.node}, ${facts.cpus} cpus (${facts.cpuModel}), ${facts.memTotalMB} MB RAM, ulimit -n ${facts.openFilesSoft}, load ${facts.loadAvgAtStart}`);
  if (facts.loadAvgAtStart > facts.cpus) log(`warning: the machine is busy (load ${facts.loadAvgAtStart} on ${facts.cpus} cpus); tails and ratios will be noisy`);
  // Each server process holds every client socket plus its own files; each client process a share of them.
  const needed = settings.clients + 200;
  const limit = openFilesLimit().soft;
  if (limit < needed) {
    throw new Error(`ulimit -n is ${limit}; ${settings.clients} clients need at least ${needed} descriptors in the server process. Raise it (ulimit -n ${needed * 2}) or set BENCH_CLIENTS lower.`);
  }
  log(
    `settings: ${settings.clients} display clients over ${settings.clientProcs} client processes, ${settings.warmupCalls} warm-up + ${settings.calls} measured calls; ` +
      `${settings.concurrency} concurrent issues, ${settings.warmupSeconds} s warm-up + ${settings.measureSeconds} s measured`,
  );

  const tmp = mkdtempSync(join(tmpdir(), 'hall-bench-'));
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  let bare: Target | undefined;
  let hall: Awaited<ReturnType<typeof startHallTarget>> | undefined;
  let pool: ClientPool | undefined;
  const stopAll = async () => {
    await pool?.close().catch(() => undefined);
    bare?.http.close();
    hall?.http.close();
    await Promise.all([bare?.proc.stop(), hall?.proc.stop(15_000)]);
    if (process.env.BENCH_KEEP_TMP !== '1') rmSync(tmp, { recursive: true, force: true });
  };
  const onSignal = () => void stopAll().then(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    log('starting the bare server and the hall (each in its own process)…');
    bare = await startBareTarget(tmp);
    hall = await startHallTarget(tmp, settings.warmupCalls + settings.calls + 1);
    log(`  bare pid ${bare.proc.pid}, hall pid ${hall.proc.pid} (window ${hall.windowId}, ${hall.sections.length} sections without ID card)`);
    pool = new ClientPool(settings.clientProcs);

    log('1. call fan-out');
    const fan = await fanout([bare, hall], pool);
    const fanBare = fan.results.get('bare')!;
    const fanHall = fan.results.get('hall')!;
    log(`  ${2 * settings.clients} connections made in ${fan.connectSeconds} s; ${settings.warmupCalls} + ${settings.calls} calls each, taking turns`);

    log('2. durable ticket issues');
    const issBare = await issues(bare);
    log(`  bare: ${issBare.reqPerSec} req/s`);
    const issHall = await issues(hall);
    log(`  hall: ${issHall.reqPerSec} req/s`);
    const memHallAfter = memOf(hall.proc.pid);
    const memBareAfter = memOf(bare.proc.pid);

    log('3. page weights');
    const pages = await pageWeights(hall.displayUrl.replace(/\/display$/, ''));

    log('4. call-next pick on a long day (in this process; the walk of the day as the baseline)');
    const pick = benchPick();

    const ratio = (a: number, b: number) => round(a / b, 2);
    const checks: Check[] = [
      {
        name: 'call p99 (per client)',
        hall: fanHall.perClientMs.p99,
        bare: fanBare.perClientMs.p99,
        unit: 'ms',
        ratio: ratio(fanHall.perClientMs.p99, fanBare.perClientMs.p99),
        target: 'ratio ≤ 2',
        met: fanHall.perClientMs.p99 <= 2 * fanBare.perClientMs.p99,
      },
      {
        name: 'call p99 (last client)',
        hall: fanHall.lastClientMs.p99,
        bare: fanBare.lastClientMs.p99,
        unit: 'ms',
        ratio: ratio(fanHall.lastClientMs.p99, fanBare.lastClientMs.p99),
        target: 'ratio ≤ 2',
        met: fanHall.lastClientMs.p99 <= 2 * fanBare.lastClientMs.p99,
      },
      {
        name: 'ticket issues',
        hall: issHall.reqPerSec,
        bare: issBare.reqPerSec,
        unit: 'req/s',
        ratio: ratio(issHall.reqPerSec, issBare.reqPerSec),
        target: 'ratio ≥ 1',
        met: issHall.reqPerSec >= issBare.reqPerSec,
      },
      {
        name: `RSS with ${fanHall.clients} clients`,
        hall: fanHall.memWithClients.rssMB,
        bare: fanBare.memWithClients.rssMB,
        unit: 'MB',
        ratio: null,
        target: 'hall < 200 MB',
        met: fanHall.memWithClients.rssMB < 200,
      },
    ];

    const results = {
      machine: facts,
      settings: { ...settings, profiled: Boolean(profileDir) },
      fanout: { hall: fanHall, bare: fanBare, connectSeconds: fan.connectSeconds, lateReceipts: fan.late },
      issues: { hall: issHall, bare: issBare },
      memAtEnd: { hall: memHallAfter, bare: memBareAfter },
      pages,
      pick,
      loadAvgAtEnd: round(loadavg()[0]!, 2),
      checks,
    };
    writeFileSync(join(here, 'results.json'), JSON.stringify(results, null, 2) + '\n');

    const f = (s: Summary) => `p50 ${s.p50} / p99 ${s.p99} / max ${s.max} ms`;
    log('');
    log(`call fan-out, ${fanHall.clients} clients, ${settings.calls} calls:`);
    for (const [n, r] of [['hall', fanHall], ['bare', fanBare]] as const) {
      log(`  ${n}: per client ${f(r.perClientMs)}; last client ${f(r.lastClientMs)}`);
      log(`        first client p50 ${r.firstClientMs.p50} / p99 ${r.firstClientMs.p99} ms; HTTP p50 ${r.httpMs.p50} / p99 ${r.httpMs.p99} ms; ${r.eventsPerCall} events per client per call${r.missed ? `; ${r.missed} receipts missed` : ''}`);
    }
    log(`ticket issues, ${settings.concurrency} concurrent, ${settings.measureSeconds} s:`);
    for (const [n, r] of [['hall', issHall], ['bare', issBare]] as const) {
      const errs = Object.entries(r.errors).map(([k, v]) => `${k}×${v}`).join(', ');
      log(`  ${n}: ${r.reqPerSec} req/s, latency p50 ${r.latencyMs.p50} / p99 ${r.latencyMs.p99} / max ${r.latencyMs.max} ms, per second ${r.perSecond.join(' ')}${errs ? `, errors: ${errs}` : ''}`);
    }
    log(`RSS (idle → with clients → end; peak): hall ${fanHall.memIdle.rssMB} → ${fanHall.memWithClients.rssMB} → ${memHallAfter.rssMB} MB (peak ${memHallAfter.peakMB}); bare ${fanBare.memIdle.rssMB} → ${fanBare.memWithClients.rssMB} → ${memBareAfter.rssMB} MB (peak ${memBareAfter.peakMB})`);
    const kB = (n: number) => round(n / 1024, 1);
    log('page weights (HTML + JS + CSS on the wire; brotli / uncompressed; a repeat visit asks for the HTML only):');
    for (const p of pages) log(`  ${p.page}: ${kB(p.compressedBytes)} kB / ${kB(p.plainBytes)} kB; repeat ${kB(p.repeatBytes)} kB (bundle ${p.bundleCacheControl})`);
    log(`call-next pick, ${pick.tickets} tickets of which ${pick.waiting} wait: over the queued ${pick.indexedUs} µs, walking the day ${pick.walkUs} µs (${pick.ratio}×)`);
    log('');
    for (const c of checks) {
      const vs = c.bare === null ? '' : `, bare ${c.bare} ${c.unit}`;
      const r = c.ratio === null ? '' : `, ratio ${c.ratio}`;
      log(`${c.name}: hall ${c.hall} ${c.unit}${vs}${r} (target ${c.target}) ${c.met ? 'met' : 'MISSED'}`);
    }
    log(`figures written to ${join('bench', 'results.json')}`);
  } finally {
    await stopAll();
    if (profileDir) log(`hall CPU profile(s) in ${profileDir}`);
  }
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    process.stderr.write(`bench failed: ${err.message}\n`);
    process.exit(1);
  },
);
