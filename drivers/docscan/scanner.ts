// A document scanner at a window: one source (SANE, hot folder or simulator), one scan at a time, every
// page normalised, and health for the device list (present or not, pages scanned, failures).

import { DeviceError, isDeviceError } from '../errors.js';
import { normalizePage, type NormalizedPage, type NormalizeOptions } from './normalize.js';
import type { ScanSource } from './sources.js';

export type ScannerStatus = 'online' | 'offline' | 'fault';

export interface ScannerHealth {
  status: ScannerStatus;
  detail?: string;
  /** ms epoch when the status last changed. */
  since: number;
  scans: number;
  pages: number;
  failures: number;
  lastScanAt: number | null;
}

export class DocumentScanner {
  private busy = false;
  private readonly h: ScannerHealth;
  private readonly listeners = new Set<(h: ScannerHealth) => void>();

  constructor(
    readonly id: string,
    readonly source: ScanSource,
    private readonly normalize: NormalizeOptions = {},
    private readonly now: () => number = Date.now,
  ) {
    this.h = { status: 'offline', detail: 'not probed yet', since: now(), scans: 0, pages: 0, failures: 0, lastScanAt: null };
  }

  /** Called with the new health whenever the status changes. */
  onStatus(fn: (h: ScannerHealth) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private setStatus(status: ScannerStatus, detail: string | undefined): void {
    const changed = status !== this.h.status;
    this.h.status = status;
    if (detail) this.h.detail = detail;
    else delete this.h.detail;
    if (!changed) return;
    this.h.since = this.now();
    const h = this.health();
    for (const fn of [...this.listeners]) fn(h);
  }

  /** Looks whether the scanner is there; a scan does this too. */
  async probe(): Promise<ScannerHealth> {
    const p = await this.source.probe();
    this.setStatus(p.present ? 'online' : 'offline', p.detail);
    return this.health();
  }

  health(): ScannerHealth {
    return { ...this.h };
  }

  /** Scans and normalises. DEVICE_BUSY while another scan runs; DEVICE_OFFLINE when the scanner is not there. */
  async scan(): Promise<NormalizedPage[]> {
    if (this.busy) throw new DeviceError('DEVICE_BUSY', 'a scan is already running on this scanner');
    this.busy = true;
    try {
      const p = await this.probe();
      if (p.status !== 'online') throw new DeviceError('DEVICE_OFFLINE', p.detail ?? 'scanner not there');
      const raw = await this.source.scan();
      const pages: NormalizedPage[] = [];
      for (const r of raw) pages.push(await normalizePage(r, this.normalize));
      this.h.scans++;
      this.h.pages += pages.length;
      this.h.lastScanAt = this.now();
      return pages;
    } catch (e) {
      this.h.failures++;
      const err = isDeviceError(e) ? e : new DeviceError('DEVICE_FAULT', (e as Error)?.message ?? String(e));
      if (err.code !== 'DEVICE_OFFLINE' && err.code !== 'DEVICE_BUSY') this.setStatus('fault', err.message);
      throw err;
    } finally {
      this.busy = false;
    }
  }
}
