// Spoken calls on the hall display in real Chromium: the clips of the demo hall's zh-CN pack, played in
// the order of the call's tokens, as many times as hall.json says, one at a time.
// With SCREENSHOTS=1 the tap-to-speak state is saved as docs/screens/display-voice-tap.png.

import { expect } from 'chai';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestPage } from '../support/browser.js';
import { numberWords } from '../../server/views.js';
import { browserHallSuite, waitFor } from './helpers.js';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { configDir } from '../../config/schema.js';
import { buildUi } from '../../scripts/build-ui.mjs';
import { browserOrSkip, type Browser } from '../support/browser.js';
import { api, login, startTestHall, type TestHall } from '../support/hall.js';

/** With SCREENSHOTS=1 the tap-to-speak state is saved to docs/screens/ (off by default: a run leaves the tree clean). */
const SAVE_SCREENS = process.env.SCREENSHOTS === '1';

interface PlayedClip {
  token: string;
  start: number;
  end: number;
  announcement: number;
  round: number;
}

const played = (p: TestPage) => p.evaluate('window.hallVoice.log') as Promise<PlayedClip[]>;
const voiceState = (p: TestPage) => p.evaluate('window.hallVoice.state') as Promise<string>;
const tokensOf = (number: string, windowNumber: number) => ['请', ...number, '号', '到', ...numberWords(windowNumber), '号窗口', '办理'];

/** Each clip starts only after the one before it ended. */
function expectNoOverlap(log: PlayedClip[]): void {
  for (let i = 1; i < log.length; i++) {
    expect(log[i]!.start, `clip ${i} (${log[i]!.token}) starts before clip ${i - 1} ends`).to.be.at.least(log[i - 1]!.end);
    expect(log[i]!.end).to.be.greaterThan(log[i]!.start);
  }
}

describe('spoken calls on the hall display (browser)', function () {
  this.timeout(120_000);
  const suite = browserHallSuite();

  async function display(): Promise<TestPage> {
    const p = await suite.page({ width: 1920, height: 1080 });
    await p.goto(`${suite.hall.url}/display/`);
    await waitFor(async () => (await voiceState(p)) === 'on', 'the voice to turn on', 20_000);
    return p;
  }

  it('speaks each call clip by clip in token order, as many times as hall.json says, one call after the other, never overlapping', async () => {
    const repeat = suite.hall.hall.config.voice.repeat;
    expect(repeat).to.equal(2);
    const p = await display();
    expect(await p.locator('.d-voice').isVisible()).to.equal(false);
    // Two calls made together: the second waits until the first has been spoken twice.
    const a = await suite.hall.clerk(3);
    const b = await suite.hall.clerk(7);
    const ta = await suite.hall.ticket('company');
    await suite.hall.ok('POST', `/windows/${a.windowId}/call-next`, {}, a.token);
    const tb = await suite.hall.ticket('construction');
    await suite.hall.ok('POST', `/windows/${b.windowId}/call-next`, {}, b.token);
    const first = tokensOf(ta.number, a.number);
    const second = tokensOf(tb.number, b.number);
    await waitFor(async () => (await played(p)).length >= repeat * (first.length + second.length), 'both calls spoken', 60_000);
    const log = await played(p);
    expect(log.map((c) => c.token)).to.deep.equal([...first, ...first, ...second, ...second]);
    expect(log.map((c) => `${c.announcement}.${c.round}`)).to.deep.equal([
      ...first.map(() => '1.1'),
      ...first.map(() => '1.2'),
      ...second.map(() => '2.1'),
      ...second.map(() => '2.2'),
    ]);
    expectNoOverlap(log);
    expect(await p.evaluate('window.hallVoice.spoken')).to.deep.equal([
      `请 ${ta.number} 号到 ${a.number} 号窗口办理`,
      `请 ${tb.number} 号到 ${b.number} 号窗口办理`,
    ]);
    expect(await p.evaluate('window.hallVoice.skipped')).to.deep.equal([]);
    expect(p.errors).to.deep.equal([]);
  });

  it('where the browser holds audio back, shows a tap button, keeps the call waiting, and speaks it after the tap', async () => {
    const p = await suite.page({ width: 1920, height: 1080 });
    // Headless Chromium plays sound without a gesture whatever the policy switch says; a display's browser
    // out of the box does not. Its audio context starts suspended until a tap resumes it: do that here.
    await p.addInitScript(`{
      const Real = window.AudioContext;
      window.AudioContext = class extends Real {
        constructor(o) { super(o); void this.suspend(); }
      };
    }`);
    // The button pulses to be noticed; a pulsing target is never "stable" for a scripted click.
    await p.emulateMedia({ reducedMotion: 'reduce' });
    await p.goto(`${suite.hall.url}/display/`);
    await waitFor(async () => (await voiceState(p)) === 'locked', 'the voice to wait for a tap', 20_000);
    const button = p.locator('button.d-voice');
    expect(await button.innerText()).to.contain('点击此处开启语音叫号');
    const staff = await suite.hall.clerk(8);
    const t = await suite.hall.ticket('construction');
    await suite.hall.ok('POST', `/windows/${staff.windowId}/call-next`, {}, staff.token);
    await p.locator('.d-now-number').filter({ hasText: t.number }).waitFor();
    expect(await p.evaluate('window.hallAnnouncer.pending.map((a) => a.text)')).to.deep.equal([`请 ${t.number} 号到 ${staff.number} 号窗口办理`]);
    expect(await played(p)).to.deep.equal([]);
    if (SAVE_SCREENS) {
      await mkdir(join('docs', 'screens'), { recursive: true });
      await p.screenshot({ path: join('docs', 'screens', 'display-voice-tap.png') });
    }

    await button.click();
    await waitFor(async () => (await voiceState(p)) === 'on', 'the voice on after the tap');
    expect(await p.locator('.d-voice').isVisible()).to.equal(false);
    const want = tokensOf(t.number, staff.number);
    await waitFor(async () => (await played(p)).length >= want.length * 2, 'the waiting call spoken', 30_000);
    expect((await played(p)).map((c) => c.token)).to.deep.equal([...want, ...want]);
  });
});

