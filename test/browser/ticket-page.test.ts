// The ticket's QR, followed the way a citizen's phone follows it: the kiosk prints a ticket on its (simulated)
// printer, the QR is read back out of the ESC/POS bytes, and a phone-sized Chromium tab opens that address.
// The page shows the number, the state, the people ahead and the estimated wait, refreshes by itself as
// the queue moves, says which window to go to once called, switches to English, and shows no personal data.

import { expect } from 'chai';
import { join } from 'node:path';
import { root } from '../../scripts/build-ui.mjs';
import { readEscPos } from '../unit/drivers/escpos-reader.js';
import { browserHallSuite, ID_LIKE, madeUpIdNumber, waitFor, waitText } from './helpers.js';

const SAVE_SCREENS = process.env.SCREENSHOTS === '1';
const PHONE = { width: 390, height: 844 };

describe('ticket progress page from the printed QR (browser)', function () {
  this.timeout(120_000);
  const suite = browserHallSuite();

  /** Takes a ticket at kiosk-1 and returns it with the QR its printout carries. */
  async function kioskTicket(sectionId: string, extra: Record<string, unknown> = {}): Promise<{ id: string; number: string; qr: string }> {
    const before = (await suite.hall.ok<{ jobs: unknown[] }>('GET', '/sim/devices/kiosk-1-printer/output')).jobs.length;
    const { ticket } = await suite.hall.ok<{ ticket: { id: string; number: string; printed: boolean } }>('POST', '/tickets', { sectionId, kioskId: 'kiosk-1', ...extra });
    expect(ticket.printed).to.equal(true);
    const { jobs } = await suite.hall.ok<{ jobs: { bytes: string }[] }>('GET', '/sim/devices/kiosk-1-printer/output');
    expect(jobs.length).to.equal(before + 1);
    const qrs = readEscPos(Buffer.from(jobs.at(-1)!.bytes, 'base64')).filter((e) => e.type === 'qr');
    expect(qrs).to.have.length(1);
    return { id: ticket.id, number: ticket.number, qr: (qrs[0] as { data: string }).data };
  }

  it('opens from the QR, shows people ahead and the wait, follows the queue by itself, and names the window when called', async () => {
    const first = await kioskTicket('delegated');
    const mine = await kioskTicket('delegated', { name: '张三丰', idNumber: madeUpIdNumber(301) });
    // The QR leads to the page (short address), not to the JSON API.
    expect(mine.qr).to.equal(`${suite.hall.url}/t/${mine.id}`);

    const p = await suite.page(PHONE);
    await p.goto(mine.qr);
    expect(new URL(p.url()).pathname).to.equal('/ticket/');
    await waitText(p.locator('.tp-number'), mine.number);
    expect(await p.locator('.tp-status').innerText()).to.equal('等候中');
    expect(await p.locator('.tp-section').innerText()).to.equal('非常驻单位委托授权');
    const ahead = Number(await p.locator('[data-ahead]').getAttribute('data-ahead'));
    expect(ahead).to.be.at.least(1);
    expect(await p.locator('[data-ahead]').innerText()).to.equal(`${ahead} 人`);
    expect(await p.locator('.tp-wait dt').allInnerTexts()).to.deep.equal(['前面还有', '预计等候']);
    if (SAVE_SCREENS) await p.screenshot({ path: join(root, 'docs', 'screens', 'ticket-waiting.png') });

    // Window 9 serves this section alone: its calls move this queue. The page catches up without a touch.
    const clerk = await suite.hall.clerk(9);
    const called: string[] = [];
    for (let i = 0; i < ahead; i++) {
      called.push((await suite.hall.ok<{ ticket: { number: string } }>('POST', `/windows/${clerk.windowId}/call-next`, undefined, clerk.token)).ticket.number);
      await suite.hall.ok('POST', `/windows/${clerk.windowId}/start`, undefined, clerk.token);
    }
    expect(called).to.include(first.number);
    await waitFor(async () => (await p.locator('[data-ahead="0"]').count()) === 1, 'the page to refresh to nobody ahead', 20_000);
    expect(await p.locator('.tp-updated').innerText()).to.match(/^更新于 \d{2}:\d{2}:\d{2}/);

    // Called: the refresh button asks at once.
    await suite.hall.ok('POST', `/windows/${clerk.windowId}/call-next`, undefined, clerk.token);
    await p.getByRole('button', { name: '刷新' }).click();
    await waitText(p.locator('.tp-status'), '已呼叫');
    expect(await p.locator('.tp-go').innerText()).to.equal(`请到 ${clerk.number} 号窗口办理`);
    if (SAVE_SCREENS) await p.screenshot({ path: join(root, 'docs', 'screens', 'ticket-called.png') });

    // English on request; nothing on the page identifies the citizen.
    await p.locator('.tp-lang').click();
    await waitText(p.locator('.tp-title'), 'Queue progress');
    expect(await p.locator('.tp-go').innerText()).to.equal(`Please go to window ${clerk.number}`);
    expect(await p.evaluate('document.documentElement.lang')).to.equal('en');
    const body = await p.locator('body').innerText();
    expect(body).not.to.match(ID_LIKE);
    expect(body).not.to.contain('张');
    expect(p.errors).to.deep.equal([]);
  });

  it('says so when the address names no ticket of today', async () => {
    const p = await suite.page(PHONE);
    await p.goto(`${suite.hall.url}/t/20200101-A001`);
    await waitText(p.locator('.tp-error'), /未找到该号票/);
    expect(await p.locator('.tp-error').getAttribute('data-code')).to.equal('UNKNOWN_TICKET');
    await p.goto(`${suite.hall.url}/ticket/`);
    await waitText(p.locator('.tp-msg'), /缺少号票编号/);
    expect(p.errors).to.deep.equal([]);
  });
});
