// One contract per device kind: what any reader, printer or scanner must do through its driver. Each
// contract runs against the simulator over loopback, and against a real device when an environment
// variable names its port:
//   HALL_CONTRACT_IDCARD=/dev/ttyUSB0        (serial, 115200 8N1)   HALL_CONTRACT_CARD=1 to wait for a card
//   HALL_CONTRACT_PRINTER=tcp:10.0.0.9:9100 | /dev/usb/lp0 | serial:/dev/ttyS0@9600   HALL_CONTRACT_PRINT=1 to print
//   HALL_CONTRACT_SCANNER=/dev/ttyACM0 | serial:/dev/ttyS1@9600     HALL_CONTRACT_SCAN=1 to wait for a scan
//   HALL_CONTRACT_LEDBAR=/dev/ttyUSB1 | serial:/dev/ttyUSB1@9600 | tcp:10.0.0.20:4001  with
//     HALL_CONTRACT_LEDBAR_CODEC (aa-bb-51) and HALL_CONTRACT_LEDBAR_ADDRESS (1); a person checks the bar
//   HALL_CONTRACT_DOCSCAN=<SANE device, e.g. genesys:libusb:001:004> | dir:/srv/scans (a hot folder)
//     HALL_CONTRACT_SCANDOC=1 to scan a page (someone puts one on the glass or into the folder)
// Steps that need a person (placing a card, scanning) are done by the simulator, and on real hardware only
// when asked for.

import { expect } from 'chai';
import type { TransportConfig } from '../../../config/devices.js';
import { buildTransport, type LocalTransportConfig } from '../../../drivers/factory.js';
import { IdCardReader, type CardRead } from '../../../drivers/idcard/device.js';
import { IdCardSimulator } from '../../../drivers/idcard/simulator.js';
import { receiptSlipLayout } from '../../../drivers/printer/layouts.js';
import { Printer } from '../../../drivers/printer/device.js';
import { PrinterSimulator } from '../../../drivers/printer/simulator.js';
import { Scanner } from '../../../drivers/scanner/device.js';
import { LedbarBus } from '../../../drivers/ledbar/bus.js';
import { createLedbarCodec, type LedbarCodec } from '../../../drivers/ledbar/codecs.js';
import { LedbarLineServer } from '../../../drivers/ledbar/line-server.js';
import { LedbarSimulator } from '../../../drivers/ledbar/simulator.js';
import { DocumentScanner } from '../../../drivers/docscan/scanner.js';
import { HotFolderSource, SaneSource, SimulatedScanSource, simulatedPage } from '../../../drivers/docscan/sources.js';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import sharp from 'sharp';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScannerSimulator } from '../../../drivers/scanner/simulator.js';
import { loopbackPair } from '../../../drivers/transport/loopback.js';
import type { Transport } from '../../../drivers/transport/transport.js';
import { SAMPLE_CARD } from '../../fixtures/idcard.js';
import { until } from '../../support/poll.js';

const env = process.env;
const HUMAN_MS = 60_000;

/** `/dev/usb/lp0`, `/dev/ttyUSB0`, `serial:/dev/ttyS0@9600`, `tcp:host:port` → a transport. */
function transportFrom(spec: string, baud: number): Transport {
  let t: Exclude<TransportConfig, { type: 'agent' }>;
  const tcp = /^tcp:(.+):(\d+)$/.exec(spec);
  const serial = /^serial:([^@]+)(?:@(\d+))?$/.exec(spec);
  if (tcp) t = { type: 'tcp', host: tcp[1]!, port: Number(tcp[2]) };
  else if (serial) t = { type: 'serial', path: serial[1]!, baudRate: serial[2] ? Number(serial[2]) : baud };
  else if (spec.startsWith('/dev/usb/lp')) t = { type: 'lp', path: spec };
  else t = { type: 'serial', path: spec, baudRate: baud };
  return buildTransport(t as LocalTransportConfig, 'contract').transport;
}


