import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { appendFile, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Sealer } from '../../../server/cases/seal.js';
import { CaseStore } from '../../../server/cases/store.js';
import type { CaseRecord } from '../../../server/cases/types.js';
import { tempDir } from '../../support/hall.js';

function record(id: string, version = 1, sealed = 'x'): CaseRecord {
  return {
    id,
    version,
    status: 'draft',
    windowId: 'w1',
    clerk: { id: 'staff1', name: '王*', staffNo: 'S001' },
    sectionId: 'company',
    serviceCode: 'B01',
    serviceName: '企业设立登记',
    serviceKind: 'immediate',
    legalLimitDays: 3,
    promisedLimitDays: 0,
    applicant: { nameMasked: '张*三', idMasked: '110***********0015', source: 'typed' },
    materials: [],
    pages: [],
    documents: [],
    createdAt: '2026-11-23T09:00:00+08:00',
    updatedAt: '2026-11-23T09:00:00+08:00',
    sealed,
  };
}

describe('case store', () => {
  let dir: string;
  const sealer = new Sealer(randomBytes(32));
  beforeEach(async () => {
    dir = await tempDir('cases-store-');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads back the newest version of each case after a restart', async () => {
    const s = await CaseStore.open(dir, sealer);
    await Promise.all([s.put(record('A')), s.put(record('B'))]);
    await s.put(record('A', 2));
    await s.close();
    const again = await CaseStore.open(dir, sealer);
    expect(again.get('A')!.version).to.equal(2);
    expect(again.get('B')!.version).to.equal(1);
    await again.close();
  });

  it('moves a torn tail aside and keeps every complete line', async () => {
    const s = await CaseStore.open(dir, sealer);
    await s.put(record('A'));
    await s.close();
    await appendFile(join(dir, 'cases.ndjson'), '{"c":123,"r":[{"id":"B"');
    const again = await CaseStore.open(dir, sealer);
    expect([...again.all()].map((r) => r.id)).to.deep.equal(['A']);
    expect((await readdir(dir)).some((f) => f.startsWith('corrupt-'))).to.equal(true);
    await again.put(record('C'));
    await again.close();
    const third = await CaseStore.open(dir, sealer);
    expect([...third.all()].map((r) => r.id).sort()).to.deep.equal(['A', 'C']);
    await third.close();
  });

  it('seals files so their bytes never appear on disk, and refuses a file sealed for another case', async () => {
    const s = await CaseStore.open(dir, sealer);
    const secret = Buffer.from('440305198503120471 欧阳小明');
    await s.writeFile('A', 'p01.jpg', secret);
    expect((await s.readFile('A', 'p01.jpg')).equals(secret)).to.equal(true);
    const raw = await readFile(join(dir, 'files', 'A', 'p01.jpg.sealed'));
    expect(raw.includes(Buffer.from('440305198503120471'))).to.equal(false);
    // The case id is bound as associated data: the same bytes under another case do not open.
    const { mkdir, writeFile } = await import('node:fs/promises');
    await mkdir(join(dir, 'files', 'B'), { recursive: true });
    await writeFile(join(dir, 'files', 'B', 'p01.jpg.sealed'), raw);
    let code = '';
    await s.readFile('B', 'p01.jpg').catch((e: Error) => (code = e.message));
    expect(code).to.match(/authenticate|auth/i);
    await s.close();
  });

  it('purges cases from the log and deletes their files', async () => {
    const s = await CaseStore.open(dir, sealer);
    await s.put(record('A', 1, 'sealed-A'), record('B', 1, 'sealed-B'));
    await s.writeFile('A', 'p01.jpg', Buffer.from('page'));
    expect(await s.purge(['A', 'Z'])).to.equal(1);
    await s.put(record('C'));
    await s.close();
    const log = await readFile(join(dir, 'cases.ndjson'), 'utf8');
    expect(log).not.to.include('sealed-A');
    expect(await readdir(join(dir, 'files'))).to.not.include('A');
    const again = await CaseStore.open(dir, sealer);
    expect([...again.all()].map((r) => r.id).sort()).to.deep.equal(['B', 'C']);
    await again.close();
  });
});
