// The hardware story of the demo hall in one walk, through the same drivers a real hall uses: a citizen
// swipes a (simulated) ID card at the kiosk and gets a ticket printed through the ESC/POS encoder; the
// printer's paper is pulled, its health turns to fault, and the next ticket shows on screen instead; a
// clerk calls the first ticket, the window's LED bar shows it and the hall display speaks it.

import { expect } from 'chai';
import { numberWords } from '../../server/views.js';
import { readEscPos } from '../unit/drivers/escpos-reader.js';
import { SIM_CARD } from '../support/devices.js';
import { browserHallSuite, ID_LIKE, waitFor, waitText } from './helpers.js';

interface PlayedClip {
  token: string;
  start: number;
  end: number;
}

describe('demo hall hardware walk: card → printed ticket → paper out → call on the LED bar and the speaker (browser)', function () {
  this.timeout(120_000);
  const suite = browserHallSuite();
  const device = async (id: string) => (await suite.hall.ok<{ id: string; status: string; code?: string }[]>('GET', '/devices')).find((d) => d.id === id)!;
  const printerJobs = async () => (await suite.hall.ok<{ jobs: { bytes: string }[] }>('GET', '/sim/devices/kiosk-1-printer/output')).jobs;

  after(async () => {
    await suite.hall.call('POST', '/sim/devices/kiosk-1-printer/input', { paperOut: false }).catch(() => undefined);
  });

  it('walks the whole way on simulated devices', async () => {
    const display = await suite.page({ width: 1920, height: 1080 });
    await display.goto(`${suite.hall.url}/display/`);
    await waitFor(async () => (await display.evaluate('window.hallVoice.state')) === 'on', 'the display voice on', 20_000);

    // 1. Card swipe at the kiosk: the ticket is taken by itself and printed through the real encoder.
    const kiosk = await suite.page({ width: 1080, height: 1920 });
    await kiosk.goto(`${suite.hall.url}/kiosk/?kiosk=kiosk-1`);
    await kiosk.getByRole('button', { name: /不动产登记/ }).click();
    await kiosk.getByRole('button', { name: /直接取号/ }).click();
    await kiosk.getByText('请刷身份证', { exact: true }).waitFor();
    const jobsBefore = (await printerJobs()).length;
    await suite.hall.ok('POST', '/sim/devices/kiosk-1-idcard/input', { card: SIM_CARD });
    const number = await waitText(kiosk.locator('.k-ticket-number'), /^C\d{3,}$/);
    expect(await kiosk.locator('.k-print.is-printed').count()).to.equal(1);
    const jobs = await printerJobs();
    expect(jobs.length).to.equal(jobsBefore + 1);
    const printed = readEscPos(Buffer.from(jobs.at(-1)!.bytes, 'base64'));
    const lines = printed.flatMap((e) => (e.type === 'line' ? [e] : []));
    expect(lines.find((l) => l.text === number), 'the number printed large').to.deep.include({ bold: true, align: 1 });
    expect(lines.find((l) => l.text === number)!.width).to.be.at.least(2);
    expect(lines.map((l) => l.text).join('\n')).to.contain('示范市政务服务中心').and.contain('不动产登记');
    const qr = printed.find((e) => e.type === 'qr') as { data: string } | undefined;
    expect(qr?.data).to.match(new RegExp(`/t/\\d{8}-${number}$`));
    expect(printed.at(-1)).to.deep.include({ type: 'cut' });
    expect(await kiosk.locator('body').innerText()).to.not.match(ID_LIKE).and.not.contain(SIM_CARD.name);
    const ticketId = qr!.data.split('/t/')[1]!;

    // 2. Paper pulled: the printer's health turns to fault, and the next ticket shows on screen instead.
    await kiosk.getByRole('button', { name: '完成' }).click();
    await suite.hall.ok('POST', '/sim/devices/kiosk-1-printer/input', { paperOut: true });
    await waitFor(async () => (await device('kiosk-1-printer')).status === 'fault', 'the printer in fault');
    expect((await device('kiosk-1-printer')).code).to.equal('PAPER_OUT');
    await kiosk.locator('.k-tile[data-section="tax"]').click();
    await kiosk.getByRole('button', { name: /直接取号/ }).click();
    await waitText(kiosk.locator('.k-ticket-number'), /^E\d{3,}$/);
    expect(await kiosk.locator('.k-print.not-printed').innerText()).to.equal('号票未能打印，请记住您的号码');
    expect((await printerJobs()).length, 'nothing printed without paper').to.equal(jobsBefore + 1);

    // 3. A clerk at window 4 calls the card ticket: the window's LED bar shows it, the display speaks it.
    const clerk = await suite.hall.clerk(4);
    const called = await suite.hall.ok<{ ticket: { id: string; number: string } }>('POST', `/windows/${clerk.windowId}/call-next`, undefined, clerk.token);
    expect(called.ticket).to.include({ id: ticketId, number });
    const want = `请${number}号到${clerk.number}号窗口`;
    await waitFor(
      async () => (await suite.hall.ok<{ screens: Record<string, string> }>('GET', '/sim/devices/ledbus-1/output')).screens[String(clerk.number)] === want,
      'the LED bar showing the call',
    );
    const tokens = ['请', ...number, '号', '到', ...numberWords(clerk.number), '号窗口', '办理'];
    const repeat = suite.hall.hall.config.voice.repeat;
    await waitFor(async () => ((await display.evaluate('window.hallVoice.log')) as PlayedClip[]).length >= tokens.length * repeat, 'the call spoken', 60_000);
    const log = (await display.evaluate('window.hallVoice.log')) as PlayedClip[];
    expect(log.map((c) => c.token)).to.deep.equal(Array.from({ length: repeat }, () => tokens).flat());
    for (let i = 1; i < log.length; i++) expect(log[i]!.start).to.be.at.least(log[i - 1]!.end);
    await waitText(display.locator('.d-now-number'), number);
    expect(kiosk.errors).to.deep.equal([]);
    expect(display.errors).to.deep.equal([]);
  });
});
