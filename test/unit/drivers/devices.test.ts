// Device objects against their simulators over the loopback transport (split chunks, noise, silence,
// unplug/reconnect), against @serialport/binding-mock, over real TCP, and over a fake HID source.

import { expect } from 'chai';
import { createServer, type Server, type Socket as NetSocket } from 'node:net';
import { SerialPortMock } from 'serialport';
import type { DeviceHealth } from '../../../drivers/device.js';
import { encodeReadAnswer, encodeRequest, encodeResponse, encodeCardText } from '../../../drivers/idcard/codec.js';
import { IdCardReader, type CardRead } from '../../../drivers/idcard/device.js';
import { IdCardSimulator } from '../../../drivers/idcard/simulator.js';
import { ticketLayout } from '../../../drivers/printer/layouts.js';
import { Printer } from '../../../drivers/printer/device.js';
import { PrinterSimulator } from '../../../drivers/printer/simulator.js';
import { Scanner } from '../../../drivers/scanner/device.js';
import { ScannerSimulator } from '../../../drivers/scanner/simulator.js';
import { encodeHidReports } from '../../../drivers/scanner/codec.js';
import { HidTransport, type HidDeviceLike, type HidModule } from '../../../drivers/transport/hid.js';
import { loopbackPair } from '../../../drivers/transport/loopback.js';
import { SerialTransport } from '../../../drivers/transport/serial.js';
import { TcpTransport } from '../../../drivers/transport/tcp.js';
import { SAMPLE_CARD, SAMPLE_PHOTO, SAMPLE_TEXT } from '../../fixtures/idcard.js';
import { SIM_CARD } from '../../support/devices.js';
import { until } from '../../support/poll.js';

const FAST = { backoff: { initialMs: 20, maxMs: 100 } };


const statusOf = (d: { health: DeviceHealth }) => d.health.status;

