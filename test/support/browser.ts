// Real Chromium for browser tests and screenshots: Debian's /usr/bin/chromium driven by playwright-core,
// a fresh profile directory per launch. Without Chromium a suite skips itself, except under CI=true where
// a missing browser is a failure.

import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  // Hall displays play announcements without a click.
  '--autoplay-policy=no-user-gesture-required',
];

/** A tab whose uncaught exceptions are collected in `errors`. */
export type TestPage = Page & { errors: string[] };

export interface Browser {
  context: BrowserContext;
  /** A new tab with its own viewport. */
  page(viewport: { width: number; height: number }): Promise<TestPage>;
  close(): Promise<void>;
}

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM);
}

export async function launchBrowser(): Promise<Browser> {
  const profile = await mkdtemp(join(tmpdir(), 'hall-chromium-'));
  // launchPersistentContext owns --user-data-dir: the profile is the fresh directory made above.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: { width: 1280, height: 800 },
  });
  // The persistent context opens one blank tab; each test opens its own.
  for (const p of context.pages()) await p.close();
  return {
    context,
    async page(viewport) {
      const p = (await context.newPage()) as TestPage;
      p.errors = [];
      // Only exceptions: console errors include expected network noise while a test stops the server.
      p.on('pageerror', (e) => p.errors.push(String(e)));
      await p.setViewportSize(viewport);
      return p;
    },
    async close() {
      await context.close().catch(() => undefined);
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/**
 * For a mocha `before` hook: the browser, or a skip that says why. Under CI=true a missing Chromium fails
 * the suite instead, so CI cannot go green without having run it.
 */
export async function browserOrSkip(ctx: Mocha.Context): Promise<Browser> {
  if (!chromiumAvailable()) {
    const why = `Chromium not found at ${CHROMIUM} (install Debian's chromium or set CHROMIUM_PATH)`;
    if (process.env.CI === 'true') throw new Error(why);
    console.warn(`      skipped: ${why}`);
    ctx.skip();
  }
  return launchBrowser();
}
