// Where scanned pages come from. Three sources behind one interface:
// - SANE: the `scanimage` program (Debian sane-utils) drives any scanner SANE supports, USB or network;
// - a hot folder: scanners that save to a network share or a folder (many MFPs and ADF scanners do);
// - the simulator: real images made with sharp, so the demo and the tests run without a scanner.
// A source that is not there says so (probe), and a scan of it fails with DEVICE_OFFLINE.

import { spawn } from 'node:child_process';
import { access, mkdir, mkdtemp, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { constants } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import sharp from 'sharp';
import { DeviceError } from '../errors.js';

export interface Presence {
  present: boolean;
  /** Why not, or what was found. */
  detail?: string;
}

export interface ScanSource {
  readonly kind: 'sane' | 'hotfolder' | 'sim';
  /** For health pages: `sane:<device>`, `folder:/srv/scans/w3`, `sim:docscan-w3`. */
  readonly address: string;
  probe(): Promise<Presence>;
  /** The page images of one scan, in page order (PNG, JPEG or TIFF bytes). */
  scan(): Promise<Buffer[]>;
}

// ------------------------------------------------------------------------------------------------ SANE

export interface SaneOptions {
  /** SANE device name as `scanimage -L` lists it; default the first scanner found. */
  device?: string;
  /** Default 200 dpi; 75–600. */
  resolution?: number;
  /** Default Gray. */
  mode?: 'Gray' | 'Color' | 'Lineart';
  /** `ADF` scans every sheet in the feeder (one PNG per sheet); default the flatbed, one page. */
  source?: 'Flatbed' | 'ADF';
  /** Give up on a scan after this long. Default 120 000 ms. */
  timeoutMs?: number;
  /** The program; default `scanimage` on PATH. */
  command?: string;
}

interface RunResult {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

function run(command: string, args: string[], timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    let child;
    try {
      child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      return reject(e);
    }
    const out: Buffer[] = [];
    let err = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => {
      if (err.length < 8000) err += c.toString('utf8');
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (timedOut) return reject(new DeviceError('DEVICE_TIMEOUT', `${command} did not finish within ${timeoutMs} ms`));
      resolve({ code, stdout: Buffer.concat(out), stderr: err });
    });
  });
}

const lastLine = (s: string): string => s.trim().split('\n').filter(Boolean).pop() ?? '';

/** SANE_STATUS_NO_DOCS: the feeder ran empty, which ends a batch normally. */
const SANE_NO_DOCS = 7;

export class SaneSource implements ScanSource {
  readonly kind = 'sane' as const;
  readonly address: string;
  private readonly command: string;

  constructor(private readonly o: SaneOptions = {}) {
    this.command = o.command ?? 'scanimage';
    this.address = `sane:${o.device ?? 'first'}`;
  }

