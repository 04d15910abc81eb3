// The kiosk with its simulated devices, in real Chromium against the real demo hall: the printer running out
// of paper is announced before a number is taken and the number then stays large on screen, and a scanned
// code that names no booking is refused on the check-in screen. Input goes through /sim, i.e. through the
// real codecs. (The card read at the prompt and a scanned booking are in kiosk.test.ts.)

import { expect } from 'chai';
import { join } from 'node:path';
import { root } from '../../scripts/build-ui.mjs';
import type { TestPage } from '../support/browser.js';
import { browserHallSuite, waitFor, waitText } from './helpers.js';

const SAVE_SCREENS = process.env.SCREENSHOTS === '1';

describe('kiosk with its devices: printer trouble and scanned codes (browser)', function () {
  this.timeout(90_000);
  const suite = browserHallSuite();

  const input = (device: string, body: unknown) => suite.hall.ok('POST', `/sim/devices/${device}/input`, body);

  async function kiosk(): Promise<TestPage> {
    const p = await suite.page({ width: 1080, height: 1920 });
    await p.goto(`${suite.hall.url}/kiosk/?kiosk=kiosk-1`);
    await p.locator('.k-tile').first().waitFor();
    return p;
  }

  it('announces a printer out of paper before the number is taken, then shows the number large with a note', async () => {
    const p = await kiosk();
    await input('kiosk-1-printer', { paperOut: true });
    await p.locator('.k-printer-notice[data-code="PAPER_OUT"]').waitFor({ timeout: 15_000 });
    expect(await p.locator('.k-printer-notice').innerText()).to.contain('打印机暂时无法打印（缺纸）');
    // The notice takes room from the tiles, not from the menu below them.
    expect(await p.locator('.k-main').evaluate((el) => el.scrollHeight - el.clientHeight), 'overflow in px').to.be.at.most(0);
    if (SAVE_SCREENS) await p.screenshot({ path: join(root, 'docs', 'screens', 'kiosk-printer-out.png') });
    await p.locator('.k-tile[data-section="tax"]').click();
    await p.getByRole('button', { name: /直接取号/ }).click();
    await waitText(p.locator('.k-ticket-number'), /^E\d{3,}$/);
    expect(await p.locator('.k-print.not-printed').innerText()).to.equal('号票未能打印，请记住您的号码');
    const height = await p.locator('.k-ticket-number').evaluate((el) => el.getBoundingClientRect().height);
    expect(height, 'number height in px').to.be.greaterThan(150);
    if (SAVE_SCREENS) await p.screenshot({ path: join(root, 'docs', 'screens', 'kiosk-not-printed.png') });
    await input('kiosk-1-printer', { paperOut: false });
    await p.getByRole('button', { name: '完成' }).click();
    await waitFor(async () => (await p.locator('.k-printer-notice').count()) === 0, 'the printer notice to go', 15_000);
  });

  it('refuses a scanned code that names no booking on the check-in screen', async () => {
    const p = await kiosk();
    await p.locator('.k-more-item[data-more="checkin"]').click();
    await p.locator('.k-checkin').waitFor();
    await input('kiosk-1-scanner', { code: 'NOTABOOKING1' });
    await p.locator('.k-inline-error[data-code="UNKNOWN_APPOINTMENT"]').waitFor();
    expect(await p.locator('.k-code-value').innerText()).to.equal('NOTABOOKING1');
  });
});