describe('ID-card reader device', function () {
  this.timeout(15_000);
  const stops: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const s of stops.splice(0)) await s();
  });

  function rig(opts: { chunkSize?: number; removeAfterRead?: boolean } = {}) {
    const link = loopbackPair({ name: 'reader', ...(opts.chunkSize ? { chunkSize: opts.chunkSize } : {}) });
    const sim = new IdCardSimulator(link.device, { removeAfterRead: opts.removeAfterRead ?? true });
    const reader = new IdCardReader({ id: 'r1', transport: link.host, pollMs: 300, answerTimeoutMs: 200, ...FAST });
    const cards: CardRead[] = [];
    reader.on('card', (c) => cards.push(c));
    stops.push(() => reader.stop());
    return { link, sim, reader, cards };
  }

  it('reads a placed card through find, select and read in 3-byte chunks and decodes every field', async () => {
    const { sim, reader, cards } = rig({ chunkSize: 3 });
    await sim.open();
    reader.start();
    await until(() => statusOf(reader) === 'online', 'online');
    sim.place(SIM_CARD);
    const read = await until(() => cards[0], 'card');
    expect(read.card).to.deep.equal(SAMPLE_CARD);
    expect(read.photo).to.have.length(1024);
    expect(sim.recent.slice(-3)).to.deep.equal(['find', 'select', 'read']);
    expect(reader.health.counters.discardedBytes).to.equal(0);
    expect(reader.health.counters.timeouts).to.equal(0);
  });

  it('never polls faster than every 300 ms', async () => {
    const link = loopbackPair();
    const sim = new IdCardSimulator(link.device);
    const reader = new IdCardReader({ id: 'r', transport: link.host, pollMs: 10 });
    stops.push(() => reader.stop());
    await sim.open();
    const t0 = Date.now();
    reader.start();
    await until(() => sim.requestCount >= 3, 'three finds', 3000);
    expect(Date.now() - t0).to.be.at.least(2 * 300 - 20);
  });

  it('reports a card once while it stays on the reader, and again after it was taken off and put back', async () => {
    const { sim, reader, cards } = rig({ removeAfterRead: false });
    await sim.open();
    reader.start();
    sim.place(SIM_CARD);
    await until(() => cards.length === 1, 'first read');
    const reads = sim.requestCount;
    await until(() => sim.requestCount >= reads + 6, 'more polls');
    expect(cards).to.have.length(1);
    sim.remove();
    const n = sim.requestCount;
    await until(() => sim.requestCount >= n + 3, 'polls without a card');
    sim.place(SIM_CARD);
    await until(() => cards.length === 2, 'second read');
  });

  it('counts noise before answers as discarded bytes and still reads the card', async () => {
    const link = loopbackPair();
    const reader = new IdCardReader({ id: 'r', transport: link.host, pollMs: 300, answerTimeoutMs: 300 });
    stops.push(() => reader.stop());
    const cards: CardRead[] = [];
    reader.on('card', (c) => cards.push(c));
    // A hand-driven reader: every answer comes after 4 bytes of line noise.
    await link.device.open();
    const answers: Record<string, Buffer> = {
      [encodeRequest('find').toString('hex')]: encodeResponse(0x9f, Buffer.alloc(4)),
      [encodeRequest('select').toString('hex')]: encodeResponse(0x90, Buffer.alloc(8)),
      [encodeRequest('read').toString('hex')]: encodeReadAnswer(SAMPLE_TEXT, SAMPLE_PHOTO),
    };
    link.device.on('data', (req) => void link.device.write(Buffer.concat([Buffer.from([0x00, 0xff, 0x13, 0x37]), answers[req.toString('hex')] ?? encodeResponse(0x21)])));
    reader.start();
    const read = await until(() => cards[0], 'card');
    expect(read.card).to.deep.equal(SAMPLE_CARD);
    expect(reader.health.counters.discardedBytes).to.be.at.least(12);
  });

  it('goes offline when the reader stops answering, counting timeouts, and online again when it answers', async () => {
    const { sim, reader } = rig();
    await sim.open();
    reader.start();
    await until(() => statusOf(reader) === 'online', 'online');
    sim.options.silent = true;
    await until(() => statusOf(reader) === 'offline', 'offline');
    expect(reader.health.code).to.equal('DEVICE_TIMEOUT');
    expect(reader.health.counters.timeouts).to.be.at.least(3);
    sim.options.silent = false;
    await until(() => statusOf(reader) === 'online', 'online again');
  });

  it('maps a SAM self-test failure to a fault with its code', async () => {
    const { sim, reader } = rig();
    sim.options.forceStatus = 0x60;
    await sim.open();
    reader.start();
    await until(() => statusOf(reader) === 'fault', 'fault');
    expect(reader.health.code).to.equal('SAM_FAULT');
  });

  it('reports a card that fails authentication as a card error, not as a read', async () => {
    const link = loopbackPair();
    const reader = new IdCardReader({ id: 'r', transport: link.host, pollMs: 300 });
    stops.push(() => reader.stop());
    const errors: string[] = [];
    reader.on('cardError', (e) => errors.push(e.code));
    reader.on('card', () => errors.push('unexpected card'));
    await link.device.open();
    link.device.on('data', (req) =>
      void link.device.write(req.equals(encodeRequest('find')) ? encodeResponse(0x9f, Buffer.alloc(4)) : encodeResponse(0x31)),
    );
    reader.start();
    await until(() => errors.length > 0, 'card error');
    expect(errors[0]).to.equal('CARD_AUTH_FAILED');
  });

  it('goes offline when unplugged and reconnects with backoff when plugged back', async () => {
    const { link, sim, reader, cards } = rig();
    await sim.open();
    reader.start();
    await until(() => statusOf(reader) === 'online', 'online');
    link.unplug();
    await until(() => statusOf(reader) === 'offline', 'offline');
    expect(reader.health.detail).to.match(/unplugged/);
    link.plug();
    await until(() => statusOf(reader) === 'online', 'online after plug');
    expect(reader.health.counters.reconnects).to.equal(1);
    sim.place(SIM_CARD);
    await until(() => cards.length === 1, 'read after reconnect');
  });

  it('talks to a serial reader through @serialport/binding-mock with replies split in 3-byte reads', async () => {
    SerialPortMock.binding.reset();
    SerialPortMock.binding.createPort('/dev/ttyMOCK0', { record: true, maxReadSize: 3 } as never);
    let port: SerialPortMock | undefined;
    const transport = new SerialTransport({ path: '/dev/ttyMOCK0', factory: (o) => (port = new SerialPortMock(o)) as never });
    const reader = new IdCardReader({ id: 'r', transport, pollMs: 300, answerTimeoutMs: 500 });
    stops.push(async () => {
      await reader.stop();
      SerialPortMock.binding.reset();
    });
    const cards: CardRead[] = [];
    reader.on('card', (c) => cards.push(c));
    reader.start();
    await until(() => port?.isOpen, 'port open');
    const mock = (port as unknown as { port: { recording: Buffer; emitData(b: Buffer): void } }).port;
    const seen = () => mock.recording.length;
    await until(() => seen() >= 10, 'first find');
    expect(mock.recording.subarray(0, 10)).to.deep.equal(encodeRequest('find'));
    mock.emitData(encodeResponse(0x9f, Buffer.alloc(4)));
    await until(() => seen() >= 20, 'select');
    mock.emitData(encodeResponse(0x90, Buffer.alloc(8)));
    await until(() => seen() >= 30, 'read');
    expect(mock.recording.subarray(20, 30)).to.deep.equal(encodeRequest('read'));
    mock.emitData(encodeReadAnswer(encodeCardText(SIM_CARD), SAMPLE_PHOTO));
    const read = await until(() => cards[0], 'card');
    expect(read.card).to.deep.equal(SAMPLE_CARD);
  });
});

