import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { api, login, startTestHall, tempDir, type TestHall } from '../support/hall.js';

describe('scanned drafts no case took', function () {
  this.timeout(90_000);
  let h: TestHall | undefined;
  afterEach(async () => h?.close());

  it('are removed once older than draftRetentionHours (48), at the next start; younger ones stay', async () => {
    const dataDir = await tempDir();
    // A weekday morning, so the hall takes tickets; the clock then jumps across restarts.
    let clock = Date.parse('2026-11-24T09:00:00+08:00');
    const now = () => clock;
    h = await startTestHall({ dataDir, now });
    const token = await login(h.url, 'staff3', 'staff123', 'w3');
    const ticket = (await api(h.url, 'POST', '/api/v1/tickets', { body: { sectionId: 'company' } })).body.ticket as { id: string };
    expect((await api(h.url, 'POST', '/api/v1/windows/w3/call-next', { token })).status).to.equal(200);
    expect((await api(h.url, 'POST', '/api/v1/windows/w3/scan', { token })).status).to.equal(201);
    // The window moves on without a case taking the pages: the draft is left behind.
    expect((await api(h.url, 'POST', '/api/v1/windows/w3/start', { token })).status).to.equal(200);
    expect((await api(h.url, 'POST', '/api/v1/windows/w3/finish', { token })).status).to.equal(200);
    const draft = join(dataDir, 'scans', 'w3', ticket.id);
    expect(existsSync(draft)).to.equal(true);

    await h.close({ keepData: true });
    clock += 47 * 3_600_000;
    h = await startTestHall({ dataDir, now });
    expect(existsSync(draft), 'a draft younger than the retention stays').to.equal(true);

    await h.close({ keepData: true });
    clock += 2 * 3_600_000;
    h = await startTestHall({ dataDir, now });
    const end = Date.now() + 10_000;
    while (existsSync(draft) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(draft), 'a draft older than the retention is purged').to.equal(false);
  });
});
