// The composition root: the one place that reads the environment and config/, builds the store, the hall,
// the servers, and wires them. Everything else receives what it needs.

import { createServer, type Server as HttpServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile, chmod } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { loadConfig, configDir as defaultConfigDir, type HallConfig } from '../config/schema.js';
import { Accounts } from './auth/accounts.js';
import { Hall } from './hall/hall.js';
import { localDay } from './hall/index.js';
import { toIso } from './hall/calendar.js';
import { AgentHub } from './devices/agents.js';
import { caseIdentitiesOf, windowSlipPrinterOf } from './devices/adapters.js';
import { kioskPrintingOf } from './devices/kiosk.js';
import { DeviceService, IDENTITY_TTL_MS } from './devices/service.js';
import type { BuildOptions } from '../drivers/factory.js';
import { HallCaseProgress, kioskCardNumber, type HallCaseStore } from './kiosk/progress.js';
import { DeviceStreams } from './devices/streams.js';
import { createRequestListener, PAGES } from './http/app.js';
import { createLogger, type Logger } from './log.js';
import { Realtime } from './realtime/streams.js';
import { Views } from './views.js';
import { Manager } from './manager/index.js';
import { followEditedSetup, setupFingerprint } from './hall/setup-source.js';
import { resolveDeviceSettings } from './manager/devices.js';
import { deviceFileHashes } from '../config/devices.js';
import { NO_LEDBARS } from '../config/ledbars.js';
import { StaffPhotos } from './manager/photos.js';
import { photoRoutes } from './manager/photo-routes.js';
import { loadCasesConfig } from './cases/config.js';
import { startCases } from './cases/index.js';
import type { CaseOutbox, Cases } from './cases/service.js';
import { type WindowDevices, windowDevices } from './cases/devices.js';
import { parseCaseKey } from './cases/seal.js';
import { LedbarService } from './ledbar/service.js';
import { findVoicePack, loadVoicePack } from './voice/pack.js';
import { voiceRouter } from './voice/routes.js';
import { DocscanService } from './docscan/service.js';
import { docscanRouter } from './docscan/routes.js';
import { caseScannerOf } from './docscan/cases.js';
import { startWindowDesk } from './cases/desk.js';
import { setUpCentral, type CentralOverrides, type CentralSetup } from './central/setup.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface StartOptions {
  dataDir: string;
  /** How often the device list's moving counters go to managers (default 5 s; tests set it long). */
  devicesPushMs?: number;
  port?: number;
  host?: string;
  demo?: boolean;
  configDir?: string;
  uiDir?: string;
  log?: Logger;
  now?: () => number;
  /** Key sealing case data at rest (HALL_CASE_KEY); default: `case.key` generated in the data dir. */
  caseKey?: Buffer;
  /** CJK font for case documents (HALL_PDF_FONT, 'file' or 'file#PostScriptName'). */
  pdfFont?: string;
  /** Where closed cases go for the central approval system (the central outbox). */
  caseOutbox?: CaseOutbox;
  /** The windows' ID-card readers and slip printers for case capture. */
  caseDevices?: WindowDevices;
  /** Where a fatal store error goes; the CLI exits, tests observe. */
  onFatal?: (err: Error) => void;
  /** Central approval system link: URL, key, retry timings (config `central` otherwise). */
  central?: CentralOverrides;
  /** 32 bytes sealing the outbox's payloads; default: a key kept in the data folder (`outbox.key`). */
  outboxKey?: Buffer;
  /** How device links are made (tests: a SerialPortMock factory, a fake HID source); default the real ones. */
  deviceBuild?: BuildOptions;
}

export interface RunningHall {
  url: string;
  port: number;
  hall: Hall;
  config: HallConfig;
  realtime: Realtime;
  accounts: Accounts;
  manager: Manager;
  /** Clerks' photos (pad, window screen). */
  photos: StaffPhotos;
  cases: Cases;
  http: HttpServer;
  devices: DeviceService;
  /** The central approval system link (outbox, progress) and the demo's mock central system, if started. */
  central: CentralSetup;
  /** The demo accounts, one line each, for the start banner (empty outside demo mode). */
  demoLines: string[];
  close(): Promise<void>;
}

