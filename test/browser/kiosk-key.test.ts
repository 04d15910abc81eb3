// A kiosk outside demo mode: set up once with its device key in the address, it takes tickets, keeps the key
// in the browser and shows no key in the address bar.

import { expect } from 'chai';
import { rm } from 'node:fs/promises';
import { buildUi } from '../../scripts/build-ui.mjs';
import { browserOrSkip, type Browser } from '../support/browser.js';
import { startTestHall, type TestHall } from '../support/hall.js';
import { keyedConfig, kioskKey } from '../support/kiosk-keys.js';
import { waitText } from './helpers.js';

describe('kiosk with its device key outside demo mode (browser)', function () {
  this.timeout(90_000);
  let browser: Browser | undefined;
  let h: TestHall | undefined;
  let configDir: string | undefined;
  before(async function () {
    browser = await browserOrSkip(this);
    await buildUi();
    configDir = await keyedConfig();
    h = await startTestHall({ demo: false, configDir });
  });
  after(async () => {
    await browser?.close();
    await h?.close();
    if (configDir) await rm(configDir, { recursive: true, force: true });
  });

  it('takes a ticket with the key given once in the address, then again after a reload without it', async () => {
    const p = await browser!.page({ width: 1080, height: 1920 });
    try {
      await p.goto(`${h!.url}/kiosk/?kiosk=kiosk-1&key=${kioskKey('kiosk-1')}`);
      await p.locator('.k-tile').first().waitFor();
      expect(p.url()).to.not.contain('key=');
      expect(p.url()).to.contain('kiosk=kiosk-1');
      for (const round of [1, 2]) {
        await p.getByRole('button', { name: /税务/ }).click();
        await p.locator('.k-service').first().getByRole('button', { name: '取号' }).click();
        await waitText(p.locator('.k-ticket-number'), /^E\d{3,}$/);
        await p.getByRole('button', { name: '完成' }).click();
        await p.getByText('请选择要办理的业务').waitFor();
        if (round === 1) {
          await p.reload();
          await p.locator('.k-tile').first().waitFor();
        }
      }
      expect(p.errors).to.deep.equal([]);
    } finally {
      await p.close();
    }
  });
});
