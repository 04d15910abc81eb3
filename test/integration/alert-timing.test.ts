// The manager's alerts across the night, on the real server with a clock the test moves: tickets left
// waiting and a window left paused when the day ended raise nothing after midnight, neither while the
// server runs through it nor when it starts the next morning (the manager evaluates before the day opens).

import { expect } from 'chai';
import { localInstant } from '../../server/hall/index.js';
import { api, login, startTestHall, tempDir, type TestHall } from '../support/hall.js';

const CAL = { utcOffsetMinutes: 480, holidays: [], workdays: [] };
const at = (hm: string, day: string) => localInstant(day, hm, CAL);

describe('alert timing across the night', () => {
  let h: TestHall | null = null;
  let t = at('16:00', '2026-11-23');
  const now = () => t;

  afterEach(async () => {
    await h?.close();
    h = null;
  });

  /** A Monday evening: a ticket nobody calls and a window paused, both under their alert thresholds. */
  async function evening(dataDir?: string): Promise<string> {
    t = at('16:50', '2026-11-23');
    h = await startTestHall({ now, ...(dataDir ? { dataDir } : {}) });
    const admin = await login(h.url, 'admin', 'admin123');
    const clerk = await login(h.url, 'staff3', 'staff123', 'w3');
    expect((await api(h.url, 'POST', '/api/v1/tickets', { body: { sectionId: 'company' } })).status).to.equal(201);
    t = at('16:55', '2026-11-23');
    expect((await api(h.url, 'POST', '/api/v1/windows/w3/pause', { token: clerk, body: { reason: '下班' } })).status).to.equal(200);
    t = at('17:00', '2026-11-23');
    await h.running.manager.evaluate();
    expect((await api(h.url, 'GET', '/api/v1/manager/alerts', { token: admin })).body.active).to.deep.equal([]);
    return admin;
  }

  it('the evening leftovers alert while the day lasts and clear past midnight, before the day opens', async () => {
    const admin = await evening();
    t = at('17:30', '2026-11-23');
    await h!.running.manager.evaluate();
    const late = (await api(h!.url, 'GET', '/api/v1/manager/alerts', { token: admin })).body;
    expect(late.active.map((a: any) => a.kind).sort()).to.deep.equal(['paused', 'wait']);
    expect(late.holding).to.equal(2);
    // Past midnight, still Monday in the hall's state (its day timer has not run yet): nothing holds.
    t = at('00:00', '2026-11-24') + 5_000;
    expect(h!.running.hall.state.day).to.equal('2026-11-23');
    await h!.running.manager.evaluate();
    const night = (await api(h!.url, 'GET', '/api/v1/manager/alerts', { token: admin })).body;
    expect(night.holding).to.equal(0);
    expect(night.active.map((a: any) => a.clearedAt)).to.have.length(2).and.not.include(undefined);
  });

  it('raises nothing for the day that ended when the server starts the next morning', async () => {
    const dataDir = await tempDir();
    await evening(dataDir);
    await h!.close({ keepData: true });
    h = null;
    t = at('08:00', '2026-11-24');
    h = await startTestHall({ now, dataDir });
    expect(h.running.hall.state.day).to.equal('2026-11-24');
    const admin = await login(h.url, 'admin', 'admin123');
    const all = (await api(h.url, 'GET', '/api/v1/manager/alerts?history=1', { token: admin })).body;
    expect(all.map((a: any) => a.kind)).to.deep.equal([]);
  });
});
