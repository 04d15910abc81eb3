// The manager's setup forms in real Chromium, each change in force without a restart or a reload: a window
// added and a clerk signed in to it; a section with its first service and a second service, seen on an open
// kiosk; a guide edited and read on the 24-hour terminal; a staff member renamed; the calendar; issues shown
// at their field; a removal refused with what depends on it; every change in the audit log.

import { expect } from 'chai';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestPage } from '../support/browser.js';
import { browserHallSuite, managerSignedIn, waitText } from './helpers.js';

const SCREENS = join(process.cwd(), 'docs', 'screens');

describe('manager setup forms (browser)', function () {
  this.timeout(120_000);
  const suite = browserHallSuite();

  async function signedIn(): Promise<TestPage> {
    const p = await suite.page({ width: 1600, height: 1000 });
    await managerSignedIn(p, suite.hall.url);
    await p.getByRole('tab', { name: '配置' }).click();
    await p.locator('.m-windows').waitFor();
    return p;
  }

  /** Only with SCREENSHOTS=1, so a test run leaves the tree clean. */
  async function shot(p: TestPage, name: string, part?: string): Promise<void> {
    if (process.env.SCREENSHOTS !== '1') return;
    await mkdir(SCREENS, { recursive: true });
    if (part) await p.locator(part).screenshot({ path: join(SCREENS, name) });
    else await p.screenshot({ path: join(SCREENS, name), fullPage: true });
  }

  it('adds a window and a section with its services in the forms: an open kiosk shows them without reload, and a clerk signs in to the new window', async () => {
    const kiosk = await suite.page({ width: 1080, height: 1920 });
    await kiosk.goto(`${suite.hall.url}/kiosk/?kiosk=kiosk-1`);
    await kiosk.locator('.k-tile').first().waitFor();
    expect(await kiosk.locator('.k-tile[data-section="roads"]').count()).to.equal(0);

    const p = await signedIn();
    // A window: a number already taken is refused at that field, then the window is added.
    await p.locator('[data-act="add-window"]').click();
    const wf = p.locator('.m-win-form');
    expect(await wf.locator('input[name="id"]').inputValue()).to.equal('w13');
    await wf.locator('input[name="number"]').fill('12');
    await wf.locator('input[name="name"]').fill('市政综合窗口');
    await wf.locator('input[name="sectionId"][value="tax"]').check();
    await wf.getByRole('button', { name: '新增' }).click();
    await waitText(wf.locator('[data-field-error="number"]'), '与前面重复：12');
    await shot(p, 'manager-form-window.png', '.m-windows');
    await wf.locator('input[name="number"]').fill('13');
    await wf.getByRole('button', { name: '新增' }).click();
    await p.locator('tr[data-window-row="w13"]').waitFor();
    expect(await p.locator('tr[data-window-row="w13"]').innerText()).to.contain('13 号窗口 市政综合窗口');

    // A section served at the new window, with its first service's whole guide.
    await p.locator('[data-act="add-section"]').click();
    const sf = p.locator('.m-sec-form');
    expect(await sf.locator('input[name="prefix"]').inputValue()).to.equal('H');
    await sf.locator('input[name="id"]').fill('roads');
    await sf.locator('.m-inline input[name="name"]').first().fill('市政道路');
    await sf.locator('input[name="dailyCapacity"]').fill('80');
    await sf.locator('[data-act="add-slot"]').click();
    await sf.locator('input[name="slotStart"]').fill('09:00');
    await sf.locator('input[name="slotEnd"]').fill('10:00');
    await sf.locator('input[name="windowId"][value="w13"]').check();
    const first = sf.locator('.m-first-service');
    await first.locator('input[name="code"]').fill('H01');
    await first.locator('input[name="name"]').fill('占道施工许可');
    await first.locator('select[name="kind"]').selectOption('promised');
    await first.locator('input[name="legalLimitDays"]').fill('20');
    await first.locator('input[name="promisedLimitDays"]').fill('10');
    await first.locator('input[name="fees"]').fill('不收费');
    await first.locator('input[name="contact"]').fill('0571-87000000');
    await first.locator('textarea[name="summary"]').fill('因施工需要临时占用城市道路的许可');
    await first.locator('textarea[name="conditions"]').fill('申请人为施工单位\n已取得施工许可');
    await first.locator('textarea[name="procedure"]').fill('窗口受理\n现场踏勘\n审批发证');
    await first.locator('textarea[name="basis"]').fill('《城市道路管理条例》第三十一条');
    await first.locator('input[name="materialName"]').fill('占道施工申请表');
    await shot(p, 'manager-form-section.png', '.m-sections');
    await sf.getByRole('button', { name: '新增' }).click();
    await p.locator('tr[data-section-row="roads"]').waitFor();

    // The kiosk that was open all along: the new section's tile and its service, no reload.
    const tile = kiosk.locator('.k-tile[data-section="roads"]');
    await tile.waitFor();
    expect(await tile.innerText()).to.contain('市政道路');
    await tile.click();
    await waitText(kiosk.locator('.k-service[data-service="H01"] .k-service-name'), /占道施工许可/);

    // A second service for the section in the services card.
    const svc = p.locator('.m-services');
    await svc.locator('select[name="serviceSection"]').selectOption('roads');
    await svc.locator('[data-act="add-service"]').click();
    const nf = svc.locator('.m-svc-form.is-new');
    await nf.locator('input[name="code"]').fill('H02');
    await nf.locator('input[name="name"]').fill('挖掘城市道路许可');
    await nf.locator('input[name="fees"]').fill('不收费');
    await nf.locator('input[name="contact"]').fill('0571-87000000');
    await nf.locator('textarea[name="summary"]').fill('因工程建设需要挖掘城市道路的许可');
    await nf.locator('textarea[name="conditions"]').fill('申请人为建设单位');
    await nf.locator('textarea[name="procedure"]').fill('窗口受理\n审批');
    await nf.locator('textarea[name="basis"]').fill('《城市道路管理条例》第三十三条');
    await nf.locator('input[name="materialName"]').fill('挖掘道路申请表');
    await nf.locator('[data-act="add-material"]').click();
    await nf.locator('input[name="materialName"]').nth(1).fill('施工图纸');
    await nf.locator('input[name="materialCopies"]').nth(1).fill('2');
    await shot(p, 'manager-form-service.png', '.m-services');
    await nf.getByRole('button', { name: '新增事项' }).click();
    await waitText(svc.locator('[data-created="H02"]'), '事项 H02 已新增并生效');

    // Back on the kiosk: the section asked again shows both services.
    await kiosk.getByRole('button', { name: /返回/ }).first().click();
    await kiosk.locator('.k-tile[data-section="roads"]').click();
    await waitText(kiosk.locator('.k-service[data-service="H02"] .k-service-name'), /挖掘城市道路许可/);
    await shot(kiosk, 'kiosk-new-section.png');
    await kiosk.locator('.k-service[data-service="H02"]').getByRole('button', { name: '取号' }).click();
    expect(await waitText(kiosk.locator('.k-ticket-number'), /^H\d{3}$/)).to.equal('H001');

    // A clerk signs in to the new window at the console and calls that ticket.
    const desk = await suite.page({ width: 1280, height: 800 });
    await desk.goto(`${suite.hall.url}/console/`);
    await desk.getByLabel('用户名').fill('staff3');
    await desk.getByLabel('密码').fill('staff123');
    await desk.getByLabel('窗口').selectOption('w13');
    await desk.getByRole('button', { name: '登录' }).click();
    await waitText(desk.locator('.c-window'), /13 号窗口/);
    await desk.locator('.c-action[data-action="callNext"]:not([disabled])').click();
    await waitText(desk.locator('.c-current-number'), 'H001');

    // Removing the window now is refused, saying why: first no other window serves roads; once window 10
    // does, the clerk signed in at w13 still holds it.
    const row = p.locator('tr[data-window-row="w13"]');
    const remove = async () => {
      await row.locator('[data-act="remove"]').click();
      await row.locator('[data-act="confirm-remove"]').click();
    };
    await remove();
    await waitText(row.locator('.form-error'), '删除后 roads 没有窗口办理，请先让其他窗口办理这些业务');
    const w10 = p.locator('tr[data-window-row="w10"]');
    await w10.locator('input[data-section="roads"]').check();
    await w10.getByRole('button', { name: '保存' }).click();
    await waitText(w10.locator('.m-saved'), '已生效');
    await remove();
    await waitText(row.locator('.form-error'), '窗口 w13 有工作人员签入，请先签退再删除');
    await shot(p, 'manager-form-refused.png', '.m-windows');
    expect(p.errors).to.deep.equal([]);
    expect(kiosk.errors).to.deep.equal([]);
  });

  it("edits a guide, a clerk's name and the calendar in the forms; the 24-hour terminal shows the guide, and the audit log lists every change", async () => {
    const p = await signedIn();
    const svc = p.locator('.m-services');
    await svc.locator('select[name="serviceSection"]').selectOption('tax');
    await svc.locator('select[name="service"]').selectOption('E02');
    const form = svc.locator('.m-svc-form[data-service="E02"]');
    await form.locator('input[name="promisedLimitDays"]').fill('400');
    await form.getByRole('button', { name: '保存' }).click();
    await waitText(form.locator('[data-field-error="promisedLimitDays"]'), '不能大于 365');
    await form.locator('input[name="promisedLimitDays"]').fill('0');
    await form.locator('input[name="fees"]').fill('免收工本费（2026 年起）');
    await form.locator('[data-act="add-material"]').click();
    await form.locator('input[name="materialName"]').last().fill('经办人授权委托书');
    await form.locator('input[name="materialNote"]').last().fill('委托办理时提供');
    await form.getByRole('button', { name: '保存' }).click();
    await waitText(form.locator('.m-saved'), '已生效');

    // The 24-hour terminal reads the guide as saved.
    const term = await suite.page({ width: 1920, height: 1080 });
    await term.goto(`${suite.hall.url}/kiosk/?kiosk=kiosk-2&mode=self-service`);
    await term.locator('.k-more-item[data-more="guides"]').click();
    await term.getByPlaceholder('搜索事项名称或关键词').fill('E02');
    await term.locator('.k-service[data-service="E02"]').getByRole('button', { name: '查看指南' }).click();
    const guide = term.locator('.k-guide');
    await waitText(guide.locator('[data-part="fees"]'), /免收工本费（2026 年起）/);
    expect(await guide.locator('[data-part="materials"]').innerText()).to.contain('经办人授权委托书').and.contain('委托办理时提供');
    await shot(term, 'kiosk-guide-edited.png');

    // A clerk's name and staff number; a staff number another account holds is refused at that field.
    const acc = p.locator('tr[data-account="staff5"]');
    await acc.locator('input[name="staffNo"]').fill('GZ0101');
    await acc.locator('[data-act="profile"]').click();
    await waitText(acc.locator('[data-field-error="staffNo"]'), '该工号已由 staff1 使用');
    await acc.locator('input[name="name"]').fill('陈静怡');
    await acc.locator('input[name="staffNo"]').fill('GZ0155');
    await acc.locator('[data-act="profile"]').click();
    await waitText(p.locator('tr[data-account="staff5"] .m-saved'), '已生效');
    const accounts = await suite.hall.ok<{ username: string; name: string; staffNo: string }[]>('GET', '/manager/accounts', undefined, (await suite.hall.ok<{ token: string }>('POST', '/auth/login', { username: 'admin', password: 'admin123' })).token);
    expect(accounts.find((a) => a.username === 'staff5')).to.include({ name: '陈静怡', staffNo: 'GZ0155' });
    await shot(p, 'manager-form-accounts.png', '.m-accounts');

    // The calendar: a weekday as a make-up workday is refused at that line; a new holiday is saved.
    const cal = p.locator('.m-calendar');
    const workdays = await cal.locator('textarea[name="workdays"]').inputValue();
    await cal.locator('textarea[name="workdays"]').fill(`${workdays}\n2026-12-02`);
    await cal.getByRole('button', { name: '保存' }).click();
    await waitText(cal.locator('[data-field-error="workdays"]'), /^2026-12-02: 2026-12-02 是工作日；调休上班日应为周六或周日/);
    await cal.locator('textarea[name="workdays"]').fill(workdays);
    const holidays = await cal.locator('textarea[name="holidays"]').inputValue();
    await cal.locator('textarea[name="holidays"]').fill(`${holidays}\n2026-12-31`);
    await cal.getByRole('button', { name: '保存' }).click();
    await waitText(cal.locator('.m-saved'), '已生效');

    // Every change of both tests, in the audit log, newest first.
    await p.getByRole('tab', { name: '操作日志' }).click();
    const details = async () => (await p.locator('.m-audit tbody tr td:nth-child(4)').allInnerTexts()).map((s) => s.trim());
    const want = [
      /^calendar: \d+ holidays/,
      /^staff5: name=陈静怡, staffNo=GZ0155$/,
      /^service E02: fees, materials$/,
      /^service H02 added to roads: 挖掘城市道路许可$/,
      /^section roads added \(H 市政道路, windows w13, service H01\)$/,
      /^window w13 added: number=13, name=市政综合窗口, sectionIds=tax, policy=fifo$/,
    ];
    const until = Date.now() + 10_000;
    let seen: string[] = [];
    while (Date.now() < until) {
      seen = await details();
      if (want.every((re) => seen.some((d) => re.test(d)))) break;
      await p.waitForTimeout(200);
    }
    for (const re of want) expect(seen.some((d) => re.test(d)), `${re} in ${JSON.stringify(seen.slice(0, 8))}`).to.equal(true);
    const order = want.map((re) => seen.findIndex((d) => re.test(d)));
    expect(order).to.deep.equal([...order].sort((a, b) => a - b));
    await shot(p, 'manager-form-audit.png', '.m-audit');
    expect(p.errors).to.deep.equal([]);
    expect(term.errors).to.deep.equal([]);
  });
});
