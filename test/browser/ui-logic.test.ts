// The pure parts of the browser clients: reducers, call dedupe, the announcement queue, kiosk refusals,
// console action rules, formatting and the language catalogues.

import { expect } from 'chai';
import { ACTIONS, enabledActions } from '../../console-ui/actions.js';
import { AnnouncementQueue } from '../../display-ui/announcer.js';
import { CallTracker, worthAnnouncing } from '../../display-ui/calls.js';
import { bookingOffer, refusalFor } from '../../kiosk-ui/refusal.js';
import type { CallPayload, DisplaySnapshot, PadSnapshot, StaffSnapshot, WindowView } from '../../server/realtime/contract.js';
import { duration, hallTime, looksLikeIdNumber, percent, safeText, since } from '../../ui-shared/format.js';
import { catalogues, errorText, isMessageKey, parseLang, pickName, placeholdersOf, translate, type MessageKey } from '../../ui-shared/i18n/index.js';
import { callKey, displayReducers, managerReducers, mergeCalls, padReducers, RECENT_CALLS_KEPT, type RecentCall } from '../../ui-shared/reducers.js';

function win(id: string, number: number, extra: Partial<WindowView> = {}): WindowView {
  return { id, number, name: `窗口${number}`, sectionIds: ['s1'], status: 'open', ...extra };
}

function call(ticketId: string, number: string, windowId: string, at: string, seq = 1): CallPayload {
  return {
    seq,
    ticket: { id: ticketId, number, sectionId: 's1' },
    window: { id: windowId, number: Number(windowId.slice(1)), name: 'w' },
    announcement: { text: `请 ${number} 号到 1 号窗口办理`, tokens: ['请', number, '号'] },
    recall: false,
    at,
  };
}

function strip(c: CallPayload): RecentCall {
  const { seq: _s, ...rest } = c;
  return rest;
}

const display: DisplaySnapshot = {
  seq: 5,
  hall: { name: '大厅' },
  day: '2026-11-23',
  sections: [
    { id: 's1', prefix: 'A', name: '甲', open: true, waiting: 3, estimatedWaitMinutes: 9, requireIdCard: false, capacityLeft: 10 },
    { id: 's2', prefix: 'B', name: '乙', open: true, waiting: 1, estimatedWaitMinutes: 2, requireIdCard: true, capacityLeft: 10 },
  ],
  windows: [win('w1', 1), win('w2', 2)],
  recentCalls: [],
  notices: [],
};

describe('display reducers (ui-shared/reducers.ts)', () => {
  it('puts a call first in the recent list and shows it as called at its window', () => {
    const s = displayReducers.call(display, call('t1', 'A001', 'w2', '2026-11-23T09:00:00+08:00', 6));
    expect(s.seq).to.equal(6);
    expect(s.recentCalls.map((c) => c.ticket.number)).to.deep.equal(['A001']);
    expect(s.windows.find((w) => w.id === 'w2')?.current).to.deep.equal({ id: 't1', number: 'A001', sectionId: 's1', status: 'called' });
    expect(s.windows.find((w) => w.id === 'w1')?.current).to.equal(undefined);
  });

  it('keeps one entry per call, newest first, and a recall as a new call', () => {
    const a = strip(call('t1', 'A001', 'w1', '2026-11-23T09:00:00+08:00'));
    const b = strip(call('t2', 'A002', 'w1', '2026-11-23T09:01:00+08:00'));
    const recall = { ...a, at: '2026-11-23T09:02:00+08:00', recall: true };
    expect(mergeCalls([a, b, a, recall]).map(callKey)).to.deep.equal([callKey(recall), callKey(b), callKey(a)]);
    const many = Array.from({ length: 50 }, (_, i) => strip(call(`t${i}`, `A${i}`, 'w1', new Date(Date.UTC(2026, 10, 23, 1, i)).toISOString())));
    expect(mergeCalls(many)).to.have.length(RECENT_CALLS_KEPT);
    expect(mergeCalls(many)[0]!.ticket.id).to.equal('t49');
  });

  it('merges queue counts into known sections and leaves the rest as they were', () => {
    const s = displayReducers.queue(display, { seq: 6, sections: [{ id: 's2', waiting: 7, estimatedWaitMinutes: 21 }, { id: 'zz', waiting: 1, estimatedWaitMinutes: 1 }] });
    expect(s.sections.map((x) => [x.id, x.waiting, x.estimatedWaitMinutes])).to.deep.equal([
      ['s1', 3, 9],
      ['s2', 7, 21],
    ]);
  });

  it('replaces a window by id and adds an unknown one in number order', () => {
    const paused = displayReducers.window(display, { seq: 6, window: win('w1', 1, { status: 'paused', pauseReason: '休息' }) });
    expect(paused.windows[0]).to.include({ status: 'paused', pauseReason: '休息' });
    const added = displayReducers.window(display, { seq: 6, window: win('w0', 0) });
    expect(added.windows.map((w) => w.id)).to.deep.equal(['w0', 'w1', 'w2']);
  });
});

