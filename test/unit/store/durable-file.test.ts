import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { HallError } from '../../../server/errors.js';
import { DurableJSONFile, openDocument } from '../../../server/store/durable-file.js';

describe('store/durable-file', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'durable-'));
  });
  afterEach(async () => {
    await fsp.rm(dir, { recursive: true, force: true });
  });

  it('reads null for a missing file and reads back what it wrote', async () => {
    const a = new DurableJSONFile<{ n: number; name: string }>(path.join(dir, 'doc.json'));
    expect(await a.read()).to.equal(null);
    await a.write({ n: 1, name: '不动产登记' });
    expect(await a.read()).to.deep.equal({ n: 1, name: '不动产登记' });
  });

  it('leaves no temp file behind after a write', async () => {
    const a = new DurableJSONFile<number[]>(path.join(dir, 'doc.json'));
    await a.write([1, 2, 3]);
    await a.write([4]);
    expect(await fsp.readdir(dir)).to.deep.equal(['doc.json']);
  });

  it('applies overlapping writes in call order', async () => {
    const a = new DurableJSONFile<{ v: number }>(path.join(dir, 'doc.json'));
    await Promise.all(Array.from({ length: 20 }, (_, v) => a.write({ v })));
    expect(await a.read()).to.deep.equal({ v: 19 });
  });

  it('throws STORE_FAILED naming the file when the document is corrupt', async () => {
    const file = path.join(dir, 'doc.json');
    await fsp.writeFile(file, '{"accounts": [');
    const err = await new DurableJSONFile(file).read().catch((e: unknown) => e);
    expect(err).to.be.instanceOf(HallError).with.property('code', 'STORE_FAILED');
    expect((err as HallError).message).to.include(file);
    expect((err as HallError).details).to.include({ file });
  });

  it('removes temp files left by a killed writer on its first write', async () => {
    const file = path.join(dir, 'doc.json');
    await fsp.writeFile(path.join(dir, '.doc.json.999.1.tmp'), '{"half');
    await fsp.writeFile(path.join(dir, 'other.json'), '{}');
    await new DurableJSONFile(file).write({ ok: true });
    expect((await fsp.readdir(dir)).sort()).to.deep.equal(['doc.json', 'other.json']);
  });

  it('reports a write into a missing folder as STORE_FAILED', async () => {
    const a = new DurableJSONFile(path.join(dir, 'no', 'such', 'doc.json'));
    const err = await a.write({ x: 1 }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(HallError).with.property('code', 'STORE_FAILED');
    // The adapter stays usable once the folder exists.
    await fsp.mkdir(path.join(dir, 'no', 'such'), { recursive: true });
    await a.write({ x: 2 });
    expect(await a.read()).to.deep.equal({ x: 2 });
  });

  it('openDocument creates the folder, starts from a copy of the defaults and persists updates', async () => {
    const file = path.join(dir, 'sub', 'accounts.json');
    const defaults = { accounts: [] as string[] };
    const db = await openDocument(file, defaults);
    await db.update((d) => d.accounts.push('staff1'));
    expect(defaults.accounts).to.deep.equal([]);
    const again = await openDocument(file, defaults);
    expect(again.data).to.deep.equal({ accounts: ['staff1'] });
  });

  it('openDocument refuses a corrupt file instead of replacing it with the defaults', async () => {
    const file = path.join(dir, 'accounts.json');
    await fsp.writeFile(file, 'not json');
    const err = await openDocument(file, { accounts: [] }).catch((e: unknown) => e);
    expect(err).to.have.property('code', 'STORE_FAILED');
    expect(await fsp.readFile(file, 'utf8')).to.equal('not json');
  });
});
