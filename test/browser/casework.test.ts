// A case captured end to end at a window of the demo hall, in real Chromium, with the window's own simulated
// devices: the applicant's card is swiped on the window's reader (the console announces the masked name),
// the materials are ticked, D scans the pages on the window's document scanner into the draft, the outcome
// is chosen and the receipt slip comes out of the window's printer. The receipt's number, read back by the
// window's code scanner or typed into the lookup field, reopens the case, and the case reached the mock
// central system exactly once. With SCREENSHOTS=1 each state is saved to docs/screens/.

import { expect } from 'chai';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { root } from '../../scripts/build-ui.mjs';
import type { TestPage } from '../support/browser.js';
import { browserHallSuite, ID_LIKE, madeUpIdNumber, waitFor, waitText } from './helpers.js';

const SCREENS = join(root, 'docs', 'screens');
const SAVE_SCREENS = process.env.SCREENSHOTS === '1';

describe('a case end to end at a window: card, scan, outcome, receipt, central (browser)', function () {
  this.timeout(120_000);
  const suite = browserHallSuite();

  async function signIn(n: number): Promise<{ p: TestPage; windowId: string }> {
    const windows = await suite.hall.ok<{ id: string }[]>('GET', '/windows');
    const p = await suite.page({ width: 1600, height: 1100 });
    await p.goto(`${suite.hall.url}/console/`);
    await p.getByLabel('用户名').fill(`staff${n}`);
    await p.getByLabel('密码').fill('staff123');
    await p.getByLabel('窗口').selectOption(windows[n - 1]!.id);
    await p.getByRole('button', { name: '登录' }).click();
    await p.locator('.c-actions').waitFor();
    return { p, windowId: windows[n - 1]!.id };
  }

  it('captures the case from the card and the scanner, prints the receipt, reopens it by scanning the receipt, and central has it once', async () => {
    const { p, windowId } = await signIn(2);
    const running = suite.hall.hall;
    // A promised service (承诺件) of one of the window's sections that issues tickets without a card.
    const sections = running.config.setup.sections.filter((s) => running.config.setup.windows.find((w) => w.id === windowId)!.sectionIds.includes(s.id));
    const section = sections.find((s) => !s.requireIdCard && s.services.some((x) => x.kind === 'promised'))!;
    const service = section.services.find((s) => s.kind === 'promised')!;
    const ticket = await suite.hall.ticket(section.id);
    await waitText(p.locator('.c-count'), /共 [1-9]\d* 人/);
    await p.keyboard.press('n');
    await waitText(p.locator('.c-current-number'), ticket.number);
    await p.keyboard.press('s');
    await waitText(p.locator('.c-current .c-ticket-status'), '办理中');

    // The card on the window's reader: the console says whose card it is, masked.
    const idNumber = madeUpIdNumber(905);
    await suite.hall.ok('POST', `/sim/devices/${windowId}-idcard/input`, {
      card: { name: '司马光明', sex: '男', nation: '汉', birthDate: '1988-08-08', address: '示范市示范路8号', idNumber, issuer: '示范市公安局', validFrom: '2020-01-01', validTo: '长期' },
    });
    await waitText(p.locator('[data-card]'), /读卡器已读到：司\*\*明/);
    expect(await p.locator('#case-panel').innerText()).not.to.match(ID_LIKE);
    await p.keyboard.press('c');
    await p.locator(`#case-service option[value="${service.code}"]`).waitFor({ state: 'attached' });
    await p.locator('#case-service').selectOption(service.code);
    if (SAVE_SCREENS) await p.screenshot({ path: join(SCREENS, 'console-case-card-read.png'), fullPage: true });
    await p.locator('[data-action="create-case"]').click();
    await p.locator('.c-case-draft').waitFor();
    expect(await p.locator('[data-applicant]').innerText()).to.contain('司**明');
    expect(await p.locator('#case-panel .c-case-no').innerText()).to.contain(ticket.number);

    const items = p.locator('.c-materials li');
    const n = await items.count();
    for (let i = 0; i < n; i++) {
      await items.nth(i).locator('[data-state="provided"]').click();
      await p.locator(`.c-materials li[data-material="${i}"].m-provided`).waitFor();
    }
    // D scans on the window's document scanner (the demo's simulated one feeds two pages).
    await p.locator('body').click({ position: { x: 5, y: 5 } });
    await p.keyboard.press('d');
    await waitText(p.locator('.c-case h3 small'), '共 2 页', 30_000);
    expect(await p.locator('.c-page').count()).to.equal(2);
    // The window's scan draft gave its pages to the case.
    const clerk = await suite.hall.clerk(2);
    expect((await suite.hall.ok<{ pages: unknown[] }>('GET', `/windows/${windowId}/scans`, undefined, clerk.token)).pages).to.deep.equal([]);
    if (SAVE_SCREENS) await p.screenshot({ path: join(SCREENS, 'console-case-scanned.png'), fullPage: true });

    const printedBefore = (await suite.hall.ok<{ jobs: unknown[] }>('GET', `/sim/devices/${windowId}-printer/output`)).jobs.length;
    await p.locator('[data-outcome="accepted"]').click();
    await p.locator('[data-action="decide"]').click();
    await p.locator('.c-case-closed[data-outcome="accepted"]').waitFor({ timeout: 60_000 });
    const receiptNo = (await p.locator('[data-fact="case.receiptNo"]').innerText()).trim();
    expect(receiptNo).to.match(/^ZWFW-DEMO-001-\d{4}-\d{6}$/);
    expect(await p.locator('[data-fact="case.promisedDue"]').innerText()).to.match(/^\d{4}-\d{2}-\d{2}$/);
    await waitText(p.locator('[data-printed]'), '凭条已打印');
    expect(await p.locator('[data-doc="materials.pdf"]').count()).to.equal(1);
    expect(await p.locator('[data-doc="receipt.pdf"]').count()).to.equal(1);
    // The slip on the window's printer carries the receipt number (as text and as the QR's data).
    const jobs = (await suite.hall.ok<{ jobs: { bytes: string }[] }>('GET', `/sim/devices/${windowId}-printer/output`)).jobs;
    expect(jobs.length).to.equal(printedBefore + 1);
    const slip = iconv.decode(Buffer.from(jobs.at(-1)!.bytes, 'base64'), 'gb18030');
    expect(slip).to.contain(receiptNo);
    expect(slip).to.contain('受理通知书');
    if (SAVE_SCREENS) await p.screenshot({ path: join(SCREENS, 'console-case-receipt.png'), fullPage: true });

    // Central has the case exactly once, documents included.
    const mock = running.central.mock!;
    const caseId = (await p.locator('#case-panel').getAttribute('data-case'))!;
    await waitFor(() => mock.received('case').some((r) => r.id === caseId), 'case at the mock central', 30_000);
    expect(mock.received('case').filter((r) => r.id === caseId)).to.have.length(1);

    // Back to an empty form, then the receipt under the window's code scanner reopens the case.
    await p.getByRole('button', { name: '新建办件' }).click();
    await p.locator('.c-case-new').waitFor();
    await suite.hall.ok('POST', `/sim/devices/${windowId}-scanner/input`, { code: receiptNo });
    await p.locator('.c-case-closed[data-outcome="accepted"]').waitFor({ timeout: 10_000 });
    await waitText(p.locator('[data-notice]'), `已扫码打开办件 ${receiptNo}`);
    expect(await p.locator('[data-fact="case.receiptNo"]').innerText()).to.equal(receiptNo);
    if (SAVE_SCREENS) await p.screenshot({ path: join(SCREENS, 'console-case-scan-open.png'), fullPage: true });

    // Central's progress, once the hall asked for it, shows on the case; the lookup field finds it too.
    await waitFor(async () => (await running.cases.trackCentral()).changed + (running.cases.get(caseId).central ? 1 : 0) > 0, 'progress asked', 20_000);
    await p.getByRole('button', { name: '新建办件' }).click();
    await p.getByLabel('受理单号 / 号票').fill(receiptNo);
    await p.getByRole('button', { name: '查找' }).click();
    await waitText(p.locator('[data-fact="case.central"]'), '已受理');
    // An unknown code is said to be unknown.
    await p.getByLabel('受理单号 / 号票').fill('ZWFW-DEMO-001-1999-000001');
    await p.getByRole('button', { name: '查找' }).click();
    await waitText(p.locator('#case-panel .form-error'), /CASE_NOT_FOUND/);

    // The manager's live tab has the e-supervision panel from the snapshot (nothing near a limit yet).
    const m = await suite.page({ width: 1600, height: 1000 });
    await m.goto(`${suite.hall.url}/manager/`);
    await m.getByLabel('用户名').fill('admin');
    await m.getByLabel('密码').fill('admin123');
    await m.getByRole('button', { name: '登录' }).click();
    await waitText(m.locator('[data-supervision] h2'), /^电子监察/);
    expect(await m.locator('[data-supervision]').innerText()).to.match(/办件 \d+ · 号票 \d+/);
  });

  it('says so when the window has no document scanner working, and takes a 容缺 case\'s materials later', async () => {
    const { p, windowId } = await signIn(6);
    await suite.hall.ok('POST', `/sim/devices/docscan-${windowId}/input`, { connected: false });
    try {
      await p.keyboard.press('c');
      await p.locator('#case-service option').nth(1).waitFor({ state: 'attached' });
      await p.locator('#case-service').selectOption((await p.locator('#case-service option').nth(1).getAttribute('value'))!);
      await p.getByRole('radio', { name: '手工录入' }).click();
      await p.getByLabel('姓名').fill('钱七');
      await p.getByLabel('身份证号码（18位）').fill(madeUpIdNumber(906));
      await p.getByRole('button', { name: '开始受理' }).click();
      await p.locator('.c-case-draft').waitFor();
      await p.locator('[data-action="scan-pages"]').click();
      await waitText(p.locator('#case-panel .form-error'), /设备未连接[\s\S]*DEVICE_OFFLINE/);
      expect(await p.locator('.c-page').count()).to.equal(0);

      // Without the scan the case goes on: 容缺受理 with one material missing, brought later.
      const items = p.locator('.c-materials li');
      const n = await items.count();
      for (let i = 0; i < n; i++) {
        await items.nth(i).locator(`[data-state="${i === 0 ? 'missing' : 'provided'}"]`).click();
        await p.locator(`.c-materials li[data-material="${i}"].m-${i === 0 ? 'missing' : 'provided'}`).waitFor();
      }
      await p.locator('[data-outcome="accepted_pending"]').click();
      await p.getByLabel('申请人书面承诺').fill('五个工作日内补交');
      await p.locator('[data-action="decide"]').click();
      await p.locator('.c-case-closed[data-outcome="accepted_pending"]').waitFor({ timeout: 60_000 });
      await waitText(p.locator('[data-open-materials]'), /^待补齐：/);
      await p.locator('[data-action="supplement"]').click();
      await p.locator('[data-open-materials]').waitFor({ state: 'detached' });
      const id = (await p.locator('#case-panel').getAttribute('data-case'))!;
      expect(suite.hall.hall.cases.get(id).materials.every((m) => m.state === 'provided')).to.equal(true);
    } finally {
      await suite.hall.ok('POST', `/sim/devices/docscan-${windowId}/input`, { connected: true });
    }
  });
});
