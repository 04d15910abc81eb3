// The manager's setup forms on the real server: windows, sections and services (with their full guides)
// added, changed and removed live through their own routes, each checked as config/ is, journaled, audited
// and kept across a restart; removals refused while something depends on the item; per-field issues.

import { expect } from 'chai';
import { localInstant } from '../../server/hall/index.js';
import { api, login, startTestHall, tempDir, type TestHall } from '../support/hall.js';

const DAY = '2026-11-23'; // a Monday
const CAL = { utcOffsetMinutes: 480, holidays: [], workdays: [] };

const guide = (code: string, name: string) => ({
  code,
  name,
  kind: 'promised',
  legalLimitDays: 20,
  promisedLimitDays: 10,
  summary: `${name}：一次办好`,
  basis: ['《城市道路管理条例》第三十条'],
  conditions: ['申请人为施工单位', '已取得施工许可'],
  materials: [
    { name: '占道施工申请表', copies: 1, required: true },
    { name: '施工方案', copies: 2, required: true, note: '加盖公章' },
  ],
  procedure: ['窗口受理', '现场踏勘', '审批', '发证'],
  fees: '不收费',
  contact: '0571-87000000',
});

const section = (over: Record<string, unknown> = {}) => ({
  id: 'roads',
  prefix: 'H',
  name: '市政道路',
  nameEn: 'Roads',
  dailyCapacity: 80,
  requireIdCard: false,
  defaultServiceMinutes: 12,
  targetWaitMinutes: 20,
  appointmentSlots: [{ start: '09:00', end: '10:00', capacity: 4 }],
  windowIds: ['w13'],
  service: guide('H01', '占道施工许可'),
  ...over,
});

