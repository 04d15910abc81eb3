// Helpers for tests of the central link: a mock central system in the test process, a valid case body with
// a real (tiny) PDF, and waiting for a condition.

import { createHash } from 'node:crypto';
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CentralMock, type CentralMockOptions } from '../../server/central-mock/mock.js';
import type { CasePush } from '../../server/central/contract.js';
import { spawnHallProcess, tempDir } from './hall.js';

export const TEST_CENTRAL_KEY = 'test-central-key-0001';

export interface TestCentral {
  mock: CentralMock;
  url: string;
  dataDir: string;
  close(): Promise<void>;
}

export async function startTestCentral(o: Partial<CentralMockOptions> = {}): Promise<TestCentral> {
  const dataDir = o.dataDir ?? (await tempDir('central-mock-'));
  const mock = new CentralMock({ dataDir, apiKey: TEST_CENTRAL_KEY, ...o });
  await mock.open();
  const url = await mock.listen(o.port ?? 0);
  return {
    mock,
    url,
    dataDir,
    async close() {
      await mock.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A minimal valid PDF file (one empty page), with a marker so each document differs. */
export function tinyPdf(marker = 'x'): Buffer {
  return Buffer.from(
    `%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n` +
      `3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n%${marker}\ntrailer<</Root 1 0 R>>\n%%EOF\n`,
    'latin1',
  );
}

/** A case body that matches the contract; `revision` and `outcome` vary per test. */
export function sampleCase(caseId: string, revision = 1, over: Partial<CasePush> = {}, hallCode = 'ZWFW-DEMO-001'): CasePush {
  const pdf = tinyPdf(`${caseId}-${revision}`);
  return {
    caseId,
    revision,
    receiptNo: `SL2026${caseId.replace(/[^0-9]/g, '').padStart(6, '0')}`,
    hallCode,
    service: { code: 'BDC-001', name: '不动产首次登记', kind: 'promised', legalLimitDays: 30, promisedLimitDays: 10 },
    outcome: 'accepted',
    capturedAt: '2026-03-16T10:00:00.000+08:00',
    promisedDueDate: '2026-03-30',
    applicant: { name: '张小三', idNumber: '11010519491231002X' },
    materials: [{ name: '身份证明', required: true, provided: true, copies: 1 }],
    clerk: { staffNo: 'S001', windowId: 'w1' },
    ticketNumber: 'A001',
    documents: [
      {
        documentId: `${caseId}-receipt`,
        type: 'receipt',
        title: '受理通知书',
        mediaType: 'application/pdf',
        sha256: createHash('sha256').update(pdf).digest('hex'),
        size: pdf.length,
        contentBase64: pdf.toString('base64'),
      },
    ],
    ...over,
  };
}

export async function until(pred: () => boolean | Promise<boolean>, ms = 20_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A copy of config/ whose central link retries fast (the outbox's own tests cover the real timings). */
export async function fastRetryConfig(prefix: string): Promise<string> {
  const dir = await tempDir(prefix);
  await cp(join(root, 'config'), dir, { recursive: true, filter: (src) => !src.endsWith('.ts') });
  const hallFile = join(dir, 'hall.json');
  const hall = JSON.parse(await readFile(hallFile, 'utf8'));
  hall.central = { ...hall.central, retry: { baseSeconds: 0.1, maxSeconds: 1, concurrency: 4 } };
  await writeFile(hallFile, JSON.stringify(hall, null, 2));
  return dir;
}

/** The hall server as a child process, with that config and this central system. */
export function spawnHallWithCentral(dataDir: string, configDir: string, port: number, centralUrl: string): ReturnType<typeof spawnHallProcess> {
  return spawnHallProcess(dataDir, port, { HALL_CONFIG_DIR: configDir, HALL_CENTRAL_URL: centralUrl, HALL_CENTRAL_KEY: TEST_CENTRAL_KEY });
}

export interface CentralRig {
  central: TestCentral;
  dataDir: string;
  configDir: string;
}

/**
 * Hooks for tests of the hall process against a test central: each test gets a central, a data folder and
 * a fast-retry config (fastRetryConfig), all removed after it. Read the fields inside the test.
 */
export function centralRig(name: string): CentralRig {
  const rig = {} as CentralRig;
  beforeEach(async () => {
    rig.central = await startTestCentral();
    rig.dataDir = await tempDir(`hall-${name}-crash-`);
    rig.configDir = await fastRetryConfig(`hall-${name}-config-`);
  });
  afterEach(async () => {
    await rig.central.close();
    await rm(rig.dataDir, { recursive: true, force: true });
    await rm(rig.configDir, { recursive: true, force: true });
  });
  return rig;
}