/** A per-hall secret kept beside the data: it keys identity hashes and signs tokens. */
async function loadSecret(dataDir: string, name: string): Promise<Buffer> {
  const file = join(dataDir, name);
  try {
    const b = Buffer.from((await readFile(file, 'utf8')).trim(), 'base64');
    if (b.length >= 32) return b;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const b = randomBytes(32);
  await writeFile(file, b.toString('base64') + '\n', { mode: 0o600, flag: 'w' });
  await chmod(file, 0o600);
  return b;
}

async function ensureAccounts(accounts: Accounts, config: HallConfig, demo: boolean, dataDir: string, log: Logger): Promise<string[]> {
  if (!demo) {
    const removed = await accounts.removeDemoAccounts();
    if (removed) log.info({ removed }, 'demo accounts removed outside demo mode');
    if (!accounts.list().some((a) => a.role === 'admin')) {
      const password = randomBytes(12).toString('base64url');
      await accounts.add({ username: 'admin', password, role: 'admin', name: '管理员', staffNo: 'ADMIN' });
      const file = join(dataDir, 'initial-admin-password');
      await writeFile(file, password + '\n', { mode: 0o600 });
      log.warn({ file }, 'created the admin account; its first password is in this file');
    }
    return [];
  }
  const lines: string[] = [];
  if (!accounts.find('admin')) await accounts.add({ username: 'admin', password: 'admin123', role: 'admin', name: '演示管理员', staffNo: 'ADMIN', demo: true });
  lines.push('manager  admin / admin123');
  // API.md: staffN is the clerk of the N-th window that GET /windows lists.
  const windows = config.setup.windows;
  for (let i = 0; i < windows.length; i++) {
    const username = `staff${i + 1}`;
    const person = config.staff.find((s) => s.id === username);
    if (!accounts.find(username)) {
      await accounts.add({
        username,
        password: 'staff123',
        role: 'clerk',
        name: person?.name ?? `工作人员${i + 1}`,
        staffNo: person?.staffNo ?? `S${String(i + 1).padStart(3, '0')}`,
        demo: true,
      });
    }
    lines.push(`clerk    ${username} / staff123  window ${windows[i]!.id} (${windows[i]!.number}号窗口)`);
  }
  return lines;
}

/** The configured clip pack, or null (announcements then stay silent and the display says so). */
function openVoicePack(name: string, dirs: string[], log: Logger): { name: string; loaded: ReturnType<typeof loadVoicePack> } | null {
  const dir = findVoicePack(name, dirs);
  if (!dir) {
    log.warn({ pack: name, looked: dirs }, 'voice pack not found; announcements will be silent');
    return null;
  }
  try {
    const loaded = loadVoicePack(dir);
    if (loaded.missing.length > 0) log.warn({ pack: name, missing: loaded.missing }, 'voice pack lacks clips; those tokens are skipped');
    return { name, loaded };
  } catch (err) {
    log.error({ pack: name, err: (err as Error).message }, 'voice pack unusable; announcements will be silent');
    return null;
  }
}

export async function startHall(opts: StartOptions): Promise<RunningHall> {
  const log = opts.log ?? createLogger();
  const demo = opts.demo ?? true;
  const dataDir = resolve(opts.dataDir);
  await mkdir(dataDir, { recursive: true });
  const config = loadConfig(opts.configDir ?? defaultConfigDir);

  const tokenSecret = await loadSecret(dataDir, 'token.key');
  const idSecret = await loadSecret(dataDir, 'identity.key');
  const accounts = await Accounts.open(join(dataDir, 'accounts.json'), tokenSecret, opts.now ? { now: opts.now } : {});
  const demoLines = await ensureAccounts(accounts, config, demo, dataDir, log);
  // Outside demo mode a kiosk takes tickets only with its device key (hall.json kiosks[].key).
  if (!demo) for (const k of config.kiosks) if (!k.key) log.warn({ kiosk: k.id }, 'kiosk has no key: it cannot take tickets outside demo mode');

  const setupSource = setupFingerprint(config.setup);
  const hall = await Hall.open({
    dataDir,
    setup: config.setup,
    setupSource,
    log,
    ...(opts.now ? { now: opts.now } : {}),
    newCode: () => randomBytes(5).toString('hex').toUpperCase(),
    onFatal: opts.onFatal ?? ((err) => {
      log.fatal({ err: err.message }, 'exiting so the journal can be replayed cleanly');
      process.exit(70);
    }),
  });

  // A setup changed live stands in for config/'s while those files are unchanged, as device settings do.
  const setupAtStart = await followEditedSetup(hall, config.setup, setupSource, log);

  // Device settings saved from the manager stand in for their config files while those files are unchanged.
  const deviceSources = deviceFileHashes(opts.configDir ?? defaultConfigDir);
  const inForce = await resolveDeviceSettings({
    dataDir,
    configured: { devices: config.devices, ledbars: config.ledbars, docscan: config.docscan },
    sources: deviceSources,
    places: { kiosks: config.kiosks.map((k) => k.id), windows: hall.setup.windows.map((w) => w.id) },
    windows: hall.setup.windows,
    log,
    now: hall.now,
  });
  const devices = new DeviceService({ config: inForce.devices, idSecret, log, ...(opts.now ? { now: opts.now } : {}), ...(opts.deviceBuild ? { build: opts.deviceBuild } : {}) });
  // The case module starts after the central link (it hands cases to the link's outbox): bound late.
  let caseStore: HallCaseStore | null = null;
  let central: CentralSetup;
  try {
    central = await setUpCentral({
      config: config.central,
      ...(opts.central ? { overrides: opts.central } : {}),
      hallCode: config.hall.code,
      demo,
      dataDir,
      hall,
      accounts,
      log,
      sealKey: opts.outboxKey ?? (await loadSecret(dataDir, 'outbox.key')),
      idSecret,
      cardIdentity: kioskCardNumber(devices),
      hallCases: new HallCaseProgress(() => caseStore),
      ...(opts.now ? { now: opts.now } : {}),
    });
  } catch (err) {
    await hall.close();
    throw err;
  }
  const caseKey = opts.caseKey ?? (await loadSecret(dataDir, 'case.key'));
  const docscan = inForce.docscan
    ? new DocscanService({ config: inForce.docscan, windows: hall.setup.windows, hall, dataDir, hallName: config.hall.name, log, sealKey: caseKey, ...(opts.now ? { now: opts.now } : {}) })
    : null;
  const caseModule = await startCases({
    dataDir,
    hall,
    config,
    settings: loadCasesConfig(opts.configDir ?? defaultConfigDir),
    accounts,
    log,
    key: caseKey,
    ...(opts.caseDevices ? windowDevices(opts.caseDevices) : { identities: caseIdentitiesOf(devices), printer: windowSlipPrinterOf(devices) }),
    ...(opts.pdfFont ? { pdfFont: opts.pdfFont } : {}),
    // Closed cases go to the central approval system through the outbox; the case module writes the contract's shape.
    outbox: opts.caseOutbox ?? central.link.outbox,
    // Accepted cases are followed into the back office until central reports them done.
    ...(central.link.client ? { progress: central.link.client } : {}),
    ...(docscan ? { scanner: caseScannerOf(docscan) } : {}),
  });
  caseStore = caseModule.cases;

  const views = new Views(config, () => hall.setup);
  const photos = await StaffPhotos.open(join(dataDir, 'photos'), opts.now ? { now: opts.now } : {});
  views.setClerkPhotos((clerkId) => photos.urlOf(clerkId));
  // staff.json may name a portrait per clerk (the demo's drawn ones): stored for accounts that exist.
  const seeds = config.staff.flatMap((s) => (s.photo && accounts.find(s.id) ? [{ username: s.id, file: s.photo }] : []));
  await photos.retainOnly(accounts.list().map((a) => a.username));
  const seeded = await photos.seed(seeds);
  for (const f of seeded.failed) log.warn({ account: f.username, file: f.file, err: f.message }, 'staff photo from staff.json not usable; the pad shows the initial');
  const startedAt = Date.now();
  const manager = await Manager.open({ hall, config, dataDir, log, pdf: caseModule.pdf });
  if (setupAtStart.inForce === 'files') await manager.record('system', 'setup.files', setupAtStart.summary);
  if ('refused' in setupAtStart) await manager.record('system', 'setup.files-refused', setupAtStart.refused.message);
  // Always there, so LED buses can be added live to a hall whose config has none yet.
  const ledbars = new LedbarService({ config: inForce.ledbars ?? NO_LEDBARS(), windows: hall.setup.windows, log, ...(opts.now ? { now: opts.now } : {}), ...(opts.deviceBuild ? { build: opts.deviceBuild } : {}) });
  const voice = openVoicePack(config.voice.pack, [join(dataDir, 'voice'), join(root, 'assets', 'voice')], log);
  // LED buses and document scanners join the registry: GET /devices, health events, /sim/devices/:id/*.
  ledbars.attachRegistry(devices);
  docscan?.attachRegistry(devices);
  const listener = createRequestListener({
    hall,
    views,
    accounts,
    config,
    log,
    demo,
    idSecret,
    uiDir: opts.uiDir ?? join(root, 'dist', 'ui'),
    startedAt,
    manager,
    routes: [
      caseModule.router,
      voiceRouter(voice, config.voice.repeat),
      photoRoutes({ photos, accounts, audit: manager }),
      ...(docscan ? [docscanRouter({ service: docscan, accounts, windows: () => hall.setup.windows })] : []),
    ],
    devices,
    kioskPrinting: kioskPrintingOf(devices),
    central: central.link,
  });
  const http = createServer(listener);
  const realtime = new Realtime(http, { hall, views, accounts, log });
  accounts.onRevoked((username) => realtime.disconnectUser(username));
  photos.onChange(() => realtime.refreshWindows());
  realtime.setManagerExtra(() => ({ alerts: manager.alertsPayload(), central: central.link.status(), supervision: caseModule.cases.supervision(hall.now(), manager.thresholds.caseWarnDays), devices: devices.list() }));
  manager.alerts.onChange(() => realtime.emitManager('alerts', { ...manager.alertsPayload() }));
  caseModule.superviseTo((report) => realtime.emitManager('supervision', { report }), () => manager.thresholds.caseWarnDays);
  const deviceStreams = new DeviceStreams(realtime.io, { devices, hall, accounts, log, demo, kiosks: config.kiosks, emitManager: (n, b) => realtime.emitManager(n, b), ...(opts.devicesPushMs ? { pushEveryMs: opts.devicesPushMs } : {}) });
  // The console hears its own window's card reader and code scanner (/desk).
  startWindowDesk(realtime.io, {
    subscribe: (h) => {
      devices.on('identity', h.identity);
      devices.on('cardError', h.cardError);
      devices.on('scan', h.scan);
    },
    accounts, cases: caseModule.cases, windowIds: () => hall.setup.windows.map((w) => w.id), cardTtlMs: IDENTITY_TTL_MS,
    iso: (ms) => toIso(ms, hall.setup.calendar) });
  const agentHub = new AgentHub(realtime.io, { devices, log, ...(opts.now ? { now: opts.now } : {}) });
  central.link.onStatus((v) => realtime.emitManager('central', { ...v }));
  // Devices and cases feed the manager: device faults and case supervision become alerts (devices also
  // /metrics), and cases done at a window count in the on-time completion rate of its KPIs.
  manager.plug({
    devices: () =>
      devices.list().map((d) => ({
        id: d.id,
        kind: d.kind,
        status: d.status,
        since: Date.parse(d.since),
        ...(d.code || d.detail ? { detail: [d.code, d.detail].filter(Boolean).join(' ') } : {}),
      })),
    deviceConfig: { registry: devices, ledbars, docscan, sources: deviceSources },
    onDevicesChange: (fn) => void devices.on('health', fn),
    onOutboxChange: (fn) => void central.link.onStatus(fn),
    // The manager's threshold (days before a promised deadline) decides when a case becomes an alert.
    caseAlerts: () => caseModule.cases.supervision(hall.now(), manager.thresholds.caseWarnDays).cases,
    caseOutcomes: () =>
      caseModule.cases
        .list({ status: 'closed' })
        .flatMap((c) => {
          // 即办件 complete at the window, 承诺件 when central reports them done (older records lack completedDay).
          const completedDay = c.completedDay ?? (c.outcome === 'done' ? c.decidedDay : undefined);
          return completedDay && c.decidedDay ? [{ sectionId: c.sectionId, windowId: c.windowId, clerkId: c.clerk.id, dueDate: c.promisedDue ?? c.decidedDay, completedDay }] : [];
        }),
    // The outbox's backlog and errors: one alert per outage (keyed by when it began), not one per attempt.
    outbox: () => {
      const s = central.link.outbox.status();
      const since = s.downSince ?? s.lastError?.at;
      return { backlog: s.backlog, lastError: s.lastError && since ? { at: Date.parse(since), message: `${s.lastError.code}: ${s.lastError.message}` } : null };
    },
  });

  // The business day turns at local midnight even when nobody acts: check every 30 s.
  const openDay = async () => {
    if (hall.state.day !== localDay(hall.now(), hall.setup.calendar)) {
      await hall.execute({ type: 'OpenDay' }, { kind: 'system' }).catch((err: Error) => log.error({ err: err.message }, 'day opening failed'));
    }
  };
  await openDay();
  await ledbars.start(hall);
  docscan?.start();
  const dayTimer = setInterval(() => void openDay(), 30_000);
  dayTimer.unref();

  const host = opts.host ?? '127.0.0.1';
  try {
    await new Promise<void>((res, rej) => {
      http.once('error', rej);
      http.listen(opts.port ?? 8080, host, () => res());
    });
  } catch (err) {
    // Port taken: release the journal and timers so a retry (or the next process) starts clean.
    clearInterval(dayTimer);
    deviceStreams.close();
    agentHub.close();
    await ledbars.close();
    docscan?.stop();
    await realtime.close().catch(() => {});
    await manager.close();
    await caseModule.close();
    await central.close().catch(() => {});
    await hall.close();
    throw err;
  }
  await devices.start();
  const port = (http.address() as AddressInfo).port;
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const url = `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}`;
  log.info({ url, demo, seq: hall.seq, replayMs: hall.replayed.ms }, 'hall server listening');

  let closed = false;
  return {
    url,
    port,
    hall,
    config,
    realtime,
    accounts,
    manager,
    photos,
    cases: caseModule.cases,
    http,
    devices,
    central,
    demoLines,
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(dayTimer);
      deviceStreams.close();
      agentHub.close();
      await devices.close();
      await ledbars.close();
      // Socket.IO's close waits for every HTTP connection to end, and a page's long poll or keep-alive
      // request can hold it (and a restart on the same port) for good: idle ones go now, the rest after a
      // short grace.
      const realtimeClosed = realtime.close();
      http.closeIdleConnections();
      const force = setTimeout(() => http.closeAllConnections(), 1000);
      await realtimeClosed;
      clearTimeout(force);
      await new Promise<void>((r) => http.close(() => r()));
      await manager.close();
      await caseModule.close();
      await central.close();
      await hall.close();
    },
  };
}

