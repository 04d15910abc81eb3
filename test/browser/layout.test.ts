// Layouts hold at the target resolutions: every kiosk screen in portrait (1080×1920) and landscape
// (1920×1080), in standard, large-text and English, then the hall display (1920×1080), the window screen
// and the evaluation pad in each of their states. On each screen nothing is cut off, spills out of its box
// or the viewport, or scrolls sideways (test/browser/layout.ts); only lists that can grow long may scroll,
// and only vertically.

import { expect } from 'chai';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { buildUi, root } from '../../scripts/build-ui.mjs';
import { translate, type Lang, type MessageKey } from '../../ui-shared/i18n/index.js';
import { browserOrSkip, type Browser, type TestPage } from '../support/browser.js';
import { swipeCard, until } from '../support/devices.js';
import { api, login, startTestHall, type TestHall } from '../support/hall.js';
import { brokenCopy, removeCopies } from '../unit/config/helpers.js';
import { waitText } from './helpers.js';
import { expectFits, LayoutReport, layoutProblems, type FitOptions } from './layout.js';

/** SCREENSHOTS=1 saves the layouts this suite introduced pictures of to docs/screens/. */
const shot = async (p: TestPage, file: string, when = true) => {
  if (when && process.env.SCREENSHOTS === '1') await p.screenshot({ path: join(root, 'docs', 'screens', file) });
};
const PORTRAIT = { width: 1080, height: 1920 };
const LANDSCAPE = { width: 1920, height: 1080 };
/** The kiosk's lists that grow with the hall's setup or a citizen's cases; they scroll inside the main area. */
const LISTS: FitOptions = { scrolls: ['.k-main'] };
/** The pad's reasons scroll inside their panel when a hall configures many (or long English ones). */
const REASONS: FitOptions = { scrolls: ['.pad-reasons-body'] };
/** A guide's print and back buttons stay in view at the bottom, across the main area's padding. */
const GUIDE: FitOptions = { ...LISTS, bleeds: ['.k-guide-actions'] };
/** The display's notice line is a marquee: its text moves through a clipped track on purpose. */
const MARQUEE: FitOptions = { ignore: ['.d-notice-track'] };

const progress = {
  receiptNo: 'SL2026-0001',
  serviceCode: 'E01',
  serviceName: '代开增值税发票',
  applicantName: '张*三',
  status: 'review',
  steps: [
    { status: 'received', at: '2026-11-20T09:12:00+08:00' },
    { status: 'accepted', at: '2026-11-20T09:30:00+08:00' },
    { status: 'review', at: '2026-11-21T10:00:00+08:00' },
  ],
  promisedDueDate: '2026-11-27',
  updatedAt: '2026-11-21T10:00:00+08:00',
};
const cardCases = ['SL2026-0002', 'SL2026-0003'].map((receiptNumber, i) => ({
  receiptNumber,
  serviceCode: i ? 'D02' : 'A01',
  serviceName: i ? '城镇职工基本养老保险关系转移接续申请' : '不动产登记资料查询',
  applicantName: '韩*梅',
  status: i ? 'accepted' : 'done',
  steps: progress.steps,
  dueDate: '2026-12-04',
  updatedAt: '2026-11-21T10:00:00+08:00',
}));

