import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { Outbox, type OutboxInput, type OutboxItem, type OutboxOptions, type OutboxSender, type SendResult } from '../../../server/central/outbox.js';

/** A central side in memory: records each idempotency key once, in arrival order; failures are scripted. */
class FakeCentral implements OutboxSender {
  readonly recorded: OutboxItem[] = [];
  readonly seen = new Set<string>();
  deliveries = 0;
  /** Decides each attempt before it is recorded; default: accept. */
  script: (item: OutboxItem, attempt: number) => SendResult | 'record-then-fail' = () => ({ ok: true });
  private attempts = new Map<string, number>();
  waiters: (() => void)[] = [];

  async send(item: OutboxItem): Promise<SendResult> {
    this.deliveries++;
    await new Promise((r) => setImmediate(r));
    const n = (this.attempts.get(item.idempotencyKey) ?? 0) + 1;
    this.attempts.set(item.idempotencyKey, n);
    const verdict = this.script(item, n);
    if (verdict !== 'record-then-fail' && !verdict.ok) return verdict;
    const dup = this.seen.has(item.idempotencyKey);
    if (!dup) {
      this.seen.add(item.idempotencyKey);
      this.recorded.push(item);
    }
    for (const w of this.waiters.splice(0)) w();
    if (verdict === 'record-then-fail') return { ok: false, retry: true, code: 'NETWORK', message: 'answer lost' };
    return { ok: true, duplicate: dup };
  }

  async until(pred: () => boolean, ms = 10_000): Promise<void> {
    const end = Date.now() + ms;
    while (!pred()) {
      if (Date.now() > end) throw new Error('condition not reached');
      await new Promise((r) => setTimeout(r, 5));
    }
  }
}

function caseItem(caseId: string, step: number): OutboxInput {
  return { kind: 'case', key: caseId, idempotencyKey: `${caseId}-r${step}`, payload: { caseId, revision: step, applicant: { idNumber: '11010519491231002X' } } };
}