describe('manager setup forms: windows, sections and services live', () => {
  let h: TestHall;
  let admin: string;
  let now: number;
  let dataDir: string;

  beforeEach(async () => {
    now = localInstant(DAY, '08:30', CAL);
    dataDir = await tempDir();
    h = await startTestHall({ now: () => now, dataDir });
    admin = await login(h.url, 'admin', 'admin123');
  });
  afterEach(async () => {
    await h?.close();
  });

  const as = (method: string, path: string, body?: unknown) => api(h.url, method, `/api/v1/manager${path}`, { token: admin, ...(body !== undefined ? { body } : {}) });
  const audit = async () => ((await as('GET', '/audit')).body as { action: string; detail: string }[]).map((e) => e.detail);

  it('adds a window, a section served there with its first service, and a second service, each live and kept across a restart', async () => {
    const w = await as('POST', '/windows', { id: 'w13', number: 13, name: '13号窗口', sectionIds: ['tax'], policy: 'fifo' });
    expect(w.status, JSON.stringify(w.body)).to.equal(201);
    expect((await api(h.url, 'GET', '/api/v1/windows')).body.map((x: { id: string }) => x.id)).to.include('w13');

    const s = await as('POST', '/sections', section());
    expect(s.status, JSON.stringify(s.body)).to.equal(201);
    expect(s.body.windows.find((x: { id: string }) => x.id === 'w13').sectionIds).to.deep.equal(['tax', 'roads']);
    const pub = (await api(h.url, 'GET', '/api/v1/sections')).body.find((x: { id: string }) => x.id === 'roads');
    expect(pub).to.include({ prefix: 'H', name: '市政道路', open: true });

    const v = await as('POST', '/services', { sectionId: 'roads', ...guide('H02', '挖掘城市道路许可') });
    expect(v.status, JSON.stringify(v.body)).to.equal(201);
    const listed = (await api(h.url, 'GET', '/api/v1/sections/roads/services')).body.map((x: { code: string }) => x.code);
    expect(listed).to.deep.equal(['H01', 'H02']);
    const g = (await api(h.url, 'GET', '/api/v1/services/H02')).body;
    expect(g.materials).to.deep.equal(guide('H02', '').materials);
    expect(g.procedure).to.deep.equal(['窗口受理', '现场踏勘', '审批', '发证']);

    // A ticket for the new service, called at the new window by a clerk signed in there.
    const t = (await api(h.url, 'POST', '/api/v1/tickets', { body: { sectionId: 'roads', serviceCode: 'H02' } })).body.ticket;
    expect(t.number).to.equal('H001');
    const clerk = await login(h.url, 'staff3', 'staff123', 'w13');
    expect((await api(h.url, 'POST', '/api/v1/windows/w13/call-next', { token: clerk })).body.ticket.number).to.equal('H001');

    // Edits: the guide's materials and name in English; the window's name and policy; the section's slots.
    const e1 = await as('PATCH', '/services/H02', { materials: [{ name: '道路挖掘申请表', copies: 1, required: true }], nameEn: 'Road digging permit' });
    expect(e1.status, JSON.stringify(e1.body)).to.equal(200);
    expect((await api(h.url, 'GET', '/api/v1/services/H02')).body.materials).to.deep.equal([{ name: '道路挖掘申请表', copies: 1, required: true }]);
    expect((await as('PATCH', '/windows/w13', { name: '市政综合窗口', policy: 'strict' })).status).to.equal(200);
    expect((await as('PATCH', '/sections/roads', { appointmentSlots: [{ start: '14:00', end: '15:00', capacity: 2 }], nameEn: null })).status).to.equal(200);

    const details = await audit();
    expect(details.slice(0, 6)).to.deep.equal([
      'section roads: appointmentSlots, nameEn=null',
      'window w13: name=市政综合窗口, policy=strict',
      'service H02: materials, nameEn',
      'service H02 added to roads: 挖掘城市道路许可',
      'section roads added (H 市政道路, windows w13, service H01)',
      'window w13 added: number=13, name=13号窗口, sectionIds=tax, policy=fifo',
    ]);

    await h.close({ keepData: true });
    h = await startTestHall({ now: () => now, dataDir });
    admin = await login(h.url, 'admin', 'admin123');
    const setup = (await as('GET', '/setup')).body;
    const roads = setup.sections.find((x: { id: string }) => x.id === 'roads');
    expect(roads.services.map((x: { code: string }) => x.code)).to.deep.equal(['H01', 'H02']);
    expect(roads.nameEn).to.equal(undefined);
    expect(roads.appointmentSlots).to.deep.equal([{ start: '14:00', end: '15:00', capacity: 2 }]);
    expect(setup.windows.find((x: { id: string }) => x.id === 'w13')).to.include({ name: '市政综合窗口', policy: 'strict' });
  });

  it('answers a wrong form with issues named by the form’s own fields', async () => {
    const issues = (r: { body: { error: { details?: { issues?: { path: string }[] } } } }) => (r.body.error.details?.issues ?? []).map((i) => i.path);
    // Shape (the edge) and rules across fields (the setup check) both name the field.
    const late = await as('POST', '/services', { sectionId: 'tax', ...guide('E09', '测试'), promisedLimitDays: 30 });
    expect(late.status).to.equal(400);
    expect(issues(late)).to.deep.equal(['promisedLimitDays']);
    const noMaterial = await as('POST', '/services', { sectionId: 'tax', ...guide('E09', '测试'), materials: [{ name: '', copies: 0, required: true }] });
    expect(issues(noMaterial)).to.have.members(['materials.0.name', 'materials.0.copies']);
    const twice = await as('POST', '/services', { sectionId: 'tax', ...guide('B01', '测试') });
    expect(issues(twice)).to.deep.equal(['code']);
    const sameNumber = await as('POST', '/windows', { id: 'w13', number: 12, name: 'x', sectionIds: ['tax'], policy: 'fifo' });
    expect(issues(sameNumber)).to.deep.equal(['number']);
    const weightElsewhere = await as('PATCH', '/windows/w1', { policy: 'weighted', weights: { housing: 2 } });
    expect(weightElsewhere.status).to.equal(200); // a weight for a section the window does not serve is dropped
    expect(weightElsewhere.body.windows.find((x: { id: string }) => x.id === 'w1').weights).to.equal(undefined);
    const prefix = await as('PATCH', '/sections/tax', { prefix: 'A' });
    expect(issues(prefix)).to.deep.equal(['prefix']);
    const slots = await as('PATCH', '/sections/tax', { appointmentSlots: [{ start: '10:00', end: '09:00', capacity: 1 }] });
    expect(issues(slots)).to.deep.equal(['appointmentSlots.0.end']);
    const firstService = await as('POST', '/sections', section({ windowIds: ['w10'], service: guide('A01', 'x') }));
    expect(issues(firstService)).to.deep.equal(['services.0.code']);
    const unknownWindow = await as('POST', '/sections', section({ windowIds: ['w99'] }));
    expect(issues(unknownWindow)).to.deep.equal(['windowIds.0']);
    const calendar = await as('PUT', '/calendar', { holidays: [], workdays: ['2026-11-25'] });
    expect(issues(calendar)).to.deep.equal(['workdays.0']);
    expect((await as('POST', '/windows', { id: 'w1', number: 40, name: 'x', sectionIds: ['tax'], policy: 'fifo' })).body.error).to.include({ code: 'SETUP_CONFLICT' });
    expect((await as('PATCH', '/services/NOPE', { fees: 'x' })).status).to.equal(404);
    expect((await as('DELETE', '/windows/w99')).status).to.equal(404);
    // Nothing of that reached the setup.
    expect((await as('GET', '/setup')).body.windows).to.have.length(12);
  });

  it('refuses to remove what live tickets, bookings, a signed-in clerk, devices or a lone window depend on, and removes it once free', async () => {
    const reason = (r: { status: number; body: { error: { code: string; details?: { reason?: string } } } }) => [r.status, r.body.error.code, r.body.error.details?.reason];
    await as('POST', '/windows', { id: 'w13', number: 13, name: '13号窗口', sectionIds: ['tax'], policy: 'fifo' });
    await as('POST', '/sections', section());
    await as('POST', '/services', { sectionId: 'roads', ...guide('H02', '挖掘城市道路许可') });

    expect(reason(await as('DELETE', '/windows/w12'))).to.deep.equal([409, 'SETUP_CONFLICT', 'windowDevices']);
    const t = (await api(h.url, 'POST', '/api/v1/tickets', { body: { sectionId: 'roads', serviceCode: 'H02' } })).body.ticket;
    expect(reason(await as('DELETE', '/services/H02'))).to.deep.equal([409, 'SETUP_CONFLICT', 'serviceLiveTickets']);
    expect(reason(await as('DELETE', '/windows/w13'))).to.deep.equal([409, 'SETUP_CONFLICT', 'lastWindow']);
    await as('PATCH', '/windows/w10', { sectionIds: ['tax', 'roads'] });
    const clerk = await login(h.url, 'staff3', 'staff123', 'w13');
    expect(reason(await as('DELETE', '/windows/w13'))).to.deep.equal([409, 'SETUP_CONFLICT', 'windowSignedIn']);
    expect(reason(await as('DELETE', '/sections/roads'))).to.deep.equal([409, 'SETUP_CONFLICT', 'sectionLiveTickets']);

    // The ticket is served; tomorrow's booking still holds the section.
    await api(h.url, 'POST', '/api/v1/windows/w13/call-next', { token: clerk });
    await api(h.url, 'POST', '/api/v1/windows/w13/finish', { token: clerk });
    await api(h.url, 'POST', '/api/v1/auth/logout', { token: clerk });
    const booking = await api(h.url, 'POST', '/api/v1/appointments', { body: { sectionId: 'roads', date: '2026-11-24', slotStart: '09:00' } });
    expect(booking.status, JSON.stringify(booking.body)).to.equal(201);
    expect(reason(await as('DELETE', '/sections/roads'))).to.deep.equal([409, 'SETUP_CONFLICT', 'sectionBookings']);
    const cancel = await api(h.url, 'DELETE', `/api/v1/appointments/${booking.body.appointment.code}`);
    expect(cancel.status, JSON.stringify(cancel.body)).to.equal(200);

    expect((await as('DELETE', '/services/H02')).status).to.equal(200);
    expect(reason(await as('DELETE', '/services/H01'))).to.deep.equal([409, 'SETUP_CONFLICT', 'lastService']);
    expect(reason(await as('DELETE', '/sections/company'))).to.deep.equal([409, 'SETUP_CONFLICT', 'onlySection']); // w3 serves company alone
    expect((await as('DELETE', '/windows/w13')).status).to.equal(200);
    const gone = await as('DELETE', '/sections/roads');
    expect(gone.status, JSON.stringify(gone.body)).to.equal(200);
    expect(gone.body.sections.map((x: { id: string }) => x.id)).to.not.include('roads');
    expect(gone.body.windows.find((x: { id: string }) => x.id === 'w10').sectionIds).to.deep.equal(['tax']);
    // The prefix numbered today's H001: another section may not take it today.
    const again = await as('POST', '/sections', section({ id: 'roads2', windowIds: ['w10'], service: guide('H09', '占道') }));
    expect(reason(again)).to.deep.equal([409, 'SETUP_CONFLICT', 'prefixUsedToday']);
    expect((await audit()).slice(0, 3)).to.deep.equal(['section roads removed', 'window w13 removed', 'service H02 removed from roads']);
    expect(t.number).to.equal('H001');
  });

  it('changes the queue rules and the ticketing hours live: refused per field with the kind of problem, in force for the next command, audited', async () => {
    const rules = (await as('GET', '/setup')).body.rules;
    const tooMany = await as('PUT', '/rules', { ...rules, maxTicketsPerDayPerId: 99 });
    expect(tooMany.status).to.equal(400);
    expect(tooMany.body.error.details.issues).to.deep.equal([
      { path: 'maxTicketsPerDayPerId', message: tooMany.body.error.details.issues[0].message, code: 'too_big.number', params: { maximum: 50 } },
    ]);
    const missing = await as('PUT', '/rules', { ...rules, maxRecalls: undefined });
    expect(missing.body.error.details.issues[0]).to.include({ path: 'maxRecalls', code: 'required' });

    // No recall allowed: the clerk's recall is refused at once under the new rule.
    expect((await as('PUT', '/rules', { ...rules, maxRecalls: 0 })).status).to.equal(200);
    const clerk = await login(h.url, 'staff1', 'staff123', 'w1');
    expect((await api(h.url, 'POST', '/api/v1/tickets', { body: { sectionId: 'company' } })).status).to.equal(201);
    expect((await api(h.url, 'POST', '/api/v1/windows/w1/call-next', { token: clerk })).status).to.equal(200);
    const refused = await api(h.url, 'POST', '/api/v1/windows/w1/recall', { token: clerk });
    expect([refused.status, refused.body.error.code]).to.deep.equal([409, 'RECALL_LIMIT']);
    expect((await as('PUT', '/rules', { ...rules, maxRecalls: 2 })).status).to.equal(200);
    expect((await api(h.url, 'POST', '/api/v1/windows/w1/recall', { token: clerk })).status).to.equal(200);

    // Hours: closing before opening is refused at the closing field; 09:00–17:00 closes ticketing at 08:30.
    const backwards = await as('PUT', '/ticketing-hours', { hours: { open: '09:00', close: '08:00' } });
    expect(backwards.status).to.equal(400);
    const closeIssue = backwards.body.error.details.issues.find((i: { path: string }) => i.path === 'hours.close');
    expect(closeIssue).to.deep.include({ code: 'close_after_open', params: { open: '09:00' } });
    const badTime = await as('PUT', '/ticketing-hours', { hours: { open: '9点', close: '17:00' } });
    expect(badTime.body.error.details.issues[0]).to.include({ path: 'hours.open', code: 'invalid_format' });
    expect((await as('PUT', '/ticketing-hours', { hours: { open: '09:00', close: '17:00' } })).status).to.equal(200);
    const closed = await api(h.url, 'POST', '/api/v1/tickets', { body: { sectionId: 'company' } });
    expect([closed.status, closed.body.error.code]).to.deep.equal([409, 'SECTION_CLOSED']);
    expect((await as('PUT', '/ticketing-hours', { hours: null })).status).to.equal(200);
    expect((await api(h.url, 'POST', '/api/v1/tickets', { body: { sectionId: 'company' } })).status).to.equal(201);

    const log = await audit();
    expect(log).to.include('rules: maxRecalls 2 → 0');
    expect(log).to.include('rules: maxRecalls 0 → 2');
    expect(log).to.include('ticketing hours 09:00–17:00');
    expect(log).to.include('ticketing hours: any time');
  });

  it("edits a staff member's name and staff number; a staff number held by another account is refused on that field", async () => {
    const ok = await as('PATCH', '/accounts/staff3', { name: '王晓燕', staffNo: 'GZ0199' });
    expect(ok.status, JSON.stringify(ok.body)).to.equal(200);
    expect(ok.body).to.include({ name: '王晓燕', staffNo: 'GZ0199' });
    const taken = await as('PATCH', '/accounts/staff4', { staffNo: 'GZ0199' });
    expect(taken.status).to.equal(400);
    expect(taken.body.error.details.issues.map((i: { path: string }) => i.path)).to.deep.equal(['staffNo']);
    const created = await as('POST', '/accounts', { username: 'staff13', password: 'longenough1', role: 'clerk', name: '赵一', staffNo: 'GZ0199' });
    expect(created.status).to.equal(400);
    expect((await audit())[0]).to.equal('staff3: name=王晓燕, staffNo=GZ0199');
  });
});
