// The kiosk's citizen flows beyond a plain ticket, in real Chromium against a real hall whose clock the test
// moves: today's tickets run out → a booking with its slip; large text; the 24-hour self-service terminal
// after hours (guides searched, read and printed, progress query, a booking); the next morning's check-in
// by a scanned booking code. With SCREENSHOTS=1 each state is also saved to docs/screens/ (off by default,
// so a test run leaves the working tree as it was).

import { expect } from 'chai';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { buildUi, root } from '../../scripts/build-ui.mjs';
import { browserOrSkip, type Browser, type TestPage } from '../support/browser.js';
import { startTestHall, type TestHall } from '../support/hall.js';
import { brokenCopy, removeCopies } from '../unit/config/helpers.js';
import { ID_LIKE, waitText } from './helpers.js';

const SCREENS = join(root, 'docs', 'screens');
const SAVE_SCREENS = process.env.SCREENSHOTS === '1';
const PORTRAIT = { width: 1080, height: 1920 };
const LANDSCAPE = { width: 1920, height: 1080 };

describe('kiosk citizen flows: booking, large text, self-service terminal, check-in (browser)', function () {
  this.timeout(90_000);
  let browser: Browser | undefined;
  let hall: TestHall;
  // Monday 2026-11-23, 10:00 in the hall; each test moves it forward only.
  let clock = Date.parse('2026-11-23T10:00:00+08:00');
  const pages: TestPage[] = [];
  let booked: { code: string; date: string } | null = null;

  before(async function () {
    browser = await browserOrSkip(this);
    await buildUi();
    if (SAVE_SCREENS) await mkdir(SCREENS, { recursive: true });
    const dir = brokenCopy('hall.json', (j) => {
      j.selfService.hours = { open: '08:30', close: '17:30' };
    });
    // One walk-in ticket a day for 企业开办, so the kiosk meets a full day for real.
    const sectionsFile = join(dir, 'sections.json');
    const { readFileSync, writeFileSync } = await import('node:fs');
    const sections = JSON.parse(readFileSync(sectionsFile, 'utf8'));
    sections.sections.find((s: { id: string }) => s.id === 'company').dailyCapacity = 1;
    writeFileSync(sectionsFile, JSON.stringify(sections));
    hall = await startTestHall({ configDir: dir, now: () => clock });
  });
  after(async () => {
    await browser?.close();
    await hall?.close();
    removeCopies();
  });
  afterEach(async () => {
    for (const p of pages.splice(0)) await p.close();
  });

  async function kiosk(viewport = PORTRAIT, query = '?kiosk=kiosk-1'): Promise<TestPage> {
    const p = await browser!.page(viewport);
    pages.push(p);
    await p.goto(`${hall.url}/kiosk/${query}`);
    return p;
  }
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${hall.url}/api/v1${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as any };
  };
  const shot = async (p: TestPage, file: string) => {
    if (SAVE_SCREENS) await p.screenshot({ path: join(SCREENS, file) });
  };

  it('offers a booking when today is full, books the chosen slot, and shows the code large when the slip cannot print', async () => {
    expect((await post('/tickets', { sectionId: 'company' })).status).to.equal(201);
    const p = await kiosk();
    await p.locator('.k-tile[data-section="company"]').click();
    await p.getByRole('button', { name: /直接取号/ }).click();
    const err = p.locator('.k-error[data-code="CAPACITY_EXHAUSTED"]');
    await err.waitFor();
    expect(await err.locator('h1').innerText()).to.equal('今日号源已满');
    expect(await err.locator('.k-offer').innerText()).to.contain('可预约 2026-11-24 办理');
    await shot(p, 'kiosk-capacity-offer.png');

    // The first offered slot leads straight to the confirmation.
    await err.locator('.k-offer-slot').first().click();
    await p.getByText('请确认预约信息').waitFor();
    const facts = await p.locator('.k-booking-facts').innerText();
    expect(facts).to.contain('企业开办').and.contain('2026-11-24 星期二').and.contain('09:00–10:00');
    await p.getByRole('button', { name: '确认预约' }).click();
    const code = p.locator('.k-booking-code');
    await code.waitFor();
    const c = (await code.getAttribute('data-code'))!;
    // The demo kiosk prints the slip on its simulated printer.
    await waitText(p.locator('.k-print'), '请取走预约凭条，办理当天凭凭条二维码或预约码到取号机签到');
    expect(await code.innerText()).to.equal(c);
    await shot(p, 'kiosk-booking-slip.png');
    const a = hall.running.hall.state.appointments[c]!;
    expect(a).to.include({ sectionId: 'company', date: '2026-11-24', slotStart: '09:00', status: 'booked' });
    booked = { code: c, date: a.date };

    // Other days: a day list with places left, then the slots of a day.
    await p.getByRole('button', { name: '完成' }).click();
    await p.locator('.k-more-item[data-more="book"]').click();
    await p.locator('.k-choice[data-section="tax"]').click();
    await p.locator('.k-day').first().waitFor();
    expect(await p.locator('.k-day').first().innerText()).to.match(/11-24 星期二\s*可约 \d+ 个/);
    expect(await p.locator('.k-day[data-date="2026-11-28"]').count(), 'a Saturday is not offered').to.equal(0);
    await shot(p, 'kiosk-booking-days.png');
    await p.locator('.k-day[data-date="2026-11-25"]').click();
    await p.locator('.k-slot[data-slot="14:00"]').click();
    await p.getByRole('button', { name: '确认预约' }).click();
    await p.locator('.k-booking-code').waitFor();
    expect(p.errors).to.deep.equal([]);
  });

  it('switches to large text with stronger contrast and back to standard for the next citizen', async () => {
    const p = await kiosk();
    await p.locator('.k-tile').first().waitFor();
    const size = () => p.locator('.k-tile-name').first().evaluate((el) => el.getBoundingClientRect().height);
    const before = await size();
    await p.getByRole('button', { name: '大字模式' }).click();
    expect(await p.locator('html').getAttribute('class')).to.contain('large').and.contain('hc');
    expect(await size()).to.be.greaterThan(before * 1.2);
    await shot(p, 'kiosk-large.png');
    await p.getByRole('button', { name: '标准字体' }).click();
    expect(await p.locator('html').getAttribute('class')).to.not.contain('large');
  });

  it('runs as a 24-hour terminal after hours: no tickets, guides searched, read and printed, progress and booking open', async () => {
    clock = Date.parse('2026-11-23T19:00:00+08:00');
    const p = await kiosk(LANDSCAPE, '?kiosk=kiosk-2');
    await p.locator('.k-self').waitFor();
    expect(await p.locator('.kiosk').getAttribute('data-mode')).to.equal('self-service');
    const banner = await p.locator('.k-self-banner').innerText();
    expect(banner).to.contain('现在是24小时自助服务时间').and.contain('现场取号已暂停').and.contain('工作日 08:30–17:30');
    expect(await p.locator('.k-tile').count(), 'no section tiles to take a ticket').to.equal(0);
    expect(await p.locator('.k-more-item[data-more="checkin"]').count()).to.equal(0);
    await shot(p, 'kiosk-self-service.png');

    await p.locator('.k-more-item[data-more="guides"]').click();
    await p.locator('.k-service').first().waitFor();
    const all = await p.locator('.k-service').count();
    expect(all).to.be.greaterThan(20);
    await p.getByPlaceholder('搜索事项名称或关键词').fill('公积金');
    await waitText(p.locator('.k-guides-count'), /^共 \d+ 个事项$/);
    const found = await p.locator('.k-service').count();
    expect(found).to.be.greaterThan(0).and.lessThan(all);
    for (const name of await p.locator('.k-service-text').allInnerTexts()) expect(name).to.contain('公积金');
    await p.getByPlaceholder('搜索事项名称或关键词').fill('没有这种事项');
    await p.getByText('没有找到相关事项').waitFor();
    await p.getByPlaceholder('搜索事项名称或关键词').fill('');
    await p.locator('.k-chip[data-section="tax"]').click();
    await shot(p, 'kiosk-guides.png');
    await p.locator('.k-service').first().getByRole('button', { name: '查看指南' }).click();

    const guide = p.locator('.k-guide');
    await guide.locator('[data-part="contact"]').waitFor();
    for (const part of ['设定依据', '受理条件', '申请材料', '办理流程', '办理时限', '收费标准', '咨询方式']) {
      expect(await guide.locator('.k-guide-part h2').allInnerTexts()).to.include(part);
    }
    expect(await guide.getByRole('button', { name: '取号办理' }).count(), 'no tickets after hours').to.equal(0);
    await guide.getByRole('button', { name: '打印办事指南' }).click();
    await waitText(guide.locator('.k-print'), '已打印，请取走办事指南');
    await shot(p, 'kiosk-guide.png');
    expect(await p.locator('body').innerText()).to.not.match(ID_LIKE);

    // Progress query by receipt number, typed on the keypad. The approval system's answers are played by
    // intercepting the hall's progress route (the central link has its own tests).
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
    const answers = [
      { status: 200, body: { available: true, cached: false, fetchedAt: '2026-11-23T19:00:00+08:00', progress } },
      {
        status: 200,
        body: {
          available: false,
          error: { code: 'CENTRAL_UNREACHABLE', message: 'x' },
          retryAfterSeconds: 30,
          stale: { fetchedAt: '2026-11-23T18:40:00+08:00', progress },
        },
      },
      { status: 404, body: { error: { code: 'CASE_NOT_FOUND', message: 'x' } } },
    ];
    const asked: string[] = [];
    await p.route('**/api/v1/progress?*', (route) => {
      asked.push(new URL(route.request().url()).searchParams.get('receipt') ?? '');
      const a = answers.shift()!;
      return route.fulfill({ status: a.status, contentType: 'application/json', body: JSON.stringify(a.body) });
    });
    await p.getByRole('button', { name: /返回/ }).first().click();
    await p.getByRole('button', { name: /返回/ }).first().click();
    await p.locator('.k-more-item[data-more="progress"]').click();
    for (const k of 'SL2026-0001') await p.locator(`.k-key[data-key="${k}"]`).click();
    expect(await p.locator('.k-code-value').innerText()).to.equal('SL2026-0001');
    await p.getByRole('button', { name: '查询', exact: true }).click();
    await p.locator('.k-case').waitFor();
    expect(asked).to.deep.equal(['SL2026-0001']);
    expect(await p.locator('.k-case-status').innerText()).to.equal('审查中');
    expect(await p.locator('.k-case').innerText()).to.contain('代开增值税发票').and.contain('张*三').and.contain('2026-11-27');
    expect(await p.locator('.k-steps li').allInnerTexts()).to.have.length(3);
    await shot(p, 'kiosk-progress.png');
    // The approval system out of reach: the last answer, marked with its time.
    await p.getByRole('button', { name: '再查一件' }).click();
    await p.keyboard.type('SL2026-0001');
    await p.keyboard.press('Enter');
    await p.locator('.k-inline-error[data-code="CENTRAL_UNREACHABLE"]').waitFor();
    expect(await p.locator('.k-inline-error').innerText()).to.contain('审批系统暂时无法连接').and.contain('2026-11-23 18:40');
    await p.getByRole('button', { name: '再查一件' }).click();
    await p.keyboard.type('SL0000-0000');
    await p.keyboard.press('Enter');
    await waitText(p.locator('.k-progress .k-error h2'), '没有查到办件，请核对受理单号');
    await p.unroute('**/api/v1/progress?*');

    // A booking is still possible after hours.
    await p.getByRole('button', { name: /返回/ }).first().click();
    await p.locator('.k-more-item[data-more="book"]').click();
    await p.locator('.k-choice[data-section="construction"]').click();
    await p.locator('.k-day[data-date="2026-11-24"]').click();
    await p.locator('.k-slot').first().click();
    await p.getByRole('button', { name: '确认预约' }).click();
    await p.locator('.k-booking-code').waitFor();
    expect(p.errors).to.deep.equal([]);
  });

  it('checks in the booking next morning from a scanned code and issues an appointment ticket', async () => {
    expect(booked, 'the booking test ran first').to.not.equal(null);
    clock = Date.parse(`${booked!.date}T09:05:00+08:00`);
    const p = await kiosk();
    await p.locator('.k-more-item[data-more="checkin"]').click();
    await p.getByText('请将预约凭条上的二维码对准扫描口', { exact: false }).waitFor();
    // A wrong code is explained on the same screen.
    await p.keyboard.type('NOSUCHCODE');
    await p.keyboard.press('Enter');
    await p.locator('.k-inline-error[data-code="UNKNOWN_APPOINTMENT"]').waitFor();
    expect(await p.locator('.k-inline-error b').innerText()).to.equal('没有找到该预约');
    await p.getByRole('button', { name: '清除' }).click();
    await shot(p, 'kiosk-checkin.png');
    // A scanner in keyboard mode types the code from the slip's QR and Enter.
    await p.keyboard.type(booked!.code);
    await p.keyboard.press('Enter');
    const number = await waitText(p.locator('.k-ticket-number'), /^B\d{3,}$/);
    const ticket = hall.running.hall.state.tickets.values().find((t) => t.number === number)!;
    expect(ticket).to.include({ priority: 'appointment', appointmentCode: booked!.code });
    expect(hall.running.hall.state.appointments[booked!.code]).to.include({ status: 'checked_in' });
    expect(p.errors).to.deep.equal([]);
  });
});

