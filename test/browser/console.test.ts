// The staff console and the manager dashboard in real Chromium against the real demo hall.

import { expect } from 'chai';
import type { TestPage } from '../support/browser.js';
import { browserHallSuite, ID_LIKE, madeUpIdNumber, waitFor, waitText } from './helpers.js';

describe('staff console and manager dashboard (browser)', function () {
  this.timeout(60_000);
  const suite = browserHallSuite();

  async function open(path: string): Promise<TestPage> {
    const p = await suite.page({ width: 1600, height: 900 });
    await p.goto(`${suite.hall.url}${path}`);
    return p;
  }

  /** Signs staffN in through the form, to the N-th window. */
  async function signIn(n: number): Promise<{ page: TestPage; windowId: string }> {
    const windows = await suite.hall.ok<{ id: string }[]>('GET', '/windows');
    const windowId = windows[n - 1]!.id;
    const p = await open('/console/');
    await p.getByLabel('用户名').fill(`staff${n}`);
    await p.getByLabel('密码').fill('staff123');
    await p.getByLabel('窗口').selectOption(windowId);
    await p.getByRole('button', { name: '登录' }).click();
    await p.locator('.c-actions').waitFor();
    return { page: p, windowId };
  }

  const result = (p: TestPage) => p.locator('.c-result');

  it('shows a wrong password inline with its code and keeps the form', async () => {
    const p = await open('/console/');
    await p.getByLabel('窗口').locator('option').nth(2).waitFor({ state: 'attached' });
    await p.getByLabel('用户名').fill('staff1');
    await p.getByLabel('密码').fill('wrong');
    await p.getByLabel('窗口').selectOption({ index: 1 });
    await p.getByRole('button', { name: '登录' }).click();
    const err = p.locator('.signin .form-error[data-code]');
    await err.waitFor();
    expect(await err.innerText()).to.contain('用户名或密码不正确').and.contain('错误代码：UNAUTHORIZED');
    expect(await p.getByLabel('用户名').inputValue()).to.equal('staff1');
  });

  it('drives the window from the keyboard and shows refusals inline with their code', async () => {
    const { page: p, windowId } = await signIn(3);
    expect(await p.locator('.c-window').innerText()).to.contain('3 号窗口').and.contain('服务中');
    const first = await suite.hall.ticket('company');
    const second = await suite.hall.ticket('company');
    await waitText(p.locator('.c-count'), '共 2 人');
    expect(await p.locator('.c-table tbody tr').first().innerText()).to.contain(first.number);

    // Each step waits for the action's answer line: keys pressed while an action is in flight are dropped.
    await p.keyboard.press('n');
    await waitText(p.locator('.c-current-number'), first.number);
    await waitText(result(p), `呼叫下一位：${first.number}`);
    await waitText(p.locator('.c-count'), '共 1 人');

    // Called but not started: call-next is refused by the server, shown with its code.
    await p.keyboard.press('n');
    await p.locator('.c-result[data-code="TICKET_OPEN"]').waitFor();
    expect(await result(p).innerText()).to.contain('当前号票已呼叫').and.contain('错误代码：TICKET_OPEN');

    await p.keyboard.press('r');
    await waitText(result(p), `重呼：${first.number}`);
    // The console's view follows on /staff, which may arrive after the HTTP answer (publications are batched).
    await waitText(p.locator('.c-calls'), '已呼叫 2 次（最多重呼 2 次）');
    await p.keyboard.press('s');
    await waitText(result(p), `开始办理：${first.number}`);
    await waitText(p.locator('.c-ticket-status'), '办理中');
    await waitFor(async () => (await p.locator('.c-timers b').nth(1).innerText()) !== '—', 'the serving timer');
    expect(await p.locator('.c-action[data-action="finish"]').isEnabled()).to.equal(true);
    await p.keyboard.press('f');
    await waitText(result(p), `办结：${first.number}`);
    await p.locator('.c-current.is-empty').waitFor();

    // Shortcuts are ignored while typing in a field.
    await p.keyboard.press('p');
    await p.getByRole('dialog').getByText('其他').click();
    await p.getByLabel('请填写原因').fill('n');
    await p.getByLabel('请填写原因').press('n');
    await p.getByLabel('请填写原因').press('Escape');
    await p.getByRole('dialog').waitFor({ state: 'detached' });
    expect(await p.locator('.c-current.is-empty').count(), 'typing n in a field calls nobody').to.equal(1);
    await p.keyboard.press('n');
    await waitText(p.locator('.c-current-number'), second.number);
    await waitText(result(p), `呼叫下一位：${second.number}`);
    // X marks the called ticket a no-show.
    await p.keyboard.press('x');
    await waitText(result(p), `未到（过号）：${second.number}`);
    await p.locator('.c-current.is-empty').waitFor();
    expect((await suite.hall.ok('GET', `/tickets/${second.id}`)).ticket.status).to.equal('no_show');
    expect(p.errors).to.deep.equal([]);
    const done = (await suite.hall.ok('GET', `/tickets/${first.id}`)).ticket;
    expect(done.status).to.equal('done');
    expect(done.window.id).to.equal(windowId);
  });

  it('transfers the current ticket to another section and pauses with a reason, then resumes', async () => {
    const { page: p, windowId } = await signIn(2);
    await suite.hall.ticket('delegated');
    await p.locator('.c-table tbody tr').first().waitFor();
    await p.getByRole('button', { name: /呼叫下一位/ }).click();
    const number = await waitText(p.locator('.c-current-number'), /^[A-Z]\d{3,}$/);
    await waitText(result(p), `呼叫下一位：${number}`);
    const t = suite.hall.hall.hall.state.tickets.values().find((x) => x.number === number)!;
    await p.keyboard.press('t');
    const dialog = p.getByRole('dialog');
    await dialog.waitFor();
    expect(await dialog.locator('h2').innerText()).to.equal(`转移号票 ${t.number}`);
    await dialog.locator('select').selectOption('tax');
    await dialog.getByRole('button', { name: '确认转移' }).click();
    await waitText(result(p), `转移：${t.number}`);
    expect((await suite.hall.ok('GET', `/tickets/${t.id}`)).ticket.status).to.equal('transferred');

    await p.keyboard.press('p');
    await dialog.waitFor();
    await dialog.getByText('会议或培训').click();
    await dialog.getByRole('button', { name: '确认暂停' }).click();
    await waitText(result(p), '暂停：成功');
    await waitText(p.locator('.c-window .status-badge'), '暂停服务');
    expect(await p.locator('.c-pause-reason').innerText()).to.equal('会议或培训');
    const w = (await suite.hall.ok<{ id: string; status: string; pauseReason?: string }[]>('GET', '/windows')).find((x) => x.id === windowId)!;
    expect(w).to.include({ status: 'paused', pauseReason: '会议或培训' });
    expect(await p.locator('.c-action[data-action="callNext"]').isDisabled()).to.equal(true);
    await p.keyboard.press('p');
    await waitText(p.locator('.c-window .status-badge'), '服务中');

    // A transfer to a named window keeps the number and waits for that window.
    // (The ticket transferred to 税务 above heads that section, which this window serves too: it may come first.)
    await suite.hall.ticket('delegated');
    await p.locator('.c-table tbody tr').first().waitFor();
    await p.keyboard.press('n');
    const calledNumber = (await waitText(result(p), /^呼叫下一位：[A-Z]\d{3,}$/)).split('：')[1]!;
    await waitText(p.locator('.c-current-number'), calledNumber);
    await p.keyboard.press('t');
    await dialog.waitFor();
    await dialog.getByRole('radio', { name: '转到窗口' }).click();
    await dialog.locator('select').selectOption('w3');
    await dialog.getByRole('button', { name: '确认转移' }).click();
    await waitText(result(p), `转移：${calledNumber}`);
    const moved = suite.hall.hall.hall.state.tickets.values().find((x) => x.number === calledNumber && x.transferTarget && 'windowId' in x.transferTarget)!;
    expect(moved.transferTarget).to.deep.equal({ windowId: 'w3' });
  });

  it('shows applicants by masked name only, never an ID number', async () => {
    const { page: p } = await signIn(4);
    await suite.hall.ok('POST', '/tickets', { sectionId: 'property', idNumber: madeUpIdNumber(7), name: '欧阳小明' });
    await p.getByText('欧**明').waitFor();
    const text = await p.locator('body').innerText();
    expect(text).to.not.contain('欧阳小明');
    expect(text).to.not.match(ID_LIKE);
  });

  it('sends the clerk back to sign in, saying why, when the saved session is refused', async () => {
    const p = await open('/console/');
    await p.evaluate(`sessionStorage.setItem('hall.console', JSON.stringify({ token: 'v1.forged.token', username: 'staff5', windowId: 'w5' }))`);
    await p.reload();
    await p.locator('.signin-notice').waitFor();
    expect(await p.locator('.signin-notice').innerText()).to.contain('登录已失效，请重新登录');
    expect(await p.evaluate(`sessionStorage.getItem('hall.console')`)).to.equal(null);
  });

  it('signs out: back to the form, and the window closes on the server', async () => {
    const { page: p, windowId } = await signIn(6);
    await p.getByRole('button', { name: '退出登录' }).click();
    await p.locator('.signin').waitFor();
    await waitFor(async () => (await suite.hall.ok<{ id: string; status: string }[]>('GET', '/windows')).find((w) => w.id === windowId)!.status === 'closed', 'the window to close');
  });

  it('shows the manager live figures per section and window, and refuses a clerk account', async () => {
    const m = await open('/manager/');
    await m.getByLabel('用户名').fill('admin');
    await m.getByLabel('密码').fill('admin123');
    await m.getByRole('button', { name: '登录' }).click();
    await m.locator('.m-kpis').waitFor();
    const issued = Number(await m.locator('[data-kpi="issued"] .m-kpi-value').innerText());
    const waiting = Number(await m.locator('.m-table tr[data-section="construction"] td').nth(1).innerText());
    await suite.hall.ticket('construction');
    await waitText(m.locator('[data-kpi="issued"] .m-kpi-value'), String(issued + 1));
    await waitText(m.locator('.m-table tr[data-section="construction"] td').nth(1), String(waiting + 1));
    const staff = await suite.hall.clerk(8);
    await suite.hall.ok('POST', `/windows/${staff.windowId}/pause`, { reason: '系统故障' }, staff.token);
    await waitText(m.locator(`.m-window[data-window="${staff.windowId}"] .status-badge`), '暂停服务');
    expect(await m.locator(`.m-window[data-window="${staff.windowId}"] .m-window-reason`).innerText()).to.equal('系统故障');

    const clerk = await open('/manager/');
    await clerk.getByLabel('用户名').fill('staff9');
    await clerk.getByLabel('密码').fill('staff123');
    await clerk.getByRole('button', { name: '登录' }).click();
    const err = clerk.locator('.form-error[data-code]');
    await err.waitFor();
    expect(await err.innerText()).to.contain('该账号没有管理权限');
  });
});
