// Citizen screens through a server restart and in the states the other suites do not picture: the pad keeps
// asking for the same rating after the hall restarts and records it once; the kiosk's card prompt and its
// 暂停取号 screen; a paused window screen; the pad's thank-you. With SCREENSHOTS=1 each state is saved to
// docs/screens/.

import { expect } from 'chai';
import { join } from 'node:path';
import { root } from '../../scripts/build-ui.mjs';
import type { TestPage } from '../support/browser.js';
import { browserHallSuite, ID_LIKE, waitFor, waitText } from './helpers.js';

const SAVE_SCREENS = process.env.SCREENSHOTS === '1';
const shot = async (p: TestPage, file: string) => {
  if (SAVE_SCREENS) await p.screenshot({ path: join(root, 'docs', 'screens', file) });
};

describe('citizen screens through a restart, and their other states (browser)', function () {
  this.timeout(90_000);
  const suite = browserHallSuite();

  it('keeps asking for the same rating after a server restart and records a negative one with its reasons once', async () => {
    const staff = await suite.hall.clerk(3);
    const pad = await suite.page({ width: 1280, height: 800 });
    await pad.goto(`${suite.hall.url}/pad/?window=${staff.windowId}`);
    await pad.locator('.pad-idle').waitFor();
    const ticket = (await suite.hall.ok('POST', '/tickets', { sectionId: 'company' })).ticket;
    await suite.hall.ok('POST', `/windows/${staff.windowId}/call-next`, {}, staff.token);
    await suite.hall.ok('POST', `/windows/${staff.windowId}/start`, {}, staff.token);
    await suite.hall.ok('POST', `/windows/${staff.windowId}/finish`, {}, staff.token);
    await pad.locator(`.pad-rating[data-ticket="${ticket.number}"]`).waitFor();

    await suite.hall.down();
    await pad.locator('.conn-banner').waitFor({ timeout: 15_000 });
    await suite.hall.up();
    await pad.locator('.conn-banner').waitFor({ state: 'detached', timeout: 20_000 });
    // The snapshot after the restart still asks for this ticket's rating.
    await pad.locator(`.pad-rating[data-ticket="${ticket.number}"]`).waitFor();

    await pad.getByRole('button', { name: '不满意', exact: true }).click();
    await pad.getByRole('button', { name: '等待时间过长' }).click();
    await pad.getByRole('button', { name: '提交评价' }).click();
    await pad.getByText('感谢您的意见，我们会认真核查并及时回访。').waitFor();
    await shot(pad, 'pad-thanks.png');
    const rating = suite.hall.hall.hall.state.ratings[ticket.id];
    expect(rating).to.deep.include({ level: 2, reasons: ['等待时间过长'] });
    // One rating per ticket: the pad does not ask again, and the hall refuses a second one.
    await pad.locator('.pad-idle').waitFor({ timeout: 15_000 });
    expect(await pad.locator('.pad-rating').count()).to.equal(0);
    const again = await suite.hall.hall.hall.execute({ type: 'Rate', ticketId: ticket.id, level: 5 }, { kind: 'citizen' }).then(
      () => 'accepted',
      (e: { code?: string }) => e.code,
    );
    expect(again).to.equal('ALREADY_RATED');
    expect(pad.errors).to.deep.equal([]);
  });

  it('shows a paused window on its screen with the clerk masked, large enough to read from the seats', async () => {
    const staff = await suite.hall.clerk(6);
    const win = await suite.page({ width: 1920, height: 1080 });
    await win.goto(`${suite.hall.url}/window/?window=${staff.windowId}`);
    await win.locator('.ws-clerk').waitFor();
    await suite.hall.ok('POST', `/windows/${staff.windowId}/pause`, { reason: '临时离开' }, staff.token);
    await waitText(win.locator('.ws-paused-title'), '暂停服务');
    const height = await win.locator('.ws-paused-title').evaluate((el) => el.getBoundingClientRect().height);
    expect(height, 'title height in px').to.be.greaterThan(100);
    expect(await win.locator('body').innerText()).to.not.match(ID_LIKE);
    await shot(win, 'window-paused.png');
    await suite.hall.ok('POST', `/windows/${staff.windowId}/resume`, {}, staff.token);
  });

  it('fits the kiosk home, sections and other services, on one screen in portrait and landscape', async () => {
    for (const viewport of [
      { width: 1080, height: 1920 },
      { width: 1920, height: 1080 },
    ]) {
      const p = await suite.page(viewport);
      await p.goto(`${suite.hall.url}/kiosk/?kiosk=kiosk-1`);
      await p.locator('.k-more-item').first().waitFor();
      const overflow = await p.locator('.k-main').evaluate((el) => el.scrollHeight - el.clientHeight);
      expect(overflow, `${viewport.width}×${viewport.height}`).to.be.at.most(0);
      expect(await p.locator('.k-tile').count()).to.equal(7);
      expect(await p.locator('.k-more-item').count()).to.equal(4);
    }
  });

  it('prompts for the ID card where a section needs one, and says 暂停取号 while the server is gone', async () => {
    const p = await suite.page({ width: 1080, height: 1920 });
    await p.goto(`${suite.hall.url}/kiosk/?kiosk=kiosk-1`);
    await p.locator('.k-tile[data-section="social-insurance"]').click();
    await p.getByRole('button', { name: /直接取号/ }).click();
    await p.getByText('请刷身份证', { exact: true }).waitFor();
    await shot(p, 'kiosk-card.png');
    await p.getByRole('button', { name: '返回首页' }).click();
    await suite.hall.down();
    await p.locator('.k-paused').waitFor({ timeout: 15_000 });
    await shot(p, 'kiosk-paused.png');
    await suite.hall.up();
    await waitFor(async () => (await p.locator('.kiosk').getAttribute('data-screen')) === 'home' && (await p.locator('.k-tile').count()) > 0, 'the kiosk back', 20_000);
  });
});
