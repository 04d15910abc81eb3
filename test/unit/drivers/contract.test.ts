// One contract per device kind: what any reader, printer or scanner must do through its driver. Each
// contract runs against the simulator over loopback, and against a real device when an environment
// variable names its port:
//   HALL_CONTRACT_IDCARD=/dev/ttyUSB0        (serial, 115200 8N1)   HALL_CONTRACT_CARD=1 to wait for a card
//   HALL_CONTRACT_PRINTER=tcp:10.0.0.9:9100 | /dev/usb/lp0 | serial:/dev/ttyS0@9600   HALL_CONTRACT_PRINT=1 to print
//   HALL_CONTRACT_SCANNER=/dev/ttyACM0 | serial:/dev/ttyS1@9600     HALL_CONTRACT_SCAN=1 to wait for a scan
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
import { ScannerSimulator } from '../../../drivers/scanner/simulator.js';
import { loopbackPair } from '../../../drivers/transport/loopback.js';
import type { Transport } from '../../../drivers/transport/transport.js';
import { SAMPLE_CARD } from '../../fixtures/idcard.js';

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

async function until<T>(fn: () => T | undefined | false, what: string, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
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