describe('printer device', function () {
  this.timeout(15_000);
  const stops: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const s of stops.splice(0)) await s();
  });

  const job = ticketLayout({
    hallName: '示例政务服务中心',
    sectionName: '不动产登记',
    number: 'C012',
    ahead: 3,
    estimatedWaitMinutes: 12,
    issuedAt: '2026-11-23 09:30',
    qrUrl: 'https://hall.example/t/C012',
    widthColumns: 48,
  });

  function rig(chunkSize?: number) {
    const link = loopbackPair({ name: 'printer', ...(chunkSize ? { chunkSize } : {}) });
    const sim = new PrinterSimulator(link.device);
    const printer = new Printer({ id: 'p1', transport: link.host, statusPollMs: 500, answerTimeoutMs: 200, ...FAST });
    stops.push(() => printer.stop());
    return { link, sim, printer };
  }

  it('prints a job: the simulator receives exactly the ESC/POS bytes, with DLE EOT queries answered in between', async () => {
    const { sim, printer } = rig(7);
    await sim.open();
    printer.start();
    const outcome = await printer.print(job);
    expect(outcome).to.include({ ok: true, attempts: 1 });
    expect(sim.jobs).to.have.length(1);
    expect(sim.jobs[0]!.bytes.equals(job)).to.equal(true);
    expect(sim.statusQueries.slice(0, 3)).to.deep.equal([1, 2, 4]);
    expect(statusOf(printer)).to.equal('online');
  });

  it('turns paper out, cover open and offline into health and fails the job at once with that code', async () => {
    const { sim, printer } = rig();
    await sim.open();
    printer.start();
    await until(() => statusOf(printer) === 'online', 'online');
    for (const [state, code] of [
      [{ paperOut: true }, 'PAPER_OUT'],
      [{ coverOpen: true }, 'COVER_OPEN'],
      [{ online: false }, 'DEVICE_OFFLINE'],
    ] as const) {
      sim.set({ paperOut: false, coverOpen: false, online: true, ...state });
      const outcome = await printer.print(job);
      expect(outcome).to.deep.include({ ok: false, code });
      expect(printer.health).to.include({ status: 'fault', code });
    }
    expect(sim.jobs).to.have.length(0);
    sim.set({ online: true, paperOut: false, coverOpen: false, paperLow: true });
    expect(await printer.print(job)).to.include({ ok: true });
    expect(printer.health).to.include({ status: 'online', code: 'PAPER_LOW' });
  });

  it('keeps a job queued while the printer is unplugged and prints it after the reconnect', async () => {
    const { link, sim, printer } = rig();
    await sim.open();
    printer.start();
    await until(() => statusOf(printer) === 'online', 'online');
    link.unplug();
    await until(() => statusOf(printer) === 'offline', 'offline');
    const pending = printer.print(job, { expiresInMs: 5000 });
    await new Promise((r) => setTimeout(r, 100));
    expect(printer.queued).to.equal(1);
    link.plug();
    const outcome = await pending;
    expect(outcome.ok).to.equal(true);
    expect(sim.jobs).to.have.length(1);
    expect(printer.health.counters.reconnects).to.equal(1);
  });

  it('reports a job that could not print before it expired, and prints nothing late', async () => {
    const { link, sim, printer } = rig();
    await sim.open();
    printer.start();
    await until(() => statusOf(printer) === 'online', 'online');
    link.unplug();
    const outcome = await printer.print(job, { expiresInMs: 150 });
    expect(outcome).to.deep.include({ ok: false, code: 'DEVICE_OFFLINE' });
    link.plug();
    await until(() => statusOf(printer) === 'online', 'online again');
    expect(sim.jobs).to.have.length(0);
  });

  it('goes offline when status queries go unanswered and discards bytes nobody asked for', async () => {
    const { link, sim, printer } = rig();
    await sim.open();
    printer.start();
    await until(() => statusOf(printer) === 'online', 'online');
    await link.device.write(Buffer.from([0x12, 0x12]));
    await until(() => printer.health.counters.discardedBytes >= 1, 'discarded');
    sim.set({ silent: true });
    await until(() => statusOf(printer) === 'offline', 'offline');
    expect(printer.health.code).to.equal('DEVICE_TIMEOUT');
    expect(printer.health.counters.timeouts).to.be.at.least(2);
  });

  it('prints over TCP (port 9100 style) and reconnects after the printer drops the connection', async () => {
    const received: Buffer[] = [];
    const conns: NetSocket[] = [];
    const server: Server = createServer((s) => {
      conns.push(s);
      s.on('data', (b) => {
        for (let i = 0; i < b.length; i++) {
          if (b[i] === 0x10 && b[i + 1] === 0x04) {
            s.write(Buffer.from([0x12]));
            i += 2;
          } else received.push(b.subarray(i, i + 1));
        }
      });
      s.on('error', () => {});
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    const printer = new Printer({ id: 'tcp', transport: new TcpTransport({ host: '127.0.0.1', port }), answerTimeoutMs: 300, statusPollMs: 500, ...FAST });
    stops.push(async () => {
      await printer.stop();
      for (const c of conns) c.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    });
    printer.start();
    expect(await printer.print(job)).to.include({ ok: true });
    expect(Buffer.concat(received).equals(job)).to.equal(true);
    conns[0]!.destroy();
    await until(() => statusOf(printer) === 'offline', 'offline after drop');
    await until(() => statusOf(printer) === 'online' && conns.length === 2, 'reconnected');
    expect(printer.health.counters.reconnects).to.equal(1);
  });

  it('reports a TCP printer that refuses connections as offline with the reason', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((r) => server.close(() => r()));
    const printer = new Printer({ id: 'gone', transport: new TcpTransport({ host: '127.0.0.1', port }), ...FAST });
    stops.push(() => printer.stop());
    printer.start();
    await until(() => printer.health.code === 'PORT_UNAVAILABLE', 'port unavailable');
    expect(printer.health.status).to.equal('offline');
    expect(printer.health.detail).to.match(/ECONNREFUSED/);
  });
});

