// A simulated ESC/POS printer on the far end of a transport. It answers DLE EOT 1–4 from its paper, cover
// and online state, and collects every other byte it takes into jobs, a job ending at a cut (GS V). While it
// cannot print (paper out, cover open, offline) it takes no job bytes, as a real printer prints nothing.

import { encodeStatusRequest } from './escpos.js';
import type { Transport } from '../transport/transport.js';

export interface PrinterSimState {
  paperOut: boolean;
  paperLow: boolean;
  coverOpen: boolean;
  online: boolean;
  /** Answer no status query (a one-way link, a printer switched off with the cable in). */
  silent: boolean;
}

export interface PrintedJob {
  /** ms epoch when the cut came. */
  at: number;
  bytes: Buffer;
}

const DLE = 0x10;
const EOT = 0x04;
const GS = 0x1d;

export class PrinterSimulator {
  readonly state: PrinterSimState = { paperOut: false, paperLow: false, coverOpen: false, online: true, silent: false };
  readonly jobs: PrintedJob[] = [];
  /** Status queries answered, by n. */
  readonly statusQueries: number[] = [];
  private current: number[] = [];
  /** A DLE (or DLE EOT) cut off at the end of a chunk. */
  private carry: number[] = [];

  constructor(
    private readonly port: Transport,
    private readonly now: () => number = Date.now,
    /** Most jobs kept; older ones are dropped first. */
    private readonly keep = 200,
  ) {
    port.on('data', (chunk) => this.onData(chunk));
  }

  async open(): Promise<void> {
    await this.port.open();
  }

  set(patch: Partial<PrinterSimState>): void {
    Object.assign(this.state, patch);
  }

  get canPrint(): boolean {
    return this.state.online && !this.state.paperOut && !this.state.coverOpen;
  }

  /** The status byte a printer in this state answers to DLE EOT n. */
  statusByte(n: 1 | 2 | 3 | 4): number {
    const s = this.state;
    const fixed = 0x12;
    switch (n) {
      case 1:
        return fixed | (this.canPrint ? 0 : 0x08);
      case 2:
        return fixed | (s.coverOpen ? 0x04 : 0) | (s.paperOut ? 0x20 : 0);
      case 3:
        return fixed;
      case 4:
        return fixed | (s.paperLow || s.paperOut ? 0x0c : 0) | (s.paperOut ? 0x60 : 0);
    }
  }

  private onData(chunk: Buffer): void {
    const bytes = [...this.carry, ...chunk];
    this.carry = [];
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i]!;
      if (b === DLE && (i + 1 >= bytes.length || (bytes[i + 1] === EOT && i + 2 >= bytes.length))) {
        this.carry = bytes.slice(i); // wait for the rest of a possible DLE EOT n
        return;
      }
      if (b === DLE && bytes[i + 1] === EOT && bytes[i + 2]! >= 1 && bytes[i + 2]! <= 4) {
        const n = bytes[i + 2] as 1 | 2 | 3 | 4;
        i += 2;
        this.statusQueries.push(n);
        if (!this.state.silent) this.port.write(Buffer.from([this.statusByte(n)])).catch(() => {});
        continue;
      }
      if (!this.canPrint) continue;
      this.current.push(b);
      // GS V m (m = 0, 1, 48, 49) ends a job; GS V 65/66 n carries one more byte.
      const n = this.current.length;
      if (n >= 3 && this.current[n - 3] === GS && this.current[n - 2] === 0x56 && [0, 1, 48, 49].includes(b)) this.endJob();
      else if (n >= 4 && this.current[n - 4] === GS && this.current[n - 3] === 0x56 && [65, 66].includes(this.current[n - 2]!)) this.endJob();
    }
  }

  private endJob(): void {
    this.jobs.push({ at: this.now(), bytes: Buffer.from(this.current) });
    this.current = [];
    if (this.jobs.length > this.keep) this.jobs.splice(0, this.jobs.length - this.keep);
  }

  /** Bytes taken since the last cut (a job still arriving, or one sent without a cut). */
  get pendingBytes(): Buffer {
    return Buffer.from(this.current);
  }
}

/** The request bytes this simulator answers, for tests that assert on the wire. */
export const STATUS_QUERY = (n: 1 | 2 | 3 | 4): Buffer => encodeStatusRequest(n);