describe('pad and manager reducers (ui-shared/reducers.ts)', () => {
  const pad: PadSnapshot = { seq: 1, window: win('w1', 1), ratingTimeoutSeconds: 30, negativeReasons: ['等待时间过长'] };
  const ticket = { id: 't1', number: 'A001', sectionId: 's1' };

  it('asks for a rating after finished and forgets the finished ticket as current', () => {
    const serving = padReducers.serving(pad, { seq: 2, ticket, clerk: { name: '王*', staffNo: 'GZ1' } });
    expect(serving.current).to.deep.equal({ ...ticket, status: 'serving' });
    expect(serving.clerk).to.deep.equal({ name: '王*', staffNo: 'GZ1' });
    const finished = padReducers.finished(serving, { seq: 3, ticket });
    expect(finished.current).to.equal(undefined);
    expect(finished.awaitingRating).to.deep.equal(ticket);
  });

  it('stops asking when the rating is recorded for that ticket or the next citizen is called', () => {
    const waiting: PadSnapshot = { ...pad, awaitingRating: ticket };
    expect(padReducers.rated(waiting, { seq: 2, ticketId: 'other' }).awaitingRating).to.deep.equal(ticket);
    expect(padReducers.rated(waiting, { seq: 2, ticketId: 't1' }).awaitingRating).to.equal(undefined);
    const next = padReducers.call(waiting, call('t2', 'A002', 'w1', '2026-11-23T09:00:00+08:00', 2));
    expect(next.awaitingRating).to.equal(undefined);
    expect(next.current).to.include({ number: 'A002', status: 'called' });
  });

  it("keeps the called ticket's service for the pad to show", () => {
    const c = call('t3', 'A003', 'w1', '2026-11-23T09:00:00+08:00', 2);
    const next = padReducers.call(pad, { ...c, ticket: { ...c.ticket, serviceName: '企业设立登记' } });
    expect(next.current).to.deep.equal({ id: 't3', number: 'A003', sectionId: 's1', serviceName: '企业设立登记', status: 'called' });
  });

  it('takes the clerk from window updates, including a clerk signing out', () => {
    const withClerk = padReducers.window(pad, { seq: 2, window: win('w1', 1, { clerk: { name: '李*', staffNo: 'GZ2' } }) });
    expect(withClerk.clerk).to.deep.equal({ name: '李*', staffNo: 'GZ2' });
    expect(padReducers.window(withClerk, { seq: 3, window: win('w1', 1) }).clerk).to.equal(undefined);
  });

  it('merges manager queue counts and replaces the whole view on update', () => {
    const m = {
      seq: 1,
      day: '2026-11-23',
      stats: { issued: 1, served: 0, noShow: 0, waiting: 1, avgWaitSeconds: 0, avgServiceSeconds: 0, satisfaction: null },
      sections: [{ ...display.sections[0]!, longestWaitMinutes: 4 }],
      windows: [],
      recentCalls: [],
    };
    const q = managerReducers.queue(m, { seq: 2, sections: [{ id: 's1', waiting: 8, estimatedWaitMinutes: 30 }] });
    expect(q.sections[0]).to.include({ waiting: 8, estimatedWaitMinutes: 30, longestWaitMinutes: 4 });
    const u = managerReducers.update(q, { ...m, seq: 3, stats: { ...m.stats, served: 1, satisfaction: 1 } });
    expect(u.stats).to.include({ served: 1, satisfaction: 1 });
  });
});