describe('layouts hold at the target resolutions (browser)', function () {
  this.timeout(180_000);
  let browser: Browser | undefined;
  let hall: TestHall;
  const clock = Date.parse('2026-11-23T10:00:00+08:00');
  const pages: TestPage[] = [];

  before(async function () {
    browser = await browserOrSkip(this);
    await buildUi();
    // One walk-in ticket a day for 企业开办, so the kiosk meets a full day for real.
    const dir = brokenCopy('sections.json', (j) => {
      j.sections.find((s: { id: string }) => s.id === 'company').dailyCapacity = 1;
    });
    hall = await startTestHall({ configDir: dir, now: () => clock });
    await until(async () => (await api(hall.url, 'GET', '/api/v1/devices')).body.every((d: { status: string }) => d.status === 'online'), 'every device online');
    await ok('POST', '/tickets', { sectionId: 'company' });
    if (process.env.SCREENSHOTS === '1') await mkdir(join(root, 'docs', 'screens'), { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await hall?.close();
    removeCopies();
  });
  afterEach(async () => {
    for (const p of pages.splice(0)) await p.close();
  });

  async function open(path: string, viewport: { width: number; height: number }): Promise<TestPage> {
    const p = await browser!.page(viewport);
    pages.push(p);
    await p.goto(`${hall.url}${path}`);
    return p;
  }
  /** An API call that must succeed. */
  const ok = async (method: string, path: string, body?: unknown, token?: string) => {
    const a = await api(hall.url, method, `/api/v1${path}`, { ...(body !== undefined ? { body } : {}), ...(token ? { token } : {}) });
    expect(a.status, `${method} ${path}: ${JSON.stringify(a.body)}`).to.be.below(300);
    return a.body;
  };
  const sim = (device: string, body: unknown) => api(hall.url, 'POST', `/api/v1/sim/devices/${device}/input`, { body });

  for (const [orientation, viewport] of [
    ['portrait', PORTRAIT],
    ['landscape', LANDSCAPE],
  ] as const) {
    for (const variant of ['standard', 'large', 'English'] as const) {
      it(`fits every kiosk screen in ${orientation} ${viewport.width}×${viewport.height}, ${variant}`, async () => {
        const lang: Lang = variant === 'English' ? 'en' : 'zh';
        const tr = (k: MessageKey) => translate(lang, k);
        const button = (p: TestPage, k: MessageKey) => p.getByRole('button', { name: tr(k), exact: true });
        const at = `${orientation} ${variant}`;
        const report = new LayoutReport();
        // Large text (zoom 1.3) trades the one-screen fit for size past the start screen: there the main area
        // may scroll, vertically only; nothing may still be cut off, stick out or scroll sideways.
        const expectFits = (page: TestPage, screen: string, opts: FitOptions = {}) =>
          report.check(page, screen, variant === 'large' ? { ...opts, scrolls: [...(opts.scrolls ?? []), '.k-main'] } : opts);
        const url = (query: string) => `${hall.url}/kiosk/${query}${lang === 'en' ? '&lang=en' : ''}`;
        /** (Re)loads the kiosk page at its start screen, in large text for that variant. */
        const start = async (p: TestPage, query: string) => {
          await p.goto(url(query));
          await p.locator('.k-more-item').first().waitFor();
          if (variant === 'large') {
            await p.locator('.k-large-toggle').click();
            await p.locator('.kiosk.is-large').waitFor();
          }
        };
        const kiosk = async (query: string) => {
          const p = await browser!.page(viewport);
          pages.push(p);
          await start(p, query);
          return p;
        };

        // Ticketing: sections, a section's services with their one-line guides, a ticket.
        const p = await kiosk('?kiosk=kiosk-1');
        await p.locator('.k-tile').first().waitFor();
        // The start screen holds every section and every other service on one screen even in large text:
        // nobody should have to find out that it scrolls.
        await report.check(p, `${at}: sections`);
        await shot(p, 'kiosk-en.png', at === 'portrait English');
        await p.locator('.k-tile[data-section="company"]').click();
        await p.locator('.k-service').first().waitFor();
        await expectFits(p, `${at}: services with guide`, LISTS);
        await p.locator('.k-back').click();
        await p.locator('.k-tile[data-section="tax"]').click();
        await p.locator('.k-service .k-take').first().click();
        await waitText(p.locator('.k-ticket-number'), /^E\d{3,}$/);
        await p.locator('.k-print.is-printed').waitFor();
        await expectFits(p, `${at}: ticket`);
        await shot(p, 'kiosk-ticket-landscape.png', at === 'landscape standard');
        await button(p, 'kiosk.ticket.done').click();

        // The card prompt, then a refusal for the card holder's daily limit.
        await p.locator('.k-tile[data-section="social-insurance"]').click();
        await p.locator('.k-general').click();
        await button(p, 'kiosk.card.go').waitFor();
        await expectFits(p, `${at}: card prompt`);
        await p.route('**/api/v1/tickets', (route) =>
          route.fulfill({ status: 409, contentType: 'application/json', body: JSON.stringify({ error: { code: 'ID_LIMIT_DAY', message: 'limit' } }) }),
        );
        await button(p, 'kiosk.card.go').click();
        await p.locator('.k-error[data-code="ID_LIMIT_DAY"]').waitFor();
        await expectFits(p, `${at}: limit reached`);
        await p.unroute('**/api/v1/tickets');
        await button(p, 'common.home').click();

        // A full day: the booking offer, the confirmation, the slip.
        await p.locator('.k-tile[data-section="company"]').click();
        await p.locator('.k-general').click();
        await p.locator('.k-error[data-code="CAPACITY_EXHAUSTED"] .k-offer-slot').first().waitFor();
        await expectFits(p, `${at}: capacity exhausted, booking offer`);
        await shot(p, 'kiosk-capacity-offer-landscape.png', at === 'landscape standard');
        await p.locator('.k-offer-slot').first().click();
        await button(p, 'kiosk.booking.confirm').waitFor();
        await expectFits(p, `${at}: booking confirmation`);
        await button(p, 'kiosk.booking.confirm').click();
        await p.locator('.k-booking-code').waitFor();
        await p.locator('.k-print.is-printed').waitFor();
        await expectFits(p, `${at}: booking slip`);
        await button(p, 'kiosk.ticket.done').click();

        // Booking from the menu: bookable days, then a day's slots.
        await p.locator('.k-more-item[data-more="book"]').click();
        await p.locator('.k-choice[data-section="tax"]').click();
        await p.locator('.k-day').first().waitFor();
        await expectFits(p, `${at}: bookable days`);
        await p.locator('.k-day[data-date="2026-11-25"]').click();
        await p.locator('.k-slot').first().waitFor();
        await expectFits(p, `${at}: slots of a day`);
        await start(p, '?kiosk=kiosk-1');

        // Check-in, and an unknown code explained on the same screen.
        await p.locator('.k-more-item[data-more="checkin"]').click();
        await p.locator('.k-checkin').waitFor();
        await expectFits(p, `${at}: check-in`);
        await p.keyboard.type('NOSUCHCODE');
        await p.keyboard.press('Enter');
        await p.locator('.k-inline-error[data-code="UNKNOWN_APPOINTMENT"]').waitFor();
        await expectFits(p, `${at}: check-in, unknown code`);
        await shot(p, 'kiosk-checkin-landscape.png', at === 'landscape standard');
        await start(p, '?kiosk=kiosk-1');

        // The printer out of paper: the notice on the start screen, the number large with the note.
        await sim('kiosk-1-printer', { paperOut: true });
        try {
          await p.locator('.k-printer-notice').waitFor();
          await expectFits(p, `${at}: sections with the printer notice`);
          await p.locator('.k-tile[data-section="tax"]').click();
          await p.locator('.k-service .k-take').first().click();
          await p.locator('.k-print.not-printed').waitFor();
          await expectFits(p, `${at}: ticket not printed`);
        } finally {
          await sim('kiosk-1-printer', { paperOut: false });
        }

        // The 24-hour terminal: guides listed, searched and read; progress by receipt and by card.
        const s = await kiosk('?kiosk=kiosk-2&mode=self-service');
        await s.locator('.k-self').waitFor();
        await expectFits(s, `${at}: 24-hour start`);
        await s.locator('.k-more-item[data-more="guides"]').click();
        await s.locator('.k-service').first().waitFor();
        await expectFits(s, `${at}: guides list`, LISTS);
        await s.locator('.k-search input').fill(lang === 'en' ? 'housing' : '公积金');
        await s.locator('.k-service').first().waitFor();
        await expectFits(s, `${at}: guides search`, LISTS);
        await s.locator('.k-service .btn').first().click();
        await s.locator('.k-guide-part[data-part="contact"]').waitFor();
        await expectFits(s, `${at}: guide`, GUIDE);
        await button(s, 'kiosk.guide.print').click();
        await s.locator('.k-guide .k-print.is-printed').waitFor();
        await expectFits(s, `${at}: guide printed`, GUIDE);

        await s.route('**/api/v1/progress?*', (route) =>
          route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ available: true, cached: false, fetchedAt: '2026-11-23T10:00:00+08:00', progress }) }),
        );
        await s.route('**/api/v1/progress', (route) =>
          route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ available: true, source: 'central', cases: cardCases }) }),
        );
        await start(s, '?kiosk=kiosk-2&mode=self-service');
        await s.locator('.k-more-item[data-more="progress"]').click();
        await s.locator('.k-tab[data-by="receipt"][aria-selected="true"]').waitFor();
        await expectFits(s, `${at}: progress by receipt`);
        for (const k of 'SL2026-0001') await s.locator(`.k-key[data-key="${k}"]`).click();
        await s.keyboard.press('Enter');
        await s.locator('.k-case').waitFor();
        await expectFits(s, `${at}: progress of a receipt`, LISTS);
        await s.locator('.k-progress-result .btn').first().click();
        await s.locator('.k-tab[data-by="card"]').click();
        await s.locator('.k-card-ask').waitFor();
        await expectFits(s, `${at}: progress by card`);
        await swipeCard(hall, 'kiosk-2');
        await s.locator('.k-case-count').waitFor();
        await expectFits(s, `${at}: the card holder's cases`, LISTS);

        // 暂停取号: a kiosk that cannot reach the hall server.
        const off = await browser!.page(viewport);
        pages.push(off);
        await off.route('**/socket.io/**', (route) => route.abort('connectionrefused'));
        await off.route('**/api/v1/**', (route) => route.abort('connectionrefused'));
        await off.goto(`${hall.url}/kiosk/?kiosk=kiosk-1${lang === 'en' ? '&lang=en' : ''}`);
        if (variant === 'large') await off.locator('.k-large-toggle').click();
        await off.locator('.k-paused').waitFor({ timeout: 15_000 });
        await expectFits(off, `${at}: 暂停取号`);
        expect(report.problems).to.deep.equal([]);
      });
    }
  }

  it('fits the hall display at 1920×1080 with calls, every window and waiting per section', async () => {
    const clerk = await login(hall.url, 'staff2', 'staff123', 'w2');
    const display = await open('/display/', LANDSCAPE);
    await display.locator('.d-windows .d-window').first().waitFor();
    await expectFits(display, 'display, no call yet', MARQUEE);
    for (const sectionId of ['construction', 'construction', 'tax']) await ok('POST', '/tickets', { sectionId });
    await ok('POST', '/windows/w2/call-next', {}, clerk);
    await display.locator('.d-now-number').waitFor();
    await expectFits(display, 'display with a call', MARQUEE);
    await ok('POST', '/windows/w2/pause', { reason: '临时离开' }, clerk);
    await expectFits(display, 'display with a paused window', MARQUEE);
    await ok('POST', '/windows/w2/resume', {}, clerk);
    const en = await open('/display/?lang=en', LANDSCAPE);
    await en.locator('.d-windows .d-window').first().waitFor();
    await expectFits(en, 'display in English', MARQUEE);
  });

  it('fits the window screen at 1920×1080 and 1280×720: idle, calling, paused, in both languages', async () => {
    const clerk = await login(hall.url, 'staff7', 'staff123', 'w7');
    for (const viewport of [LANDSCAPE, { width: 1280, height: 720 }]) {
      for (const lang of ['', '&lang=en']) {
        const at = `window screen ${viewport.width}×${viewport.height}${lang ? ' English' : ''}`;
        const win = await open(`/window/?window=w7${lang}`, viewport);
        await win.locator('.ws-clerk').waitFor();
        await expectFits(win, `${at}, idle`);
        await shot(win, 'window-en.png', at === 'window screen 1920×1080 English');
        await ok('POST', '/tickets', { sectionId: 'construction' });
        await ok('POST', '/windows/w7/call-next', {}, clerk);
        await win.locator('.ws-current-number').waitFor();
        await expectFits(win, `${at}, calling`);
        await ok('POST', '/windows/w7/pause', { reason: '业务培训' }, clerk);
        await win.locator('.ws-paused-title').waitFor();
        await expectFits(win, `${at}, paused`);
        await ok('POST', '/windows/w7/resume', {}, clerk);
        await ok('POST', '/windows/w7/no-show', {}, clerk);
      }
    }
  });

  it('fits the evaluation pad at 1280×800 and 800×1280: idle, serving, rating, reasons, thanks, in both languages', async () => {
    const clerk = await login(hall.url, 'staff4', 'staff123', 'w4');
    for (const viewport of [
      { width: 1280, height: 800 },
      { width: 800, height: 1280 },
    ]) {
      for (const lang of ['zh', 'en'] as const) {
        const at = `pad ${viewport.width}×${viewport.height} ${lang}`;
        const pad = await open(`/pad/?window=w4${lang === 'en' ? '&lang=en' : ''}`, viewport);
        await pad.locator('.pad-idle').waitFor();
        await expectFits(pad, `${at}, idle`);
        await ok('POST', '/tickets', { sectionId: 'tax' });
        await ok('POST', '/windows/w4/call-next', {}, clerk);
        await ok('POST', '/windows/w4/start', {}, clerk);
        await pad.locator('.pad-ticket-number').waitFor();
        await expectFits(pad, `${at}, serving`);
        await ok('POST', '/windows/w4/finish', {}, clerk);
        await pad.locator('.pad-rating').waitFor();
        await expectFits(pad, `${at}, rating`);
        await shot(pad, 'pad-portrait-rating.png', at === 'pad 800×1280 zh');
        await pad.locator('.pad-level').last().click();
        await pad.locator('.pad-reason-list').waitFor();
        await expectFits(pad, `${at}, reasons`, REASONS);
        await pad.locator('.pad-reason').first().click();
        await pad.locator('.pad-reasons-actions .btn-primary').click();
        await pad.locator('.pad-thanks').waitFor();
        await expectFits(pad, `${at}, thanks`);
      }
    }
  });
});