interface Rig<D> {
  device: D;
  /** The simulator's part of a step a person does on real hardware; absent on real hardware. */
  act?: () => Promise<void> | void;
  /** Real hardware: the person is asked to act (env flag set). */
  human: boolean;
}

function readerContract(label: string, make: () => Promise<Rig<IdCardReader>>): void {
  describe(`ID-card reader contract: ${label}`, function () {
    this.timeout(HUMAN_MS + 10_000);
    let rig: Rig<IdCardReader>;
    const cards: CardRead[] = [];
    before(async () => {
      rig = await make();
      rig.device.on('card', (c) => cards.push(c));
      rig.device.start();
    });
    after(() => rig.device.stop());

    it('comes online by answering find-card polls', async () => {
      await until(() => rig.device.health.status === 'online', 'online', 5000);
      expect(rig.device.health.counters.framesReceived).to.be.greaterThan(0);
    });

    it('reads a placed card once, with a valid ID number and dates', async function () {
      if (!rig.act && !rig.human) this.skip();
      if (rig.act) await rig.act();
      const read = await until(() => cards[0], 'a card', rig.human ? HUMAN_MS : 5000);
      if ('idNumber' in read.card) expect(read.card.idNumber).to.match(/^\d{17}[\dX]$/);
      expect(read.card.birthDate).to.match(/^\d{4}-\d{2}-\d{2}$/);
      expect(read.photo.length).to.be.greaterThan(0);
      await new Promise((r) => setTimeout(r, 1200));
      expect(cards).to.have.length(1);
    });
  });
}

function printerContract(label: string, make: () => Promise<Rig<Printer>>): void {
  describe(`printer contract: ${label}`, function () {
    this.timeout(20_000);
    let rig: Rig<Printer>;
    before(async () => {
      rig = await make();
      rig.device.start();
    });
    after(() => rig.device.stop());

    it('answers DLE EOT status queries and is ready to print', async () => {
      await until(() => rig.device.health.status !== 'offline' || rig.device.health.counters.timeouts > 2, 'a status', 5000);
      expect(rig.device.health.status).to.equal('online');
    });

    it('prints a slip and reports the outcome', async function () {
      if (!rig.act && !rig.human) this.skip();
      const slip = receiptSlipLayout({ title: '打印机测试 / printer test', lines: [['驱动 / driver', 'ESC/POS'], ['金额', '￥0.00']], widthColumns: 32 });
      const outcome = await rig.device.print(slip, { expiresInMs: 10_000 });
      expect(outcome).to.include({ ok: true });
      if (rig.act) await rig.act();
    });
  });
}

function scannerContract(label: string, make: () => Promise<Rig<Scanner>>): void {
  describe(`scanner contract: ${label}`, function () {
    this.timeout(HUMAN_MS + 10_000);
    let rig: Rig<Scanner>;
    const codes: string[] = [];
    before(async () => {
      rig = await make();
      rig.device.on('scan', (s) => codes.push(s.code));
      rig.device.start();
    });
    after(() => rig.device.stop());

    it('is online while its port is open', async () => {
      await until(() => rig.device.health.status === 'online', 'online');
    });

    it('reports a scanned code as one non-empty line', async function () {
      if (!rig.act && !rig.human) this.skip();
      if (rig.act) await rig.act();
      const code = await until(() => codes[0], 'a code', rig.human ? HUMAN_MS : 5000);
      expect(code.length).to.be.greaterThan(0);
      expect(code).to.not.match(/[\r\n]/);
    });
  });
}

interface LedRig {
  bus: LedbarBus;
  address: number;
  /** What the bar at the address shows, where that can be read back (simulators); absent on hardware. */
  screen?: () => string | undefined;
  done?: () => Promise<void>;
}

