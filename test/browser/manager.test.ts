// The manager's dashboard in real Chromium against the real demo hall: alerts arriving live and being
// acknowledged, a window's sections changed live, follow-ups closed, reports computed and downloaded.
// With SCREENSHOTS=1, pictures of each state go to docs/screens/.

import { expect } from 'chai';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { root } from '../../scripts/build-ui.mjs';
import type { TestPage } from '../support/browser.js';
import { browserHallSuite, managerSignedIn, waitFor, waitText } from './helpers.js';

const SCREENS = join(root, 'docs', 'screens');

describe('manager dashboard (browser)', function () {
  this.timeout(90_000);
  const suite = browserHallSuite();

  async function signedIn(): Promise<TestPage> {
    const p = await suite.page({ width: 1600, height: 1000 });
    await managerSignedIn(p, suite.hall.url);
    return p;
  }

  /** Only with SCREENSHOTS=1, so a test run leaves the tree clean. */
  async function shot(p: TestPage, name: string): Promise<void> {
    if (process.env.SCREENSHOTS !== '1') return;
    await mkdir(SCREENS, { recursive: true });
    await p.screenshot({ path: join(SCREENS, name), fullPage: true });
  }

  /** A ticket served at window n and rated `level` on its pad. */
  async function servedAndRated(n: number, sectionId: string, level: 1 | 2 | 3 | 4 | 5): Promise<{ id: string; number: string }> {
    const c = await suite.hall.clerk(n);
    await suite.hall.ticket(sectionId);
    const { ticket: t } = await suite.hall.ok<{ ticket: { id: string; number: string } }>('POST', `/windows/${c.windowId}/call-next`, {}, c.token);
    await suite.hall.ok('POST', `/windows/${c.windowId}/start`, {}, c.token);
    await suite.hall.ok('POST', `/windows/${c.windowId}/finish`, {}, c.token);
    await suite.hall.hall.hall.execute({ type: 'Rate', ticketId: t.id, level, ...(level <= 2 ? { reasons: ['服务态度差'] } : {}) }, { kind: 'citizen' });
    return t;
  }

  it('shows a negative rating as a live alert with charts below, and acknowledging takes it off the list', async () => {
    const p = await signedIn();
    await waitText(p.locator('.m-alerts .m-empty'), '暂无告警');
    for (const s of ['company', 'tax', 'company']) await suite.hall.ticket(s);
    await servedAndRated(3, 'company', 5);
    const bad = await servedAndRated(3, 'company', 1);
    const alert = p.locator('.m-alert[data-alert="rating"]');
    await alert.waitFor({ timeout: 15_000 });
    expect(await alert.innerText()).to.contain(`${bad.number} 号在 3 号窗口获评“非常不满意”：服务态度差`);
    // Today's bars add up to the tickets issued so far (the chart refreshes as the stream moves).
    const bars = p.locator('.m-chart[data-chart="hourly"] rect.m-bar.tone-now');
    await waitFor(async () => (await bars.evaluateAll((els) => els.reduce((n, e) => n + Number(e.getAttribute('data-value')), 0))) >= 5, "today's hourly bars");
    await shot(p, 'manager-alerts.png');

    await alert.getByRole('button', { name: '确认' }).click();
    await alert.waitFor({ state: 'detached' });
    const audit = await suite.hall.ok<{ action: string }[]>('GET', '/manager/audit', undefined, (await suite.hall.ok<{ token: string }>('POST', '/auth/login', { username: 'admin', password: 'admin123' })).token);
    expect(audit.map((a) => a.action)).to.include('alert.ack');
    expect(p.errors).to.deep.equal([]);
  });

  it("changes a window's sections in settings, live: the window's next call-next takes the new section", async () => {
    const p = await signedIn();
    await p.getByRole('tab', { name: '配置' }).click();
    const row = p.locator('tr[data-window-row="w12"]'); // w12 serves social insurance only
    await row.waitFor();
    await row.locator('input[data-section="tax"]').check();
    await row.getByRole('button', { name: '保存' }).click();
    await waitText(row.locator('.m-saved'), '已生效');
    const windows = await suite.hall.ok<{ id: string; sectionIds: string[] }[]>('GET', '/windows');
    expect(windows.find((w) => w.id === 'w12')!.sectionIds).to.deep.equal(['social-insurance', 'tax']);
    await suite.hall.ticket('tax');
    // No social-insurance ticket waits (that section needs an ID card): a call at w12 can only take tax now.
    const c = await suite.hall.clerk(12);
    const called = await suite.hall.ok<{ ticket: { number: string; sectionId: string } }>('POST', `/windows/${c.windowId}/call-next`, {}, c.token);
    expect(called.ticket.sectionId).to.equal('tax');
    await p.locator('.m-thresholds').scrollIntoViewIfNeeded();
    await shot(p, 'manager-settings.png');

    // A service guide edited in the same tab is what the kiosk's guide shows next.
    const form = p.locator('.m-svc-form');
    await form.locator('input[name="fees"]').fill('免收工本费');
    await form.getByRole('button', { name: '保存' }).click();
    await waitText(form.locator('.m-saved'), '已生效');
    const code = await p.locator('.m-services select').nth(1).inputValue();
    expect((await suite.hall.ok<{ fees: string }>('GET', `/services/${code}`)).fees).to.equal('免收工本费');

    await p.getByRole('tab', { name: '操作日志' }).click();
    await waitText(p.locator('.m-audit tr[data-action="setup.change"]', { hasText: 'window w12' }).locator('td').nth(3), 'window w12: sectionIds=social-insurance+tax');
    await waitText(p.locator('.m-audit tr[data-action="setup.change"] td').nth(3), /^service [A-Z0-9.-]+: fees$/);
    expect(p.errors).to.deep.equal([]);
  });

  it('records and closes a follow-up, then computes the day and downloads its CSV report', async () => {
    const bad = await servedAndRated(9, 'delegated', 2);
    const p = await signedIn();
    await p.getByRole('tab', { name: '差评回访' }).click();
    const card = p.locator(`.m-fu[data-followup="${bad.number}"]`);
    await card.waitFor();
    await card.getByLabel('核实情况').fill('调取窗口录像，属实');
    await card.getByRole('button', { name: '保存并办结' }).click();
    await waitText(card.locator('.form-error'), '核实、整改和回访答复都填写后才能办结');
    await card.getByLabel('整改措施').fill('窗口人员服务规范再培训');
    await card.getByLabel('回访答复').fill('已电话回访，群众认可整改');
    await shot(p, 'manager-followup.png');
    await card.getByRole('button', { name: '保存并办结' }).click();
    await waitText(card.locator('.status-badge'), '已办结');

    await p.getByRole('tab', { name: '统计报表' }).click();
    const hallRow = p.locator('.m-kpi-table tr[data-row="hall"]');
    await hallRow.waitFor();
    const issued = Number(await hallRow.locator('[data-k="issued"]').innerText());
    expect(issued).to.be.at.least(1);
    await shot(p, 'manager-reports.png');
    const [download] = await Promise.all([p.waitForEvent('download'), p.locator('[data-download$=".csv"]').first().click()]);
    const csv = (await readFile((await download.path())!, 'utf8')).replace(/^\uFEFF/, '');
    const lines = csv.trim().split(/\r\n/).map((l) => l.split(','));
    const head = lines[0]!;
    const hall = lines.find((l) => l[0] === 'hall')!;
    expect(Number(hall[head.indexOf('issued')])).to.equal(issued);
    expect(lines.some((l) => l[0] === 'window' && l[1] === 'w9')).to.equal(true);
    expect(p.errors).to.deep.equal([]);
  });

  it('switches the dashboard to English, alerts included', async () => {
    const p = await signedIn();
    await p.locator('.m-tabs').waitFor();
    await p.getByRole('button', { name: 'English' }).click();
    await waitText(p.locator('.m-tab-btn[data-tab="reports"]'), 'Reports');
    await waitFor(async () => (await p.locator('.m-alerts h2').innerText()).startsWith('Alerts'), 'the alert panel in English');
  });
});
