// A manager's day in the demo hall, run from the dashboard in real Chromium: load moving as tickets flow,
// every kind of alert arriving and acknowledged on screen, a window's sections and a device changed live,
// a clerk's account disabled, the day's report downloaded. The hall's clock (and the page's) is moved by the
// test so that waits, pauses and deadlines pass without waiting for them. SCREENSHOTS=1 writes the pictures.

import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { idCheckDigit } from '../../drivers/idcard/codec.js';
import { buildUi, root } from '../../scripts/build-ui.mjs';
import { localInstant } from '../../server/hall/index.js';
import { type Browser, browserOrSkip, type TestPage } from '../support/browser.js';
import { api, login, startTestHall, type TestHall } from '../support/hall.js';
import { waitFor, waitText } from './helpers.js';

const SCREENS = join(root, 'docs', 'screens');
const CAL = { utcOffsetMinutes: 480, holidays: [], workdays: [] };
const TODAY = '2026-11-24'; // a Tuesday
const at = (day: string, hm: string) => localInstant(day, hm, CAL);

describe("a manager's day from the dashboard (browser)", function () {
  this.timeout(180_000);
  let browser: Browser | undefined;
  let h: TestHall;
  let t = at('2026-10-20', '09:00');
  const now = () => t;
  let page: TestPage | undefined;

  before(async function () {
    browser = await browserOrSkip(this);
    await buildUi();
    h = await startTestHall({ now });
  });
  after(async () => {
    await page?.close();
    await browser?.close();
    await h?.close();
  });

  const day = async (d: string, hm = '09:00') => {
    t = at(d, hm);
    await h.running.hall.execute({ type: 'OpenDay' }, { kind: 'system' });
  };
  const issue = async (sectionId: string) => (await api(h.url, 'POST', '/api/v1/tickets', { body: { sectionId } })).body.ticket as { id: string; number: string };
  const serve = async (clerk: string, windowId: string) => {
    const r = await api(h.url, 'POST', `/api/v1/windows/${windowId}/call-next`, { token: clerk });
    await api(h.url, 'POST', `/api/v1/windows/${windowId}/start`, { token: clerk });
    await api(h.url, 'POST', `/api/v1/windows/${windowId}/finish`, { token: clerk });
    return r.body.ticket as { id: string; number: string };
  };
  let serial = 0;
  const acceptCase = async (clerk: string, windowId: string, serviceCode: string) => {
    const first17 = `4401061990010${String(1000 + ++serial).slice(-4)}`;
    const c = await api(h.url, 'POST', '/api/v1/cases', { token: clerk, body: { windowId, serviceCode, applicant: { name: '欧阳明', idNumber: first17 + idCheckDigit(first17) } } });
    expect(c.status, JSON.stringify(c.body)).to.equal(201);
    const materials = c.body.case.materials.map((m: { name: string }) => ({ name: m.name, state: 'provided' }));
    await api(h.url, 'PUT', `/api/v1/cases/${c.body.case.id}/materials`, { token: clerk, body: { materials } });
    const d = await api(h.url, 'POST', `/api/v1/cases/${c.body.case.id}/outcome`, { token: clerk, body: { outcome: 'accepted' } });
    expect(d.status, JSON.stringify(d.body)).to.equal(200);
    return d.body.case as { receiptNo: string; promisedDue: string };
  };
  /** Moves the hall's clock and the page's together, then lets the alert engine look (as its timer would). */
  const advance = async (minutes: number) => {
    t += minutes * 60_000;
    // The page's clock jumps too (firing due timers once), so "paused for N minutes" reads as the hall's.
    await page?.clock.fastForward(minutes * 60_000);
    await h.running.manager.evaluate();
  };
  /** The whole page, or with `part` one card of it. */
  const shot = async (name: string, part?: string) => {
    if (process.env.SCREENSHOTS !== '1' || !page) return;
    await mkdir(SCREENS, { recursive: true });
    if (part) await page.locator(part).screenshot({ path: join(SCREENS, name) });
    else await page.screenshot({ path: join(SCREENS, name), fullPage: true });
  };

  it('sees load shift, gets and acknowledges each kind of alert, changes a window and a device live, and downloads the report', async () => {
    // ---- the weeks before: a bad rating whose follow-up is now overdue, a case past its promised day,
    // the same weekday last week, and yesterday's case that is due in two working days.
    let clerk = await login(h.url, 'staff9', 'staff123', 'w9');
    await issue('delegated');
    const old = await serve(clerk, 'w9');
    await h.running.hall.execute({ type: 'Rate', ticketId: old.id, level: 2, reasons: ['办理时间长'] }, { kind: 'citizen' });
    clerk = await login(h.url, 'staff1', 'staff123', 'w1');
    const past = await acceptCase(clerk, 'w1', 'A03');
    await day('2026-11-17');
    clerk = await login(h.url, 'staff10', 'staff123', 'w10');
    for (let i = 0; i < 4; i++) await issue('tax');
    for (let i = 0; i < 3; i++) await serve(clerk, 'w10');
    await day('2026-11-23', '15:00');
    clerk = await login(h.url, 'staff1', 'staff123', 'w1');
    const near = await acceptCase(clerk, 'w1', 'A03');
    expect(near.promisedDue).to.equal('2026-11-26');

    // ---- the day: the manager opens the dashboard at 08:30.
    await day(TODAY, '08:30');
    page = await browser!.page({ width: 1600, height: 1000 });
    await page.clock.install({ time: t });
    await page.goto(`${h.url}/manager/`);
    await page.getByLabel('用户名').fill('admin');
    await page.getByLabel('密码').fill('admin123');
    await page.getByRole('button', { name: '登录' }).click();
    await page.locator('.m-kpis').waitFor();

    // Tickets flow in; the section rows follow live, then the windows take them.
    const tax = page.locator('.m-sections tr[data-section="tax"] td').nth(1);
    const company = page.locator('.m-sections tr[data-section="company"] td').nth(1);
    for (let i = 0; i < 5; i++) await issue('tax');
    for (let i = 0; i < 2; i++) await issue('company');
    await waitText(tax, '5');
    await waitText(company, '2');
    const w10 = await login(h.url, 'staff10', 'staff123', 'w10');
    const w3 = await login(h.url, 'staff3', 'staff123', 'w3');
    await serve(w10, 'w10');
    await serve(w10, 'w10');
    await waitText(tax, '3');
    await shot('manager-day-load.png');

    // Waiting over the threshold, and a window paused too long.
    await api(h.url, 'POST', '/api/v1/windows/w3/pause', { token: w3, body: { reason: '系统维护' } });
    // A kiosk printer runs out of paper (the simulator speaks the real status bytes).
    expect((await api(h.url, 'POST', '/api/v1/sim/devices/kiosk-1-printer/input', { body: { paperOut: true } })).status).to.equal(200);
    const printerStatus = async () => (await api(h.url, 'GET', '/api/v1/devices')).body.find((d: { id: string }) => d.id === 'kiosk-1-printer').status as string;
    await waitFor(async () => (await printerStatus()) === 'fault', 'the printer reports the paper out at its next status poll', 15_000);
    await advance(31);
    // A citizen rates a ticket 非常不满意 while the central system is down: the rating waits in the outbox.
    const mock = h.running.central.mock!;
    expect((await fetch(`${mock.url}/admin/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ down: true }) })).status).to.equal(200);
    const bad = await serve(w10, 'w10');
    await h.running.hall.execute({ type: 'Rate', ticketId: bad.id, level: 1, reasons: ['服务态度差'] }, { kind: 'citizen' });
    await waitFor(() => h.running.central.link.outbox.status().lastError !== undefined && h.running.central.link.outbox.status().lastError !== null, 'the outbox records the failed push', 20_000);
    await advance(1);

    const kinds = ['wait', 'paused', 'device', 'rating', 'outbox', 'case', 'followup'];
    for (const k of kinds) await page.locator(`.m-alert[data-alert="${k}"]`).first().waitFor({ timeout: 15_000 });
    const texts = await page.locator('.m-alert .m-alert-text').allInnerTexts();
    expect(texts.some((x) => x.includes('kiosk-1-printer'))).to.equal(true);
    expect(texts.some((x) => x.includes(past.receiptNo))).to.equal(true);
    expect(texts.some((x) => x.includes(near.receiptNo))).to.equal(true);
    expect(texts.some((x) => x.includes(old.number))).to.equal(true);
    await shot('manager-day-alerts.png');

    // Acknowledge every one of them from the screen.
    for (let n = await page.locator('.m-alert').count(); n > 0; n = await page.locator('.m-alert').count()) {
      await page.locator('.m-alert').first().getByRole('button', { name: '确认' }).click();
      await waitFor(async () => (await page!.locator('.m-alert').count()) < n, 'the acknowledged alert leaves the list');
    }
    await waitText(page.locator('.m-alerts .m-empty'), '暂无告警');
    const history = (await api(h.url, 'GET', '/api/v1/manager/alerts?history=1', { token: await login(h.url, 'admin', 'admin123') })).body as { kind: string; ack?: { by: string } }[];
    for (const k of kinds) expect(history.filter((a) => a.kind === k).every((a) => a.ack?.by === 'admin'), k).to.equal(true);

    // Settings: w12 takes tax as well, live; the kiosk-1 printer is swapped (a new simulated one, 58 mm);
    // staff11 is disabled.
    await page.getByRole('tab', { name: '配置' }).click();
    const row = page.locator('tr[data-window-row="w12"]');
    await row.locator('input[data-section="tax"]').check();
    await row.getByRole('button', { name: '保存' }).click();
    await waitText(row.locator('.m-saved'), '已生效');
    const w12 = await login(h.url, 'staff12', 'staff123', 'w12');
    expect((await api(h.url, 'POST', '/api/v1/windows/w12/call-next', { token: w12 })).body.ticket.sectionId).to.equal('tax');

    const devRow = page.locator('tr[data-device-row="kiosk-1-printer"]');
    await devRow.getByRole('button', { name: '修改' }).click();
    await page.locator('[data-act="json-view"]').click();
    const editor = page.locator('.m-dev-config textarea[name="device"]');
    const cfg = JSON.parse(await editor.inputValue());
    await editor.fill(JSON.stringify({ ...cfg, widthColumns: 32 }, null, 2));
    await editor.scrollIntoViewIfNeeded();
    await shot('manager-device-edit.png', '.m-dev-config .m-json');
    await page.locator('[data-act="save-device"]').click();
    await waitText(page.locator('.m-dev-config .m-saved'), /已生效/);
    // The new simulated printer has paper: the fault is gone, and a kiosk ticket prints on it.
    await waitFor(async () => (await printerStatus()) === 'online', 'the new printer is online');
    expect((await api(h.url, 'POST', '/api/v1/tickets', { body: { sectionId: 'tax', kioskId: 'kiosk-1' } })).body.ticket.printed).to.equal(true);

    // The whole setup as JSON: a section renamed, checked as config/ is, in force for the kiosks at once.
    await page.locator('[data-act="open-setup"]').click();
    const setupBox = page.locator('.m-setup-json textarea[name="setup"]');
    const whole = JSON.parse(await setupBox.inputValue());
    const last = whole.sections.at(-1);
    last.name = `${last.name}（含提取）`;
    await setupBox.fill(JSON.stringify({ ...whole, sections: [...whole.sections.slice(0, -1), { ...last, dailyCapacity: 0 }] }));
    await page.locator('.m-setup-json').getByRole('button', { name: '保存' }).click();
    await page.locator('.m-setup-json .form-error').waitFor();
    await setupBox.fill(JSON.stringify(whole));
    await page.locator('.m-setup-json').getByRole('button', { name: '保存' }).click();
    await waitText(page.locator('.m-setup-json .m-saved'), '已生效');
    expect((await api(h.url, 'GET', '/api/v1/sections')).body.find((x: { id: string }) => x.id === last.id).name).to.equal(last.name);

    // staff11 is at window 11's console; disabling the account from the dashboard ends that session at once.
    const consolePage = await browser!.page({ width: 1280, height: 800 });
    try {
      await consolePage.goto(`${h.url}/console/`);
      await consolePage.getByLabel('用户名').fill('staff11');
      await consolePage.getByLabel('密码').fill('staff123');
      await consolePage.getByLabel('窗口').selectOption('w11');
      await consolePage.getByRole('button', { name: '登录' }).click();
      await consolePage.locator('.c-actions').waitFor();
      const accRow = page.locator('tr[data-account="staff11"]');
      await accRow.getByRole('button', { name: '停用' }).click();
      await waitText(page.locator('tr[data-account="staff11"] [data-status]'), '已停用');
      await consolePage.getByLabel('用户名').waitFor({ timeout: 15_000 });
      expect(await consolePage.locator('body').innerText()).to.contain('登录已失效');
      expect((await api(h.url, 'GET', '/api/v1/windows')).body.find((w: { id: string }) => w.id === 'w11').status).to.equal('closed');
    } finally {
      await consolePage.close();
    }
    expect((await api(h.url, 'POST', '/api/v1/auth/login', { body: { username: 'staff11', password: 'staff123', windowId: 'w11' } })).status).to.equal(401);
    await shot('manager-accounts.png', '.m-accounts');

    // The day's report, CSV and PDF, from the reports tab.
    await page.getByRole('tab', { name: '统计报表' }).click();
    await page.locator('.m-kpi-table tr[data-row="hall"]').waitFor();
    const [csvDl] = await Promise.all([page.waitForEvent('download'), page.locator(`[data-download="hall-daily-${TODAY}.csv"]`).click()]);
    const csv = (await readFile((await csvDl.path())!, 'utf8')).replace(/^\uFEFF/, '').trim().split(/\r\n/).map((l) => l.split(','));
    const hallRow = csv.find((l) => l[0] === 'hall')!;
    expect(Number(hallRow[csv[0]!.indexOf('issued')])).to.equal(8);
    expect(Number(hallRow[csv[0]!.indexOf('rating_1')])).to.equal(1);
    const [pdfDl] = await Promise.all([page.waitForEvent('download'), page.locator(`[data-download="hall-daily-${TODAY}.pdf"]`).click()]);
    const pdfFile = (await pdfDl.path())!;
    expect((await readFile(pdfFile)).subarray(0, 5).toString()).to.equal('%PDF-');
    if (!spawnSync('pdftotext', ['-v']).error) {
      const text = execFileSync('pdftotext', ['-layout', pdfFile, '-']).toString();
      expect(text).to.contain(`日报 Daily report ${TODAY}`);
      expect(text).to.contain('上周同日 2026-11-17');
    } else if (process.env.CI === 'true') expect.fail('pdftotext (poppler-utils) is missing');
    expect(page.errors).to.deep.equal([]);
  });
});
