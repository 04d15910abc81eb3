// Case capture as one module for the composition root: the sealed store, the service, its routes, the
// supervision push to managers and the retention purge job.

import { join } from 'node:path';
import type { Router } from 'express';
import type { HallConfig } from '../../config/schema.js';
import type { Accounts } from '../auth/accounts.js';
import type { Hall } from '../hall/hall.js';
import type { Logger } from '../log.js';
import type { CasesConfig } from './config.js';
import { findCjkFont, parseFontSpec } from './documents.js';
import { PdfRenderer } from './pdf-renderer.js';
import { caseRoutes } from './routes.js';
import { Sealer } from './seal.js';
import { type CaseOutbox, type CaseProgressSource, Cases, type IdentitySource, type SlipPrinter, type WindowScanner } from './service.js';
import { CaseStore } from './store.js';
import type { SupervisionReport } from './supervision.js';

export interface CaseModuleOptions {
  dataDir: string;
  hall: Hall;
  config: HallConfig;
  settings: CasesConfig;
  accounts: Accounts;
  log: Logger;
  /** 32-byte AES-256-GCM key for applicant data, scans and documents at rest. */
  key: Buffer;
  /** 'file' or 'file#PostScriptName' of a CJK font; default: the first Debian CJK font found. */
  pdfFont?: string;
  identities?: IdentitySource;
  printer?: SlipPrinter;
  outbox?: CaseOutbox;
  /** The central system's progress answers: accepted cases are followed until central reports them done. */
  progress?: CaseProgressSource;
  /** The windows' document scanners: a scan goes straight into the case draft. */
  scanner?: WindowScanner;
}

export interface CaseModule {
  cases: Cases;
  router: Router;
  /** The PDF worker thread, shared with the manager's reports. */
  pdf: PdfRenderer;
  /** Starts pushing supervision reports through `emit` (e.g. to /manager) whenever they change. */
  superviseTo(emit: (report: SupervisionReport) => void, warnWorkingDays?: () => number): void;
  close(): Promise<void>;
}

export async function startCases(o: CaseModuleOptions): Promise<CaseModule> {
  const sealer = new Sealer(o.key);
  const store = await CaseStore.open(join(o.dataDir, 'cases'), sealer, (level, msg, fields) => o.log[level](fields, msg));
  const font = o.pdfFont ? parseFontSpec(o.pdfFont) : findCjkFont();
  if (!font) o.log.warn({}, 'no CJK font found: case outcomes are refused until npm ci restores the font package or HALL_PDF_FONT is set');
  const pdf = new PdfRenderer();
  const cases = new Cases({
    hall: o.hall,
    config: o.config,
    settings: o.settings,
    store,
    sealer,
    font,
    pdf,
    log: o.log,
    ...(o.identities ? { identities: o.identities } : {}),
    ...(o.printer ? { printer: o.printer } : {}),
    ...(o.outbox ? { outbox: o.outbox } : {}),
    ...(o.progress ? { progress: o.progress } : {}),
    ...(o.scanner ? { scanner: o.scanner } : {}),
  });
  const timers: NodeJS.Timeout[] = [];
  const purge = () => void cases.purgeExpired().catch((err: Error) => o.log.error({ err: err.message }, 'case purge failed'));
  purge();
  const purgeTimer = setInterval(purge, o.settings.purgeEveryMinutes * 60_000);
  purgeTimer.unref();
  timers.push(purgeTimer);
  if (o.outbox) {
    const push = () => void cases.pushPending().catch((err: Error) => o.log.error({ err: err.message }, 'handing cases to the outbox failed'));
    push();
    // A hand-over that failed (outbox not writable) is retried here, not only at the next start.
    const pushTimer = setInterval(push, 60_000);
    pushTimer.unref();
    timers.push(pushTimer);
  }

  if (o.progress) {
    const track = () => void cases.trackCentral().catch((err: Error) => o.log.error({ err: err.message }, 'following cases at central failed'));
    const trackTimer = setInterval(track, o.settings.trackEverySeconds * 1000);
    trackTimer.unref();
    timers.push(trackTimer);
  }

  return {
    cases,
    router: caseRoutes({ cases, hall: o.hall, accounts: o.accounts }),
    pdf,
    superviseTo(emit, warnWorkingDays) {
      let last = '';
      const tick = () => {
        const report = cases.supervision(o.hall.now(), warnWorkingDays?.());
        const key = JSON.stringify([report.cases, report.tickets.map((t) => [t.ticketId, t.kind])]);
        if (key === last) return;
        last = key;
        emit(report);
      };
      tick();
      // On a timer, not per publication: alerts move in minutes, and the queue's hot path stays untouched.
      const t = setInterval(tick, o.settings.superviseEverySeconds * 1000);
      t.unref();
      timers.push(t);
    },
    async close() {
      for (const t of timers) clearInterval(t);
      await cases.trackingIdle();
      await pdf.close();
      await store.close();
    },
  };
}
