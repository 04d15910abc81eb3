// Document scanners at windows, and the scanned pages of each window's current case draft.
//
// A scan at a window stores its pages under the ticket the window is serving (or `none` between
// tickets): `$HALL_DATA_DIR/scans/<windowId>/<ticketId>/<pageId>.sealed` plus a small JSON file per page. A
// page may show an ID card, so its image is sealed at rest with the case key (AES-256-GCM, bound to its
// window, draft and page id, so a file cannot be swapped for another); the JSON holds only size and time.
// Each file is written to a temp name, fsynced and renamed, and the folder fsynced, before the scan is
// answered: an acknowledged page survives a crash. The case capture reads the draft's pages (pages()) and binds them
// (pdf()); clear() empties a draft.

import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DocumentScanner, type ScannerHealth } from '../../drivers/docscan/scanner.js';
import { HotFolderSource, SaneSource, SimulatedScanSource, type ScanSource } from '../../drivers/docscan/sources.js';
import type { NormalizedPage } from '../../drivers/docscan/normalize.js';
import type { DocscanConfig, DocscanScannerConfig } from '../../config/docscan.js';
import type { Hall } from '../hall/hall.js';
import type { WindowConfig } from '../hall/types.js';
import type { Logger } from '../log.js';
import { Sealer } from '../cases/seal.js';
import { buildPdf } from '../documents/pdf.js';
import type { DeviceHealth } from '../../drivers/device.js';
import type { RegisteredDevice } from '../devices/service.js';
import { HallError } from '../errors.js';
import { z } from 'zod';

const simInputSchema = z.strictObject({
  pages: z.number().int().min(1).max(20).optional(),
  skewDegrees: z.number().min(-10).max(10).optional(),
  connected: z.boolean().optional(),
});

export interface ScannedPage {
  id: string;
  /** Position in the draft, from 1. */
  n: number;
  width: number;
  height: number;
  bytes: number;
  skewDegrees: number;
  scannedAt: string;
  scannerId: string;
}

interface Entry {
  cfg: DocscanScannerConfig;
  scanner: DocumentScanner;
  source: ScanSource;
}

const PAGE_ID = /^[0-9a-f]{16}$/;

export interface DocscanServiceOptions {
  config: DocscanConfig;
  windows: readonly WindowConfig[];
  hall: Hall;
  dataDir: string;
  hallName: string;
  log: Logger;
  /** 32 bytes sealing the page images at rest (the case key: scans end up in cases). */
  sealKey: Buffer;
  now?: () => number;
}

/** Where the service puts its scanners for GET /devices and /sim/*: the device registry. */
export interface DocscanRegistry {
  register(d: RegisteredDevice): void;
  unregister(id: string): void;
}

export class DocscanService {
  private registry: DocscanRegistry | null = null;
  private readonly byWindow = new Map<string, Entry>();
  private readonly byId = new Map<string, Entry>();
  private readonly now: () => number;
  private readonly sealer: Sealer;
  private purgeTimer: NodeJS.Timeout | null = null;

  constructor(private readonly o: DocscanServiceOptions) {
    this.now = o.now ?? Date.now;
    this.sealer = new Sealer(o.sealKey);
    for (const cfg of o.config.scanners) this.add(this.build(cfg));
  }

  private build(cfg: DocscanScannerConfig): Entry {
    const source = makeSource(cfg);
    return { cfg, scanner: new DocumentScanner(cfg.id, source, this.o.config.normalize, this.now), source };
  }

  private add(e: Entry): void {
    this.byWindow.set(e.cfg.windowId, e);
    this.byId.set(e.cfg.id, e);
  }

  /** The settings in force (docscan.json, or the manager's last live change). */
  configured(): DocscanConfig {
    return this.o.config;
  }

  /** Registers every scanner with the device registry, and keeps it in step with live changes. */
  attachRegistry(registry: DocscanRegistry): void {
    this.registry = registry;
    for (const e of this.registryEntries()) registry.register(e);
  }

