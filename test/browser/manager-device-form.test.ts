// The manager's device form in real Chromium: a window's LED bar moved onto a new bus from the form alone.
// A wrong port is refused and the refusal shows beside the port field; corrected, the new bus is in force at
// once (listed online, and a call at the window lights its bar on the new bus). The JSON view is the same
// device as the form. Pictures of the form (with its field error) go to docs/screens/ with SCREENSHOTS=1.

import { expect } from 'chai';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { root } from '../../scripts/build-ui.mjs';
import type { TestPage } from '../support/browser.js';
import { api, login } from '../support/hall.js';
import { browserHallSuite, waitFor, waitText } from './helpers.js';

const SCREENS = join(root, 'docs', 'screens');

describe('device settings form on the manager page (browser)', function () {
  this.timeout(120_000);
  const suite = browserHallSuite();
  let page: TestPage;

  const shot = async (name: string, part: string) => {
    if (process.env.SCREENSHOTS !== '1') return;
    await mkdir(SCREENS, { recursive: true });
    await page.locator(part).screenshot({ path: join(SCREENS, name) });
  };

  it('moves window 3 onto a new LED bus from the form: a bad port is shown at its field, the fixed bus is live at once', async () => {
    page = await suite.page({ width: 1500, height: 1100 });
    await page.goto(`${suite.hall.url}/manager/`);
    await page.getByLabel('用户名').fill('admin');
    await page.getByLabel('密码').fill('admin123');
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByRole('tab', { name: '配置' }).click();
    const card = page.locator('.m-dev-config');
    const busRow = card.locator('tr[data-device-row="ledbus-1"]');
    await waitText(busRow.locator('td').nth(1), '窗口条屏总线');
    await waitText(card.locator('tr[data-device-row="docscan-w1"] td').nth(1), '高拍仪/扫描仪');

    // Window 3 leaves the first bus.
    await busRow.getByRole('button', { name: '修改' }).click();
    const form = card.locator('.m-dev-form');
    expect(await form.locator('select[name="kind"]').isDisabled()).to.equal(true);
    await form.locator('input[name="windowIds"][value="w3"]').uncheck();
    await shot('manager-device-form.png', '.m-dev-config .m-dev-form');
    await form.getByRole('button', { name: '保存' }).click();
    await waitText(card.locator('.m-saved'), 'ledbus-1 已生效');

    // A new bus for window 3, first with a port no TCP link can have.
    await card.getByRole('button', { name: '添加设备' }).click();
    await form.locator('input[name="id"]').fill('ledbus-2');
    await form.locator('select[name="kind"]').selectOption('ledbar');
    await form.locator('input[name="windowIds"][value="w3"]').check();
    await form.locator('select[name="link.type"]').selectOption('tcp');
    await form.locator('input[name="link.host"]').fill('10.0.0.9');
    await form.locator('input[name="link.port"]').fill('70000');
    await form.getByRole('button', { name: '保存' }).click();
    const portError = form.locator('[data-error-for="link.port"]');
    await portError.waitFor();
    expect(await portError.innerText()).to.equal('不能大于 65535');
    expect(await form.locator('.form-error').last().innerText()).to.equal('请修改标红的项目');
    expect(await card.locator('tr[data-device-row="ledbus-2"]').count()).to.equal(0);
    await shot('manager-device-form-error.png', '.m-dev-config .m-dev-form');

    // The JSON view shows the same device, the options the form does not show included.
    await form.locator('[data-act="json-view"]').click();
    const json = JSON.parse(await form.locator('textarea[name="device"]').inputValue());
    expect(json).to.deep.include({ id: 'ledbus-2', kind: 'ledbar', windowIds: ['w3'], link: { type: 'tcp', host: '10.0.0.9', port: 70000 } });
    await form.locator('[data-act="form-view"]').click();

    // On the simulated bus instead: saved, listed, online, and driving window 3's bar.
    await form.locator('select[name="link.type"]').selectOption('sim');
    await form.getByRole('button', { name: '保存' }).click();
    await waitText(card.locator('.m-saved'), 'ledbus-2 已生效');
    const row = card.locator('tr[data-device-row="ledbus-2"]');
    await waitText(row.locator('td[data-status]'), '在线');
    expect(await row.locator('td').nth(2).innerText()).to.equal('3 号窗口');

    const h = suite.hall;
    const clerk = await login(h.url, 'staff3', 'staff123', 'w3');
    const ticket = (await api(h.url, 'POST', '/api/v1/tickets', { body: { sectionId: 'company' } })).body.ticket;
    await api(h.url, 'POST', '/api/v1/windows/w3/call-next', { token: clerk });
    await waitFor(async () => (await api(h.url, 'GET', '/api/v1/sim/devices/ledbus-2/output')).body.screens['3'] === `请${ticket.number}号到3号窗口`, 'the call on the new bus');

    // A printer added at a window that has one: the refusal names the place field.
    await card.getByRole('button', { name: '添加设备' }).click();
    await form.locator('input[name="id"]').fill('w3-printer-b');
    await form.locator('select[name="attachedTo"]').selectOption('w3');
    await form.getByRole('button', { name: '保存' }).click();
    await waitText(form.locator('[data-error-for="attachedTo"]'), /already has a printer/);
    await form.getByRole('button', { name: '取消' }).click();
    expect(await card.locator('.m-dev-form').count()).to.equal(0);

    const audit = (await api(h.url, 'GET', '/api/v1/manager/audit', { token: await login(h.url, 'admin', 'admin123') })).body.map((e: any) => `${e.action} ${e.detail}`);
    expect(audit.some((l: string) => l.startsWith('device.add ledbus-2 (ledbar @ w3): sim'))).to.equal(true);
    expect(page.errors).to.deep.equal([]);
  });
});