describe('central/outbox', () => {
  let dir: string;
  const open: Outbox[] = [];
  const openBox = async (o: Partial<OutboxOptions> & { sender: OutboxSender }) => {
    const box = await Outbox.open({ dir, baseDelayMs: 2, maxDelayMs: 20, ...o });
    open.push(box);
    return box;
  };
  beforeEach(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'outbox-'));
  });
  afterEach(async () => {
    for (const b of open.splice(0)) await b.close();
    await fsp.rm(dir, { recursive: true, force: true });
  });

  it('an enqueued item is on disk when enqueue resolves and comes back after a reopen', async () => {
    const central = new FakeCentral();
    const box = await openBox({ sender: central, autoStart: false });
    const item = await box.enqueue(caseItem('C1', 1));
    expect(item.id).to.equal(1);
    await box.close();
    const again = await openBox({ sender: central, autoStart: false });
    expect(again.pending().map((i) => [i.id, i.key, i.payload])).to.deep.equal([[1, 'C1', caseItem('C1', 1).payload]]);
    expect(again.status().backlog).to.equal(1);
  });

  it('enqueueing a known idempotency key returns the stored item instead of a second one', async () => {
    const box = await openBox({ sender: new FakeCentral(), autoStart: false });
    const a = await box.enqueue(caseItem('C1', 1));
    const b = await box.enqueue(caseItem('C1', 1));
    expect(b.id).to.equal(a.id);
    expect(box.status().backlog).to.equal(1);
  });

  it('refuses an item without a kind, key or a header-safe idempotency key', async () => {
    const box = await openBox({ sender: new FakeCentral(), autoStart: false });
    for (const bad of [
      { ...caseItem('C1', 1), kind: 'nonsense' },
      { ...caseItem('C1', 1), key: '' },
      { ...caseItem('C1', 1), idempotencyKey: 'has space' },
    ]) {
      let err: unknown;
      try {
        await box.enqueue(bad as OutboxInput);
      } catch (e) {
        err = e;
      }
      expect(err).to.have.property('code', 'VALIDATION_FAILED');
    }
    expect(box.status().backlog).to.equal(0);
  });

  it('delivers every item once and in per-key order while the central side fails at random and loses answers', async () => {
    const central = new FakeCentral();
    let r = 0x1234;
    const rnd = () => ((r = (r * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    central.script = () => {
      const x = rnd();
      if (x < 0.3) return { ok: false, retry: true, code: 'HTTP_503', message: 'unavailable' };
      if (x < 0.45) return 'record-then-fail';
      return { ok: true };
    };
    const box = await openBox({ sender: central, concurrency: 3 });
    const inputs: OutboxInput[] = [];
    for (let step = 1; step <= 6; step++) for (const c of ['C1', 'C2', 'C3', 'C4']) inputs.push(caseItem(c, step));
    await Promise.all(inputs.map((i) => box.enqueue(i)));
    await central.until(() => box.status().backlog === 0);
    expect(central.recorded).to.have.length(24);
    for (const c of ['C1', 'C2', 'C3', 'C4']) {
      expect(central.recorded.filter((i) => i.key === c).map((i) => (i.payload as { revision: number }).revision)).to.deep.equal([1, 2, 3, 4, 5, 6]);
    }
    const st = box.status();
    expect(st.delivered).to.equal(24);
    expect(central.deliveries).to.be.greaterThan(24);
    expect(st.duplicates).to.be.greaterThan(0);
    expect(st.central).to.equal('up');
  });

  it('backs off exponentially with jitter and shows the last error while the central side is down', async () => {
    const central = new FakeCentral();
    central.script = () => ({ ok: false, retry: true, code: 'CENTRAL_UNREACHABLE', message: 'connect ECONNREFUSED' });
    const times: number[] = [];
    const sender: OutboxSender = { send: (i, s) => (times.push(Date.now()), central.send(i)) };
    const box = await openBox({ sender, baseDelayMs: 20, maxDelayMs: 80, random: () => 1 });
    await box.enqueue(caseItem('C1', 1));
    // The fifth failure is sent before its outcome is recorded: wait for the next attempt to be scheduled.
    await central.until(() => times.length >= 5 && box.status().nextAttemptAt !== null);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    // random()=1 makes each delay the full ceiling: 20, 40, 80, 80 ms.
    expect(gaps[0]).to.be.at.least(18);
    expect(gaps[1]).to.be.at.least(38);
    expect(gaps[2]).to.be.at.least(78);
    expect(gaps[3]).to.be.at.least(78);
    // Between attempts (not while one is in flight) the status says when the next one is due.
    await central.until(() => box.status().nextAttemptAt !== null);
    const st = box.status();
    expect(st.central).to.equal('down');
    expect(st.backlog).to.equal(1);
    expect(st.lastError).to.include({ code: 'CENTRAL_UNREACHABLE', kind: 'case', key: 'C1' });
    expect(st.lastError!.attempts).to.be.at.least(4);
    expect(Date.parse(st.nextAttemptAt!)).to.be.a('number').and.not.NaN;
  });

  it('a permanent refusal parks the item, lets the key go on, and a requeue delivers it', async () => {
    const central = new FakeCentral();
    central.script = (item, n) => (item.idempotencyKey === 'C1-r1' && n === 1 ? { ok: false, retry: false, code: 'VALIDATION_FAILED', message: 'bad case' } : { ok: true });
    const box = await openBox({ sender: central });
    const rejected: number[] = [];
    box.on('rejected', (r) => rejected.push(r.id));
    await box.enqueue(caseItem('C1', 1));
    await box.enqueue(caseItem('C1', 2));
    await central.until(() => box.status().backlog === 0);
    expect(rejected).to.deep.equal([1]);
    expect(box.status().rejected).to.equal(1);
    expect(box.rejectedItems()[0]).to.include({ id: 1, code: 'VALIDATION_FAILED' });
    expect(central.recorded.map((i) => i.idempotencyKey)).to.deep.equal(['C1-r2']);
    await box.close();
    // The refusal is durable too.
    const again = await openBox({ sender: central });
    expect(again.status().rejected).to.equal(1);
    await again.requeue(1);
    await central.until(() => again.status().rejected === 0 && again.status().backlog === 0);
    expect(central.recorded.map((i) => i.idempotencyKey)).to.deep.equal(['C1-r2', 'C1-r1']);
  });

  it('a payload sealed with a key is not readable on disk, and opens again with the key', async () => {
    const key = randomBytes(32);
    const box = await openBox({ sender: new FakeCentral(), sealKey: key, autoStart: false });
    await box.enqueue(caseItem('C9', 1));
    await box.close();
    const raw = await fsp.readFile(path.join(dir, 'outbox.ndjson'), 'utf8');
    expect(raw).not.to.include('11010519491231002X');
    expect(raw).to.include('"C9"');
    const again = await openBox({ sender: new FakeCentral(), sealKey: key, autoStart: false });
    expect((again.pending()[0]!.payload as { applicant: { idNumber: string } }).applicant.idNumber).to.equal('11010519491231002X');
    await again.close();
    let err: unknown;
    try {
      await openBox({ sender: new FakeCentral(), sealKey: randomBytes(32), autoStart: false });
    } catch (e) {
      err = e;
    }
    expect(err).to.have.property('code', 'STORE_FAILED');
  });

  it('a torn last line is moved aside and the items before it are kept', async () => {
    const box = await openBox({ sender: new FakeCentral(), autoStart: false });
    await box.enqueue(caseItem('C1', 1));
    await box.enqueue(caseItem('C1', 2));
    await box.close();
    const file = path.join(dir, 'outbox.ndjson');
    await fsp.appendFile(file, '{"c":123,"r":[{"t":"e","id":3');
    const again = await openBox({ sender: new FakeCentral(), autoStart: false });
    expect(again.pending().map((i) => i.id)).to.deep.equal([1, 2]);
    expect((await fsp.readdir(dir)).some((n) => n.startsWith('corrupt-outbox-'))).to.equal(true);
    // New items continue after the kept ones and land after the cut.
    expect((await again.enqueue(caseItem('C1', 3))).id).to.equal(3);
    await again.close();
    const third = await openBox({ sender: new FakeCentral(), autoStart: false });
    expect(third.pending().map((i) => i.id)).to.deep.equal([1, 2, 3]);
  });

  it('compaction keeps what is owed, the counters and the marks, and the file shrinks', async () => {
    const central = new FakeCentral();
    const box = await openBox({ sender: central, compactBytes: 4096 });
    for (let i = 1; i <= 40; i++) await box.enqueue({ kind: 'rating', key: `R${i}`, idempotencyKey: `rating-${i}`, payload: { pad: 'x'.repeat(100) } });
    await box.setMark('hall-seq', 77);
    await central.until(() => box.status().delivered === 40);
    central.script = () => ({ ok: false, retry: true, code: 'HTTP_500', message: 'down' });
    await box.enqueue(caseItem('C1', 1));
    // Compaction runs after a delivery once the file is large; wait until it did.
    await central.until(() => box.status().lastError !== null);
    await box.close();
    const size = (await fsp.stat(path.join(dir, 'outbox.ndjson'))).size;
    expect(size).to.be.below(4096);
    const again = await openBox({ sender: central, autoStart: false });
    expect(again.status()).to.include({ delivered: 40, backlog: 1 });
    expect(again.mark('hall-seq')).to.equal(77);
    expect(again.pending()[0]!.idempotencyKey).to.equal('C1-r1');
    expect((await again.enqueue(caseItem('C1', 2))).id).to.equal(42);
  });

  it('items and marks written together are all there after a reopen', async () => {
    const box = await openBox({ sender: new FakeCentral(), autoStart: false });
    await box.enqueueMany([caseItem('C1', 1), { kind: 'rating', key: 'R', idempotencyKey: 'r-1', payload: {} }], { 'hall-seq': 12 });
    await box.close();
    const again = await openBox({ sender: new FakeCentral(), autoStart: false });
    expect(again.pending()).to.have.length(2);
    expect(again.mark('hall-seq')).to.equal(12);
  });
});
