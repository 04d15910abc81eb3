// The clerk's photo on the evaluation pad in real Chromium: the demo portrait as the idle pad shows it, the
// initial when the clerk has none or the picture cannot load, and a photo uploaded in the manager's accounts
// table reaching an open pad live.

import { expect } from 'chai';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { root } from '../../scripts/build-ui.mjs';
import type { TestPage } from '../support/browser.js';
import { browserHallSuite, waitFor, waitText } from './helpers.js';

/** What the tests read of an <img> (the server's type-check has no DOM library). */
type Img = { src: string; complete: boolean; naturalWidth: number; naturalHeight: number };

describe('clerk photo on the pad (browser)', function () {
  this.timeout(90_000);
  const suite = browserHallSuite();

  /** Only with SCREENSHOTS=1, so a test run leaves the tree clean. */
  const shot = async (p: TestPage, name: string, part: string) => {
    if (process.env.SCREENSHOTS !== '1') return;
    const dir = join(root, 'docs', 'screens');
    await mkdir(dir, { recursive: true });
    await p.locator(part).screenshot({ path: join(dir, name) });
  };

  const admin = async () => (await suite.hall.ok<{ token: string }>('POST', '/auth/login', { username: 'admin', password: 'admin123' })).token;
  const photoOf = async (username: string) =>
    (await suite.hall.ok<{ username: string; photoUrl: string }[]>('GET', '/manager/photos', undefined, await admin())).find((p) => p.username === username)?.photoUrl;

  async function pad(windowId: string): Promise<TestPage> {
    const p = await suite.page({ width: 1280, height: 800 });
    await p.goto(`${suite.hall.url}/pad/?window=${windowId}`);
    await p.locator('.pad-clerk-name').waitFor();
    return p;
  }

  /** The pad's photo as the browser has it: its address and its decoded size (0 when it did not load). */
  const shown = (p: TestPage) =>
    p.locator('.pad-clerk img.pad-photo').evaluate((img: Img) => ({ src: new URL(img.src).pathname, complete: img.complete, width: img.naturalWidth, height: img.naturalHeight }));

  it("shows the signed-in clerk's photo on the idle pad, loaded for real", async () => {
    const c = await suite.hall.clerk(3);
    const p = await pad(c.windowId);
    const want = await photoOf('staff3');
    expect(want).to.match(/^\/api\/v1\/photos\/[0-9a-f]{24}\.jpg$/);
    await waitFor(async () => (await shown(p)).width > 0, 'the photo to load');
    expect(await shown(p)).to.deep.equal({ src: want, complete: true, width: 300, height: 400 });
    expect(await p.locator('.pad-avatar').count()).to.equal(0);
    expect(await p.locator('.pad-clerk img').getAttribute('alt')).to.equal('工作人员张*娟的照片');
    expect(p.errors).to.deep.equal([]);
  });

  it('shows the initial when the clerk has no photo, and when the photo cannot load', async () => {
    const removed = await suite.hall.call('DELETE', '/manager/accounts/staff4/photo', undefined, await admin());
    expect(removed.status).to.equal(200);
    const c4 = await suite.hall.clerk(4);
    const p4 = await pad(c4.windowId);
    await waitText(p4.locator('.pad-avatar'), '刘');
    expect(await p4.locator('.pad-clerk img').count()).to.equal(0);

    // The photo's address answers nothing: the pad falls back to the initial instead of a broken picture.
    const c5 = await suite.hall.clerk(5);
    const p5 = await suite.page({ width: 1280, height: 800 });
    await p5.route('**/api/v1/photos/**', (route) => route.abort());
    await p5.goto(`${suite.hall.url}/pad/?window=${c5.windowId}`);
    await waitText(p5.locator('.pad-avatar'), '陈');
    expect(await p5.locator('.pad-clerk img').count()).to.equal(0);
  });

  it('takes a photo uploaded in the manager page to an open pad live', async () => {
    const c = await suite.hall.clerk(6);
    const p = await pad(c.windowId);
    const before = await photoOf('staff6');
    await waitFor(async () => (await shown(p)).width > 0, 'the demo photo to load');
    expect((await shown(p)).src).to.equal(before);

    const m = await suite.page({ width: 1600, height: 1000 });
    await m.goto(`${suite.hall.url}/manager/`);
    await m.getByLabel('用户名').fill('admin');
    await m.getByLabel('密码').fill('admin123');
    await m.getByRole('button', { name: '登录' }).click();
    await m.locator('.m-kpis').waitFor();
    await m.getByRole('tab', { name: '配置' }).click();
    const row = m.locator('tr[data-account="staff6"]');
    await row.locator('.m-photo-img').waitFor();
    expect(await row.locator('.m-photo-img').evaluate((img: Img) => new URL(img.src).pathname)).to.equal(before);

    // A landscape orange picture: the server crops it to a 300×400 portrait.
    const picture = await sharp({ create: { width: 1200, height: 900, channels: 3, background: '#f08020' } }).jpeg().toBuffer();
    await row.locator('input[name="photo"]').setInputFiles({ name: 'clerk.jpg', mimeType: 'image/jpeg', buffer: picture });
    await waitText(row.locator('.m-saved'), '已生效');
    const after = await photoOf('staff6');
    expect(after).to.be.a('string').and.not.equal(before);
    await waitFor(async () => (await row.locator('.m-photo-img').evaluate((img: Img) => new URL(img.src).pathname)) === after, 'the new thumbnail');

    // The pad, open all along, shows the new picture without a reload.
    await waitFor(async () => {
      const s = await shown(p);
      return s.src === after && s.width > 0;
    }, 'the new photo on the pad');
    expect(await shown(p)).to.deep.equal({ src: after, complete: true, width: 300, height: 400 });
    // The middle pixel of the picture as the pad decoded it: the uploaded orange.
    const centre = await p.locator('.pad-clerk img.pad-photo').evaluate((img: any) => {
      const c = (globalThis as any).document.createElement('canvas');
      c.width = img.naturalWidth;
      c.height = img.naturalHeight;
      const g = c.getContext('2d');
      g.drawImage(img, 0, 0);
      return [...g.getImageData(150, 200, 1, 1).data.slice(0, 3)] as number[];
    });
    expect(centre[0]).to.be.greaterThan(220);
    expect(centre[2]).to.be.lessThan(70);
    await shot(m, 'manager-account-photos.png', '.m-accounts table');
    await shot(p, 'pad-photo-uploaded.png', '.pad');

    // Removing it in the page takes the pad back to the initial.
    await row.locator('[data-act="photo-remove"]').click();
    await row.locator('.m-photo-none').waitFor();
    await waitText(p.locator('.pad-avatar'), '杨');
    expect(m.errors).to.deep.equal([]);
    expect(p.errors).to.deep.equal([]);
  });
});