describe('spoken calls follow the repeat count of hall.json (browser)', function () {
  this.timeout(120_000);
  let browser: Browser | undefined;
  let h: TestHall | undefined;
  let dir: string | undefined;

  before(async function () {
    browser = await browserOrSkip(this);
    await buildUi();
    // A hall that speaks each call three times (the demo says twice, the page's own default is once).
    dir = mkdtempSync(join(tmpdir(), 'hall-voice-repeat-'));
    cpSync(configDir, dir, { recursive: true, filter: (src) => !src.endsWith('.ts') });
    const file = join(dir, 'hall.json');
    const cfg = JSON.parse(readFileSync(file, 'utf8'));
    cfg.voice.repeat = 3;
    writeFileSync(file, JSON.stringify(cfg, null, 2));
    h = await startTestHall({ configDir: dir });
  });
  after(async () => {
    await browser?.close();
    await h?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('speaks a call three times when hall.json says voice.repeat = 3, never overlapping', async () => {
    expect((await api(h!.url, 'GET', '/api/v1/voice')).body.repeat).to.equal(3);
    const p = await browser!.page({ width: 1920, height: 1080 });
    await p.goto(`${h!.url}/display/`);
    await waitFor(async () => (await voiceState(p)) === 'on', 'the voice to turn on', 20_000);
    const token = await login(h!.url, 'staff5', 'staff123', 'w5');
    const t = (await api(h!.url, 'POST', '/api/v1/tickets', { body: { sectionId: 'property', idNumber: '110101199001010074', name: '李四' } })).body.ticket;
    expect(t, 'ticket issued').to.have.property('number');
    expect((await api(h!.url, 'POST', '/api/v1/windows/w5/call-next', { token })).status).to.equal(200);
    const want = tokensOf(t.number, 5);
    await waitFor(async () => (await played(p)).length >= want.length * 3, 'the call spoken three times', 60_000);
    // Give a fourth round the time to start, if the page were to play one.
    await new Promise((r) => setTimeout(r, 1500));
    const log = await played(p);
    expect(log.map((c) => c.token)).to.deep.equal([...want, ...want, ...want]);
    expect(log.map((c) => c.round)).to.deep.equal([...want.map(() => 1), ...want.map(() => 2), ...want.map(() => 3)]);
    expectNoOverlap(log);
    expect(p.errors).to.deep.equal([]);
  });
});
