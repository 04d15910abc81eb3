// The hall display, the window screen and the evaluation pad in real Chromium against the real demo hall,
// including a server restart under open pages.

import { expect } from 'chai';
import type { TestPage } from '../support/browser.js';
import { browserHallSuite, ID_LIKE, madeUpIdNumber, waitFor, waitText } from './helpers.js';

describe('hall display, window screen and pad (browser)', function () {
  this.timeout(90_000);
  const suite = browserHallSuite();

  async function open(path: string, viewport = { width: 1920, height: 1080 }, clock = false): Promise<TestPage> {
    const p = await suite.page(viewport);
    if (clock) await p.clock.install();
    await p.goto(`${suite.hall.url}${path}`);
    return p;
  }

  const flashes = async (p: TestPage, root: string) => Number(await p.locator(root).getAttribute('data-flashes'));
  /** Every announcement the display took: spoken or being spoken by its voice, or still waiting. */
  const pendingAnnouncements = (p: TestPage) =>
    p.evaluate('[...window.hallVoice.spoken, ...window.hallAnnouncer.pending.map((a) => a.text)]') as Promise<string[]>;

  it('shows a new call big with its announcement, flashes it once, and queues it for the voice', async () => {
    const staff = await suite.hall.clerk(7);
    const display = await open('/display/');
    await display.locator('.d-windows .d-window').first().waitFor();
    const t = await suite.hall.ticket('construction');
    await suite.hall.ok('POST', `/windows/${staff.windowId}/call-next`, {}, staff.token);
    await waitText(display.locator('.d-now-number'), t.number);
    expect(await display.locator('.d-now-window').innerText()).to.equal(`请到 ${staff.number} 号窗口办理`);
    expect(await display.locator('.d-now-text').innerText()).to.equal(`请 ${t.number} 号到 ${staff.number} 号窗口办理`);
    expect(await display.locator('.d-now').getAttribute('class')).to.contain('is-new');
    expect(await flashes(display, '.display')).to.equal(1);
    expect(await pendingAnnouncements(display)).to.deep.equal([`请 ${t.number} 号到 ${staff.number} 号窗口办理`]);
    await waitText(display.locator(`.d-window[data-window="${staff.windowId}"] .d-window-current`), t.number);

    // A recall is a new call: flashed and announced again.
    await suite.hall.ok('POST', `/windows/${staff.windowId}/recall`, {}, staff.token);
    await waitFor(async () => (await flashes(display, '.display')) === 2, 'the recall flash');
    expect(await display.locator('.d-recall').innerText()).to.equal('重呼');
    expect(await pendingAnnouncements(display)).to.have.length(2);
    expect(display.errors).to.deep.equal([]);
  });

  it('keeps working through a server restart without flashing or announcing a call twice', async () => {
    const staff = await suite.hall.clerk(8);
    const display = await open('/display/');
    const win = await open(`/window/?window=${staff.windowId}`);
    await display.locator('.d-windows .d-window').first().waitFor();
    const t = await suite.hall.ticket('construction');
    await suite.hall.ok('POST', `/windows/${staff.windowId}/call-next`, {}, staff.token);
    await waitText(display.locator('.d-now-number'), t.number);
    await waitText(win.locator('.ws-current-number'), t.number);
    const shown = await flashes(display, '.display');
    const announced = (await pendingAnnouncements(display)).length;
    const windowFlashes = await flashes(win, '.ws');

    await suite.hall.down();
    await display.locator('.conn-banner').waitFor({ timeout: 15_000 });
    expect(await display.locator('.conn-banner').innerText()).to.contain('正在重新连接');
    await suite.hall.up();
    await display.locator('.conn-banner').waitFor({ state: 'detached', timeout: 20_000 });
    await win.locator('.ws[data-connection="connected"]').waitFor({ timeout: 20_000 });

    // Same newest call after the restart: shown, not flashed or announced again.
    await waitText(display.locator('.d-now-number'), t.number);
    expect(await flashes(display, '.display')).to.equal(shown);
    expect(await pendingAnnouncements(display)).to.have.length(announced);
    expect(await flashes(win, '.ws')).to.equal(windowFlashes);

    // And the next call after the restart does flash.
    await suite.hall.ok('POST', `/windows/${staff.windowId}/no-show`, {}, staff.token);
    const t2 = await suite.hall.ticket('construction');
    await suite.hall.ok('POST', `/windows/${staff.windowId}/call-next`, {}, staff.token);
    await waitText(display.locator('.d-now-number'), t2.number);
    expect(await flashes(display, '.display')).to.equal(shown + 1);
    await waitText(win.locator('.ws-current-number'), t2.number);
    expect(await flashes(win, '.ws')).to.equal(windowFlashes + 1);
  });

  it('shows 暂停服务 with the reason on the display grid and the window screen while a window is paused', async () => {
    const staff = await suite.hall.clerk(9);
    const display = await open('/display/');
    const win = await open(`/window/?window=${staff.windowId}`);
    await win.locator('.ws-clerk').waitFor();
    expect(await win.locator('.ws-clerk').innerText()).to.match(/^工作人员\s*\S*\*\S*\s*工号 GZ\d+$/);
    await suite.hall.ok('POST', `/windows/${staff.windowId}/pause`, { reason: '业务培训' }, staff.token);
    await waitText(display.locator(`.d-window[data-window="${staff.windowId}"] .d-window-status`), '暂停服务');
    await waitText(win.locator('.ws-paused-title'), '暂停服务');
    expect(await win.locator('.ws-paused-reason').innerText()).to.equal('原因：业务培训');
    await suite.hall.ok('POST', `/windows/${staff.windowId}/resume`, {}, staff.token);
    await waitText(win.locator('.ws-current-number'), '请稍候');
    await waitText(display.locator(`.d-window[data-window="${staff.windowId}"] .d-window-status`), '空闲');
    for (const p of [display, win]) expect(await p.locator('body').innerText()).to.not.match(ID_LIKE);
  });

  it('says which window is meant when the window screen has no or an unknown window', async () => {
    const none = await open('/window/');
    await none.getByText('请在地址中指定窗口').waitFor();
    const unknown = await open('/window/?window=nope');
    await unknown.getByText('未找到窗口：nope').waitFor();
  });

  it('shows the clerk on an idle pad, then the called ticket, and takes a good rating at once', async () => {
    const staff = await suite.hall.clerk(10);
    const pad = await open(`/pad/?window=${staff.windowId}`, { width: 1280, height: 800 });
    await pad.locator('.pad-clerk-name').waitFor();
    expect(await pad.locator('.pad-clerk-name').innerText()).to.contain('*');
    expect(await pad.locator('.pad-clerk-no').innerText()).to.match(/^工号 GZ\d+$/);
    const t = await suite.hall.ticket('tax');
    await suite.hall.ok('POST', `/windows/${staff.windowId}/call-next`, {}, staff.token);
    await waitText(pad.locator('.pad-ticket-number'), t.number);
    expect(await pad.locator('.pad-ticket-label').innerText()).to.equal(`请 ${t.number} 号到本窗口办理`);
    await suite.hall.ok('POST', `/windows/${staff.windowId}/start`, {}, staff.token);
    await waitText(pad.locator('.pad-ticket-label'), '正在为您办理');
    await suite.hall.ok('POST', `/windows/${staff.windowId}/finish`, {}, staff.token);
    await pad.locator('.pad-rating').waitFor();
    await pad.getByRole('button', { name: '满意', exact: true }).click();
    await pad.getByText('感谢您的评价！').waitFor();
    const rating = suite.hall.hall.hall.state.ratings[t.id];
    expect(rating).to.include({ level: 4 });
    await pad.locator('.pad-idle').waitFor({ timeout: 10_000 });
  });

  it('asks why for a low rating, needs a reason before sending, and records reasons and comment', async () => {
    const staff = await suite.hall.clerk(11);
    const pad = await open(`/pad/?window=${staff.windowId}`, { width: 1280, height: 800 });
    await pad.locator('.pad-idle').waitFor();
    // Housing fund needs an identity: the API takes an ID number where a kiosk would read the card.
    const ticket = (await suite.hall.ok('POST', '/tickets', { sectionId: 'housing-fund', idNumber: madeUpIdNumber(1), name: '张小三' })).ticket;
    await suite.hall.ok('POST', `/windows/${staff.windowId}/call-next`, {}, staff.token);
    await suite.hall.ok('POST', `/windows/${staff.windowId}/start`, {}, staff.token);
    await suite.hall.ok('POST', `/windows/${staff.windowId}/finish`, {}, staff.token);
    await pad.locator('.pad-rating').waitFor();
    await pad.getByRole('button', { name: '非常不满意' }).click();
    const submit = pad.getByRole('button', { name: '提交评价' });
    expect(await submit.isDisabled()).to.equal(true);
    expect(await pad.locator('.pad-need').innerText()).to.equal('请至少选择一项原因或填写意见');
    await pad.getByRole('button', { name: '服务态度差' }).click();
    await pad.locator('textarea').fill('窗口人员态度冷淡');
    expect(await submit.isDisabled()).to.equal(false);
    await submit.click();
    await pad.getByText('感谢您的意见，我们会认真核查并及时回访。').waitFor();
    const rating = suite.hall.hall.hall.state.ratings[ticket.id];
    expect(rating).to.deep.include({ level: 1, reasons: ['服务态度差'], comment: '窗口人员态度冷淡' });
    expect(await pad.locator('body').innerText()).to.not.match(ID_LIKE);
  });

  it('labels the reasons in English on an English pad and still records the Chinese reason', async () => {
    const staff = await suite.hall.clerk(10);
    const pad = await open(`/pad/?window=${staff.windowId}&lang=en`, { width: 1280, height: 800 });
    await pad.locator('.pad-idle').waitFor();
    const ticket = (await suite.hall.ok('POST', '/tickets', { sectionId: 'tax' })).ticket;
    await suite.hall.ok('POST', `/windows/${staff.windowId}/call-next`, {}, staff.token);
    await suite.hall.ok('POST', `/windows/${staff.windowId}/finish`, {}, staff.token);
    await pad.locator('.pad-rating').waitFor();
    await pad.getByRole('button', { name: 'Very dissatisfied' }).click();
    await pad.getByRole('button', { name: 'Poor attitude' }).click();
    expect(await pad.locator('.pad-reason-list').innerText()).to.not.match(/[\u4e00-\u9fff]/);
    await pad.getByRole('button', { name: 'Submit' }).click();
    await waitFor(() => Boolean(suite.hall.hall.hall.state.ratings[ticket.id]), 'the rating');
    expect(suite.hall.hall.hall.state.ratings[ticket.id]).to.deep.include({ level: 1, reasons: ['服务态度差'] });
  });

  it('sends rating-timeout when nobody rates, recorded as not rated and not as satisfied', async () => {
    const staff = await suite.hall.clerk(12);
    const pad = await open(`/pad/?window=${staff.windowId}`, { width: 1280, height: 800 }, true);
    await pad.locator('.pad-idle').waitFor();
    const ticket = (await suite.hall.ok('POST', '/tickets', { sectionId: 'social-insurance', idNumber: madeUpIdNumber(2), name: '李四' })).ticket;
    const admin = (await suite.hall.ok('POST', '/auth/login', { username: 'admin', password: 'admin123' })).token;
    const before = await suite.hall.ok('GET', '/stats/today', undefined, admin);
    await suite.hall.ok('POST', `/windows/${staff.windowId}/call-next`, {}, staff.token);
    await suite.hall.ok('POST', `/windows/${staff.windowId}/start`, {}, staff.token);
    await suite.hall.ok('POST', `/windows/${staff.windowId}/finish`, {}, staff.token);
    await pad.locator('.pad-rating').waitFor();
    expect(await pad.locator('.pad-countdown').innerText()).to.match(/^(30|29) 秒后自动结束$/);
    await pad.clock.fastForward('00:31');
    await pad.locator('.pad-idle').waitFor({ timeout: 15_000 });
    await waitFor(() => suite.hall.hall.hall.state.ratings[ticket.id] !== undefined, 'the timeout to be recorded', 15_000);
    expect(suite.hall.hall.hall.state.ratings[ticket.id]).to.include({ level: null });
    const after = await suite.hall.ok('GET', '/stats/today', undefined, admin);
    expect(after.satisfaction, 'a timeout counts neither as satisfied nor as rated').to.equal(before.satisfaction);
    expect(after.served).to.equal(before.served + 1);
  });
});