describe('scanner device', function () {
  this.timeout(10_000);
  const stops: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const s of stops.splice(0)) await s();
  });

  it('reads CR-terminated lines split across chunks, dropping control noise', async () => {
    const link = loopbackPair({ chunkSize: 2 });
    const scanner = new Scanner({ id: 's', transport: link.host, mode: 'line' });
    stops.push(() => scanner.stop());
    const codes: string[] = [];
    scanner.on('scan', (s) => codes.push(s.code));
    const sim = new ScannerSimulator(link.device, 'line');
    await sim.open();
    scanner.start();
    await until(() => statusOf(scanner) === 'online', 'online');
    await link.device.write(Buffer.from([0x02, 0x00]));
    await sim.scan('APPT-7F3A');
    await sim.scan('预约码123');
    await until(() => codes.length === 2, 'two codes');
    expect(codes).to.deep.equal(['APPT-7F3A', '预约码123']);
    expect(scanner.health.counters.discardedBytes).to.equal(2);
    expect(scanner.health.counters.framesReceived).to.equal(2);
  });

  it('drops a code whose terminator never comes after the inter-byte timeout', async () => {
    const link = loopbackPair();
    const scanner = new Scanner({ id: 's', transport: link.host, mode: 'line', interByteTimeoutMs: 50 });
    stops.push(() => scanner.stop());
    const codes: string[] = [];
    scanner.on('scan', (s) => codes.push(s.code));
    await link.device.open();
    scanner.start();
    await until(() => statusOf(scanner) === 'online', 'online');
    await link.device.write(Buffer.from('HALF'));
    await until(() => scanner.health.counters.discardedBytes === 4, 'dropped');
    await link.device.write(Buffer.from('WHOLE\r'));
    await until(() => codes.length === 1, 'code');
    expect(codes).to.deep.equal(['WHOLE']);
  });

  it('decodes HID keyboard reports with shift and key release from the simulator', async () => {
    const link = loopbackPair();
    const scanner = new Scanner({ id: 's', transport: link.host, mode: 'hid' });
    stops.push(() => scanner.stop());
    const codes: string[] = [];
    scanner.on('scan', (s) => codes.push(s.code));
    const sim = new ScannerSimulator(link.device, 'hid');
    await sim.open();
    scanner.start();
    await until(() => statusOf(scanner) === 'online', 'online');
    await sim.scan('Ab-12');
    await until(() => codes.length === 1, 'code');
    expect(codes).to.deep.equal(['Ab-12']);
  });

  it('reads a HID scanner through a fake node-hid source and reconnects after an unplug', async () => {
    const opened: FakeHid[] = [];
    class FakeHid implements HidDeviceLike {
      private handlers: Record<string, ((x: never) => void)[]> = {};
      constructor(readonly path: string) {
        opened.push(this);
      }
      on(event: string, fn: (x: never) => void): void {
        (this.handlers[event] ??= []).push(fn);
      }
      fire(event: string, x: unknown): void {
        for (const f of this.handlers[event] ?? []) f(x as never);
      }
      removeAllListeners(): void {
        this.handlers = {};
      }
      close(): void {}
    }
    const load = async (): Promise<HidModule> => ({ HID: FakeHid as never });
    const scanner = new Scanner({ id: 'h', transport: new HidTransport({ path: '/dev/hidraw7', load }), mode: 'hid', ...FAST });
    stops.push(() => scanner.stop());
    const codes: string[] = [];
    scanner.on('scan', (s) => codes.push(s.code));
    scanner.start();
    await until(() => statusOf(scanner) === 'online', 'online');
    expect(scanner.transport.address).to.equal('hid:/dev/hidraw7');
    for (const r of encodeHidReports('W3')) opened[0]!.fire('data', r);
    opened[0]!.fire('data', Buffer.from([1, 2, 3])); // a short report: malformed
    await until(() => codes.length === 1, 'code');
    expect(codes).to.deep.equal(['W3']);
    expect(scanner.health.counters.discardedBytes).to.equal(3);
    opened[0]!.fire('error', new Error('could not read from HID device'));
    await until(() => statusOf(scanner) === 'offline', 'offline');
    await until(() => opened.length === 2 && statusOf(scanner) === 'online', 'reopened');
  });

  it('reports a HID scanner as not there, with the reason, when node-hid cannot be loaded', async () => {
    const scanner = new Scanner({ id: 'h', transport: new HidTransport({ vendorId: 0x0c2e, productId: 0x0b61 }), mode: 'hid', ...FAST });
    stops.push(() => scanner.stop());
    scanner.start();
    await until(() => scanner.health.code === 'PORT_UNAVAILABLE', 'unavailable');
    expect(scanner.health.status).to.equal('offline');
    expect(scanner.health.detail).to.match(/node-hid|hid:0c2e:0b61/);
  });
});