describe('call dedupe for flashes and announcements (display-ui/calls.ts)', () => {
  const c1 = strip(call('t1', 'A001', 'w1', '2026-11-23T09:00:00+08:00'));
  const c2 = strip(call('t2', 'A002', 'w1', '2026-11-23T09:01:00+08:00'));
  const c3 = strip(call('t3', 'A003', 'w2', '2026-11-23T09:02:00+08:00'));

  it('treats the calls of the first snapshot as already shown', () => {
    const t = new CallTracker();
    expect(t.fromSnapshot([c2, c1])).to.deep.equal([]);
  });

  it('flashes a call event once, not again when a reconnect snapshot repeats it', () => {
    const t = new CallTracker();
    t.fromSnapshot([c1]);
    expect(t.fromEvent(c2)).to.equal(true);
    expect(t.fromEvent(c2)).to.equal(false);
    expect(t.fromSnapshot([c2, c1])).to.deep.equal([]);
  });

  it('reports calls missed while offline, newest first, from the reconnect snapshot', () => {
    const t = new CallTracker();
    t.fromSnapshot([c1]);
    expect(t.fromSnapshot([c3, c2, c1]).map((c) => c.ticket.id)).to.deep.equal(['t3', 't2']);
  });

  it('treats a recall of a shown ticket as a new call, even within the same second', () => {
    const t = new CallTracker();
    t.fromSnapshot([c1]);
    expect(t.fromEvent({ ...c1, recall: true })).to.equal(true);
    expect(t.fromEvent({ ...c1, at: '2026-11-23T09:05:00+08:00', recall: true })).to.equal(true);
  });

  it('reads out a missed call only while it is recent', () => {
    const at = Date.parse(c1.at);
    expect(worthAnnouncing(c1, at + 30_000)).to.equal(true);
    expect(worthAnnouncing(c1, at + 5 * 60_000)).to.equal(false);
  });
});

describe('announcement queue (display-ui/announcer.ts)', () => {
  const a = (text: string) => ({ text, tokens: [text] });

  it('keeps only the newest waiting announcements while no player is installed', () => {
    const q = new AnnouncementQueue({ maxPending: 2 });
    q.enqueue(a('1'));
    q.enqueue(a('2'));
    q.enqueue(a('3'));
    q.enqueue({ text: 'empty', tokens: [] });
    expect(q.pending.map((x) => x.text)).to.deep.equal(['2', '3']);
    expect(q.stats).to.include({ pending: 2, dropped: 1 });
  });

  it('plays announcements one at a time in order, each as often as configured', async () => {
    const q = new AnnouncementQueue({ repeat: 2 });
    const played: string[] = [];
    let playing = 0;
    let overlap = false;
    q.enqueue(a('A001'));
    q.enqueue(a('A002'));
    q.setPlayer(async (x) => {
      playing++;
      if (playing > 1) overlap = true;
      await new Promise((r) => setTimeout(r, 5));
      played.push(x.text);
      playing--;
    });
    q.enqueue(a('A003'));
    // Wait for the six plays rather than a fixed time: a loaded machine runs the 5 ms timers late.
    for (let waited = 0; played.length < 6 && waited < 5000; waited += 10) await new Promise((r) => setTimeout(r, 10));
    expect(played).to.deep.equal(['A001', 'A001', 'A002', 'A002', 'A003', 'A003']);
    expect(overlap).to.equal(false);
    expect(q.pending).to.have.length(0);
  });

  it('goes on with the next announcement when the player fails', async () => {
    const q = new AnnouncementQueue();
    const played: string[] = [];
    q.setPlayer(async (x) => {
      if (x.text === 'bad') throw new Error('clip missing');
      played.push(x.text);
    });
    q.enqueue(a('bad'));
    q.enqueue(a('good'));
    await new Promise((r) => setTimeout(r, 20));
    expect(played).to.deep.equal(['good']);
    expect(q.stats.failures).to.equal(1);
  });
});