describe('kiosk self-service terminal in English (browser)', function () {
  this.timeout(60_000);
  let browser: Browser | undefined;
  let hall: TestHall;

  before(async function () {
    browser = await browserOrSkip(this);
    await buildUi();
    hall = await startTestHall();
  });
  after(async () => {
    await browser?.close();
    await hall?.close();
  });

  it('runs as a self-service terminal with ?mode=self-service and reads guides in English, then switches to Chinese', async () => {
    const p = await browser!.page(LANDSCAPE);
    await p.goto(`${hall.url}/kiosk/?kiosk=kiosk-2&mode=self-service&lang=en`);
    await p.locator('.k-self').waitFor();
    expect(await p.locator('.k-self-banner h1').innerText()).to.equal('The hall is in 24-hour self-service time');
    expect(await p.locator('.k-more-title').allInnerTexts()).to.deep.equal(['Service guides', 'Case progress', 'Book a visit']);
    await p.locator('.k-more-item[data-more="guides"]').click();
    await p.getByPlaceholder('Search a service name or keyword').fill('housing');
    await p.locator('.k-service').first().getByRole('button', { name: 'Open guide' }).click();
    await p.locator('.k-guide-part[data-part="contact"]').waitFor();
    expect(await p.locator('.k-guide-part h2').allInnerTexts()).to.deep.equal([
      'Legal basis',
      'Conditions',
      'Materials',
      'Procedure',
      'Time limit',
      'Fees',
      'Contact',
    ]);
    await p.getByRole('button', { name: '中文' }).click();
    expect(await p.locator('.k-guide-part h2').first().innerText()).to.equal('设定依据');
    expect(await p.locator('html').getAttribute('lang')).to.equal('zh-CN');
    expect(p.errors).to.deep.equal([]);
    await p.close();
  });
});
