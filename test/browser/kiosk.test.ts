// The ticket kiosk in real Chromium against the real demo hall. Refusals the demo hall cannot produce on
// demand (ID limits, capacity, closed sections) are answered by intercepting POST /tickets in the browser.

import { expect } from 'chai';
import type { TestPage } from '../support/browser.js';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { browserHallSuite, ID_LIKE, madeUpIdNumber, waitText } from './helpers.js';

// SCREENSHOTS=1 saves the device states shown here to docs/screens/.
const SCREENS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'screens');
const shot = async (p: TestPage, file: string) => {
  if (process.env.SCREENSHOTS === '1') await p.screenshot({ path: join(SCREENS, file) });
};

describe('ticket kiosk (browser)', function () {
  this.timeout(60_000);
  const suite = browserHallSuite();

  async function kiosk(size: 'portrait' | 'landscape' = 'portrait', query = '?kiosk=kiosk-1'): Promise<TestPage> {
    const p = await suite.page(size === 'portrait' ? { width: 1080, height: 1920 } : { width: 1920, height: 1080 });
    await p.goto(`${suite.hall.url}/kiosk/${query}`);
    await p.locator('.k-tile').first().waitFor();
    return p;
  }

  it('takes a number for a chosen service in landscape and shows number, people ahead, wait and the printed note', async () => {
    const ahead = await suite.hall.ticket('tax');
    const p = await kiosk('landscape');
    await p.getByRole('button', { name: /税务/ }).click();
    const first = p.locator('.k-service').first();
    const serviceName = (await first.locator('.k-service-name').innerText()).split('\n')[0]!.trim();
    await first.getByRole('button', { name: '取号' }).click();
    const number = await waitText(p.locator('.k-ticket-number'), /^E\d{3,}$/);
    expect(number).to.not.equal(ahead.number);
    const card = await p.locator('.k-ticket-card').innerText();
    expect(card).to.contain('税务').and.contain(serviceName).and.contain('前面还有').and.contain('预计等候');
    // The demo kiosk prints on its simulated printer through the real ESC/POS layout.
    expect(await p.locator('.k-print.is-printed').innerText()).to.contain('请取走号票');
    expect(card).to.not.match(ID_LIKE);
    await p.getByRole('button', { name: '完成' }).click();
    await p.getByText('请选择要办理的业务').waitFor();
    expect(p.errors).to.deep.equal([]);
  });

  it('shows the number on screen with the not-printed note when the printer is out of paper', async () => {
    const url = suite.hall.url;
    const sim = (body: unknown) =>
      fetch(`${url}/api/v1/sim/devices/kiosk-1-printer/input`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await sim({ paperOut: true })).status).to.equal(200);
    try {
      const p = await kiosk();
      await p.getByRole('button', { name: /税务/ }).click();
      await p.locator('.k-service').first().getByRole('button', { name: '取号' }).click();
      await waitText(p.locator('.k-ticket-number'), /^E\d{3,}$/);
      expect(await p.locator('.k-print.not-printed').innerText()).to.contain('号票未能打印，请记住您的号码');
    } finally {
      await sim({ paperOut: false });
    }
  });

  it('shows live waiting counts and marks sections that need an ID card', async () => {
    const p = await kiosk();
    const tile = p.locator('.k-tile[data-section="company"]');
    const before = Number((await tile.locator('.k-tile-facts b').first().innerText()).replace(/\D/g, ''));
    await suite.hall.ticket('company');
    await waitText(tile.locator('.k-tile-facts b').first(), `${before + 1} 人`);
    expect(await p.locator('.k-tile[data-section="property"] .k-id-mark').innerText()).to.equal('需刷身份证');
    expect(await p.locator('.k-tile[data-section="company"] .k-id-mark').count()).to.equal(0);
  });

  it('takes the ticket by itself when a card is swiped at the card prompt, and prints it', async () => {
    const url = suite.hall.url;
    const p = await kiosk();
    await p.getByRole('button', { name: /不动产登记/ }).click();
    await p.getByRole('button', { name: /直接取号/ }).click();
    await p.getByText('请刷身份证', { exact: true }).waitFor();
    const card = {
      name: '赵小明', sex: '男', nation: '汉', birthDate: '1990-01-01', address: '示例市示例区示例路1号',
      idNumber: madeUpIdNumber(4242), issuer: '示例市公安局', validFrom: '2020-01-01', validTo: '长期',
    };
    const r = await fetch(`${url}/api/v1/sim/devices/kiosk-1-idcard/input`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ card }) });
    expect(r.status).to.equal(200);
    await waitText(p.locator('.k-ticket-number'), /^C\d{3,}$/);
    expect(await p.locator('.k-print.is-printed').count()).to.equal(1);
    expect(await p.locator('body').innerText()).to.not.match(ID_LIKE);
    await shot(p, 'kiosk-card-ticket.png');
    expect(p.errors).to.deep.equal([]);
  });

  it('checks a booking in when its code is scanned on the home screen', async () => {
    const url = suite.hall.url;
    const p = await kiosk();
    let code = '';
    for (let i = 1; i <= 10 && !code; i++) {
      const d = new Date(Date.now() + i * 86_400_000).toISOString().slice(0, 10);
      const b = await fetch(`${url}/api/v1/appointments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sectionId: 'tax', date: d, slotStart: '09:00' }) });
      if (b.status === 201) code = ((await b.json()) as { appointment: { code: string } }).appointment.code;
    }
    expect(code).to.not.equal('');
    await fetch(`${url}/api/v1/sim/devices/kiosk-1-scanner/input`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
    // The booking is for another day: the scanned check-in reaches the server, which refuses it, and the
    // kiosk explains the refusal with its code.
    await p.locator('.k-error[data-code="APPOINTMENT_NOT_TODAY"]').waitFor();
    expect(p.errors).to.deep.equal([]);
  });

  it('asks for the ID card where a section needs one and explains that no card was read', async () => {
    const p = await kiosk();
    await p.getByRole('button', { name: /不动产登记/ }).click();
    await p.getByRole('button', { name: /直接取号/ }).click();
    await p.getByText('请刷身份证', { exact: true }).waitFor();
    await p.getByRole('button', { name: '已放好身份证，取号' }).click();
    await p.locator('.k-error[data-code="NO_CARD_READ"]').waitFor();
    expect(await p.locator('.k-error h1').innerText()).to.equal('未读取到身份证');
    expect(await p.locator('.k-code').innerText()).to.equal('错误代码：NO_CARD_READ');
    expect(await p.getByRole('button', { name: '已放好身份证，取号' }).count()).to.equal(1);
  });

  it('explains each refusal with its own title, hint and code, and shows the booking offer', async () => {
    const p = await kiosk();
    const cases: { code: string; title: string; hint: string; details?: unknown }[] = [
      { code: 'ID_REQUIRED', title: '该业务需刷身份证取号', hint: '请将身份证放在读卡区后重新取号' },
      { code: 'ID_LIMIT_SECTION', title: '您在该业务已有未办结的号票', hint: '请先办理或取消已有的号票' },
      { code: 'ID_LIMIT_DAY', title: '您今日取号次数已达上限', hint: '同一证件每天取号次数有限' },
      { code: 'SECTION_CLOSED', title: '该业务暂停取号', hint: '不在取号时间内' },
      { code: 'VALIDATION_FAILED', title: '提交的信息不完整或格式不正确', hint: '请返回重新选择业务后再试' },
      {
        code: 'CAPACITY_EXHAUSTED',
        title: '今日号源已满',
        hint: '号源已经取完',
        details: { suggestion: { date: '2026-11-24', slots: [{ start: '09:00', end: '10:00', left: 12 }, { start: '14:00', end: '15:00', left: 3 }] } },
      },
    ];
    for (const c of cases) {
      await p.route('**/api/v1/tickets', (route) =>
        route.fulfill({
          status: c.code === 'VALIDATION_FAILED' ? 400 : 409,
          contentType: 'application/json',
          body: JSON.stringify({ error: { code: c.code, message: 'server text', ...(c.details ? { details: c.details } : {}) } }),
        }),
      );
      await p.getByRole('button', { name: /企业开办/ }).click();
      await p.getByRole('button', { name: /直接取号/ }).click();
      const err = p.locator(`.k-error[data-code="${c.code}"]`);
      await err.waitFor();
      expect(await err.locator('h1').innerText(), c.code).to.equal(c.title);
      expect(await err.locator('.k-lead').innerText(), c.code).to.contain(c.hint);
      expect(await err.locator('.k-code').innerText()).to.equal(`错误代码：${c.code}`);
      if (c.code === 'CAPACITY_EXHAUSTED') {
        const offer = await err.locator('.k-offer').innerText();
        expect(offer).to.contain('可预约 2026-11-24 办理').and.contain('09:00–10:00').and.contain('余 12 个').and.contain('14:00–15:00');
      }
      await p.unroute('**/api/v1/tickets');
      await p.getByRole('button', { name: '返回首页' }).click();
      await p.getByText('请选择要办理的业务').waitFor();
    }
  });

  it('offers a retry when the network failed and takes the number on the retry', async () => {
    const p = await kiosk();
    await p.route('**/api/v1/tickets', (route) => route.abort('connectionrefused'));
    await p.getByRole('button', { name: /建设项目审批/ }).click();
    await p.getByRole('button', { name: /直接取号/ }).click();
    await p.locator('.k-error[data-code="NETWORK"]').waitFor();
    expect(await p.locator('.k-error h1').innerText()).to.equal('无法连接服务器，请稍后重试');
    await p.unroute('**/api/v1/tickets');
    await p.getByRole('button', { name: '重试' }).click();
    await waitText(p.locator('.k-ticket-number'), /^A\d{3,}$/);
  });

  it('refuses an unregistered kiosk id and says so in the footer', async () => {
    const p = await kiosk('portrait', '?kiosk=no-such-kiosk');
    expect(await p.locator('.k-footer').innerText()).to.contain('本机编号 no-such-kiosk 未登记');
    await p.getByRole('button', { name: /企业开办/ }).click();
    await p.getByRole('button', { name: /直接取号/ }).click();
    await p.locator('.k-error[data-code="VALIDATION_FAILED"]').waitFor();
  });

  it('shows 暂停取号 while the server is unreachable and resumes by itself when it is back', async () => {
    const p = await kiosk();
    await suite.hall.down();
    await p.locator('.k-paused').waitFor({ timeout: 15_000 });
    expect(await p.locator('.k-paused-title').innerText()).to.equal('暂停取号');
    await suite.hall.up();
    await p.locator('.k-tile').first().waitFor({ timeout: 20_000 });
    expect(await p.locator('.kiosk').getAttribute('data-screen')).to.equal('home');
  });

  it('goes back to the start, in Chinese, after a citizen walks away', async () => {
    const p = await suite.page({ width: 1080, height: 1920 });
    await p.clock.install();
    await p.goto(`${suite.hall.url}/kiosk/?kiosk=kiosk-1`);
    await p.locator('.k-tile').first().waitFor();
    await p.getByRole('button', { name: 'English' }).click();
    await p.getByRole('button', { name: /Business/ }).click();
    await p.getByText('Services', { exact: true }).waitFor();
    await p.clock.fastForward('00:46');
    await p.getByText('请选择要办理的业务').waitFor();
    expect(new URL(p.url()).searchParams.get('lang')).to.equal(null);
  });

  it('speaks English with ?lang=en and switches back with the button', async () => {
    const p = await kiosk('portrait', '?kiosk=kiosk-1&lang=en');
    await p.getByText('Please choose a service area').waitFor();
    expect(await p.locator('html').getAttribute('lang')).to.equal('en');
    expect(await p.locator('.k-tile[data-section="tax"] .k-tile-name').innerText()).to.equal('Taxation');
    await p.getByRole('button', { name: '中文' }).click();
    await p.getByText('请选择要办理的业务').waitFor();
    expect(await p.locator('html').getAttribute('lang')).to.equal('zh-CN');
    expect(await p.title()).to.equal('自助取号');
  });
});
