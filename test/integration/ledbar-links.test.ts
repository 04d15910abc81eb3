// LED buses on real links, switched in config/ledbars.json alone: RS-485 behind a serial device server's TCP
// port (a real socket to the LED simulator behind a TCP server), and an RS-485 adapter on a serial port
// (SerialPortMock standing in for the port).

import { expect } from 'chai';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPortMock } from 'serialport';
import { configDir } from '../../config/schema.js';
import { createLedbarCodec } from '../../drivers/ledbar/codecs.js';
import { LedbarLineServer, splitFrames } from '../../drivers/ledbar/line-server.js';
import { LedbarSimulator } from '../../drivers/ledbar/simulator.js';
import { api, login, startTestHall, type TestHall } from '../support/hall.js';
import { until } from '../support/devices.js';

/** The demo config with the LED bus on another link (and codec). */
function configWithLink(link: Record<string, unknown>, codec = 'aa-bb-51'): string {
  const dir = mkdtempSync(join(tmpdir(), 'hall-ledlink-'));
  cpSync(configDir, dir, { recursive: true, filter: (src) => !src.endsWith('.ts') });
  const file = join(dir, 'ledbars.json');
  const cfg = JSON.parse(readFileSync(file, 'utf8'));
  cfg.buses[0].link = link;
  cfg.buses[0].codec = codec;
  writeFileSync(file, JSON.stringify(cfg, null, 2));
  return dir;
}

const busView = async (url: string) => (await api(url, 'GET', '/api/v1/devices')).body.find((d: { id: string }) => d.id === 'ledbus-1');

describe('LED bus behind a serial device server (TCP)', () => {
  for (const codecName of ['aa-bb-51', 'a0-90-a5', 'template']) {
    describe(`codec ${codecName}`, () => {
      const codec = createLedbarCodec(codecName);
      let sim: LedbarSimulator;
      let line: LedbarLineServer;
      let dir: string;
      let h: TestHall;

      before(async () => {
        sim = new LedbarSimulator({ codec, name: 'tcp-line' });
        line = new LedbarLineServer({ sim, codec });
        const port = await line.start();
        dir = configWithLink({ type: 'tcp', host: '127.0.0.1', port }, codecName);
        h = await startTestHall({ configDir: dir });
      });
      after(async () => {
        await h?.close();
        await line?.close();
        rmSync(dir, { recursive: true, force: true });
      });

      it('is a real (not simulated) tcp device in the registry, online, with no simulator routes', async () => {
        const d = await until(async () => {
          const v = await busView(h.url);
          return v?.status === 'online' ? v : undefined;
        }, 'the bus online');
        expect(d).to.include({ kind: 'ledbar', transport: `tcp:127.0.0.1:${line.port}`, simulated: false });
        const out = await api(h.url, 'GET', '/api/v1/sim/devices/ledbus-1/output');
        expect(out.status).to.be.within(400, 499);
        expect(out.body.error.code).to.be.a('string');
      });

      it('blanks every bar at start, then lights a window on sign-in, call and pause, byte for byte', async () => {
        await until(() => Object.keys(sim.output().screens).length === 12 || undefined, 'all twelve bars over TCP');
        expect(Object.values(sim.output().screens)).to.deep.equal(Array(12).fill(''));
        expect(sim.rejected).to.equal(0);

        const token = await login(h.url, 'staff3', 'staff123', 'w3');
        await until(() => sim.screen(3) === '3号窗口 欢迎您' || undefined, 'the idle text');
        const ticket = (await api(h.url, 'POST', '/api/v1/tickets', { body: { sectionId: 'company' } })).body.ticket;
        const called = await api(h.url, 'POST', '/api/v1/windows/w3/call-next', { token });
        expect(called.status).to.equal(200);
        const text = `请${ticket.number}号到3号窗口`;
        await until(() => sim.screen(3) === text || undefined, 'the call text over TCP');
        const frames = sim.output().frames;
        expect(Buffer.from(frames[frames.length - 1]!.bytes, 'base64').equals(codec.encodeText(3, text))).to.equal(true);

        await api(h.url, 'POST', '/api/v1/windows/w3/start', { token });
        await until(() => sim.screen(3) === `${ticket.number}号 正在办理` || undefined, 'the serving text');
        await api(h.url, 'POST', '/api/v1/windows/w3/finish', { token });
        await api(h.url, 'POST', '/api/v1/windows/w3/pause', { token, body: { reason: '业务培训' } });
        await until(() => sim.screen(3) === '暂停服务' || undefined, '暂停服务 over TCP');
        expect(sim.rejected).to.equal(0);
        await api(h.url, 'POST', '/api/v1/windows/w3/resume', { token });
        await until(() => sim.screen(3) === '3号窗口 欢迎您' || undefined, 'idle after resume');
      });

      it('goes offline when the device server drops, reconnects with backoff, and puts the bars right', async () => {
        const token = await login(h.url, 'staff8', 'staff123', 'w8');
        await until(() => sim.screen(8) === '8号窗口 欢迎您' || undefined, 'window 8 idle');
        const connectionsBefore = line.connections;
        await line.unplug();
        await until(async () => (await busView(h.url))?.status !== 'online' || undefined, 'the bus not online');

        // Called while the line is down: the bar cannot show it yet.
        const ticket = (await api(h.url, 'POST', '/api/v1/tickets', { body: { sectionId: 'construction' } })).body.ticket;
        expect((await api(h.url, 'POST', '/api/v1/windows/w8/call-next', { token })).status).to.equal(200);
        expect(sim.screen(8)).to.equal('8号窗口 欢迎您');

        await line.start();
        await until(() => sim.screen(8) === `请${ticket.number}号到8号窗口` || undefined, 'the call shown after reconnect', 15_000);
        const d = await until(async () => {
          const v = await busView(h.url);
          return v?.status === 'online' ? v : undefined;
        }, 'the bus online again');
        expect(d.counters.reconnects).to.be.at.least(1);
        expect(line.connections).to.be.greaterThan(connectionsBefore);
      });
    });
  }
});

