// Chooses where the hall's pushes go and builds the link: a configured central URL (config or environment),
// else in demo mode the mock central system started in this process, else nowhere (items wait in the
// outbox, and the manager sees why). Called by the composition root only.

import { join } from 'node:path';
import type { CentralConfig } from '../../config/schema.js';
import type { Accounts } from '../auth/accounts.js';
import type { Hall } from '../hall/hall.js';
import type { Logger } from '../log.js';
import type { CentralMock } from '../central-mock/mock.js';
import { CentralLink, type CentralLinkOptions } from './index.js';

export interface CentralOverrides {
  url?: string | null;
  apiKey?: string;
  /** Retry timings, e.g. fast ones for tests. */
  retry?: Partial<CentralConfig['retry']>;
  progressCacheSeconds?: number;
  /** Demo mock: 0 = any free port. */
  mockPort?: number;
  mockStageSeconds?: number;
}

export interface CentralSetup {
  link: CentralLink;
  mock: CentralMock | null;
  close(): Promise<void>;
}

export async function setUpCentral(o: {
  config: CentralConfig;
  overrides?: CentralOverrides;
  hallCode: string;
  demo: boolean;
  dataDir: string;
  hall: Hall;
  accounts: Accounts;
  log: Logger;
  sealKey: Buffer;
  idSecret: Buffer;
  /** Kiosk progress by card and the hall's own cases (CentralLinkOptions). */
  cardIdentity?: CentralLinkOptions['cardIdentity'];
  hallCases?: CentralLinkOptions['hallCases'];
  now?: () => number;
}): Promise<CentralSetup> {
  const ov = o.overrides ?? {};
  const config: CentralConfig = {
    ...o.config,
    retry: { ...o.config.retry, ...ov.retry },
    progressCacheSeconds: ov.progressCacheSeconds ?? o.config.progressCacheSeconds,
  };
  const apiKey = ov.apiKey ?? config.apiKey;
  let url = ov.url !== undefined ? ov.url : config.url;
  let mock: CentralMock | null = null;
  if (!url && o.demo) {
    const options = {
      dataDir: join(o.dataDir, 'central-mock'),
      apiKey,
      stageMs: (ov.mockStageSeconds ?? config.mock.stageSeconds) * 1000,
      log: (msg: string, fields?: Record<string, unknown>) => o.log.warn(fields ?? {}, msg),
    };
    const port = ov.mockPort ?? config.mock.port;
    // Loaded only here: a hall with a real central system never loads the mock (nor its schema compiler).
    const { startCentralMock } = await import('../central-mock/mock.js');
    try {
      mock = await startCentralMock({ ...options, port });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || port === 0) throw err;
      // Another demo hall holds the usual port: any free one will do, the hall is told where it is.
      mock = await startCentralMock({ ...options, port: 0 });
    }
    url = mock.url;
    o.log.info({ url }, 'demo: mock central approval system started');
  }
  let link: CentralLink;
  try {
    link = await CentralLink.start({
      hall: o.hall,
      accounts: o.accounts,
      log: o.log,
      config,
      hallCode: o.hallCode,
      dir: join(o.dataDir, 'outbox'),
      url: url ?? null,
      mode: mock ? 'mock' : url ? 'remote' : 'none',
      apiKey,
      sealKey: o.sealKey,
      idSecret: o.idSecret,
      ...(o.cardIdentity ? { cardIdentity: o.cardIdentity } : {}),
      ...(o.hallCases ? { hallCases: o.hallCases } : {}),
      ...(o.now ? { now: o.now } : {}),
    });
  } catch (err) {
    await mock?.close();
    throw err;
  }
  return {
    link,
    mock,
    async close() {
      await link.close();
      await mock?.close();
    },
  };
}