  async probe(): Promise<Presence> {
    let r: RunResult;
    try {
      r = await run(this.command, ['-L'], 30_000);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { present: false, detail: `${this.command} not installed (Debian package sane-utils)` };
      return { present: false, detail: (e as Error).message };
    }
    // `device `epson2:net:10.0.0.7' is a Epson PID flatbed scanner`
    const devices = [...r.stdout.toString('utf8').matchAll(/^device `([^']+)' is a (.*)$/gm)].map((m) => ({ name: m[1]!, what: m[2]! }));
    if (this.o.device) {
      const d = devices.find((x) => x.name === this.o.device);
      return d ? { present: true, detail: d.what } : { present: false, detail: `SANE lists no device ${this.o.device}` };
    }
    return devices.length > 0 ? { present: true, detail: `${devices[0]!.name}: ${devices[0]!.what}` } : { present: false, detail: 'SANE finds no scanner' };
  }

  async scan(): Promise<Buffer[]> {
    const args = ['--format=png', `--mode=${this.o.mode ?? 'Gray'}`, `--resolution=${this.o.resolution ?? 200}`];
    if (this.o.device) args.unshift(`--device-name=${this.o.device}`);
    const timeout = this.o.timeoutMs ?? 120_000;
    if (this.o.source !== 'ADF') {
      const r = await this.exec(args, timeout);
      if (r.code !== 0 || r.stdout.length === 0) throw new DeviceError('DEVICE_FAULT', `scan failed: ${lastLine(r.stderr) || `exit ${r.code}`}`);
      return [r.stdout];
    }
    const dir = await mkdtemp(join(tmpdir(), 'sane-batch-'));
    try {
      const r = await this.exec([...args, '--source=ADF', `--batch=${join(dir, 'page-%04d.png')}`], timeout);
      const files = (await readdir(dir)).filter((f) => f.endsWith('.png')).sort();
      if (files.length === 0 && r.code === SANE_NO_DOCS) throw new DeviceError('PAPER_OUT', 'the feeder is empty');
      if ((r.code !== 0 && r.code !== SANE_NO_DOCS) || files.length === 0) {
        throw new DeviceError('DEVICE_FAULT', `scan failed: ${lastLine(r.stderr) || `exit ${r.code}`}`);
      }
      return Promise.all(files.map((f) => readFile(join(dir, f))));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  private async exec(args: string[], timeout: number): Promise<RunResult> {
    try {
      return await run(this.command, args, timeout);
    } catch (e) {
      if (e instanceof DeviceError) throw e;
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new DeviceError('DEVICE_OFFLINE', `${this.command} not installed (Debian package sane-utils)`);
      throw new DeviceError('DEVICE_FAULT', (e as Error).message);
    }
  }
}

// ------------------------------------------------------------------------------------------------ hot folder

export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.tif', '.tiff'];

export interface HotFolderOptions {
  dir: string;
  /** A file counts as written when its size and time have not changed for this long. Default 1500 ms. */
  settleMs?: number;
  /** How long a scan waits for the first page to appear. Default 60 000 ms. */
  waitMs?: number;
  /** How often the folder is looked at. Default 250 ms. */
  pollMs?: number;
}

/**
 * Takes the pages a scanner saved into a folder. A scan waits for at least one image, then until no file
 * has changed for `settleMs` (a scanner writes a file in pieces, an ADF writes several), and takes them all
 * in name order (scanners number their files). Taken files move to `taken/` in the folder, so nothing is
 * bound twice and nothing is deleted.
 */
export class HotFolderSource implements ScanSource {
  readonly kind = 'hotfolder' as const;
  readonly address: string;

  constructor(private readonly o: HotFolderOptions) {
    this.address = `folder:${o.dir}`;
  }

  async probe(): Promise<Presence> {
    try {
      const s = await stat(this.o.dir);
      if (!s.isDirectory()) return { present: false, detail: `${this.o.dir} is not a folder` };
      await access(this.o.dir, constants.R_OK | constants.W_OK);
      return { present: true };
    } catch (e) {
      return { present: false, detail: `${this.o.dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
    }
  }

  async scan(): Promise<Buffer[]> {
    const p = await this.probe();
    if (!p.present) throw new DeviceError('DEVICE_OFFLINE', p.detail ?? 'hot folder missing');
    const settle = this.o.settleMs ?? 1500;
    const poll = this.o.pollMs ?? 250;
    const deadline = Date.now() + (this.o.waitMs ?? 60_000);
    let seen = '';
    let stableSince = 0;
    for (;;) {
      const files = await this.list();
      const key = files.map((f) => `${f.name}:${f.size}:${f.mtimeMs}`).join('|');
      if (files.length > 0 && key === seen) {
        if (Date.now() - stableSince >= settle) break;
      } else {
        seen = key;
        stableSince = Date.now();
        if (files.length === 0 && Date.now() > deadline) throw new DeviceError('DEVICE_TIMEOUT', `no page arrived in ${this.o.dir}`);
      }
      await new Promise((r) => setTimeout(r, poll));
    }
    const files = await this.list();
    const taken = join(this.o.dir, 'taken');
    await mkdir(taken, { recursive: true });
    const pages: Buffer[] = [];
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    for (const f of files) {
      const from = join(this.o.dir, f.name);
      pages.push(await readFile(from));
      await rename(from, join(taken, `${stamp}-${f.name}`));
    }
    return pages;
  }

  private async list(): Promise<{ name: string; size: number; mtimeMs: number }[]> {
    const names = (await readdir(this.o.dir)).filter((n) => !n.startsWith('.') && IMAGE_EXTENSIONS.includes(extname(n).toLowerCase())).sort();
    const out: { name: string; size: number; mtimeMs: number }[] = [];
    for (const name of names) {
      try {
        const s = await stat(join(this.o.dir, name));
        if (s.isFile()) out.push({ name, size: s.size, mtimeMs: s.mtimeMs });
      } catch {
        /* removed meanwhile */
      }
    }
    return out;
  }
}

// ------------------------------------------------------------------------------------------------ simulator

export interface SimScanOptions {
  name?: string;
  /** Pages per scan. Default 2. */
  pages?: number;
  /** How crooked the simulated sheets lie, degrees clockwise. Default 1.5. */
  skewDegrees?: number;
}

/**
 * A simulated sheet-fed scanner: each page is a real image, an A4 form at 150 dpi with a heading and lines
 * of "text" (bars), lying a little crooked as paper does in a feeder, so normalising and deskewing run on
 * the same code path as with a real scan.
 */
export class SimulatedScanSource implements ScanSource {
  readonly kind = 'sim' as const;
  readonly address: string;
  present = true;
  pages: number;
  skewDegrees: number;
  scans = 0;

  constructor(o: SimScanOptions = {}) {
    this.address = `sim:${o.name ?? 'docscan'}`;
    this.pages = o.pages ?? 2;
    this.skewDegrees = o.skewDegrees ?? 1.5;
  }

  async probe(): Promise<Presence> {
    return this.present ? { present: true, detail: 'simulated' } : { present: false, detail: 'simulated scanner switched off' };
  }

  async scan(): Promise<Buffer[]> {
    if (!this.present) throw new DeviceError('DEVICE_OFFLINE', 'simulated scanner switched off');
    this.scans++;
    const out: Buffer[] = [];
    for (let i = 1; i <= this.pages; i++) out.push(await simulatedPage(this.scans, i, this.skewDegrees));
    return out;
  }
}

/** One simulated page as PNG: 1240×1754 (A4 at 150 dpi), the sheet turned by `skew` degrees clockwise. */
export async function simulatedPage(scan: number, page: number, skew: number): Promise<Buffer> {
  const W = 1240;
  const H = 1754;
  const lines: string[] = [];
  // Lines of varying length, like paragraphs of a form.
  for (let k = 0; k < 34; k++) {
    const y = 330 + k * 40;
    const len = 700 + ((k * 137 + page * 71 + scan * 29) % 300);
    if (k % 9 === 8) continue;
    lines.push(`<rect x="120" y="${y}" width="${len}" height="16" fill="#333"/>`);
  }
  // The sheet is drawn turned on a white scanner bed, in one render.
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">
<rect width="100%" height="100%" fill="#ffffff"/>
<g transform="rotate(${skew} ${W / 2} ${H / 2})">
<rect x="20" y="20" width="${W - 40}" height="${H - 40}" fill="#f7f5f0"/>
<text x="120" y="170" font-family="DejaVu Sans, sans-serif" font-size="56" font-weight="bold" fill="#111">SIMULATED SCAN</text>
<text x="120" y="250" font-family="DejaVu Sans, sans-serif" font-size="34" fill="#222">scan ${scan} · page ${page}</text>
${lines.join('\n')}
<rect x="860" y="1560" width="260" height="90" fill="none" stroke="#b00" stroke-width="6"/>
</g>
</svg>`;
  return sharp(Buffer.from(svg)).png({ compressionLevel: 2 }).toBuffer();
}