function ledbarContract(label: string, make: () => Promise<LedRig>): void {
  describe(`LED bar contract: ${label}`, function () {
    this.timeout(20_000);
    let rig: LedRig;
    before(async () => {
      rig = await make();
      void rig.bus.start();
    });
    after(async () => {
      await rig.bus.close();
      await rig.done?.();
    });

    it('opens its link and reports the bus online', async () => {
      await until(() => rig.bus.status === 'online', 'online', 10_000);
    });

    it('shows a call and 暂停服务 in turn, sending each frame once with the gap between them', async () => {
      const sentBefore = rig.bus.health().framesSent;
      expect(await rig.bus.show(rig.address, '请A012号到3号窗口')).to.equal('sent');
      if (rig.screen) await until(() => rig.screen!() === '请A012号到3号窗口' || undefined, 'the call text on the bar');
      expect(await rig.bus.show(rig.address, '暂停服务')).to.equal('sent');
      if (rig.screen) await until(() => rig.screen!() === '暂停服务' || undefined, '暂停服务 on the bar');
      expect(rig.bus.health().framesSent).to.equal(sentBefore + 2);
    });

    it('blanks the bar', async () => {
      expect(await rig.bus.clear(rig.address)).to.equal('sent');
      if (rig.screen) await until(() => rig.screen!() === '' || undefined, 'a blank bar');
    });
  });
}

function docscanContract(label: string, make: () => Promise<{ scanner: DocumentScanner; act?: () => Promise<void>; human: boolean; done?: () => Promise<void> }>): void {
  describe(`document scanner contract: ${label}`, function () {
    this.timeout(HUMAN_MS + 30_000);
    let rig: Awaited<ReturnType<typeof make>>;
    before(async () => {
      rig = await make();
    });
    after(async () => rig?.done?.());

    it('is there', async () => {
      const h = await rig.scanner.probe();
      expect(h.status, h.detail).to.equal('online');
    });

    it('scans at least one page, normalised to a one-channel JPEG of the set width', async function () {
      if (!rig.act && !rig.human) this.skip();
      const scanning = rig.scanner.scan();
      if (rig.act) await rig.act();
      const pages = await scanning;
      expect(pages.length).to.be.greaterThan(0);
      for (const p of pages) {
        const meta = await sharp(p.jpeg).metadata();
        expect(meta).to.include({ format: 'jpeg', channels: 1, width: 1240 });
      }
      expect(rig.scanner.health()).to.include({ status: 'online', failures: 0 });
    });
  });
}

// ---------------------------------------------------------------- against the simulators

readerContract('simulator over loopback', async () => {
  const link = loopbackPair({ chunkSize: 5 });
  const sim = new IdCardSimulator(link.device);
  await sim.open();
  const { variant: _v, sexCode: _s, nationCode: _n, ...card } = SAMPLE_CARD;
  return { device: new IdCardReader({ id: 'sim', transport: link.host, pollMs: 300 }), act: () => sim.place(card), human: false };
});

printerContract('simulator over loopback', async () => {
  const link = loopbackPair();
  const sim = new PrinterSimulator(link.device);
  await sim.open();
  return {
    device: new Printer({ id: 'sim', transport: link.host }),
    act: () => void expect(sim.jobs).to.have.length(1),
    human: false,
  };
});

for (const mode of ['line', 'hid'] as const) {
  scannerContract(`simulator over loopback, ${mode} mode`, async () => {
    const link = loopbackPair();
    const sim = new ScannerSimulator(link.device, mode);
    await sim.open();
    return { device: new Scanner({ id: 'sim', transport: link.host, mode }), act: () => sim.scan('CONTRACT-1'), human: false };
  });
}

for (const codecName of ['aa-bb-51', 'a0-90-a5', 'template']) {
  ledbarContract(`simulated bus, ${codecName}`, async () => {
    const codec = createLedbarCodec(codecName);
    const sim = new LedbarSimulator({ codec });
    return { bus: new LedbarBus({ id: 'contract', link: sim, codec, gapMs: 20 }), address: 3, screen: () => sim.screen(3) };
  });
}

