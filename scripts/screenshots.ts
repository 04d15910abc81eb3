// Pictures of every page for docs/screens/: starts a demo hall in a temp directory, plays a short morning
// (clerks sign in, citizens take numbers, windows call and serve, one pauses, one citizen rates) and saves a
// PNG of each page in real Chromium.
//
//   npx tsx scripts/screenshots.ts [--out docs/screens]

import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createLogger } from '../server/log.js';
import { startHall } from '../server/main.js';
import { launchBrowser, chromiumAvailable, CHROMIUM, type TestPage } from '../test/support/browser.js';
import { buildUi, root } from './build-ui.mjs';

const outArg = process.argv.indexOf('--out');
const outDir = resolve(root, outArg > 0 && process.argv[outArg + 1] ? process.argv[outArg + 1]! : 'docs/screens');

interface Json {
  [k: string]: any;
}

async function main(): Promise<void> {
  if (!chromiumAvailable()) throw new Error(`Chromium not found at ${CHROMIUM}`);
  await buildUi({ log: (m) => console.log(m) });
  await mkdir(outDir, { recursive: true });
  const dataDir = await mkdtemp(join(tmpdir(), 'hall-screens-'));
  const hall = await startHall({ dataDir, port: 0, host: '127.0.0.1', demo: true, log: createLogger({ destination: null }) });
  const browser = await launchBrowser();
  const url = hall.url;
  try {
    const call = async (method: string, path: string, body?: unknown, token?: string): Promise<Json> => {
      const res = await fetch(`${url}/api/v1${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const json = (await res.json()) as Json;
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
      return json;
    };
    const windows = (await call('GET', '/windows')) as unknown as { id: string; number: number }[];
    const tokens = new Map<string, string>();
    // Windows 1–9 are staffed this morning; 10–12 stay closed.
    for (let i = 0; i < 9; i++) {
      const w = windows[i]!;
      const { token } = await call('POST', '/auth/login', { username: `staff${i + 1}`, password: 'staff123', windowId: w.id });
      tokens.set(w.id, token as string);
    }
    const take = (sectionId: string, extra: Json = {}) => call('POST', '/tickets', { sectionId, kioskId: 'kiosk-1', ...extra });
    const plan: [string, number][] = [
      ['company', 6],
      ['tax', 4],
      ['construction', 3],
      ['delegated', 2],
    ];
    // Each ticket for a service the section offers, as a citizen picks it at the kiosk (the pad shows it).
    for (const [sectionId, n] of plan) {
      const services = (await call('GET', `/sections/${sectionId}/services`)) as unknown as { code: string }[];
      for (let i = 0; i < n; i++) await take(sectionId, services.length ? { serviceCode: services[i % services.length]!.code } : {});
    }
    // Sections that need an ID card take one through the API with a (made-up, checksum-valid) ID number.
    let serial = 100;
    for (const sectionId of ['property', 'property', 'property', 'social-insurance', 'housing-fund']) {
      await call('POST', '/tickets', { sectionId, idNumber: madeUpIdNumber(serial++), name: '测试市民' });
    }
    const act = (wid: string, action: string, body: Json = {}) => call('POST', `/windows/${wid}/${action}`, body, tokens.get(wid));
    const [w1, w2, w3, w4, w5, , w7, w8] = windows.map((w) => w.id);
    for (const wid of [w2!, w4!, w5!, w7!, w8!]) await act(wid, 'call-next');
    for (const wid of [w4!, w7!]) await act(wid, 'start');
    await act(w3!, 'pause', { reason: '业务培训' });

    const shot = async (page: TestPage, file: string) => {
      await page.screenshot({ path: join(outDir, file) });
      console.log(`saved ${join(outDir, file)}`);
      if (page.errors.length) throw new Error(`${file}: page errors: ${page.errors.join('; ')}`);
    };

    // Kiosk, both orientations, and a ticket result.
    const kp = await browser.page({ width: 1080, height: 1920 });
    await kp.goto(`${url}/kiosk/?kiosk=kiosk-1`);
    await kp.locator('.k-tile').first().waitFor();
    await settle(kp);
    await shot(kp, 'kiosk-portrait.png');
    const kl = await browser.page({ width: 1920, height: 1080 });
    await kl.goto(`${url}/kiosk/?kiosk=kiosk-2`);
    await kl.locator('.k-tile').first().waitFor();
    await settle(kl);
    await shot(kl, 'kiosk-landscape.png');
    await kp.getByRole('button', { name: /税务/ }).click();
    await kp.locator('.k-service').first().waitFor();
    await settle(kp);
    await shot(kp, 'kiosk-services.png');
    await kp.locator('.k-service .k-take').first().click();
    await kp.locator('.k-ticket-number').waitFor();
    await settle(kp);
    await shot(kp, 'kiosk-ticket.png');

    // Open the screens that show calls, then call at window 1 so the display has a fresh call.
    const display = await browser.page({ width: 1920, height: 1080 });
    await display.goto(`${url}/display/`);
    const win = await browser.page({ width: 1920, height: 1080 });
    await win.goto(`${url}/window/?window=${w1}`);
    const padIdle = await browser.page({ width: 1280, height: 800 });
    await padIdle.goto(`${url}/pad/?window=${windows[5]!.id}`);
    await padIdle.locator('.pad-clerk-name').waitFor();
    // The clerk's photo (the demo's drawn portrait) must have loaded, not be on its way.
    await padIdle.waitForFunction(`(() => { const img = document.querySelector('.pad-clerk img.pad-photo'); return !!img && img.complete && img.naturalWidth > 0; })()`);
    await settle(padIdle);
    await shot(padIdle, 'pad-idle.png');
    const pad = await browser.page({ width: 1280, height: 800 });
    await pad.goto(`${url}/pad/?window=${w1}`);
    await pad.locator('.pad-idle').waitFor();

    await act(w1!, 'call-next');
    await win.locator('.ws-current-number').waitFor();
    await display.locator('.d-now-number').waitFor();
    // Past the call flash, so the picture shows the resting state.
    await new Promise((r) => setTimeout(r, 8500));
    await shot(display, 'display.png');
    await shot(win, 'window.png');

    await act(w1!, 'start');
    // The pad while the clerk serves: the ticket and the service the citizen took it for.
    await pad.locator('.pad-ticket.st-serving .pad-ticket-service').waitFor();
    await settle(pad);
    await shot(pad, 'pad-serving.png');
    await act(w1!, 'finish');
    await pad.locator('.pad-rating').waitFor();
    await settle(pad);
    await shot(pad, 'pad-rating.png');
    await pad.getByRole('button', { name: '不满意', exact: true }).click();
    await pad.locator('.pad-reason').first().click();
    await settle(pad);
    await shot(pad, 'pad-reasons.png');
    await pad.getByRole('button', { name: '提交评价' }).click();
    await pad.locator('.pad-thanks').waitFor();

    // A second citizen at window 4 is served and rates well.
    await act(w4!, 'finish');
    const pad4 = await browser.page({ width: 1280, height: 800 });
    await pad4.goto(`${url}/pad/?window=${w4}`);
    await pad4.getByRole('button', { name: '非常满意' }).click();
    await pad4.locator('.pad-thanks').waitFor();

    // Console of window 2 (a ticket called, a queue waiting).
    const desk = await browser.page({ width: 1600, height: 900 });
    await desk.goto(`${url}/console/`);
    const session = JSON.stringify({ token: tokens.get(w2!), username: 'staff2', windowId: w2 });
    await desk.evaluate(`sessionStorage.setItem('hall.console', ${JSON.stringify(session)})`);
    await desk.reload();
    await desk.locator('.c-current-number').waitFor();
    await act(w2!, 'start');
    await desk.locator('.c-current.st-serving').waitFor();
    await settle(desk, 2500);
    await shot(desk, 'console.png');

    const signin = await browser.page({ width: 1600, height: 900 });
    await signin.goto(`${url}/console/`);
    await signin.locator('#si-window option').nth(3).waitFor({ state: 'attached' });
    await settle(signin);
    await shot(signin, 'console-signin.png');

    const manager = await browser.page({ width: 1600, height: 900 });
    await manager.goto(`${url}/manager/`);
    await manager.getByLabel('用户名').fill('admin');
    await manager.getByLabel('密码').fill('admin123');
    await manager.getByRole('button', { name: '登录' }).click();
    await manager.locator('.m-kpis').waitFor();
    await settle(manager);
    await shot(manager, 'manager.png');

    const displayEn = await browser.page({ width: 1920, height: 1080 });
    await displayEn.goto(`${url}/display/?lang=en`);
    await displayEn.locator('.d-now-number').waitFor();
    await new Promise((r) => setTimeout(r, 1500));
    await shot(displayEn, 'display-en.png');
  } finally {
    await browser.close();
    await hall.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Lets fonts load and the first renders finish before a picture. */
async function settle(page: TestPage, ms = 600): Promise<void> {
  await page.evaluate('document.fonts.ready');
  await new Promise((r) => setTimeout(r, ms));
}

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/** An ID number that passes the GB 11643 check and belongs to nobody: region 110101, born 1990-01-01. */
function madeUpIdNumber(serial: number): string {
  const first17 = `11010119900101${String(serial % 1000).padStart(3, '0')}`;
  const sum = [...first17].reduce((acc, d, i) => acc + Number(d) * WEIGHTS[i]!, 0);
  return first17 + '10X98765432'[sum % 11]!;
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exitCode = 1;
});
