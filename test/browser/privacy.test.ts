// No personal data on any public surface: a morning of citizens with ID cards (swiped at the kiosk, typed in
// by the API, a booking and a progress query by card, a case captured at a window) while the hall display,
// the window screen, the evaluation pad and the kiosk are open in real Chromium. Neither what the pages show,
// nor any Socket.IO frame they receive, nor the public HTTP answers, nor the server's log may contain a full
// ID number or a full name; the pages show nothing shaped like an ID number at all.

import { expect } from 'chai';
import { Writable } from 'node:stream';
import { buildUi } from '../../scripts/build-ui.mjs';
import { addDays, isWorkingDay } from '../../server/hall/calendar.js';
import { createLogger } from '../../server/log.js';
import { browserOrSkip, type Browser, type TestPage } from '../support/browser.js';
import { SIM_CARD, swipeCard, until } from '../support/devices.js';
import { api, login, startTestHall, type TestHall } from '../support/hall.js';
import { ID_LIKE, madeUpIdNumber, waitText } from './helpers.js';

describe('no personal data on public surfaces (browser)', function () {
  this.timeout(120_000);
  let browser: Browser | undefined;
  let hall: TestHall;
  const log: string[] = [];

  before(async function () {
    browser = await browserOrSkip(this);
    await buildUi();
    const sink = new Writable({
      write(chunk, _enc, done) {
        log.push(String(chunk));
        done();
      },
    });
    hall = await startTestHall({ start: { log: createLogger({ level: 'debug', destination: sink }) } });
    await until(async () => (await api(hall.url, 'GET', '/api/v1/devices')).body.every((d: { status: string }) => d.status === 'online'), 'every device online');
  });
  after(async () => {
    await browser?.close();
    await hall?.close();
  });

  it('keeps ID numbers and full names off the pages, their socket frames, public answers and the log', async () => {
    const frames: string[] = [];
    const open = async (path: string, viewport: { width: number; height: number }): Promise<TestPage> => {
      const p = await browser!.page(viewport);
      p.on('websocket', (ws) => ws.on('framereceived', (f) => frames.push(typeof f.payload === 'string' ? f.payload : f.payload.toString('utf8'))));
      await p.goto(`${hall.url}${path}`);
      return p;
    };
    const typed = { name: '欧阳小明', idNumber: madeUpIdNumber(321) };
    const clerkName = hall.running.config.staff.find((s) => s.id === 'staff4')!.name;
    const service = hall.running.config.setup.sections.find((s) => s.id === 'property')!.services[0]!.code;

    const display = await open('/display/', { width: 1920, height: 1080 });
    const screen = await open('/window/?window=w4', { width: 1920, height: 1080 });
    const pad = await open('/pad/?window=w4', { width: 1280, height: 800 });
    const kiosk = await open('/kiosk/?kiosk=kiosk-1', { width: 1080, height: 1920 });
    await kiosk.locator('.k-tile').first().waitFor();
    await until(() => hall.running.realtime.io.of('/kiosk').sockets.size > 0, 'the kiosk device stream');

    // A ticket by card at the kiosk's card prompt, one typed in through the API.
    await kiosk.locator('.k-tile[data-section="property"]').click();
    await kiosk.getByRole('button', { name: /直接取号/ }).click();
    await kiosk.getByText('请刷身份证', { exact: true }).waitFor();
    await swipeCard(hall, 'kiosk-1');
    await waitText(kiosk.locator('.k-ticket-number'), /^C\d{3,}$/);
    const typedTicket = await api(hall.url, 'POST', '/api/v1/tickets', { body: { sectionId: 'housing-fund', idNumber: typed.idNumber, name: typed.name } });
    expect(typedTicket.status).to.equal(201);

    // Window 4 serves the card holder; the pad shows the clerk and asks for a rating.
    const clerk = await login(hall.url, 'staff4', 'staff123', 'w4');
    const called = await api(hall.url, 'POST', '/api/v1/windows/w4/call-next', { token: clerk });
    expect(called.status).to.equal(200);
    await waitText(display.locator('.d-now-number'), called.body.ticket.number);
    await waitText(screen.locator('.ws-current-number'), called.body.ticket.number);
    await api(hall.url, 'POST', '/api/v1/windows/w4/start', { token: clerk });
    // A case for the typed-in applicant, with its outcome, at the same window.
    const made = await api(hall.url, 'POST', '/api/v1/cases', { token: clerk, body: { windowId: 'w4', serviceCode: service, applicant: typed } });
    expect(made.status).to.equal(201);
    await api(hall.url, 'PUT', `/api/v1/cases/${made.body.case.id}/materials`, {
      token: clerk,
      body: { materials: made.body.case.materials.map((m: { name: string }) => ({ name: m.name, state: 'provided' })) },
    });
    expect((await api(hall.url, 'POST', `/api/v1/cases/${made.body.case.id}/outcome`, { token: clerk, body: { outcome: 'accepted' } })).status).to.equal(200);
    await api(hall.url, 'POST', '/api/v1/windows/w4/finish', { token: clerk });
    await pad.locator('.pad-rating').waitFor();

    // The card holder books and asks for progress by card at the kiosk.
    await kiosk.getByRole('button', { name: '完成' }).click();
    await kiosk.locator('.k-more-item[data-more="progress"]').click();
    await kiosk.locator('.k-tab[data-by="card"]').click();
    await swipeCard(hall, 'kiosk-1');
    await kiosk.locator('.k-progress[data-state="result"]').waitFor();
    // Back on the start screen a card read is left for the booking below.
    await kiosk.getByRole('button', { name: /返回/ }).first().click();
    await kiosk.locator('.k-tile').first().waitFor();
    await swipeCard(hall, 'kiosk-1');
    const booked = await api(hall.url, 'POST', '/api/v1/appointments', {
      body: { sectionId: 'tax', date: nextWorkingDay(hall), slotStart: '09:00', kioskId: 'kiosk-1', useCard: true },
    });
    expect(booked.status).to.equal(201);

    const ids = [SIM_CARD.idNumber, typed.idNumber];
    const names = [SIM_CARD.name, typed.name];
    const pages = { display, screen, pad, kiosk };
    for (const [which, p] of Object.entries(pages)) {
      const text = await p.locator('body').innerText();
      expect(text, which).to.not.match(ID_LIKE);
      for (const x of [...names, clerkName]) expect(text, which).to.not.contain(x);
      expect(p.errors, which).to.deep.equal([]);
    }
    expect(frames.length, 'socket frames seen').to.be.greaterThan(10);
    const wire = frames.join('\n');
    for (const x of [...ids, ...names, clerkName]) expect(wire, 'socket frames').to.not.contain(x);

    const publicAnswers = [
      await api(hall.url, 'GET', '/api/v1/hall'),
      await api(hall.url, 'GET', '/api/v1/sections'),
      await api(hall.url, 'GET', '/api/v1/windows'),
      await api(hall.url, 'GET', `/api/v1/tickets/${typedTicket.body.ticket.id}`),
      await api(hall.url, 'GET', `/api/v1/tickets/${called.body.ticket.id}`),
      await api(hall.url, 'GET', `/api/v1/appointments/${booked.body.appointment.code}`),
      await api(hall.url, 'GET', `/api/v1/progress?receipt=${made.body.case.receiptNo ?? 'x'}`),
      booked,
      typedTicket,
    ];
    const answers = JSON.stringify(publicAnswers.map((a) => a.body));
    for (const x of [...ids, ...names, clerkName]) expect(answers, 'public HTTP answers').to.not.contain(x);

    const logText = log.join('');
    expect(logText.length, 'the log was written').to.be.greaterThan(1000);
    for (const x of [...ids, ...names]) expect(logText, 'server log').to.not.contain(x);
  });
});

/** The first working day after today in the hall's calendar (a booking's earliest day). */
function nextWorkingDay(hall: TestHall): string {
  const { calendar } = hall.running.hall.setup;
  for (let i = 1; i < 15; i++) {
    const d = addDays(hall.running.hall.state.day!, i);
    if (isWorkingDay(d, calendar)) return d;
  }
  throw new Error('no working day in two weeks');
}
