import { expect } from 'chai';
import { LedbarBus, type BusClock, type ByteLink } from '../../../drivers/ledbar/bus.js';
import { createLedbarCodec } from '../../../drivers/ledbar/codecs.js';
import { LedbarSimulator } from '../../../drivers/ledbar/simulator.js';
import { DeviceError } from '../../../drivers/errors.js';
import { AABB_CALL, AABB_CLEAR, CALL_TEXT } from '../../fixtures/ledbar.js';

/** A clock that moves only when the test says so. */
class FakeClock implements BusClock {
  t = 1_000;
  private timers: { at: number; fire: () => void }[] = [];
  now = (): number => this.t;
  sleep = (ms: number): Promise<void> =>
    new Promise((fire) => {
      this.timers.push({ at: this.t + ms, fire });
    });
  get sleeping(): number {
    return this.timers.length;
  }
  /** Moves time forward, firing due timers in order and letting the awakened code run. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await settle();
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (!next || next.at > end) break;
      this.timers.shift();
      this.t = next.at;
      next.fire();
    }
    this.t = end;
    await settle();
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
}

/** A link that records each write with the fake time it happened at. */
class RecordingLink implements ByteLink {
  readonly address = 'test:bus';
  isOpen = false;
  writes: { at: number; bytes: Buffer }[] = [];
  failOpen = 0;
  failWrites = 0;
  private closeFns: ((i: { expected: boolean; reason?: string }) => void)[] = [];
  constructor(private readonly clock: FakeClock) {}
  async open(): Promise<void> {
    if (this.failOpen > 0) {
      this.failOpen--;
      throw new DeviceError('PORT_UNAVAILABLE', 'no such port');
    }
    this.isOpen = true;
  }
  async write(bytes: Uint8Array): Promise<void> {
    if (this.failWrites > 0) {
      this.failWrites--;
      throw new DeviceError('DEVICE_OFFLINE', 'write failed');
    }
    this.writes.push({ at: this.clock.now(), bytes: Buffer.from(bytes) });
  }
  async close(): Promise<void> {
    this.isOpen = false;
  }
  on(_e: 'close', fn: (i: { expected: boolean; reason?: string }) => void): this {
    this.closeFns.push(fn);
    return this;
  }
  drop(): void {
    this.isOpen = false;
    for (const f of this.closeFns) f({ expected: false, reason: 'cable pulled' });
  }
}

const codec = createLedbarCodec('aa-bb-51');

describe('LED bar bus', () => {
  it('writes frames one at a time, in order, with at least the configured gap between them', async () => {
    const clock = new FakeClock();
    const link = new RecordingLink(clock);
    const bus = new LedbarBus({ id: 'b', link, codec, gapMs: 80, clock });
    await bus.start();
    const outcomes = [bus.show(1, '请A001号到1号窗口'), bus.show(2, '请B001号到2号窗口'), bus.show(3, CALL_TEXT)];
    await settle();
    // The first frame goes at once; the others wait for the gap.
    expect(link.writes.map((w) => w.bytes[1])).to.deep.equal([1]);
    await clock.advance(79);
    expect(link.writes).to.have.length(1);
    await clock.advance(1);
    expect(link.writes.map((w) => w.bytes[1])).to.deep.equal([1, 2]);
    await clock.advance(80);
    expect(link.writes.map((w) => w.bytes[1])).to.deep.equal([1, 2, 3]);
    expect(await Promise.all(outcomes)).to.deep.equal(['sent', 'sent', 'sent']);
    const at = link.writes.map((w) => w.at);
    expect(at[1]! - at[0]!).to.equal(80);
    expect(at[2]! - at[1]!).to.equal(80);
    expect(link.writes[2]!.bytes.equals(AABB_CALL)).to.equal(true);
    expect(bus.health()).to.include({ status: 'online', framesSent: 3, pending: 0 });
  });

  it('does not wait when the bus has been quiet for longer than the gap', async () => {
    const clock = new FakeClock();
    const link = new RecordingLink(clock);
    const bus = new LedbarBus({ id: 'b', link, codec, gapMs: 50, clock });
    await bus.start();
    await bus.show(1, 'A');
    await clock.advance(500);
    void bus.show(1, 'B');
    await settle();
    expect(link.writes).to.have.length(2);
    expect(link.writes[1]!.at - link.writes[0]!.at).to.equal(500);
  });

  it('replaces a waiting frame for the same bar with the newer text, keeping its place in the queue', async () => {
    const clock = new FakeClock();
    const link = new RecordingLink(clock);
    const bus = new LedbarBus({ id: 'b', link, codec, gapMs: 100, clock });
    await bus.start();
    const first = bus.show(1, '1号');
    const old = bus.show(2, '旧');
    const other = bus.show(3, '3号');
    const newer = bus.show(2, '新');
    await clock.advance(300);
    expect(await Promise.all([first, old, other, newer])).to.deep.equal(['sent', 'superseded', 'sent', 'sent']);
    const sim = new LedbarSimulator({ codec });
    await sim.open();
    for (const w of link.writes) await sim.write(w.bytes);
    expect(link.writes.map((w) => w.bytes[1])).to.deep.equal([1, 2, 3]);
    expect(sim.output().screens).to.deep.equal({ 1: '1号', 2: '新', 3: '3号' });
    expect(bus.health().framesSuperseded).to.equal(1);
  });

  it('keeps trying to open an absent port, reports it offline meanwhile, and sends what waited once it opens', async () => {
    const clock = new FakeClock();
    const link = new RecordingLink(clock);
    link.failOpen = 2;
    const bus = new LedbarBus({ id: 'b', link, codec, gapMs: 50, reconnectMs: 1000, clock });
    void bus.start();
    const sent = bus.show(3, CALL_TEXT);
    await settle();
    expect(bus.health()).to.include({ status: 'offline', detail: 'no such port', pending: 1 });
    await clock.advance(999);
    expect(link.writes).to.have.length(0);
    await clock.advance(1);
    expect(link.isOpen).to.equal(false); // second try failed too; the next waits twice as long
    await clock.advance(2000);
    expect(await sent).to.equal('sent');
    expect(link.writes[0]!.bytes.equals(AABB_CALL)).to.equal(true);
    expect(bus.status).to.equal('online');
  });

  it('after the link drops, reopens it and puts every bar\'s current text back', async () => {
    const clock = new FakeClock();
    const link = new RecordingLink(clock);
    const bus = new LedbarBus({ id: 'b', link, codec, gapMs: 10, reconnectMs: 500, clock });
    const changes: string[] = [];
    bus.onStatus((h) => changes.push(`${h.status}@${h.since}`));
    await bus.start();
    void bus.show(3, CALL_TEXT);
    void bus.clear(4);
    await clock.advance(20);
    expect(link.writes).to.have.length(2);
    link.failOpen = 1;
    link.drop();
    expect(bus.health()).to.include({ status: 'offline', detail: 'cable pulled' });
    await clock.advance(500);
    await clock.advance(20);
    expect(bus.health()).to.include({ status: 'online', reconnects: 1 });
    // Told once per change, with the time it changed.
    expect(changes).to.deep.equal(['online@1000', 'offline@1020', 'online@1520']);
    expect(link.writes.slice(2).map((w) => w.bytes)).to.deep.equal([AABB_CALL, Buffer.from(AABB_CLEAR).fill(4, 1, 2)]);
  });

  it('keeps a frame whose write failed and sends it again after a pause, counting the failure', async () => {
    const clock = new FakeClock();
    const link = new RecordingLink(clock);
    link.failWrites = 1;
    const events: string[] = [];
    const bus = new LedbarBus({ id: 'b', link, codec, gapMs: 10, reconnectMs: 200, clock, onEvent: (e) => events.push(e.type) });
    await bus.start();
    const sent = bus.show(3, CALL_TEXT);
    await settle();
    expect(bus.health()).to.include({ status: 'fault', writeFailures: 1, pending: 1 });
    await clock.advance(200);
    expect(await sent).to.equal('sent');
    expect(link.writes).to.have.length(1);
    expect(events).to.include('write-failed');
  });

  it('refuses a text the codec cannot carry before it reaches the queue', async () => {
    const clock = new FakeClock();
    const bus = new LedbarBus({ id: 'b', link: new RecordingLink(clock), codec, clock });
    expect(() => bus.show(3, '长'.repeat(200))).to.throw(DeviceError).with.property('code', 'BAD_ARGUMENT');
    expect(() => new LedbarBus({ id: 'b', link: new RecordingLink(clock), codec, gapMs: -1 })).to.throw(DeviceError);
  });
});

describe('LED bar simulator', () => {
  it('keeps every frame as written and what each address shows, and ignores a frame with a bad checksum', async () => {
    const sim = new LedbarSimulator({ codec, now: () => Date.UTC(2026, 0, 5, 1, 2, 3) });
    await sim.open();
    await sim.write(AABB_CALL);
    const bad = Buffer.from(AABB_CALL);
    bad[5] = 0x00;
    await sim.write(bad);
    const out = sim.output();
    expect(out.frames).to.deep.equal([
      { at: '2026-01-05T01:02:03.000Z', bytes: AABB_CALL.toString('base64') },
      { at: '2026-01-05T01:02:03.000Z', bytes: bad.toString('base64') },
    ]);
    expect(out.screens).to.deep.equal({ 3: CALL_TEXT });
    expect(sim.rejected).to.equal(1);
    await sim.write(AABB_CLEAR);
    expect(sim.screen(3)).to.equal('');
  });

  it('cannot be opened while unplugged, and drops an open link when unplugged', async () => {
    const sim = new LedbarSimulator({ codec });
    const closes: unknown[] = [];
    sim.on('close', (i) => closes.push(i));
    await sim.open();
    sim.unplug();
    expect(sim.isOpen).to.equal(false);
    expect(closes).to.deep.equal([{ expected: false, reason: 'unplugged' }]);
    let code = '';
    await sim.open().catch((e: DeviceError) => (code = e.code));
    expect(code).to.equal('PORT_UNAVAILABLE');
    await sim.write(AABB_CALL).catch((e: DeviceError) => (code = e.code));
    expect(code).to.equal('DEVICE_OFFLINE');
    sim.plug();
    await sim.open();
    expect(sim.isOpen).to.equal(true);
  });
});
