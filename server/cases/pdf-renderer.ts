// One worker thread renders the case PDFs in turn. If the worker cannot start (e.g. no TypeScript loader in
// this process), rendering falls back to the main thread: slower for the queue, never a lost document.

import { Worker } from 'node:worker_threads';
import { HallError, type ServerErrorCode } from '../errors.js';
import type { PdfAnswer, PdfJob } from './pdf-worker.js';

type JobInput = PdfJob extends infer J ? (J extends PdfJob ? Omit<J, 'id'> : never) : never;

export class PdfRenderer {
  private worker: Worker | null = null;
  private broken = false;
  private nextId = 1;
  /** Documents rendered by the worker thread and, after a failure to start it, on the main thread. */
  readonly rendered = { worker: 0, inProcess: 0 };
  private readonly waiting = new Map<number, { job: JobInput; resolve: (b: Buffer) => void; reject: (e: Error) => void }>();

  private start(): Worker | null {
    if (this.broken) return null;
    if (this.worker) return this.worker;
    try {
      // Run from TypeScript sources (tsx), the worker registers tsx's loader itself before importing the
      // module: loader hooks of the main thread do not reach worker threads.
      const w = import.meta.url.endsWith('.ts')
        ? new Worker(
            `import('tsx/esm/api').then((t) => { t.register(); return import(${JSON.stringify(new URL('./pdf-worker.ts', import.meta.url).href)}); })`,
            { eval: true },
          )
        : new Worker(new URL('./pdf-worker.js', import.meta.url));
      w.unref();
      w.on('message', (a: PdfAnswer) => {
        const p = this.waiting.get(a.id);
        if (!p) return;
        this.waiting.delete(a.id);
        if (a.ok) {
          this.rendered.worker++;
          p.resolve(Buffer.from(a.pdf));
        }
        else p.reject(new HallError(a.code as ServerErrorCode, a.message));
      });
      const fail = (err: Error) => {
        if (this.worker !== w) return;
        this.worker = null;
        this.broken = true;
        // Jobs the worker never answered are rendered here instead.
        const left = [...this.waiting.values()];
        this.waiting.clear();
        for (const p of left) this.inProcess(p.job).then(p.resolve, p.reject);
        void err;
      };
      w.on('error', fail);
      w.on('exit', (code) => code !== 0 && fail(new Error(`exit ${code}`)));
      this.worker = w;
      return w;
    } catch {
      this.broken = true;
      return null;
    }
  }

  async render(job: JobInput): Promise<Buffer> {
    const w = this.start();
    if (!w) return this.inProcess(job);
    const id = this.nextId++;
    return new Promise<Buffer>((resolve, reject) => {
      this.waiting.set(id, { job, resolve, reject });
      w.postMessage({ ...job, id });
    });
  }

  private async inProcess(job: JobInput): Promise<Buffer> {
    const { renderJob } = await import('./pdf-worker.js');
    const pdf = await renderJob({ ...job, id: 0 } as PdfJob);
    this.rendered.inProcess++;
    return pdf;
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    this.broken = true;
    if (w) await w.terminate();
  }
}