ledbarContract('simulated bus behind a serial device server (TCP)', async () => {
  const codec = createLedbarCodec('aa-bb-51');
  const sim = new LedbarSimulator({ codec });
  const line = new LedbarLineServer({ sim, codec });
  const port = await line.start();
  return { bus: new LedbarBus({ id: 'contract', link: transportFrom(`tcp:127.0.0.1:${port}`, 9600), codec, gapMs: 50 }), address: 5, screen: () => sim.screen(5), done: () => line.close() };
});

docscanContract('simulated scanner', async () => ({ scanner: new DocumentScanner('sim', new SimulatedScanSource({ pages: 1 })), act: async () => {}, human: false }));

docscanContract('hot folder fed by the test', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'contract-hotfolder-'));
  return {
    scanner: new DocumentScanner('hot', new HotFolderSource({ dir, settleMs: 100, waitMs: 10_000 })),
    act: async () => {
      await new Promise((r) => setTimeout(r, 100));
      await writeFile(join(dir, 'page-1.png'), await simulatedPage(1, 1, 0));
    },
    human: false,
    done: () => rm(dir, { recursive: true, force: true }),
  };
});

// ---------------------------------------------------------------- against real hardware, when named

if (env.HALL_CONTRACT_IDCARD) {
  const spec = env.HALL_CONTRACT_IDCARD;
  readerContract(spec, async () => ({ device: new IdCardReader({ id: 'real', transport: transportFrom(spec, 115200) }), human: env.HALL_CONTRACT_CARD === '1' }));
} else {
  describe('ID-card reader contract: real reader', () => it.skip('needs HALL_CONTRACT_IDCARD naming its port'));
}
if (env.HALL_CONTRACT_PRINTER) {
  const spec = env.HALL_CONTRACT_PRINTER;
  printerContract(spec, async () => ({ device: new Printer({ id: 'real', transport: transportFrom(spec, 9600) }), human: env.HALL_CONTRACT_PRINT === '1' }));
} else {
  describe('printer contract: real printer', () => it.skip('needs HALL_CONTRACT_PRINTER naming its port'));
}
if (env.HALL_CONTRACT_SCANNER) {
  const spec = env.HALL_CONTRACT_SCANNER;
  scannerContract(spec, async () => ({ device: new Scanner({ id: 'real', transport: transportFrom(spec, 9600), mode: 'line' }), human: env.HALL_CONTRACT_SCAN === '1' }));
} else {
  describe('scanner contract: real scanner', () => it.skip('needs HALL_CONTRACT_SCANNER naming its port'));
}
if (env.HALL_CONTRACT_LEDBAR) {
  const spec = env.HALL_CONTRACT_LEDBAR;
  ledbarContract(spec, async () => {
    const codec: LedbarCodec = createLedbarCodec(env.HALL_CONTRACT_LEDBAR_CODEC ?? 'aa-bb-51');
    return { bus: new LedbarBus({ id: 'real', link: transportFrom(spec, 9600), codec }), address: Number(env.HALL_CONTRACT_LEDBAR_ADDRESS ?? 1) };
  });
} else {
  describe('LED bar contract: real bus', () => it.skip('needs HALL_CONTRACT_LEDBAR naming its port'));
}
if (env.HALL_CONTRACT_DOCSCAN) {
  const spec = env.HALL_CONTRACT_DOCSCAN;
  docscanContract(spec, async () => ({
    scanner: new DocumentScanner('real', spec.startsWith('dir:') ? new HotFolderSource({ dir: spec.slice(4), waitMs: HUMAN_MS }) : new SaneSource({ device: spec })),
    human: env.HALL_CONTRACT_SCANDOC === '1',
  }));
} else {
  describe('document scanner contract: real scanner', () => it.skip('needs HALL_CONTRACT_DOCSCAN naming a SANE device or dir:<hot folder>'));
}
