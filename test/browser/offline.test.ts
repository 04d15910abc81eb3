// The built pages served as plain files with no hall behind them: each must still render its frame and
// say, in words, that it is waiting for the server (what a device shows while the server boots or is down).

import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { buildUi, root } from '../../scripts/build-ui.mjs';
import { browserOrSkip, type Browser, type TestPage } from '../support/browser.js';

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css' };

describe('pages without a hall server (browser)', function () {
  this.timeout(60_000);
  let browser: Browser | undefined;
  let server: Server | undefined;
  let url = '';
  const pages: TestPage[] = [];

  before(async function () {
    browser = await browserOrSkip(this);
    await buildUi();
    // Only the bundles: every /api and /socket.io request gets a 503, as from a proxy with the hall down.
    server = createServer(async (req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const m = /^\/(kiosk|display|window|pad|console|manager)\/(index\.html|app\.js|app\.css)?$/.exec(path);
      if (!m) {
        res.writeHead(503, { 'content-type': 'application/json' });
        return void res.end(JSON.stringify({ error: { code: 'UNAVAILABLE', message: 'hall down' } }));
      }
      const file = m[2] ?? 'index.html';
      const body = await readFile(join(root, 'dist', 'ui', m[1]!, file));
      res.writeHead(200, { 'content-type': TYPES[file.slice(file.lastIndexOf('.'))]! });
      res.end(body);
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await browser?.close();
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
  });
  afterEach(async () => {
    for (const p of pages.splice(0)) await p.close();
  });

  async function open(path: string, viewport = { width: 1920, height: 1080 }): Promise<TestPage> {
    const p = await browser!.page(viewport);
    pages.push(p);
    await p.goto(`${url}${path}`);
    return p;
  }

  it('kiosk: shows 暂停取号 with its header and clock', async () => {
    const p = await open('/kiosk/?kiosk=kiosk-1', { width: 1080, height: 1920 });
    await p.locator('.k-paused').waitFor({ timeout: 10_000 });
    expect(await p.locator('.k-paused-title').innerText()).to.equal('暂停取号');
    expect(await p.locator('.k-sub').innerText()).to.equal('自助取号');
    expect(await p.locator('.clock-time').innerText()).to.match(/^\d{2}:\d{2}:\d{2}$/);
    expect(await p.title()).to.equal('自助取号');
    expect(p.errors).to.deep.equal([]);
  });

  it('hall display: renders its frame, a default notice and a connecting banner', async () => {
    const p = await open('/display/');
    await p.locator('.conn-banner').waitFor();
    expect(await p.locator('.conn-banner').innerText()).to.match(/正在连接服务器|正在重新连接/);
    expect(await p.locator('.d-now-empty').innerText()).to.equal('暂无呼叫');
    expect(await p.locator('.d-notice-text').innerText()).to.contain('请按号码顺序办理业务');
    const box = await p.locator('.display').boundingBox();
    expect(box?.width).to.equal(1920);
    expect(p.errors).to.deep.equal([]);
  });

  it('window screen and pad: ask for a window when the address names none', async () => {
    const w = await open('/window/');
    await w.getByText('请在地址中指定窗口，例如 ?window=w1').waitFor();
    const pad = await open('/pad/', { width: 1280, height: 800 });
    await pad.getByText('请在地址中指定窗口，例如 ?window=w1').waitFor();
    const padWaiting = await open('/pad/?window=w1', { width: 1280, height: 800 });
    await padWaiting.locator('.conn-banner').waitFor();
    expect([...w.errors, ...pad.errors, ...padWaiting.errors]).to.deep.equal([]);
  });

  it('console and manager: render the sign-in form; the console says the window list failed and offers a retry', async () => {
    const c = await open('/console/', { width: 1600, height: 900 });
    await c.getByText('工作人员登录').waitFor();
    const err = c.locator('.field .form-error');
    await err.waitFor();
    expect(await err.innerText()).to.contain('窗口列表加载失败');
    expect(await c.getByRole('button', { name: '重试' }).count()).to.equal(1);
    expect(await c.getByRole('button', { name: '登录' }).isDisabled()).to.equal(true);
    const m = await open('/manager/', { width: 1600, height: 900 });
    await m.getByText('管理员登录').waitFor();
    expect(await m.title()).to.equal('大厅运行监控');
    expect([...c.errors, ...m.errors]).to.deep.equal([]);
  });
});
