// The device registry on the real server: the demo hall's simulated readers, printers and scanners driven
// through the real drivers, API.md "Devices and simulators", useCard, printed true/false, the /kiosk and
// /manager device events.

import { expect } from 'chai';
import { io, type Socket } from 'socket.io-client';
import { readEscPos } from '../unit/drivers/escpos-reader.js';
import { api, login, startTestHall, type TestHall } from '../support/hall.js';
import { SIM_CARD, until } from '../support/devices.js';

const CARD = SIM_CARD;

function connect(url: string, nsp: string, auth: Record<string, unknown>): Socket & { log: [string, any][] } {
  const s = io(url + nsp, { auth, transports: ['websocket'], reconnection: false, forceNew: true }) as Socket & { log: [string, any][] };
  s.log = [];
  s.onAny((name, payload) => s.log.push([name, payload]));
  return s;
}

describe('devices on the real server (demo hall, simulators)', function () {
  this.timeout(30_000);
  let h: TestHall;
  const sockets: Socket[] = [];
  const device = async (id: string) => (await api(h.url, 'GET', '/api/v1/devices')).body.find((d: any) => d.id === id);
  const input = (id: string, body: unknown) => api(h.url, 'POST', `/api/v1/sim/devices/${id}/input`, { body });
  const jobs = async (id: string): Promise<Buffer[]> =>
    (await api(h.url, 'GET', `/api/v1/sim/devices/${id}/output`)).body.jobs.map((j: any) => Buffer.from(j.bytes, 'base64'));

  before(async () => {
    h = await startTestHall();
    await until(async () => (await api(h.url, 'GET', '/api/v1/devices')).body.every((d: any) => d.status === 'online'), 'every device online');
  });
  after(async () => {
    for (const s of sockets) s.disconnect();
    await h.close();
  });

  it('lists every configured device with kind, transport, place and live counters, and names them in /health', async () => {
    const list = (await api(h.url, 'GET', '/api/v1/devices')).body as any[];
    const kiosk1 = list.filter((d) => d.attachedTo === 'kiosk-1').map((d) => d.kind).sort();
    expect(kiosk1).to.deep.equal(['idcard', 'printer', 'scanner']);
    const w1 = list.filter((d) => d.attachedTo === 'w1').map((d) => d.kind).sort();
    // The window's document scanner (config/docscan.json) sits beside the devices of config/devices.json.
    expect(w1).to.deep.equal(['docscan', 'idcard', 'printer', 'scanner']);
    const reader = list.find((d) => d.id === 'kiosk-1-idcard');
    expect(reader).to.include({ kind: 'idcard', transport: 'sim:kiosk-1-idcard', simulated: true, status: 'online' });
    expect(reader.counters.framesSent).to.be.greaterThan(0);
    expect(reader.counters.framesReceived).to.be.greaterThan(0);
    expect(reader.lastSeen).to.be.a('string');
    const health = (await api(h.url, 'GET', '/api/v1/health')).body;
    expect(health.devices).to.have.length(list.length);
    expect(health.devices[0]).to.have.keys(['id', 'kind', 'status']);
  });

  it('takes a ticket with the card the kiosk reader read, prints it through the ESC/POS layout, and uses the read once', async () => {
    const before = (await jobs('kiosk-1-printer')).length;
    const kiosk = connect(h.url, '/kiosk', { kioskId: 'kiosk-1' });
    sockets.push(kiosk);
    await until(() => kiosk.log.some(([n]) => n === 'devices'), 'kiosk devices event');
    expect((await input('kiosk-1-idcard', { card: CARD })).status).to.equal(200);
    const [, card] = await until(() => kiosk.log.find(([n]) => n === 'card'), 'card event');
    expect(card).to.deep.include({ kioskId: 'kiosk-1', nameMasked: '韩*梅' });
    expect(JSON.stringify(kiosk.log)).to.not.contain(CARD.idNumber).and.not.contain(CARD.address);

    const r = await api(h.url, 'POST', '/api/v1/tickets', { body: { sectionId: 'property', kioskId: 'kiosk-1', useCard: true } });
    expect(r.status).to.equal(201);
    expect(r.body.ticket.printed).to.equal(true);
    const printed = await jobs('kiosk-1-printer');
    expect(printed).to.have.length(before + 1);
    const lines = readEscPos(printed.at(-1)!);
    const text = lines.filter((e) => e.type === 'line').map((e) => (e as { text: string }).text);
    expect(text).to.include(r.body.ticket.number);
    expect(text.join('\n')).to.contain('不动产登记');
    expect(lines.filter((e) => e.type === 'qr')).to.deep.equal([{ type: 'qr', data: `${h.url}/t/${r.body.ticket.id}`, size: 6, level: 0x31 }]);
    expect(lines.at(-1)).to.deep.include({ type: 'cut' });

    const again = await api(h.url, 'POST', '/api/v1/tickets', { body: { sectionId: 'company', kioskId: 'kiosk-1', useCard: true } });
    expect(again.status).to.equal(409);
    expect(again.body.error.code).to.equal('NO_CARD_READ');
  });

  it('keeps a card read usable when the ticket it was for is refused', async () => {
    const kiosk = connect(h.url, '/kiosk', { kioskId: 'kiosk-2' });
    sockets.push(kiosk);
    await until(() => kiosk.log.some(([n]) => n === 'devices'), 'kiosk devices event');
    await input('kiosk-2-idcard', { card: { ...CARD, idNumber: '11010519491231002X', name: '李四' } });
    await until(() => kiosk.log.find(([n]) => n === 'card'), 'card event');
    const refused = await api(h.url, 'POST', '/api/v1/tickets', { body: { sectionId: 'no-such-section', kioskId: 'kiosk-2', useCard: true } });
    expect(refused.status).to.equal(404);
    const ok = await api(h.url, 'POST', '/api/v1/tickets', { body: { sectionId: 'tax', kioskId: 'kiosk-2', useCard: true } });
    expect(ok.status).to.equal(201);
  });

  it('answers NO_CARD_READ when no card was read, and refuses useCard without a kiosk', async () => {
    const none = await api(h.url, 'POST', '/api/v1/tickets', { body: { sectionId: 'tax', kioskId: 'kiosk-2', useCard: true } });
    expect(none.status).to.equal(409);
    expect(none.body.error.code).to.equal('NO_CARD_READ');
    const noKiosk = await api(h.url, 'POST', '/api/v1/tickets', { body: { sectionId: 'tax', useCard: true } });
    expect(noKiosk.status).to.equal(400);
    expect(noKiosk.body.error.code).to.equal('VALIDATION_FAILED');
  });

  it('turns the printer to fault on paper out, still issues the ticket with printed:false, and recovers', async () => {
    expect((await input('kiosk-2-printer', { paperOut: true })).status).to.equal(200);
    const fault = await until(async () => {
      const d = await device('kiosk-2-printer');
      return d.status === 'fault' ? d : undefined;
    }, 'printer fault');
    expect(fault).to.include({ code: 'PAPER_OUT' });
    const before = (await jobs('kiosk-2-printer')).length;
    const r = await api(h.url, 'POST', '/api/v1/tickets', { body: { sectionId: 'tax', kioskId: 'kiosk-2' } });
    expect(r.status).to.equal(201);
    expect(r.body.ticket.printed).to.equal(false);
    expect((await api(h.url, 'GET', `/api/v1/tickets/${r.body.ticket.id}`)).body.ticket.status).to.equal('waiting');
    expect(await jobs('kiosk-2-printer')).to.have.length(before);

    await input('kiosk-2-printer', { paperOut: false });
    await until(async () => (await device('kiosk-2-printer')).status === 'online', 'printer online again');
    const next = await api(h.url, 'POST', '/api/v1/tickets', { body: { sectionId: 'tax', kioskId: 'kiosk-2' } });
    expect(next.body.ticket.printed).to.equal(true);
  });

  it('reports an unplugged printer offline, prints nothing meanwhile, and reconnects when plugged back', async () => {
    await input('kiosk-2-printer', { connected: false });
    const off = await until(async () => {
      const d = await device('kiosk-2-printer');
      return d.status === 'offline' ? d : undefined;
    }, 'printer offline');
    expect(off.detail).to.match(/unplugged/);
    await input('kiosk-2-printer', { connected: true });
    const back = await until(async () => {
      const d = await device('kiosk-2-printer');
      return d.status === 'online' ? d : undefined;
    }, 'printer back online');
    expect(back.counters.reconnects).to.be.greaterThan(0);
  });

  it('tells the kiosk page about a scanned appointment code', async () => {
    // The next day the calendar takes bookings on (weekends and holidays are refused).
    const d = new Date(`${(await api(h.url, 'GET', '/api/v1/health')).body.day}T00:00:00Z`);
    let booked;
    for (let i = 0; i < 10; i++) {
      d.setUTCDate(d.getUTCDate() + 1);
      booked = await api(h.url, 'POST', '/api/v1/appointments', { body: { sectionId: 'property', date: d.toISOString().slice(0, 10), slotStart: '09:00' } });
      if (booked.status === 201) break;
    }
    expect(booked!.status).to.equal(201);
    const code = booked!.body.appointment.code as string;
    const kiosk = connect(h.url, '/kiosk', { kioskId: 'kiosk-1' });
    sockets.push(kiosk);
    await until(() => kiosk.log.some(([n]) => n === 'devices'), 'kiosk devices event');
    await input('kiosk-1-scanner', { code });
    const [, scan] = await until(() => kiosk.log.find(([n]) => n === 'scan'), 'scan event');
    expect(scan).to.deep.include({ kioskId: 'kiosk-1', code });
    expect(scan.appointment).to.include({ code, sectionId: 'property', status: 'booked' });
    await input('kiosk-1-scanner', { code: 'NOT-A-BOOKING' });
    const [, other] = await until(() => kiosk.log.filter(([n]) => n === 'scan')[1], 'second scan event');
    expect(other).to.deep.equal({ kioskId: 'kiosk-1', code: 'NOT-A-BOOKING' });
  });

  it('pushes device health to the manager and refuses a kiosk stream for an unknown kiosk', async () => {
    const token = await login(h.url, 'admin', 'admin123');
    const m = connect(h.url, '/manager', { token });
    sockets.push(m);
    // The snapshot carries the list; later changes are numbered events of the /manager stream.
    const [, snap] = await until(() => m.log.find(([n]) => n === 'snapshot'), 'the manager snapshot');
    expect(snap.devices.find((d: any) => d.id === 'w3-printer')).to.include({ kind: 'printer', attachedTo: 'w3', status: 'online' });
    await input('w3-printer', { coverOpen: true });
    const [, pushed] = await until(
      () => m.log.find(([n, b]) => n === 'devices' && b.devices.find((d: any) => d.id === 'w3-printer')?.code === 'COVER_OPEN'),
      'cover open pushed',
    );
    expect(pushed.seq).to.be.a('number');
    await input('w3-printer', { coverOpen: false });
    await until(() => m.log.some(([n, b]) => n === 'devices' && b.devices.find((d: any) => d.id === 'w3-printer')?.status === 'online' && b.seq > pushed.seq), 'cover closed pushed');
    // Every event after the snapshot carries seq, consecutive from the snapshot's.
    const after = m.log.slice(m.log.findIndex(([n]) => n === 'snapshot') + 1);
    expect(after.map(([, b]) => b.seq)).to.deep.equal(after.map((_, i) => snap.seq + 1 + i));

    const bad = connect(h.url, '/kiosk', { kioskId: 'nope' });
    sockets.push(bad);
    const err = await new Promise<any>((r) => bad.once('connect_error', r));
    expect(err.data.code).to.equal('VALIDATION_FAILED');
  });

  it('opens a case at a window with the card its reader read, keeping the number sealed on the server', async () => {
    const token = await login(h.url, 'staff1', 'staff123', 'w1');
    const none = await api(h.url, 'POST', '/api/v1/cases', { token, body: { windowId: 'w1', serviceCode: 'B01', useCard: true } });
    expect(none.status).to.equal(409);
    expect(none.body.error.code).to.equal('NO_CARD_READ');
    await input('w1-idcard', { card: CARD });
    const created = await until(async () => {
      const r = await api(h.url, 'POST', '/api/v1/cases', { token, body: { windowId: 'w1', serviceCode: 'B01', useCard: true } });
      return r.status === 201 ? r : undefined;
    }, 'case from the card');
    expect(created.body.case.applicant).to.include({ nameMasked: '韩*梅', source: 'card' });
    expect(JSON.stringify(created.body)).to.not.contain(CARD.idNumber).and.not.contain(CARD.address);
  });

  it('refuses bad simulator input with a structured error and unknown devices with 404', async () => {
    const bad = await input('kiosk-1-idcard', { card: { ...CARD, idNumber: '110101199003070021' } });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.code).to.equal('VALIDATION_FAILED');
    const extra = await input('kiosk-1-printer', { paper: 'none' });
    expect(extra.status).to.equal(400);
    const hidChinese = await input('w1-scanner', { code: '中文' });
    expect(hidChinese.status).to.equal(400);
    const unknown = await input('no-such-device', { code: 'x' });
    expect(unknown.status).to.equal(404);
    expect(unknown.body.error.code).to.equal('UNKNOWN_DEVICE');
    const raw = await api(h.url, 'POST', '/api/v1/sim/devices/kiosk-1-scanner/input', { raw: '{"code": ' });
    expect(raw.status).to.equal(400);
  });
});

describe('devices outside demo mode', function () {
  this.timeout(30_000);
  let h: TestHall;
  before(async () => {
    h = await startTestHall({ demo: false });
  });
  after(() => h.close());

  it('hides the simulator endpoints and keeps the device list for managers', async () => {
    expect((await api(h.url, 'POST', '/api/v1/sim/devices/kiosk-1-printer/input', { body: { paperOut: true } })).status).to.equal(404);
    expect((await api(h.url, 'GET', '/api/v1/sim/devices/kiosk-1-printer/output')).status).to.equal(404);
    expect((await api(h.url, 'GET', '/api/v1/devices')).status).to.equal(401);
  });
});
