// Builds a device object, its transport and (for "sim") its simulator from one entry of config/devices.json.
// Shared by the hall server and the device agent, so a device behaves the same wherever it hangs.

import type { DeviceConfig, TransportConfig } from '../config/devices.js';
import { DeviceError } from './errors.js';
import { IdCardReader } from './idcard/device.js';
import { IdCardSimulator } from './idcard/simulator.js';
import { Printer } from './printer/device.js';
import { PrinterSimulator } from './printer/simulator.js';
import { Scanner } from './scanner/device.js';
import { ScannerSimulator } from './scanner/simulator.js';
import { HidTransport, type HidModule } from './transport/hid.js';
import { type LoopbackPair, loopbackPair } from './transport/loopback.js';
import { LpTransport } from './transport/lp.js';
import { type SerialOptions, SerialTransport } from './transport/serial.js';
import { TcpTransport } from './transport/tcp.js';
import type { Transport } from './transport/transport.js';

export type LocalTransportConfig = Exclude<TransportConfig, { type: 'agent' }>;

export type SimHandle =
  | { kind: 'idcard'; sim: IdCardSimulator; link: LoopbackPair }
  | { kind: 'printer'; sim: PrinterSimulator; link: LoopbackPair }
  | { kind: 'scanner'; sim: ScannerSimulator; link: LoopbackPair };

export type DriverDevice = IdCardReader | Printer | Scanner;

export interface BuiltDevice {
  config: DeviceConfig;
  device: DriverDevice;
  /** Present when the transport is "sim". */
  sim?: SimHandle;
}

export interface BuildOptions {
  now?: () => number;
  /** Serial port maker (tests: SerialPortMock). */
  serialFactory?: SerialOptions['factory'];
  /** node-hid loader (tests: a fake HID source). */
  hidLoad?: () => Promise<HidModule>;
}

export function buildTransport(t: LocalTransportConfig, name: string, o: BuildOptions = {}): { transport: Transport; link?: LoopbackPair } {
  switch (t.type) {
    case 'sim': {
      const link = loopbackPair({ name, ...(t.chunkSize ? { chunkSize: t.chunkSize } : {}) });
      return { transport: link.host, link };
    }
    case 'serial':
      return {
        transport: new SerialTransport({
          path: t.path,
          ...(t.baudRate ? { baudRate: t.baudRate } : {}),
          ...(t.dataBits ? { dataBits: t.dataBits } : {}),
          ...(t.parity ? { parity: t.parity } : {}),
          ...(t.stopBits ? { stopBits: t.stopBits } : {}),
          ...(o.serialFactory ? { factory: o.serialFactory } : {}),
        }),
      };
    case 'tcp':
      return { transport: new TcpTransport({ host: t.host, port: t.port, ...(t.connectTimeoutMs ? { connectTimeoutMs: t.connectTimeoutMs } : {}) }) };
    case 'lp':
      return { transport: new LpTransport({ path: t.path }) };
    case 'hid':
      return {
        transport: new HidTransport({
          ...(t.path ? { path: t.path } : {}),
          ...(t.vendorId !== undefined ? { vendorId: t.vendorId } : {}),
          ...(t.productId !== undefined ? { productId: t.productId } : {}),
          ...(t.reportId !== undefined ? { reportId: t.reportId } : {}),
          ...(o.hidLoad ? { load: o.hidLoad } : {}),
        }),
      };
  }
}

/** Drops undefined so optional config fields fall back to the driver's documented defaults. */
function defined<T extends object>(x: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(x).filter(([, v]) => v !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}

export function buildDevice(cfg: DeviceConfig, o: BuildOptions = {}): BuiltDevice {
  if (cfg.transport.type === 'agent') throw new DeviceError('BAD_ARGUMENT', `${cfg.id} is attached through an agent, not here`);
  const { transport, link } = buildTransport(cfg.transport, cfg.id, o);
  const base = { id: cfg.id, transport, ...(o.now ? { now: o.now } : {}), ...(cfg.backoff ? { backoff: defined(cfg.backoff) } : {}) };
  switch (cfg.kind) {
    case 'idcard': {
      const device = new IdCardReader({
        ...base,
        ...defined({ pollMs: cfg.pollMs, answerTimeoutMs: cfg.answerTimeoutMs, removedAfterMisses: cfg.removedAfterMisses, offlineAfterTimeouts: cfg.offlineAfterTimeouts }),
      });
      return { config: cfg, device, ...(link ? { sim: { kind: 'idcard', sim: new IdCardSimulator(link.device), link } } : {}) };
    }
    case 'printer': {
      const device = new Printer({
        ...base,
        ...defined({
          statusPollMs: cfg.statusPollMs,
          answerTimeoutMs: cfg.answerTimeoutMs,
          statusQueries: cfg.statusQueries,
          strictStatus: cfg.strictStatus,
          offlineAfterTimeouts: cfg.offlineAfterTimeouts,
        }),
      });
      return { config: cfg, device, ...(link ? { sim: { kind: 'printer', sim: new PrinterSimulator(link.device, o.now), link } } : {}) };
    }
    case 'scanner': {
      const device = new Scanner({
        ...base,
        mode: cfg.mode,
        ...defined({ interByteTimeoutMs: cfg.interByteTimeoutMs, noSuffix: cfg.noSuffix, encoding: cfg.encoding, maxLength: cfg.maxLength }),
      });
      return { config: cfg, device, ...(link ? { sim: { kind: 'scanner', sim: new ScannerSimulator(link.device, cfg.mode), link } } : {}) };
    }
  }
}

/** Opens the simulator's end first, then starts the device, so the first poll finds someone to answer. */
export async function startBuilt(b: BuiltDevice): Promise<void> {
  if (b.sim) await b.sim.sim.open();
  b.device.start();
}