describe('kiosk refusals (kiosk-ui/refusal.ts)', () => {
  it('gives every refusal code the kiosk knows its own hint and the right retry', () => {
    const cases: [string, MessageKey, 'card' | 'same' | null][] = [
      ['ID_REQUIRED', 'kiosk.error.hint.ID_REQUIRED', 'card'],
      ['NO_CARD_READ', 'kiosk.error.hint.NO_CARD_READ', 'card'],
      ['ID_LIMIT', 'kiosk.error.hint.ID_LIMIT', null],
      ['ID_LIMIT_SECTION', 'kiosk.error.hint.ID_LIMIT_SECTION', null],
      ['ID_LIMIT_DAY', 'kiosk.error.hint.ID_LIMIT_DAY', null],
      ['ID_LIMIT_WEEK', 'kiosk.error.hint.ID_LIMIT', null],
      ['CAPACITY_EXHAUSTED', 'kiosk.error.hint.CAPACITY_EXHAUSTED', null],
      ['SECTION_CLOSED', 'kiosk.error.hint.SECTION_CLOSED', null],
      ['VALIDATION_FAILED', 'kiosk.error.hint.VALIDATION_FAILED', null],
      ['NETWORK', 'kiosk.error.hint.NETWORK', 'same'],
      ['TIMEOUT', 'kiosk.error.hint.NETWORK', 'same'],
      ['SOMETHING_NEW', 'kiosk.error.hint.OTHER', null],
    ];
    for (const [code, hint, retry] of cases) expect(refusalFor(code), code).to.include({ code, hint, retry });
  });

  it('reads the numbers a card holder already holds from ID_LIMIT_SECTION, dropping anything that is no ticket number', () => {
    expect(refusalFor('ID_LIMIT_SECTION', { limit: 1, held: ['C012'] }).held).to.deep.equal(['C012']);
    expect(refusalFor('ID_LIMIT_SECTION', { held: ['C012', '<b>x</b>', 7, 'c1'] }).held).to.deep.equal(['C012']);
    expect(refusalFor('ID_LIMIT_SECTION', { held: 'C012' }).held).to.deep.equal([]);
    expect(refusalFor('ID_LIMIT_DAY', { held: ['C012'] }).held).to.deep.equal([]);
  });

  it('reads the booking offer of CAPACITY_EXHAUSTED and drops malformed slots', () => {
    const r = refusalFor('CAPACITY_EXHAUSTED', {
      suggestion: {
        date: '2026-11-24',
        slots: [
          { start: '09:00', end: '10:00', left: 12 },
          { start: '9am', end: '10:00', left: 3 },
          { start: '10:00', end: '11:00', left: 0 },
          { start: '11:00', end: '12:00', left: 2.7 },
          null,
        ],
      },
    });
    expect(r.offer).to.deep.equal({
      date: '2026-11-24',
      slots: [
        { start: '09:00', end: '10:00', left: 12 },
        { start: '11:00', end: '12:00', left: 2 },
      ],
    });
  });

  it('shows no offer when the suggestion is missing or not an offer', () => {
    expect(refusalFor('CAPACITY_EXHAUSTED').offer).to.equal(null);
    expect(bookingOffer({ date: 'tomorrow', slots: [] })).to.equal(null);
    expect(bookingOffer('2026-11-24')).to.equal(null);
    expect(refusalFor('SECTION_CLOSED', { suggestion: { date: '2026-11-24', slots: [] } }).offer).to.equal(null);
  });
});

describe('console actions (console-ui/actions.ts)', () => {
  const base: StaffSnapshot = { seq: 1, window: win('w1', 1), queue: [], sections: [], windows: [], maxRecalls: 2 };
  const current = (status: 'called' | 'serving') => ({
    id: 't1',
    number: 'A001',
    sectionId: 's1',
    priority: 'normal' as const,
    status,
    issuedAt: '2026-11-23T09:00:00+08:00',
    ahead: 0,
    estimatedWaitMinutes: 0,
    calls: 1,
  });
  const on = (s: StaffSnapshot | null) => [...enabledActions(s)].sort();

  it('offers call and pause at an idle open window', () => {
    expect(on(base)).to.deep.equal(['callNext', 'pause']);
  });

  it('offers recall, start, no-show and transfer for a called ticket, finish for one being served', () => {
    expect(on({ ...base, current: current('called') })).to.deep.equal(['callNext', 'noShow', 'pause', 'recall', 'start', 'transfer']);
    expect(on({ ...base, current: current('serving') })).to.deep.equal(['callNext', 'finish', 'pause', 'transfer']);
  });

  it('offers only resume (and finishing the one being served) while paused, nothing while closed', () => {
    expect(on({ ...base, window: win('w1', 1, { status: 'paused' }) })).to.deep.equal(['resume']);
    expect(on({ ...base, window: win('w1', 1, { status: 'paused' }), current: current('serving') })).to.deep.equal(['finish', 'resume']);
    expect(on({ ...base, window: win('w1', 1, { status: 'closed' }) })).to.deep.equal([]);
    expect(on(null)).to.deep.equal([]);
  });

  it('gives each action its own shortcut key, pause and resume sharing P', () => {
    const keys = ACTIONS.filter((a) => a.id !== 'resume').map((a) => a.key);
    expect(new Set(keys).size).to.equal(keys.length);
    expect(ACTIONS.find((a) => a.id === 'resume')?.key).to.equal('P');
  });
});

