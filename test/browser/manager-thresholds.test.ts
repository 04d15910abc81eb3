// The alert thresholds form in real Chromium against a hall whose clock the test sets: a value out of range
// or left empty is refused at its field, in Chinese; a saved value is in force at once, so a ticket waiting
// 12 minutes, under the file's 30, raises a wait alert on the dashboard once the form says 10; the change is
// in the audit log.

import { expect } from 'chai';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configDir } from '../../config/schema.js';
import { buildUi, root } from '../../scripts/build-ui.mjs';
import { browserOrSkip, type Browser, type TestPage } from '../support/browser.js';
import { api, login, startTestHall, tempDir, type TestHall } from '../support/hall.js';
import { managerSignedIn, waitText } from './helpers.js';

describe('manager alert thresholds form (browser)', function () {
  this.timeout(90_000);
  let browser: Browser | undefined;
  let hall: TestHall;
  let clock = Date.parse('2026-11-23T10:00:00+08:00');
  let p: TestPage | undefined;

  before(async function () {
    browser = await browserOrSkip(this);
    await buildUi();
    hall = await startTestHall({ now: () => clock });
  });
  after(async () => {
    await p?.close();
    await browser?.close();
    await hall?.close();
  });

  it('refuses bad values at their field and puts a saved threshold in force at once: a wait alert rises under the new value', async () => {
    const issued = await api(hall.url, 'POST', '/api/v1/tickets', { body: { sectionId: 'tax' } });
    expect(issued.status, JSON.stringify(issued.body)).to.equal(201);
    const number = issued.body.ticket.number as string;
    clock = Date.parse('2026-11-23T10:12:00+08:00');

    p = await managerSignedIn(await browser!.page({ width: 1600, height: 1000 }), hall.url);
    // Waiting 12 minutes is under the file's 30: no wait alert yet.
    expect(await p.locator('.m-alert[data-alert="wait"]').count()).to.equal(0);

    await p.getByRole('tab', { name: '配置' }).click();
    const form = p.locator('.m-thresholds');
    const wait = form.locator('input[name="waitMinutes"]');
    await wait.waitFor();
    expect(await wait.inputValue()).to.equal('30');

    await wait.fill('0');
    await form.getByRole('button', { name: '保存' }).click();
    await waitText(form.locator('[data-field-error="waitMinutes"]'), '不能小于 1');
    expect(await wait.getAttribute('aria-invalid')).to.equal('true');
    await wait.fill('');
    await form.getByRole('button', { name: '保存' }).click();
    await waitText(form.locator('[data-field-error="waitMinutes"]'), '请填写数字');
    await form.locator('input[name="pausedMinutes"]').fill('481');
    await wait.fill('10');
    await form.getByRole('button', { name: '保存' }).click();
    await waitText(form.locator('[data-field-error="pausedMinutes"]'), '不能大于 480');
    expect(await form.locator('[data-field-error="waitMinutes"]').count(), 'the fixed field is clear').to.equal(0);
    const admin = await login(hall.url, 'admin', 'admin123');
    expect((await api(hall.url, 'GET', '/api/v1/manager/thresholds', { token: admin })).body.waitMinutes, 'nothing saved while refused').to.equal(30);
    if (process.env.SCREENSHOTS === '1') await form.screenshot({ path: join(root, 'docs', 'screens', 'manager-thresholds-error.png') });

    await form.locator('input[name="pausedMinutes"]').fill('20');
    await form.getByRole('button', { name: '保存' }).click();
    await waitText(form.locator('.m-saved'), '已生效');
    expect((await api(hall.url, 'GET', '/api/v1/manager/thresholds', { token: admin })).body).to.include({ waitMinutes: 10, pausedMinutes: 20 });

    // The dashboard raises the wait alert for the ticket under the new threshold, without a reload.
    await p.getByRole('tab', { name: '实时监控' }).click();
    const alert = p.locator('.m-alert[data-alert="wait"]');
    await alert.waitFor({ timeout: 15_000 });
    expect(await alert.innerText()).to.contain('税务');

    const audit = (await api(hall.url, 'GET', '/api/v1/manager/audit', { token: admin })).body as { action: string; detail: string }[];
    const change = audit.filter((r) => r.action === 'thresholds.change');
    expect(change).to.have.length(1);
    expect(change[0]!.detail).to.contain('waitMinutes: 30 → 10').and.contain('pausedMinutes: 15 → 20');
    expect(number).to.match(/^E\d{3,}$/);
    expect(p.errors).to.deep.equal([]);
  });
  it('changes queue rules and ticketing hours in their form: each refusal at its field, each saved value in force', async () => {
    await p!.getByRole('tab', { name: '配置' }).click();
    const card = p!.locator('.m-rules');
    const perDay = card.locator('input[name="maxTicketsPerDayPerId"]');
    await perDay.waitFor();
    expect(await perDay.inputValue()).to.equal('3');
    await perDay.fill('99');
    await card.locator('[data-act="save-rules"]').click();
    await waitText(card.locator('[data-field-error="maxTicketsPerDayPerId"]'), '不能大于 50');
    await perDay.fill('5');
    await card.locator('[data-act="save-rules"]').click();
    await waitText(card.locator('form.m-form-grid .m-saved'), '已生效');
    const admin = await login(hall.url, 'admin', 'admin123');
    expect((await api(hall.url, 'GET', '/api/v1/manager/setup', { token: admin })).body.rules.maxTicketsPerDayPerId).to.equal(5);

    // The demo hall takes tickets at any hour; a window of hours that closes before it opens is refused.
    const anyTime = card.locator('input[name="anyTime"]');
    expect(await anyTime.isChecked()).to.equal(true);
    await anyTime.uncheck();
    await card.locator('input[name="open"]').fill('09:00');
    await card.locator('input[name="close"]').fill('08:00');
    await card.locator('[data-act="save-hours"]').click();
    await waitText(card.locator('[data-field-error="hours.close"]'), '须晚于开始时间 09:00');
    // Hours that leave out a booking slot are refused too, with the slot named.
    await card.locator('input[name="open"]').fill('09:30');
    await card.locator('input[name="close"]').fill('17:30');
    await card.locator('[data-act="save-hours"]').click();
    await waitText(card.locator('[data-field-error="slots"]'), /^有 \d+ 个预约时段不在该取号时间内：取号时间须包含全部预约时段（最早 09:00 开始，最晚 17:00 结束）$/);
    if (process.env.SCREENSHOTS === '1') await card.screenshot({ path: join(root, 'docs', 'screens', 'manager-rules.png') });
    await card.locator('input[name="open"]').fill('08:30');
    await card.locator('input[name="close"]').fill('17:30');
    await card.locator('[data-act="save-hours"]').click();
    await waitText(card.locator('form.m-hours .m-saved'), '已生效');
    // At 17:45 the hall refuses tickets at once.
    clock = Date.parse('2026-11-23T17:45:00+08:00');
    const closed = await api(hall.url, 'POST', '/api/v1/tickets', { body: { sectionId: 'tax' } });
    expect([closed.status, closed.body.error.code]).to.deep.equal([409, 'SECTION_CLOSED']);
    expect(p!.errors).to.deep.equal([]);
  });
  it('tells the manager once hall.json has overruled thresholds saved here, until dismissed', async () => {
    const admin = await login(hall.url, 'admin', 'admin123');
    const saved = (await api(hall.url, 'GET', '/api/v1/manager/thresholds', { token: admin })).body;
    // The hall restarts on a copy of config/ whose alerts an installer has edited since the save above.
    const cfg = await tempDir('hall-config-');
    cpSync(configDir, cfg, { recursive: true, filter: (src) => !src.endsWith('.ts') });
    const file = join(cfg, 'hall.json');
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    doc.alerts = { ...doc.alerts, waitMinutes: 45 };
    writeFileSync(file, JSON.stringify(doc, null, 2));
    const dataDir = hall.dataDir;
    await hall.close({ keepData: true });
    hall = await startTestHall({ now: () => clock, dataDir, configDir: cfg });

    const m = await managerSignedIn(await browser!.page({ width: 1600, height: 1000 }), hall.url);
    await m.getByRole('tab', { name: '配置' }).click();
    const notice = m.locator('.m-thresholds [data-notice="thresholds"]');
    await waitText(notice.locator('p'), /^config\/hall\.json 中的告警阈值在页面保存后被修改，2026-11-23 17:45 启动时已改用文件中的阈值。页面原先保存的是：等候超过（分钟） 10，/);
    expect(await notice.innerText()).to.contain(`窗口暂停超过（分钟） ${saved.pausedMinutes}`);
    expect(await m.locator('.m-thresholds input[name="waitMinutes"]').inputValue(), 'the file is in force').to.equal('45');
    if (process.env.SCREENSHOTS === '1') await m.locator('.m-thresholds').screenshot({ path: join(root, 'docs', 'screens', 'manager-thresholds-set-aside.png') });
    await notice.getByRole('button', { name: '知道了' }).click();
    await notice.waitFor({ state: 'detached' });
    await m.reload();
    await m.getByRole('tab', { name: '配置' }).click();
    await m.locator('.m-thresholds input[name="waitMinutes"]').waitFor();
    expect(await m.locator('[data-notice="thresholds"]').count(), 'dismissed for good').to.equal(0);
    expect(m.errors).to.deep.equal([]);
    await m.close();
  });
});
