import { expect } from 'chai';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import { loadConfig } from '../../config/schema.js';
import { api, login, startTestHall, type TestHall } from '../support/hall.js';
import { keyedConfig, kioskKey } from '../support/kiosk-keys.js';
import { SIM_CARD, swipeCard, until } from '../support/devices.js';

describe('kiosk device keys outside demo mode', function () {
  this.timeout(60_000);
  let h: TestHall;
  let configDir: string;
  // Monday 2026-11-23, 10:00 in the hall: tomorrow is a working day with booking slots.
  const clock = Date.parse('2026-11-23T10:00:00+08:00');
  before(async () => {
    configDir = await keyedConfig();
    h = await startTestHall({ demo: false, configDir, now: () => clock });
  });
  after(async () => {
    await h?.close();
    await rm(configDir, { recursive: true, force: true });
  });

  const take = (authorization: string | undefined, body: Record<string, unknown> = { sectionId: 'tax' }) =>
    fetch(`${h.url}/api/v1/tickets`, { method: 'POST', headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) }, body: JSON.stringify(body) }).then(
      async (r) => ({ status: r.status, body: (await r.json()) as { ticket?: { number: string }; error?: { code: string } } }),
    );

  it('takes a ticket with the kiosk key and refuses one without it, with a wrong key or for another kiosk', async () => {
    expect((await take(undefined)).body.error?.code).to.equal('UNAUTHORIZED');
    expect((await take(`Bearer kiosk.kiosk-1.${'x'.repeat(19)}`)).body.error?.code).to.equal('UNAUTHORIZED');
    expect((await take(`Bearer kiosk.kiosk-9.${kioskKey('kiosk-9')}`)).body.error?.code).to.equal('UNAUTHORIZED');
    expect((await take('Bearer kiosk.kiosk-1')).body.error?.code).to.equal('UNAUTHORIZED');
    const ok = await take(`Bearer kiosk.kiosk-1.${kioskKey('kiosk-1')}`, { sectionId: 'tax', kioskId: 'kiosk-1' });
    expect(ok.status).to.equal(201);
    expect(ok.body.ticket!.number).to.match(/^E\d{3,}$/);
    const other = await take(`Bearer kiosk.kiosk-1.${kioskKey('kiosk-1')}`, { sectionId: 'tax', kioskId: 'kiosk-2' });
    expect([other.status, other.body.error?.code]).to.deep.equal([403, 'FORBIDDEN']);
    // A kiosk key is not a staff token: it cannot issue green-channel tickets or reach staff routes.
    expect((await take(`Bearer kiosk.kiosk-1.${kioskKey('kiosk-1')}`, { sectionId: 'tax', priority: 'green' })).body.error?.code).to.equal('FORBIDDEN');
    expect((await api(h.url, 'GET', '/api/v1/stats/today', { token: `kiosk.kiosk-1.${kioskKey('kiosk-1')}` })).status).to.equal(401);
    // Staff still take tickets with their sign-in token; the hall's answers never carry a kiosk key.
    const password = (await readFile(join(h.dataDir, 'initial-admin-password'), 'utf8')).trim();
    const token = await login(h.url, 'admin', password);
    expect((await take(`Bearer ${token}`)).status).to.equal(201);
    expect(JSON.stringify((await api(h.url, 'GET', '/api/v1/hall')).body)).to.not.contain(kioskKey('kiosk-1'));
  });

  it("opens a kiosk's device socket (card reads, scanned codes) only with that kiosk's key", async () => {
    const open = (token: string | undefined) =>
      new Promise<{ code?: string; devices?: unknown[] }>((resolve) => {
        const s = io(`${h.url}/kiosk`, { auth: { kioskId: 'kiosk-1', ...(token ? { token } : {}) }, transports: ['websocket'], reconnection: false, forceNew: true });
        s.once('devices', (devices: unknown[]) => (s.disconnect(), resolve({ devices })));
        s.once('connect_error', (e) => (s.disconnect(), resolve({ code: (e as { data?: { code: string } }).data?.code })));
      });
    expect(await open(undefined)).to.deep.equal({ code: 'UNAUTHORIZED' });
    expect(await open(`kiosk.kiosk-1.${'x'.repeat(19)}`)).to.deep.equal({ code: 'UNAUTHORIZED' });
    expect(await open(`kiosk.kiosk-2.${kioskKey('kiosk-2')}`)).to.deep.equal({ code: 'FORBIDDEN' });
    const ok = await open(`kiosk.kiosk-1.${kioskKey('kiosk-1')}`);
    expect(ok.devices?.map((d) => (d as { kind: string }).kind).sort()).to.deep.equal(['idcard', 'printer', 'scanner']);
  });

  it('refuses a kiosk key that is not 16 to 128 letters, digits, "_" or "-" when the config is loaded', async () => {
    const file = join(configDir, 'hall.json');
    const saved = await readFile(file, 'utf8');
    const doc = JSON.parse(saved);
    doc.kiosks[0].key = 'short';
    await writeFile(file, JSON.stringify(doc));
    try {
      expect(() => loadConfig(configDir)).to.throw(/hall\.json.*kiosks\[0\]\.key|kiosks\.0\.key/);
    } finally {
      await writeFile(file, saved);
    }
  });

  it("every route that uses a kiosk's printer or card reader answers only that kiosk's key: refused without it, with a staff token or another kiosk's key, and a refusal uses nothing up", async () => {
    await until(async () => h.running.devices.list().filter((d) => d.attachedTo === 'kiosk-1').every((d) => d.status === 'online'), 'kiosk-1 devices online');
    const own = `kiosk.kiosk-1.${kioskKey('kiosk-1')}`;
    const other = `kiosk.kiosk-2.${kioskKey('kiosk-2')}`;
    const password = (await readFile(join(h.dataDir, 'initial-admin-password'), 'utf8')).trim();
    const staff = await login(h.url, 'admin', password);
    // Outside demo mode the simulator's HTTP input is closed: the card goes in through the device service.
    const swipe = () => swipeCard(h, 'kiosk-1', SIM_CARD, { via: 'service' });
    const printed = async () => ((await h.running.devices.simOutput('kiosk-1-printer')).jobs as unknown[]).length;

    type Call = { name: string; method: 'GET' | 'POST'; path: string; body?: Record<string, unknown>; card?: boolean; ok: number };
    const booking = (await api(h.url, 'POST', '/api/v1/appointments', { body: { sectionId: 'tax', date: '2026-11-24', slotStart: '09:00' } })).body.appointment.code as string;
    const calls: Call[] = [
      { name: 'print a guide', method: 'POST', path: '/api/v1/kiosks/kiosk-1/print', body: { guide: h.running.hall.setup.sections[0]!.services[0]!.code }, ok: 200 },
      { name: 'print a booking slip', method: 'POST', path: '/api/v1/kiosks/kiosk-1/print', body: { booking }, ok: 200 },
      { name: 'a ticket printed at the kiosk', method: 'POST', path: '/api/v1/tickets', body: { sectionId: 'tax', kioskId: 'kiosk-1' }, ok: 201 },
      { name: 'card appointments', method: 'GET', path: '/api/v1/kiosks/kiosk-1/card-appointments', card: true, ok: 200 },
      { name: 'a booking with the card', method: 'POST', path: '/api/v1/appointments', body: { sectionId: 'tax', date: '2026-11-24', slotStart: '10:00', kioskId: 'kiosk-1', useCard: true }, card: true, ok: 201 },
      { name: 'progress by card', method: 'POST', path: '/api/v1/progress', body: { useCard: true, kioskId: 'kiosk-1' }, card: true, ok: 200 },
      { name: 'a ticket with the card', method: 'POST', path: '/api/v1/tickets', body: { sectionId: 'social-insurance', kioskId: 'kiosk-1', useCard: true }, card: true, ok: 201 },
    ];
    for (const c of calls) {
      if (c.card) await swipe();
      const jobs = await printed();
      const send = (token?: string) => api(h.url, c.method, c.path, { ...(c.body ? { body: c.body } : {}), ...(token ? { token } : {}) });
      const none = await send();
      expect([none.status, none.body.error?.code], `${c.name} without a key`).to.deep.equal([401, 'UNAUTHORIZED']);
      const wrong = await send(`kiosk.kiosk-1.${'y'.repeat(19)}`);
      expect([wrong.status, wrong.body.error?.code], `${c.name} with a wrong key`).to.deep.equal([401, 'UNAUTHORIZED']);
      const byStaff = await send(staff);
      expect([byStaff.status, byStaff.body.error?.code], `${c.name} with a staff token`).to.deep.equal([401, 'UNAUTHORIZED']);
      const byOther = await send(other);
      expect([byOther.status, byOther.body.error?.code], `${c.name} with kiosk-2's key`).to.deep.equal([403, 'FORBIDDEN']);
      expect(await printed(), `${c.name}: nothing printed for a refused call`).to.equal(jobs);
      // The refused calls left the card read where it was: the kiosk's own key still finds it.
      const mine = await send(own);
      expect(mine.status, `${c.name} with its own key: ${JSON.stringify(mine.body)}`).to.equal(c.ok);
      if (c.path.endsWith('/print')) expect(mine.body.printed, c.name).to.equal(true);
      if (c.name === 'card appointments') expect(mine.body.nameMasked).to.equal('韩*梅');
      if (c.name === 'progress by card') expect(mine.body).to.have.property('available');
    }
    // Read-only routes for citizens stay open.
    for (const path of ['/api/v1/guides', '/api/v1/sections', '/api/v1/self-service', '/api/v1/sections/tax/booking-days', `/api/v1/appointments/${booking}`]) {
      expect((await api(h.url, 'GET', path)).status, path).to.equal(200);
    }
  });
});
