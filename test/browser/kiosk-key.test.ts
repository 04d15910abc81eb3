// A kiosk outside demo mode: set up once with its device key in the address, it takes tickets, keeps the key
// in the browser and shows no key in the address bar; and it sends the key on every call that uses its
// printer or card reader, through a booking with the card, a check-in by card and progress by card.

import { expect } from 'chai';
import { rm } from 'node:fs/promises';
import { buildUi } from '../../scripts/build-ui.mjs';
import { browserOrSkip, type Browser } from '../support/browser.js';
import { SIM_CARD, swipeCard, until } from '../support/devices.js';
import { startTestHall, type TestHall } from '../support/hall.js';
import { keyedConfig, kioskKey } from '../support/kiosk-keys.js';
import { ID_LIKE, waitText } from './helpers.js';

describe('kiosk with its device key outside demo mode (browser)', function () {
  this.timeout(90_000);
  let browser: Browser | undefined;
  let h: TestHall | undefined;
  let configDir: string | undefined;
  // Monday 2026-11-23, 10:00 in the hall; moved forward only.
  let clock = Date.parse('2026-11-23T10:00:00+08:00');
  before(async function () {
    browser = await browserOrSkip(this);
    await buildUi();
    configDir = await keyedConfig();
    h = await startTestHall({ demo: false, configDir, now: () => clock });
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

  it('walks the card flows with the key: a booking in the card holder’s name with its slip printed, check-in by card next morning, progress by card', async () => {
    await until(() => h!.running.devices.list().filter((d) => d.attachedTo === 'kiosk-1').every((d) => d.status === 'online'), 'kiosk-1 devices online');
    const p = await browser!.page({ width: 1080, height: 1920 });
    // Every answer the page gets to a call of the API: none may be a refusal for want of the key.
    const refused: string[] = [];
    p.on('response', (r) => {
      if (r.url().includes('/api/v1/') && (r.status() === 401 || r.status() === 403)) refused.push(`${r.status()} ${r.request().method()} ${new URL(r.url()).pathname}`);
    });
    const swipe = () => swipeCard(h!, 'kiosk-1', SIM_CARD, { via: 'service' });
    const kioskStream = () => until(() => h!.running.realtime.io.of('/kiosk').sockets.size > 0, 'the kiosk device stream');
    const jobs = async () => ((await h!.running.devices.simOutput('kiosk-1-printer')).jobs as unknown[]).length;
    try {
      await p.goto(`${h!.url}/kiosk/?kiosk=kiosk-1&key=${kioskKey('kiosk-1')}`);
      await p.locator('.k-more-item').first().waitFor();
      await kioskStream();

      // Booking with the card: the booking and its slip both use the kiosk's devices.
      const printedBefore = await jobs();
      await p.locator('.k-more-item[data-more="book"]').click();
      await p.locator('.k-choice[data-section="tax"]').click();
      await p.locator('.k-day[data-date="2026-11-24"]').click();
      await p.locator('.k-slot[data-slot="09:00"]').click();
      await p.getByText('请确认预约信息').waitFor();
      await swipe();
      const code = p.locator('.k-booking-code');
      await code.waitFor();
      const booked = (await code.getAttribute('data-code'))!;
      await waitText(p.locator('.k-holder'), '韩*梅');
      await p.locator('.k-print[data-print="true"]').waitFor();
      expect(await jobs()).to.equal(printedBefore + 1);
      expect(h!.running.hall.state.appointments[booked]).to.include({ nameMasked: '韩*梅', status: 'booked' });

      // Next morning the same card checks the booking in: card appointments, then the ticket with the card.
      clock = Date.parse('2026-11-24T08:55:00+08:00');
      await p.reload();
      await p.locator('.k-more-item').first().waitFor();
      await kioskStream();
      await p.locator('.k-more-item[data-more="checkin"]').click();
      await p.getByText('也可将预约时使用的身份证放在读卡区签到').waitFor();
      await swipe();
      const number = await waitText(p.locator('.k-ticket-number'), /^E\d{3,}$/);
      expect(h!.running.hall.state.appointments[booked]).to.include({ status: 'checked_in' });
      expect([...h!.running.hall.state.tickets.values()].find((t) => t.number === number)).to.include({ priority: 'appointment', appointmentCode: booked });
      await p.getByRole('button', { name: '完成' }).click();

      // Progress by card: the query is answered (this hall has no central system configured, so it says so).
      await p.locator('.k-more-item[data-more="progress"]').click();
      await p.locator('.k-tab[data-by="card"]').click();
      await p.getByText('请将身份证平放在读卡区，查询您本人名下的办件').waitFor();
      const answered = p.waitForResponse((r) => r.url().endsWith('/api/v1/progress') && r.request().method() === 'POST');
      await swipe();
      expect((await answered).status()).to.equal(200);
      await p.locator('.k-progress[data-by="card"]').waitFor();
      expect(await p.locator('.k-progress .k-error[data-code="UNAUTHORIZED"], .k-progress .k-error[data-code="FORBIDDEN"]').count()).to.equal(0);

      expect(refused).to.deep.equal([]);
      expect(await p.locator('body').innerText()).to.not.match(ID_LIKE);
      expect(p.errors).to.deep.equal([]);
    } finally {
      await p.close();
    }
  });
});
