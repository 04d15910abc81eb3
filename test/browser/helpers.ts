// Shared by the browser suites: a real demo hall that can be stopped and restarted on the same port (so
// open pages reconnect to it), the hooks that set a suite up, HTTP shortcuts, and waiting for what a page shows.

import { expect } from 'chai';
import { rm } from 'node:fs/promises';
import type { Locator } from 'playwright-core';
import { idCheckDigit } from '../../drivers/idcard/codec.js';
import { buildUi } from '../../scripts/build-ui.mjs';
import { createLogger } from '../../server/log.js';
import { startHall, type RunningHall } from '../../server/main.js';
import { browserOrSkip, type Browser, type TestPage } from '../support/browser.js';
import { type ApiAnswer, stablePort, tempDir } from '../support/hall.js';

export class RestartableHall {
  running: RunningHall | null = null;

  private constructor(
    readonly dataDir: string,
    readonly port: number,
  ) {}

  static async start(): Promise<RestartableHall> {
    const h = new RestartableHall(await tempDir('hall-browser-'), await stablePort());
    await h.up();
    return h;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get hall(): RunningHall {
    if (!this.running) throw new Error('the hall is stopped');
    return this.running;
  }

  async up(): Promise<void> {
    this.running = await startHall({
      dataDir: this.dataDir,
      port: this.port,
      host: '127.0.0.1',
      demo: true,
      log: createLogger({ destination: null }),
      onFatal: (e) => {
        throw e;
      },
    });
  }

  async down(): Promise<void> {
    const r = this.running;
    this.running = null;
    await r?.close();
  }

  async close(): Promise<void> {
    await this.down();
    await rm(this.dataDir, { recursive: true, force: true });
  }

  async call<T = any>(method: string, path: string, body?: unknown, token?: string): Promise<ApiAnswer<T>> {
    const res = await fetch(`${this.url}/api/v1${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  async ok<T = any>(method: string, path: string, body?: unknown, token?: string): Promise<T> {
    const a = await this.call<T>(method, path, body, token);
    if (a.status >= 300) throw new Error(`${method} ${path}: ${a.status} ${JSON.stringify(a.body)}`);
    return a.body;
  }

  /** Signs staffN in to the N-th window (API.md's demo accounts) and returns the token. */
  async clerk(n: number): Promise<{ token: string; windowId: string; number: number }> {
    const windows = await this.ok<{ id: string; number: number }[]>('GET', '/windows');
    const w = windows[n - 1]!;
    const { token } = await this.ok<{ token: string }>('POST', '/auth/login', { username: `staff${n}`, password: 'staff123', windowId: w.id });
    return { token, windowId: w.id, number: w.number };
  }

  async ticket(sectionId: string): Promise<{ id: string; number: string }> {
    return (await this.ok<{ ticket: { id: string; number: string } }>('POST', '/tickets', { sectionId })).ticket;
  }
}

export interface BrowserHallSuite {
  /** The suite's hall; there is none before the suite's `before` hook has run. */
  readonly hall: RestartableHall;
  /** A new tab, closed after the current test. */
  page(viewport: { width: number; height: number }): Promise<TestPage>;
}

/**
 * Registers, in the calling `describe`, the hooks every page suite needs: Chromium (or a skip), a fresh UI
 * build and a restartable demo hall before the tests, their teardown after, and each test's tabs closed.
 */
export function browserHallSuite(): BrowserHallSuite {
  let browser: Browser | undefined;
  let hall: RestartableHall | undefined;
  const pages: TestPage[] = [];

  before(async function () {
    browser = await browserOrSkip(this);
    await buildUi();
    hall = await RestartableHall.start();
  });
  after(async () => {
    await browser?.close();
    await hall?.close();
  });
  afterEach(async () => {
    for (const p of pages.splice(0)) await p.close();
  });

  return {
    get hall() {
      if (!hall) throw new Error('the suite has not started its hall');
      return hall;
    },
    async page(viewport) {
      if (!browser) throw new Error('the suite has not started its browser');
      const p = await browser.page(viewport);
      pages.push(p);
      return p;
    },
  };
}

/** Waits until the element's trimmed text equals (or, for a RegExp, matches) the expectation. */
export async function waitText(locator: Locator, want: string | RegExp, timeoutMs = 10_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  let seen = '';
  while (Date.now() < until) {
    seen = ((await locator.first().innerText({ timeout: 500 }).catch(() => '')) ?? '').trim();
    if (typeof want === 'string' ? seen === want : want.test(seen)) return seen;
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(seen, `waiting for ${String(want)}`).to.equal(String(want));
  return seen;
}

export async function waitFor(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  expect.fail(`timed out waiting for ${what}`);
}

/** Anything a public page shows must not look like an ID number. */
export const ID_LIKE = /\d{17}[\dXx]|\d{15,}/;

/** A made-up ID number with a valid GB 11643 check character (region 110101, born 1990-01-01). */
export function madeUpIdNumber(serial: number): string {
  const first17 = `11010119900101${String(serial % 1000).padStart(3, '0')}`;
  return first17 + idCheckDigit(first17);
}

/** Signs the demo admin in to the manager page and waits for the dashboard's figures. */
export async function managerSignedIn(p: TestPage, hallUrl: string): Promise<TestPage> {
  await p.goto(`${hallUrl}/manager/`);
  await p.getByLabel('用户名').fill('admin');
  await p.getByLabel('密码').fill('admin123');
  await p.getByRole('button', { name: '登录' }).click();
  await p.locator('.m-kpis').waitFor();
  return p;
}