/** HALL_OUTBOX_KEY: 32 bytes, base64 or hex. */
function outboxKeyFrom(text: string): Buffer {
  const t = text.trim();
  const b = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (b.length !== 32) throw new Error('HALL_OUTBOX_KEY must be 32 bytes, as 64 hex digits or base64');
  return b;
}

/** `node dist/server/main.js` or `tsx server/main.ts`: the environment is read here and only here. */
async function cli(): Promise<void> {
  const env = process.env;
  const demo = env.HALL_DEMO !== '0' && env.HALL_DEMO !== 'false';
  const log = createLogger({ level: env.LOG_LEVEL ?? 'info' });
  const running = await startHall({
    dataDir: env.HALL_DATA_DIR ?? join(process.cwd(), 'data'),
    port: env.PORT ? Number(env.PORT) : 8080,
    host: env.HALL_HOST ?? '127.0.0.1',
    demo,
    log,
    ...(env.HALL_CONFIG_DIR ? { configDir: resolve(env.HALL_CONFIG_DIR) } : {}),
    ...(env.HALL_CASE_KEY ? { caseKey: parseCaseKey(env.HALL_CASE_KEY) } : {}),
    ...(env.HALL_PDF_FONT ? { pdfFont: env.HALL_PDF_FONT } : {}),
    central: {
      ...(env.HALL_CENTRAL_URL ? { url: env.HALL_CENTRAL_URL } : {}),
      ...(env.HALL_CENTRAL_KEY ? { apiKey: env.HALL_CENTRAL_KEY } : {}),
    },
    ...(env.HALL_OUTBOX_KEY ? { outboxKey: outboxKeyFrom(env.HALL_OUTBOX_KEY) } : {}),
  });
  const firstWindow = running.config.setup.windows[0]?.id ?? '';
  const lines = [
    '',
    `  ${running.config.hall.name}${demo ? '（演示 / demo）' : ''}`,
    '',
    ...PAGES.map((p) => `  ${p.title.padEnd(28)} ${running.url}/${p.path}/${p.query.endsWith('=') ? p.query + firstWindow : p.query}`),
    `  ${'24小时自助终端 / 24-hour terminal'.padEnd(28)} ${running.url}/kiosk/?kiosk=${running.config.kiosks.at(-1)?.id ?? ''}&mode=self-service`,
    `  ${'API'.padEnd(28)} ${running.url}/api/v1/health`,
    `  ${'中心审批系统 / Central system'.padEnd(28)} ${running.central.link.status().url ?? '未配置 / not configured'}${running.central.mock ? ' (模拟 / mock)' : ''}`,
    '',
    ...(demo ? ['  Demo accounts:', ...running.demoLines.map((l) => `    ${l}`), ''] : []),
  ];
  process.stdout.write(lines.join('\n') + '\n');
  const stop = async (signal: string) => {
    log.info({ signal }, 'shutting down');
    await running.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

const invokedDirectly = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  cli().catch((err: Error & { code?: string }) => {
    process.stderr.write(`hall server failed to start: ${err.code ? `[${err.code}] ` : ''}${err.message}\n`);
    process.exit(1);
  });
}