  /**
   * A live change from the manager's device settings: a scanner whose settings changed (or all of them, when
   * the page normalising changed) is dropped and built again from the new source, then probed; pages already
   * scanned stay in their drafts. A scan running on a dropped scanner finishes into its draft.
   */
  async reconfigure(config: DocscanConfig): Promise<void> {
    const normalizeSame = JSON.stringify(config.normalize) === JSON.stringify(this.o.config.normalize);
    this.o.config = config;
    const rebuilt: Entry[] = [];
    for (const [id, e] of [...this.byId]) {
      const next = config.scanners.find((c) => c.id === id);
      if (next && normalizeSame && JSON.stringify(next) === JSON.stringify(e.cfg)) continue;
      this.byId.delete(id);
      if (this.byWindow.get(e.cfg.windowId) === e) this.byWindow.delete(e.cfg.windowId);
      this.registry?.unregister(id);
    }
    for (const cfg of config.scanners) {
      if (this.byId.has(cfg.id)) continue;
      const e = this.build(cfg);
      this.add(e);
      rebuilt.push(e);
    }
    if (this.registry) for (const r of this.entriesOf(rebuilt)) this.registry.register(r);
    for (const e of rebuilt) this.probe(e);
    this.o.log.info({ scanners: config.scanners.map((c) => c.id), rebuilt: rebuilt.map((e) => e.cfg.id) }, 'document scanner settings changed live');
  }

  private probe(e: Entry): void {
    void e.scanner.probe().then(
      (h) => this.o.log.info({ device: e.cfg.id, status: h.status, detail: h.detail }, 'document scanner probed'),
      (err: Error) => this.o.log.warn({ device: e.cfg.id, err: err.message }, 'document scanner probe failed'),
    );
  }

  /** Looks whether each scanner is there (in the background: SANE may take seconds to answer). */
  start(): void {
    // Drafts no case took may hold copies of ID cards: they go after the retention period, checked hourly.
    const purge = () =>
      void this.purgeDrafts().catch((err: Error) => this.o.log.error({ err: err.message }, 'scanned drafts not purged'));
    purge();
    this.purgeTimer = setInterval(purge, 3_600_000);
    this.purgeTimer.unref();
    for (const e of this.byId.values()) this.probe(e);
  }

  /**
   * One registry entry per scanner (GET /devices, health events, /sim/devices/:id/input). Counters: a scan
   * is a frame sent, a page a frame received, a failed scan a timeout. The service keeps the lifecycle.
   */
  registryEntries(): RegisteredDevice[] {
    return this.entriesOf([...this.byId.values()]);
  }

  private entriesOf(entries: Entry[]): RegisteredDevice[] {
    return entries.map(({ cfg, scanner, source }) => {
      const health = (): DeviceHealth => {
        const h = scanner.health();
        return {
          status: h.status,
          ...(h.status === 'online' ? {} : { code: h.status === 'fault' ? 'DEVICE_FAULT' : 'DEVICE_OFFLINE' }),
          ...(h.detail ? { detail: h.detail } : {}),
          since: h.since,
          lastSeen: h.lastScanAt,
          counters: { framesSent: h.scans, framesReceived: h.pages, timeouts: h.failures, discardedBytes: 0, reconnects: 0 },
        };
      };
      const entry: RegisteredDevice = {
        id: cfg.id,
        kind: 'docscan',
        attachedTo: cfg.windowId,
        transport: source.address,
        simulated: source.kind === 'sim',
        health,
        onHealth: (fn) => void scanner.onStatus(() => fn(health())),
        stop: async () => {},
      };
      if (source instanceof SimulatedScanSource) {
        entry.simInput = async (body) => {
          const r = simInputSchema.safeParse(body ?? {});
          if (!r.success) throw new HallError('VALIDATION_FAILED', 'document scanner input is {pages?: 1–20, skewDegrees?: −10–10, connected?: boolean}');
          const b = r.data;
          if (b.pages !== undefined) source.pages = b.pages;
          if (b.skewDegrees !== undefined) source.skewDegrees = b.skewDegrees;
          if (b.connected !== undefined) {
            source.present = b.connected;
            await scanner.probe();
          }
          return { ok: true, pages: source.pages, skewDegrees: source.skewDegrees, connected: source.present };
        };
        entry.simOutput = () => ({ scans: source.scans, pages: source.pages, skewDegrees: source.skewDegrees, connected: source.present });
      }
      return entry;
    });
  }

  hasScanner(windowId: string): boolean {
    return this.byWindow.has(windowId);
  }