describe('the layout check itself (on planted pages)', function () {
  this.timeout(60_000);
  let browser: Browser | undefined;
  before(async function () {
    browser = await browserOrSkip(this);
  });
  after(async () => {
    await browser?.close();
  });

  const planted = `<style>body { margin: 0; font: 20px sans-serif }</style>
    <div class="cut" style="width: 100px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis">A rather long name that does not fit</div>
    <div class="spill" style="width: 60px; white-space: nowrap">Spilling text here</div>
    <div class="parent" style="width: 200px; height: 40px"><div class="child" style="width: 300px; height: 20px"></div></div>
    <div class="list" style="height: 50px; overflow-y: auto"><div style="height: 200px"></div></div>
    <div class="far" style="position: absolute; left: 700px; top: 10px; width: 200px; height: 10px"></div>`;

  it('finds text cut off or running out of its box, a box sticking out, a scrolling list, and a page wider than the screen', async () => {
    const p = await browser!.page({ width: 800, height: 600 });
    await p.setContent(planted);
    const found = await layoutProblems(p);
    const has = (what: string, how: string) => found.some((x) => x.includes(what) && x.includes(how));
    expect(has('div.cut', 'cut off'), found.join('\n')).to.equal(true);
    expect(has('div.spill', 'text runs out of its box'), found.join('\n')).to.equal(true);
    expect(has('div.child', 'sticks out of its parent'), found.join('\n')).to.equal(true);
    expect(has('div.list', 'scrolls'), found.join('\n')).to.equal(true);
    expect(has('div.far', 'outside the viewport'), found.join('\n')).to.equal(true);
    expect(has('the page', 'sideways'), found.join('\n')).to.equal(true);
    await p.close();
  });

  it('lets a named list scroll and passes what fits', async () => {
    const p = await browser!.page({ width: 800, height: 600 });
    await p.setContent(`<div class="list" style="height: 50px; overflow-y: auto"><div style="height: 200px"></div></div>
      <p style="width: 300px">Short text that wraps as it likes inside its own box.</p><span class="visually-hidden" style="position: absolute; width: 1px; height: 1px; overflow: hidden">hidden label</span>`);
    expect(await layoutProblems(p, { scrolls: ['.list'] })).to.deep.equal([]);
    expect(await layoutProblems(p)).to.have.length(1);
    await p.close();
  });
});
