import { expect } from 'chai';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig } from '../../config/schema.js';
import { api, login, startTestHall, type TestHall } from '../support/hall.js';
import { keyedConfig, kioskKey } from '../support/kiosk-keys.js';

describe('kiosk device keys outside demo mode', function () {
  this.timeout(60_000);
  let h: TestHall;
  let configDir: string;
  before(async () => {
    configDir = await keyedConfig();
    h = await startTestHall({ demo: false, configDir });
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
});
