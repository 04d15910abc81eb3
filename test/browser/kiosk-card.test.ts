// The ID card at the kiosk beyond a plain ticket, in real Chromium against a real hall whose clock the test
// moves, the card placed on the kiosk's simulated reader (real codec and driver): a booking made with the
// card, checked in next morning by placing the same card; case progress by card on the 24-hour terminal.
// What the citizen sees is checked, and that no ID number shows. With SCREENSHOTS=1 the states are saved
// to docs/screens/.

import { expect } from 'chai';
import { join } from 'node:path';
import { buildUi, root } from '../../scripts/build-ui.mjs';
import { browserOrSkip, type Browser, type TestPage } from '../support/browser.js';
import { SIM_CARD, swipeCard, until } from '../support/devices.js';
import { api, login, startTestHall, type TestHall } from '../support/hall.js';
import { ID_LIKE, madeUpIdNumber, waitText } from './helpers.js';

const SAVE_SCREENS = process.env.SCREENSHOTS === '1';
const PORTRAIT = { width: 1080, height: 1920 };
const LANDSCAPE = { width: 1920, height: 1080 };

describe('kiosk with an ID card: booking, check-in and progress by card (browser)', function () {
  this.timeout(90_000);
  let browser: Browser | undefined;
  let hall: TestHall;
  // Monday 2026-11-23, 10:00 in the hall; the tests move it forward only.
  let clock = Date.parse('2026-11-23T10:00:00+08:00');
  const pages: TestPage[] = [];
  let booked = '';

  before(async function () {
    browser = await browserOrSkip(this);
    await buildUi();
    hall = await startTestHall({ now: () => clock });
    await until(async () => (await api(hall.url, 'GET', '/api/v1/devices')).body.every((d: { status: string }) => d.status === 'online'), 'every device online');
  });
  after(async () => {
    await browser?.close();
    await hall?.close();
  });
  afterEach(async () => {
    for (const p of pages.splice(0)) await p.close();
  });

  async function kiosk(viewport: { width: number; height: number }, query: string): Promise<TestPage> {
    const p = await browser!.page(viewport);
    pages.push(p);
    await p.goto(`${hall.url}/kiosk/${query}`);
    await p.locator('.k-more-item').first().waitFor();
    // The page acts on card reads only once its device stream has said what the kiosk has.
    await until(() => hall.running.realtime.io.of('/kiosk').sockets.size > 0, 'the kiosk device stream');
    return p;
  }
  const shot = async (p: TestPage, file: string) => {
    if (SAVE_SCREENS) await p.screenshot({ path: join(root, 'docs', 'screens', file) });
  };

  it('explains the limit when the card holder already has a live ticket in a section that needs the card, and takes and prints nothing', async () => {
    const card = { ...SIM_CARD, idNumber: madeUpIdNumber(88), name: '司马小芳' };
    const jobs = async () => ((await hall.running.devices.simOutput('kiosk-1-printer')).jobs as unknown[]).length;
    const p = await kiosk(PORTRAIT, '?kiosk=kiosk-1');
    const takeProperty = async () => {
      await p.getByRole('button', { name: /不动产登记/ }).click();
      await p.getByRole('button', { name: /直接取号/ }).click();
      await p.getByText('请刷身份证', { exact: true }).waitFor();
      // The card read at the prompt takes the ticket by itself.
      await swipeCard(hall, 'kiosk-1', card);
    };
    await takeProperty();
    await waitText(p.locator('.k-ticket-number'), /^C\d{3,}$/);
    const first = (await p.locator('.k-ticket-number').innerText()).trim();
    const issued = hall.running.hall.state.tickets.size;
    const printed = await jobs();

    await p.getByRole('button', { name: '完成', exact: true }).click();
    await p.getByText('请选择要办理的业务').waitFor();
    await takeProperty();
    const err = p.locator('.k-error[data-code="ID_LIMIT_SECTION"]');
    await err.waitFor();
    expect(await err.locator('h1').innerText()).to.equal('您在该业务已有未办结的号票');
    expect(await err.locator('.k-lead').innerText()).to.contain('请先办理或取消已有的号票');
    expect(await err.locator('.k-held').innerText()).to.equal(`您已持有 ${first} 号，请留意叫号。`);
    // Refused by the hall itself: no second ticket, nothing more printed, and the first ticket still live.
    expect(hall.running.hall.state.tickets.size).to.equal(issued);
    expect(await jobs()).to.equal(printed);
    expect([...hall.running.hall.state.tickets.values()].find((t) => t.number === first)?.status).to.equal('waiting');
    expect(await p.locator('body').innerText()).to.not.match(ID_LIKE).and.not.contain(card.name);
    await shot(p, 'kiosk-limit-reached.png');
    expect(p.errors).to.deep.equal([]);
  });

  it('books in the card holder’s name when the card is placed at the confirmation, and shows the holder masked', async () => {
    const p = await kiosk(PORTRAIT, '?kiosk=kiosk-1');
    await p.locator('.k-more-item[data-more="book"]').click();
    await p.locator('.k-choice[data-section="tax"]').click();
    await p.locator('.k-day[data-date="2026-11-24"]').click();
    await p.locator('.k-slot[data-slot="09:00"]').click();
    await p.getByText('请确认预约信息').waitFor();
    expect(await p.locator('.k-booking-card').innerText()).to.contain('在读卡区放置身份证即以本人身份证预约');
    await swipeCard(hall, 'kiosk-1');
    const code = p.locator('.k-booking-code');
    await code.waitFor();
    booked = (await code.getAttribute('data-code'))!;
    await waitText(p.locator('.k-holder'), '韩*梅');
    expect(await p.locator('.k-booked .k-facts').innerText()).to.contain('税务').and.contain('2026-11-24 星期二').and.contain('09:00–10:00');
    expect(hall.running.hall.state.appointments[booked]).to.include({ date: '2026-11-24', slotStart: '09:00', nameMasked: '韩*梅' });
    expect(hall.running.hall.state.appointments[booked]!.idKey).to.be.a('string');
    expect(await p.locator('body').innerText()).to.not.match(ID_LIKE);
    await shot(p, 'kiosk-booking-card.png');
    expect(p.errors).to.deep.equal([]);
  });

  it('checks the booking in next morning when the same card is placed on the check-in screen, after refusing another card', async () => {
    expect(booked, 'the booking test ran first').to.not.equal('');
    clock = Date.parse('2026-11-24T08:55:00+08:00');
    const p = await kiosk(PORTRAIT, '?kiosk=kiosk-1');
    await p.locator('.k-more-item[data-more="checkin"]').click();
    await p.getByText('也可将预约时使用的身份证放在读卡区签到').waitFor();
    // A card with no booking is told so on the same screen.
    await swipeCard(hall, 'kiosk-1', { ...SIM_CARD, idNumber: madeUpIdNumber(77), name: '欧阳小明' });
    await waitText(p.locator('.k-inline-error b'), '没有找到该身份证的预约');
    await swipeCard(hall, 'kiosk-1');
    const number = await waitText(p.locator('.k-ticket-number'), /^E\d{3,}$/);
    const ticket = [...hall.running.hall.state.tickets.values()].find((t) => t.number === number)!;
    expect(ticket).to.include({ priority: 'appointment', appointmentCode: booked });
    expect(hall.running.hall.state.appointments[booked]).to.include({ status: 'checked_in' });
    expect(await p.locator('.k-ticket-card').innerText()).to.contain('前面还有').and.contain('预计等候');
    expect(await p.locator('body').innerText()).to.not.match(ID_LIKE);
    expect(p.errors).to.deep.equal([]);
  });

  it('shows the card holder’s cases on the 24-hour terminal when the card is placed on the progress screen', async () => {
    // A case accepted at window 1 this morning for the card's holder.
    const clerk = await login(hall.url, 'staff1', 'staff123', 'w1');
    const made = await api(hall.url, 'POST', '/api/v1/cases', { token: clerk, body: { windowId: 'w1', serviceCode: 'A01', applicant: { name: SIM_CARD.name, idNumber: SIM_CARD.idNumber } } });
    expect(made.status).to.equal(201);
    const kase = made.body.case as { id: string; materials: { name: string }[] };
    await api(hall.url, 'PUT', `/api/v1/cases/${kase.id}/materials`, { token: clerk, body: { materials: kase.materials.map((m) => ({ name: m.name, state: 'provided' })) } });
    const decided = await api(hall.url, 'POST', `/api/v1/cases/${kase.id}/outcome`, { token: clerk, body: { outcome: 'accepted' } });
    expect(decided.status).to.equal(200);
    const receipt = decided.body.case.receiptNo as string;

    clock = Date.parse('2026-11-24T19:30:00+08:00');
    const p = await kiosk(LANDSCAPE, '?kiosk=kiosk-2&mode=self-service');
    await p.locator('.k-more-item[data-more="progress"]').click();
    // The receipt keypad and the tabs fit the landscape screen without scrolling.
    await p.locator('.k-tab[data-by="receipt"][aria-selected="true"]').waitFor();
    expect(await p.locator('.k-main').evaluate((el) => el.scrollHeight - el.clientHeight), 'overflow in px').to.be.at.most(0);
    await shot(p, 'kiosk-progress-ask.png');
    await p.locator('.k-tab[data-by="card"]').click();
    await p.getByText('请将身份证平放在读卡区，查询您本人名下的办件').waitFor();
    expect(await p.locator('.k-card-auto').innerText()).to.equal('放好身份证后将自动查询');
    await shot(p, 'kiosk-progress-card-ask.png');
    await swipeCard(hall, 'kiosk-2');
    const item = p.locator(`.k-case[data-receipt="${receipt}"]`);
    await item.waitFor();
    expect(await item.locator('.k-case-status').innerText()).to.equal('已受理');
    expect(await item.innerText()).to.contain('韩*梅');
    expect(await p.locator('.k-case-count').innerText()).to.match(/^共查到 \d+ 件办件$/);
    expect(await p.locator('body').innerText()).to.not.match(ID_LIKE).and.not.contain(SIM_CARD.name);
    await shot(p, 'kiosk-progress-card.png');

    // Asked again without a new card: the read was used by the first query.
    await p.getByRole('button', { name: '再查一件' }).click();
    await p.getByRole('button', { name: '已放好身份证，查询' }).click();
    await p.locator('.k-progress .k-error[data-code="NO_CARD_READ"]').waitFor();
    expect(await p.locator('.k-progress .k-error h2').innerText()).to.equal('未读取到身份证');
    expect(p.errors).to.deep.equal([]);
  });
});
