// The hall display's clock and its waiting counts, seen in Chromium: the clock shows the hall server's
// time (not the display PC's) and ticks on; the waiting count of a section goes up when tickets are
// issued and down when one is called. The hall's clock here is set hours away from the machine's, so a
// page showing its own time cannot pass.

import { expect } from 'chai';
import { buildUi } from '../../scripts/build-ui.mjs';
import { HallClock } from '../../ui-shared/hall-clock.js';
import { browserOrSkip, type Browser } from '../support/browser.js';
import { login, startTestHall, type TestHall } from '../support/hall.js';
import { waitFor, waitText } from './helpers.js';

/** Hall wall time of `ms` in +08:00: [HH:MM:SS, 2026年11月23日 星期一]. */
function hallWall(ms: number): [string, string] {
  const d = new Date(ms + 8 * 3600_000);
  const p2 = (n: number) => String(n).padStart(2, '0');
  const week = ['日', '一', '二', '三', '四', '五', '六'][d.getUTCDay()];
  return [`${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`, `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日 星期${week}`];
}

describe('hall clock for the pages (ui-shared/hall-clock.ts)', () => {
  it('shows the hall time in the hall zone, from the middle of the ask, whatever the device clock and zone', () => {
    let device = Date.parse('2026-01-01T00:00:00Z');
    const c = new HallClock(() => device);
    expect(c.sync('2026-11-23T09:30:00+08:00', device - 400, device + 400)).to.equal(true);
    expect(c.parts()).to.deep.include({ y: 2026, mo: 11, d: 23, wd: 1, h: 9, mi: 30, s: 0 });
    device += 61_000;
    expect(c.parts()).to.deep.include({ h: 9, mi: 31, s: 1 });
    // A hall west of Greenwich, and UTC.
    expect(c.sync('2026-11-23T23:59:59-05:00', device)).to.equal(true);
    expect(c.parts()).to.deep.include({ d: 23, h: 23, mi: 59, s: 59 });
    expect(c.sync('2026-11-24T04:59:59Z', device)).to.equal(true);
    expect(c.parts()).to.deep.include({ d: 24, h: 4 });
  });

  it('keeps its time when the answer holds no usable time', () => {
    const c = new HallClock(() => 0);
    c.sync('2026-11-23T09:30:00+08:00', 0);
    for (const bad of [undefined, 42, '', 'soon', '2026-11-23T09:30:00', '2026-13-45T99:00:00+08:00']) expect(c.sync(bad, 0), String(bad)).to.equal(false);
    expect(c.parts()).to.deep.include({ h: 9, mi: 30 });
  });
});