  /** The simulated source of a scanner, for /sim/devices/:id/input. */
  simulator(id: string): SimulatedScanSource | undefined {
    const s = this.byId.get(id)?.source;
    return s instanceof SimulatedScanSource ? s : undefined;
  }

  /** The draft a window's scans go to: the ticket it serves, or `none`. */
  draftOf(windowId: string): string {
    return this.o.hall.state.windows[windowId]?.currentTicketId ?? 'none';
  }

  /** Scans at the window and stores the pages in its current draft. Throws the scanner's DeviceError. */
  async scan(windowId: string): Promise<{ draft: string; pages: ScannedPage[] }> {
    const e = this.byWindow.get(windowId);
    if (!e) throw new Error(`no scanner at ${windowId}`);
    const draft = this.draftOf(windowId);
    const pages = await e.scanner.scan();
    const existing = await this.pages(windowId, draft);
    const stored: ScannedPage[] = [];
    let n = existing.length;
    for (const p of pages) stored.push(await this.store(windowId, draft, ++n, p, e.cfg.id));
    this.o.log.info({ device: e.cfg.id, windowId, draft, pages: stored.length }, 'pages scanned');
    return { draft, pages: stored };
  }

  async pages(windowId: string, draft = this.draftOf(windowId)): Promise<ScannedPage[]> {
    const dir = this.dir(windowId, draft);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return [];
    }
    const out: ScannedPage[] = [];
    for (const name of names) {
      if (!name.endsWith('.json') || name.startsWith('.')) continue;
      try {
        out.push(JSON.parse(await readFile(join(dir, name), 'utf8')) as ScannedPage);
      } catch (err) {
        this.o.log.warn({ windowId, file: name, err: (err as Error).message }, 'unreadable scanned page record skipped');
      }
    }
    return out.sort((a, b) => a.n - b.n);
  }

  async image(windowId: string, pageId: string): Promise<Buffer | null> {
    if (!PAGE_ID.test(pageId)) return null;
    try {
      return await this.readImage(windowId, this.draftOf(windowId), pageId);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') this.o.log.error({ windowId, pageId, err: (err as Error).message }, 'scanned page cannot be opened (changed on disk, or another key)');
      return null;
    }
  }

  /**
   * For a case at the window: scans now and hands over every page of the window's draft (pages scanned
   * earlier included), oldest first, with their images. The pages stay in the draft until `release` says
   * the case has them, so a crash in between leaves them in the draft rather than losing them.
   */
  async takeForCase(windowId: string): Promise<{ images: Buffer[]; release: () => Promise<void> }> {
    const { draft } = await this.scan(windowId);
    const pages = await this.pages(windowId, draft);
    const dir = this.dir(windowId, draft);
    const images: Buffer[] = [];
    for (const p of pages) images.push(await this.readImage(windowId, draft, p.id));
    return {
      images,
      release: async () => {
        for (const p of pages) {
          await rm(join(dir, `${p.id}.json`), { force: true });
          await rm(join(dir, `${p.id}.sealed`), { force: true });
          await rm(join(dir, `${p.id}.jpg`), { force: true });
        }
      },
    };
  }

  async clear(windowId: string): Promise<number> {
    const pages = await this.pages(windowId);
    await rm(this.dir(windowId, this.draftOf(windowId)), { recursive: true, force: true });
    return pages.length;
  }

  /**
   * Removes the drafts no case took: every draft except a window's current one whose newest page is older
   * than `draftRetentionHours` (an empty draft folder goes too). Returns the number of pages removed.
   */
  async purgeDrafts(now = this.now()): Promise<number> {
    const root = join(this.o.dataDir, 'scans');
    const before = now - this.o.config.draftRetentionHours * 3_600_000;
    let removed = 0;
    for (const windowId of await dirsIn(root)) {
      const current = this.draftOf(windowId);
      for (const draft of await dirsIn(join(root, windowId))) {
        if (draft === current) continue;
        const pages = await this.pages(windowId, draft);
        const newest = Math.max(0, ...pages.map((p) => Date.parse(p.scannedAt) || 0));
        if (newest >= before) continue;
        await rm(this.dir(windowId, draft), { recursive: true, force: true });
        removed += pages.length;
      }
    }
    if (removed > 0) this.o.log.info({ pages: removed }, 'scanned pages no case took were purged');
    return removed;
  }

  stop(): void {
    if (this.purgeTimer) clearInterval(this.purgeTimer);
    this.purgeTimer = null;
  }

  /** The draft's pages bound into one PDF with a Chinese cover block. */
  async pdf(windowId: string, window: WindowConfig): Promise<{ pdf: Buffer; pages: number }> {
    const draft = this.draftOf(windowId);
    const pages = await this.pages(windowId, draft);
    const ticket = draft === 'none' ? undefined : this.o.hall.state.tickets.get(draft);
    const images = [];
    for (const p of pages) {
      const image = await this.readImage(windowId, draft, p.id);
      images.push({ image, width: p.width, height: p.height, caption: `第 ${p.n} 页 · 扫描于 ${this.local(Date.parse(p.scannedAt))}` });
    }
    const blocks = [
      { label: '窗口', text: `${window.number} 号窗口 ${window.name}` },
      ...(ticket ? [{ label: '号票', text: ticket.number }] : []),
      { label: '页数', text: `${pages.length} 页` },
      { label: '生成时间', text: this.local(this.now()) },
    ];
    const pdf = await buildPdf({ title: `${this.o.hallName} 扫描材料`, blocks, pages: images, footer: this.o.hallName, author: this.o.hallName, createdAt: this.now() });
    return { pdf, pages: pages.length };
  }

  private local(ms: number): string {
    const offset = this.o.hall.setup.calendar.utcOffsetMinutes;
    return new Date(ms + offset * 60_000).toISOString().slice(0, 16).replace('T', ' ');
  }

  /** The page's JPEG: opened from its sealed file (or read as is from a page stored before sealing). */
  private async readImage(windowId: string, draft: string, pageId: string): Promise<Buffer> {
    const dir = this.dir(windowId, draft);
    let sealed: Buffer;
    try {
      sealed = await readFile(join(dir, `${pageId}.sealed`));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      return readFile(join(dir, `${pageId}.jpg`));
    }
    return this.sealer.openBytes(sealed, sealAad(windowId, draft, pageId));
  }

  private dir(windowId: string, draft: string): string {
    return join(this.o.dataDir, 'scans', windowId, draft);
  }

  private async store(windowId: string, draft: string, n: number, p: NormalizedPage, scannerId: string): Promise<ScannedPage> {
    const dir = this.dir(windowId, draft);
    await mkdir(dir, { recursive: true });
    const id = randomBytes(8).toString('hex');
    const page: ScannedPage = { id, n, width: p.width, height: p.height, bytes: p.jpeg.length, skewDegrees: p.skewDegrees, scannedAt: new Date(this.now()).toISOString(), scannerId };
    // The image first, the record last: a record always has its image.
    await durableWrite(dir, `${id}.sealed`, this.sealer.sealBytes(p.jpeg, sealAad(windowId, draft, id)));
    await durableWrite(dir, `${id}.json`, Buffer.from(JSON.stringify(page)));
    return page;
  }
}

async function dirsIn(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** Binds a sealed page to its place: moved to another window, draft or id, it no longer opens. */
function sealAad(windowId: string, draft: string, pageId: string): string {
  return `scan:${windowId}/${draft}/${pageId}`;
}

async function durableWrite(dir: string, name: string, data: Buffer): Promise<void> {
  const tmp = join(dir, `.${name}.${randomBytes(4).toString('hex')}.tmp`);
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(data);
    await fh.datasync();
  } finally {
    await fh.close();
  }
  await rename(tmp, join(dir, name));
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}

function makeSource(cfg: DocscanScannerConfig): ScanSource {
  const s = cfg.source;
  switch (s.type) {
    case 'sim':
      return new SimulatedScanSource({ name: cfg.id, pages: s.pages, skewDegrees: s.skewDegrees });
    case 'sane':
      return new SaneSource({ ...(s.device ? { device: s.device } : {}), resolution: s.resolution, mode: s.mode, source: s.source, timeoutMs: s.timeoutMs });
    case 'hotfolder':
      return new HotFolderSource({ dir: s.dir, settleMs: s.settleMs, waitMs: s.waitMs });
  }
}