describe('LED bus on a serial RS-485 adapter', () => {
  const codec = createLedbarCodec('aa-bb-51');
  let dir: string;
  let h: TestHall;
  let port: SerialPortMock | undefined;

  before(async () => {
    SerialPortMock.binding.reset();
    SerialPortMock.binding.createPort('/dev/ttyLED0', { record: true });
    dir = configWithLink({ type: 'serial', path: '/dev/ttyLED0', baudRate: 9600 });
    h = await startTestHall({
      configDir: dir,
      start: { deviceBuild: { serialFactory: (o) => (port = new SerialPortMock(o)) as never } },
    });
  });
  after(async () => {
    await h?.close();
    SerialPortMock.binding.reset();
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens the configured port at 9600 and writes the codec frames for sign-in and call', async () => {
    const d = await until(async () => {
      const v = await busView(h.url);
      return v?.status === 'online' ? v : undefined;
    }, 'the serial bus online');
    expect(d).to.include({ transport: 'serial:/dev/ttyLED0@9600', simulated: false });
    expect(port!.baudRate).to.equal(9600);

    const token = await login(h.url, 'staff2', 'staff123', 'w2');
    const idle = codec.encodeText(2, '2号窗口 欢迎您');
    const written = () => (port!.port as unknown as { recording: Buffer }).recording;
    await until(() => written().includes(idle) || undefined, 'the idle frame on the port');
    const ticket = (await api(h.url, 'POST', '/api/v1/tickets', { body: { sectionId: 'company' } })).body.ticket;
    await api(h.url, 'POST', '/api/v1/windows/w2/call-next', { token });
    const call = codec.encodeText(2, `请${ticket.number}号到2号窗口`);
    await until(() => written().includes(call) || undefined, 'the call frame on the port');
    // Every byte on the port is a whole frame of this codec: twelve blanks, idle, call.
    const frames = splitFrames(codec, written());
    expect(frames.map((f) => codec.decode!(f).address)).to.include.members([1, 2, 12]);
    expect(frames.at(-1)!.equals(call)).to.equal(true);
  });
});
