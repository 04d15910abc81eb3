// One citizen's visit through every client, in real Chromium against the real demo hall: take a number at
// the kiosk, get called at window 1, watch it on the hall display and the window's pad, finish, rate,
// and see it counted on the manager's dashboard.

import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { buildUi } from '../../scripts/build-ui.mjs';
import { browserOrSkip, type Browser } from '../support/browser.js';
import { startTestHall, type TestHall } from '../support/hall.js';

describe('a visit through every page (browser)', function () {
  this.timeout(90_000);
  let browser: Browser | undefined;
  let hall: TestHall | undefined;

  before(async function () {
    browser = await browserOrSkip(this);
    await buildUi();
    hall = await startTestHall();
  });

  after(async () => {
    await browser?.close();
    await hall?.close();
  });

  it('shows the kiosk ticket called on the display and pad, rated on the pad, and counted by the manager', async () => {
    const b = browser!;
    const url = hall!.url;
    const firstWindow = (await (await fetch(`${url}/api/v1/windows`)).json()) as { id: string; number: number }[];
    const w1 = firstWindow[0]!;

    // Screens that watch the whole visit are open from the start, as in a hall.
    const display = await b.page({ width: 1920, height: 1080 });
    await display.goto(`${url}/display/`);
    const pad = await b.page({ width: 1280, height: 800 });
    await pad.goto(`${url}/pad/?window=${w1.id}`);
    const manager = await b.page({ width: 1600, height: 900 });
    await manager.goto(`${url}/manager/`);
    await manager.getByLabel('用户名').fill('admin');
    await manager.getByLabel('密码').fill('admin123');
    await manager.getByRole('button', { name: '登录' }).click();
    await manager.locator('[data-kpi="served"] .m-kpi-value').waitFor();
    expect(await kpi(manager, 'served')).to.equal('0');

    // Kiosk, portrait: 企业开办 needs no ID card and window 1 serves it; the citizen picks 企业设立登记.
    const kiosk = await b.page({ width: 1080, height: 1920 });
    await kiosk.goto(`${url}/kiosk/?kiosk=kiosk-1`);
    await kiosk.getByRole('button', { name: /企业开办/ }).click();
    await kiosk.locator('.k-service', { hasText: '企业设立登记' }).getByRole('button', { name: '取号' }).click();
    const numberEl = kiosk.locator('.k-ticket-number');
    await numberEl.waitFor();
    const number = (await numberEl.innerText()).trim();
    expect(number).to.match(/^B\d{3,}$/);
    expect(await kiosk.locator('.k-ticket').innerText()).to.contain('前面还有');

    // Console: staff1 signs in to the first window and calls the next citizen with the N shortcut.
    const desk = await b.page({ width: 1600, height: 900 });
    await desk.goto(`${url}/console/`);
    await desk.getByLabel('用户名').fill('staff1');
    await desk.getByLabel('密码').fill('staff123');
    await desk.getByLabel('窗口').selectOption(w1.id);
    await desk.getByRole('button', { name: '登录' }).click();
    await desk.locator('.c-action[data-action="callNext"]:not([disabled])').waitFor();
    await desk.keyboard.press('n');
    await expectText(desk.locator('.c-current-number'), number);

    // The hall display: newest call, and the window's tile in the grid.
    await expectText(display.locator('.d-now-number'), number);
    expect(await display.locator('.d-now-window').innerText()).to.contain(`${w1.number} 号窗口`);
    await expectText(display.locator(`.d-window[data-window="${w1.id}"] .d-window-current`), number);

    // The pad at that window shows the called ticket and its service, then that it is being served.
    await expectText(pad.locator('.pad-ticket-number'), number);
    expect(await pad.locator('.pad-ticket-label').innerText()).to.equal(`请 ${number} 号到本窗口办理`);
    expect(await pad.locator('.pad-ticket-service').innerText()).to.equal('企业设立登记');

    // Start and finish: the pad says it is serving, then asks for a rating.
    await desk.locator('.c-action[data-action="start"]:not([disabled])').click();
    await pad.locator(`.pad-ticket.st-serving[data-ticket="${number}"]`).waitFor();
    expect(await pad.locator('.pad-ticket-label').innerText()).to.equal('正在为您办理');
    expect(await pad.locator('.pad-ticket-service').innerText()).to.equal('企业设立登记');
    await desk.locator('.c-action[data-action="finish"]:not([disabled])').click();
    await pad.locator('.pad-rating').waitFor();
    expect(await pad.locator('.pad-rating-ticket').innerText()).to.contain(number);
    await pad.getByRole('button', { name: '非常满意' }).click();
    await pad.getByText('感谢您的评价').waitFor();

    // The manager's dashboard updates live.
    await expectText(manager.locator('[data-kpi="served"] .m-kpi-value'), '1');
    await expectText(manager.locator('[data-kpi="satisfaction"] .m-kpi-value'), '100%');

    for (const p of [display, pad, manager, kiosk, desk]) expect(p.errors, p.url()).to.deep.equal([]);
  });
});

async function kpi(page: Page, key: string): Promise<string> {
  return (await page.locator(`[data-kpi="${key}"] .m-kpi-value`).innerText()).trim();
}

/** Waits until the element shows exactly `text` (trimmed), failing with what it showed instead. */
async function expectText(locator: ReturnType<Page['locator']>, text: string, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  let seen = '';
  while (Date.now() < until) {
    seen = ((await locator.first().innerText({ timeout: 1000 }).catch(() => '')) ?? '').trim();
    if (seen === text) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(seen, `waiting for ${text}`).to.equal(text);
}
