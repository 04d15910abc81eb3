import { expect } from 'chai';
import { createLedbarCodec } from '../../drivers/ledbar/codecs.js';
import { api, login, startTestHall, type TestHall } from '../support/hall.js';

interface SimOutput {
  frames: { at: string; bytes: string }[];
  screens: Record<string, string>;
}

/** Polls until `check` passes; the bus sends frames with a gap, so screens change a little after the call. */
async function until<T>(read: () => Promise<T>, check: (v: T) => boolean, what: string): Promise<T> {
  const end = Date.now() + 10_000;
  let v = await read();
  while (!check(v)) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 25));
    v = await read();
  }
  return v;
}

describe('window LED bars on the demo hall', () => {
  let h: TestHall;
  const codec = createLedbarCodec('aa-bb-51');
  const output = async (): Promise<SimOutput> => (await api<SimOutput>(h.url, 'GET', '/api/v1/sim/devices/ledbus-1/output')).body;
  const screen = (address: number) => async () => (await output()).screens[String(address)];

  before(async () => {
    h = await startTestHall();
  });
  after(async () => {
    await h.close();
  });

  it('lists the simulated bus in the device registry, online', async () => {
    const r = await api(h.url, 'GET', '/api/v1/devices');
    expect(r.status).to.equal(200);
    const bus = r.body.find((d: { id: string }) => d.id === 'ledbus-1');
    expect(bus).to.include({ kind: 'ledbar', transport: 'sim:ledbus-1', simulated: true, status: 'online' });
    const health = await api(h.url, 'GET', '/api/v1/health');
    expect(health.body.devices).to.deep.include({ id: 'ledbus-1', kind: 'ledbar', status: 'online' });
  });

  it('blanks the bars of closed windows at start, then follows sign-in, call, recall, start, finish, pause and resume', async () => {
    const out = await until(output, (o) => Object.keys(o.screens).length === 12, 'all twelve bars');
    expect(Object.values(out.screens)).to.deep.equal(Array(12).fill(''));

    const token = await login(h.url, 'staff3', 'staff123', 'w3');
    await until(screen(3), (t) => t === '3号窗口 欢迎您', 'the idle text');

    const ticket = (await api(h.url, 'POST', '/api/v1/tickets', { body: { sectionId: 'company' } })).body.ticket;
    const before = (await output()).frames.length;
    const called = await api(h.url, 'POST', '/api/v1/windows/w3/call-next', { token });
    expect(called.status).to.equal(200);
    const text = `请${ticket.number}号到3号窗口`;
    const after = await until(output, (o) => o.screens['3'] === text, 'the call text');
    // Exactly the codec's frame for address 3 went over the bus.
    const last = after.frames[after.frames.length - 1]!;
    expect(Buffer.from(last.bytes, 'base64').equals(codec.encodeText(3, text))).to.equal(true);
    expect(after.frames.length).to.equal(before + 1);

    // A recall sends the same text again, so the bar lights up again.
    await api(h.url, 'POST', '/api/v1/windows/w3/recall', { token });
    await until(output, (o) => o.frames.length === before + 2, 'the recall frame');

    await api(h.url, 'POST', '/api/v1/windows/w3/start', { token });
    await until(screen(3), (t) => t === `${ticket.number}号 正在办理`, 'the serving text');
    await api(h.url, 'POST', '/api/v1/windows/w3/finish', { token });
    await until(screen(3), (t) => t === '3号窗口 欢迎您', 'idle after finish');

    const paused = await api(h.url, 'POST', '/api/v1/windows/w3/pause', { token, body: { reason: '业务培训' } });
    expect(paused.status).to.equal(200);
    const p = await until(output, (o) => o.screens['3'] === '暂停服务', '暂停服务');
    expect(Buffer.from(p.frames[p.frames.length - 1]!.bytes, 'base64').equals(codec.encodeText(3, '暂停服务'))).to.equal(true);
    await api(h.url, 'POST', '/api/v1/windows/w3/resume', { token });
    await until(screen(3), (t) => t === '3号窗口 欢迎您', 'idle after resume');
    // Other windows' bars were not touched.
    expect((await output()).screens['4']).to.equal('');
  });

  it('reports the bus offline while its cable is out and puts the bars right when it is back', async () => {
    const token = await login(h.url, 'staff7', 'staff123', 'w7');
    await until(screen(7), (t) => t === '7号窗口 欢迎您', 'window 7 idle');
    expect((await api(h.url, 'POST', '/api/v1/sim/devices/ledbus-1/input', { body: { connected: false } })).status).to.equal(200);
    const dev = async () => (await api(h.url, 'GET', '/api/v1/devices')).body.find((d: { id: string }) => d.id === 'ledbus-1');
    await until(dev, (d) => d.status === 'offline', 'the bus offline');

    const ticket = (await api(h.url, 'POST', '/api/v1/tickets', { body: { sectionId: 'construction' } })).body.ticket;
    await api(h.url, 'POST', '/api/v1/windows/w7/call-next', { token });
    await new Promise((r) => setTimeout(r, 100));
    expect((await output()).screens['7']).to.equal('7号窗口 欢迎您');

    await api(h.url, 'POST', '/api/v1/sim/devices/ledbus-1/input', { body: { connected: true } });
    await until(screen(7), (t) => t === `请${ticket.number}号到7号窗口`, 'the call shown after reconnect');
    const d = await until(dev, (x) => x.status === 'online', 'the bus online');
    expect(d.counters.reconnects).to.equal(1);
  });

  it('refuses malformed simulator input with a structured error', async () => {
    for (const body of [{ connected: 'yes' }, {}, { connected: true, extra: 1 }]) {
      const r = await api(h.url, 'POST', '/api/v1/sim/devices/ledbus-1/input', { body });
      expect(r.status).to.equal(400);
      expect(r.body.error.code).to.equal('VALIDATION_FAILED');
    }
    const unknown = await api(h.url, 'GET', '/api/v1/sim/devices/nope/output');
    expect(unknown.status).to.equal(404);
    expect(unknown.body.error.code).to.equal('UNKNOWN_DEVICE');
  });
});

describe('window LED bars outside demo mode', () => {
  it('hides the simulator routes', async () => {
    const h = await startTestHall({ demo: false });
    try {
      const r = await api(h.url, 'GET', '/api/v1/sim/devices/ledbus-1/output');
      expect(r.status).to.equal(404);
      expect(r.body.error.code).to.equal('NOT_FOUND');
    } finally {
      await h.close();
    }
  });
});