describe('hall display: clock and waiting per section (browser)', function () {
  this.timeout(90_000);
  let browser: Browser | undefined;
  let hall: TestHall;
  // Seven hours and a quarter ahead of the machine, running at the machine's pace.
  const skew = 7 * 3600_000 + 15 * 60_000;
  const hallNow = () => Date.now() + skew;

  before(async function () {
    browser = await browserOrSkip(this);
    await buildUi();
    hall = await startTestHall({ now: hallNow });
  });
  after(async () => {
    await browser?.close();
    await hall?.close();
  });

  it('shows the hall server’s time and date on the clock, and the clock advances', async () => {
    const p = await browser!.page({ width: 1920, height: 1080 });
    await p.goto(`${hall.url}/display/`);
    await p.locator('.d-windows .d-window').first().waitFor();
    const time = p.locator('.display .clock-time');
    // Until the page has heard the hall's time it shows its own; then the hall's, within a second or two.
    await waitFor(async () => {
      const shown = (await time.innerText()).trim();
      const around = [-2000, -1000, 0, 1000].map((d) => hallWall(hallNow() + d)[0]);
      return around.includes(shown);
    }, 'the hall time on the clock');
    const [, date] = hallWall(hallNow());
    expect(await p.locator('.display .clock-date').innerText()).to.equal(date);
    // The browser runs in the hall's zone (+08:00): its own clock would read the machine's time.
    expect((await time.innerText()).trim().slice(0, 5), 'not the machine’s own time').to.not.equal(hallWall(Date.now())[0].slice(0, 5));
    const first = (await time.innerText()).trim();
    await waitFor(async () => (await time.innerText()).trim() !== first, 'the clock to tick');
    const second = (await time.innerText()).trim();
    expect(second > first || first.startsWith('23:59'), `${first} then ${second}`).to.equal(true);
    expect(p.errors).to.deep.equal([]);
    await p.close();
  });

  it('counts a section’s waiting citizens up as tickets are issued and down as one is called', async () => {
    const p = await browser!.page({ width: 1920, height: 1080 });
    await p.goto(`${hall.url}/display/`);
    const waiting = p.locator('.d-section[data-section="tax"] .d-section-waiting');
    await waiting.waitFor();
    const count = async () => Number((await waiting.innerText()).replace(/\D/g, ''));
    const before = await count();
    const other = p.locator('.d-section[data-section="construction"] .d-section-waiting');
    const otherBefore = (await other.innerText()).trim();
    const post = (path: string, body: unknown, token?: string) =>
      fetch(`${hall.url}/api/v1${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
    for (let i = 0; i < 2; i++) expect((await post('/tickets', { sectionId: 'tax' })).status).to.equal(201);
    await waitText(waiting, `${before + 2} 人`);
    // Window 10 serves taxation only.
    const clerk = await login(hall.url, 'staff10', 'staff123', 'w10');
    expect((await post('/windows/w10/call-next', {}, clerk)).status).to.equal(200);
    await waitText(waiting, `${before + 1} 人`);
    await p.locator('.d-now-number').waitFor();
    expect((await other.innerText()).trim(), 'another section’s count stays').to.equal(otherBefore);
    expect(p.errors).to.deep.equal([]);
    await p.close();
  });

  it('lists the recent calls newest first with their windows, and scrolls the hall’s own notices', async () => {
    const p = await browser!.page({ width: 1920, height: 1080 });
    await p.goto(`${hall.url}/display/`);
    await p.locator('.d-windows .d-window').first().waitFor();
    const clerk = await login(hall.url, 'staff10', 'staff123', 'w10');
    const post = (path: string, body: unknown, token?: string) =>
      fetch(`${hall.url}/api/v1${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) }).then(
        async (r) => ({ status: r.status, body: (await r.json()) as any }),
      );
    const called: string[] = [];
    // The window finishes whatever it was serving before each call.
    const free = async () => {
      await post('/windows/w10/start', {}, clerk);
      await post('/windows/w10/finish', {}, clerk);
    };
    for (let i = 0; i < 2; i++) {
      await free();
      await post('/tickets', { sectionId: 'tax' });
      const c = await post('/windows/w10/call-next', {}, clerk);
      expect(c.status).to.equal(200);
      called.push(c.body.ticket.number);
      await waitText(p.locator('.d-now-number'), c.body.ticket.number);
    }
    // The newest call is the large one; the list below holds the ones before it, newest first.
    const recent = p.locator('.d-recent-list li');
    await waitFor(async () => (await recent.count()) >= 1 && (await recent.first().locator('.d-recent-number').innerText()) === called[0], 'the earlier call first in the list');
    expect(await p.locator('.d-now-number').innerText()).to.equal(called[1]);
    expect(await recent.first().locator('.d-recent-window').innerText()).to.equal('10 号窗口');
    expect(await recent.locator('.d-recent-number').allInnerTexts()).to.not.include(called[1]);

    const info = (await (await fetch(`${hall.url}/api/v1/hall`)).json()) as { notices: string[] };
    expect(info.notices.length, 'the demo hall has notices').to.be.greaterThan(0);
    const notice = p.locator('.d-notice-text');
    expect(await notice.innerText()).to.contain(info.notices[0]!);
    const anim = (await p.evaluate(
      `(() => { const cs = getComputedStyle(document.querySelector('.d-notice-text')); return { name: cs.animationName, seconds: parseFloat(cs.animationDuration) }; })()`,
    )) as { name: string; seconds: number };
    expect(anim.name).to.equal('marquee');
    expect(anim.seconds).to.be.greaterThan(0);
    expect(p.errors).to.deep.equal([]);
    await p.close();
  });
});