describe('formatting (ui-shared/format.ts)', () => {
  it('shows times as written by the server, in the hall time zone', () => {
    expect(hallTime('2026-11-23T09:05:07+08:00')).to.equal('09:05');
    expect(hallTime('2026-11-23T09:05:07+08:00', true)).to.equal('09:05:07');
    expect(hallTime(undefined)).to.equal('--:--');
    expect(hallTime('garbage')).to.equal('--:--');
  });

  it('formats durations as m:ss or h:mm:ss and never negative', () => {
    expect(duration(75_000)).to.equal('1:15');
    expect(duration(3_725_000)).to.equal('1:02:05');
    expect(duration(-5)).to.equal('0:00');
    expect(duration(NaN)).to.equal('0:00');
    expect(since('2026-11-23T09:00:00+08:00', Date.parse('2026-11-23T09:01:00+08:00'))).to.equal(60_000);
    expect(since(undefined, 5)).to.equal(0);
  });

  it('formats a share as a percentage with at most one decimal', () => {
    expect(percent(1)).to.equal('100%');
    expect(percent(0.956)).to.equal('95.6%');
    expect(percent(2 / 3)).to.equal('66.7%');
    expect(percent(0)).to.equal('0%');
  });

  it('masks anything shaped like an ID number in server text but keeps ticket numbers and short figures', () => {
    const id18 = '11010119900101123X';
    expect(looksLikeIdNumber(`申请人 ${id18}`)).to.equal(true);
    const masked = safeText(`申请人 ${id18} 电话 0571-8888 号码 A012`);
    expect(masked).to.not.contain(id18);
    expect(looksLikeIdNumber(masked)).to.equal(false);
    expect(masked).to.contain('0571-8888').and.contain('A012').and.contain('110***************');
    expect(safeText('330106800101001')).to.equal('330************');
    expect(safeText('张*三')).to.equal('张*三');
    expect(safeText(undefined)).to.equal('');
  });
});

describe('language catalogues (ui-shared/i18n)', () => {
  const keys = Object.keys(catalogues.zh) as MessageKey[];

  it('translates every Chinese message into English with the same placeholders', () => {
    expect(Object.keys(catalogues.en).sort()).to.deep.equal([...keys].sort());
    for (const k of keys) {
      expect(catalogues.en[k].trim(), k).to.not.equal('');
      expect(placeholdersOf(catalogues.en[k]), k).to.deep.equal(placeholdersOf(catalogues.zh[k]));
    }
  });

  it('writes the Chinese catalogue in Chinese (a few names and symbols aside)', () => {
    const notChinese = new Set<MessageKey>([
      'lang.toggle',
      'common.none',
      'kiosk.booking.slot',
      'kiosk.booking.day',
      'kiosk.waitingN',
      'display.waitingN',
      'console.done',
      'console.doneWindow',
    ]);
    for (const k of keys) {
      if (notChinese.has(k)) continue;
      expect(/[\u3400-\u9fff]/.test(catalogues.zh[k]), `${k}: ${catalogues.zh[k]}`).to.equal(true);
    }
  });

  it('fills placeholders, keeps unknown ones, and picks names by language', () => {
    expect(translate('zh', 'window.label', { n: 3 })).to.equal('3 号窗口');
    expect(translate('en', 'window.label', { n: 3 })).to.equal('Window 3');
    expect(translate('en', 'window.label')).to.equal('Window {n}');
    expect(pickName('en', '税务', 'Taxation')).to.equal('Taxation');
    expect(pickName('en', '税务')).to.equal('税务');
    expect(pickName('zh', '税务', 'Taxation')).to.equal('税务');
  });

  it('reads ?lang as English only when it says so', () => {
    expect(parseLang('en')).to.equal('en');
    expect(parseLang('EN-us')).to.equal('en');
    expect(parseLang('zh-CN')).to.equal('zh');
    expect(parseLang('fr')).to.equal('zh');
    expect(parseLang(null)).to.equal('zh');
  });

  it('explains known refusal codes in the reader language and falls back to the server message', () => {
    expect(errorText('zh', 'QUEUE_EMPTY')).to.equal('当前没有等候的号票');
    expect(errorText('en', 'QUEUE_EMPTY')).to.equal('Nobody is waiting');
    expect(errorText('zh', 'BRAND_NEW_CODE', '服务器说明')).to.equal('服务器说明');
    expect(errorText('zh', 'BRAND_NEW_CODE')).to.equal('BRAND_NEW_CODE');
    expect(isMessageKey('err.TICKET_OPEN')).to.equal(true);
    expect(isMessageKey('toString')).to.equal(false);
  });
});
