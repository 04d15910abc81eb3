// Renders case PDFs off the main thread: subsetting a CJK font takes about a second per document, which on
// the main thread would stall every queue update and display push for as long.

import { parentPort } from 'node:worker_threads';
import { HallError } from '../errors.js';
import { type CjkFont, type DocumentContext, materialsPdf, outcomePdf } from './documents.js';
import type { CaseView } from './types.js';
import type { KpiReport } from '../manager/kpi.js';
import { reportPdf, type PdfOptions, type ReportNames } from '../manager/reports.js';

export type PdfJob =
  | { id: number; kind: 'outcome'; view: CaseView; ctx: DocumentContext; font: CjkFont | null }
  | { id: number; kind: 'materials'; view: CaseView; pages: Uint8Array[]; font: CjkFont | null }
  // The manager's daily and monthly reports share this thread: a month's PDF must not stall the queue either.
  | { id: number; kind: 'report'; report: KpiReport; names: ReportNames; options: PdfOptions };

export type PdfAnswer = { id: number; ok: true; pdf: Uint8Array } | { id: number; ok: false; code: string; message: string };

export async function renderJob(job: PdfJob): Promise<Buffer> {
  if (job.kind === 'report') return reportPdf(job.report, job.names, job.options);
  return job.kind === 'outcome' ? outcomePdf(job.view, job.ctx, job.font) : materialsPdf(job.view, job.pages.map((p) => Buffer.from(p)), job.font);
}

const port = parentPort;
if (port) {
  port.on('message', (job: PdfJob) => {
    renderJob(job).then(
      (pdf) => port.postMessage({ id: job.id, ok: true, pdf } satisfies PdfAnswer),
      (err: Error) => port.postMessage({ id: job.id, ok: false, code: err instanceof HallError ? err.code : 'INTERNAL', message: err.message } satisfies PdfAnswer),
    );
  });
}
