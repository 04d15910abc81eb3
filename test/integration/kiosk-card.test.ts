// The ID card at the kiosk beyond a plain ticket, through the real server and the simulated reader (real
// codec and driver): a booking made with the card, checked in the next morning with the same card; case
// progress by card from the central system and from the hall's own cases when the central system has
// nothing or cannot be reached. The full ID number never appears in an answer.

import { expect } from 'chai';
import { idCheckDigit } from '../../drivers/idcard/codec.js';
import { api, login, startTestHall, type TestHall } from '../support/hall.js';
import { SIM_CARD, swipeCard, until } from '../support/devices.js';

const OTHER_ID = (() => {
  const first17 = '44030519850312047';
  return first17 + idCheckDigit(first17);
})();

describe('the ID card at the kiosk: bookings, check-in and case progress', function () {
  this.timeout(60_000);
  let h: TestHall;
  // Monday 2026-11-23, 10:00 in the hall.
  let clock = Date.parse('2026-11-23T10:00:00+08:00');

  const swipe = (kioskId: string, card: Record<string, unknown> = SIM_CARD) => swipeCard(h, kioskId, card);

  before(async () => {
    h = await startTestHall({ now: () => clock, central: { mockStageSeconds: 3600 } });
    await until(async () => (await api(h.url, 'GET', '/api/v1/devices')).body.every((d: { status: string }) => d.status === 'online'), 'every device online');
  });
  after(async () => {
    await h.close();
  });

  it('books with the card at the kiosk, lists that booking for the same card, and checks it in on the day with it', async () => {
    await swipe('kiosk-1');
    const booked = await api(h.url, 'POST', '/api/v1/appointments', { body: { sectionId: 'tax', date: '2026-11-24', slotStart: '09:00', kioskId: 'kiosk-1', useCard: true } });
    expect(booked.status).to.equal(201);
    const code = booked.body.appointment.code as string;
    expect(booked.body.appointment).to.include({ nameMasked: '韩*梅', sectionId: 'tax' });
    expect(booked.body.appointment).to.not.have.property('idKey');
    expect(h.running.hall.state.appointments[code]!.idKey).to.be.a('string');
    // The read is used by the booking.
    const again = await api(h.url, 'POST', '/api/v1/appointments', { body: { sectionId: 'tax', date: '2026-11-25', slotStart: '09:00', kioskId: 'kiosk-1', useCard: true } });
    expect(again.status).to.equal(409);
    expect(again.body.error.code).to.equal('NO_CARD_READ');

    // Today the same card finds the booking for tomorrow (the kiosk says which day).
    await swipe('kiosk-1');
    const early = await api(h.url, 'GET', '/api/v1/kiosks/kiosk-1/card-appointments');
    expect(early.status).to.equal(200);
    expect(early.body).to.deep.include({ today: '2026-11-23', nameMasked: '韩*梅' });
    expect(early.body.appointments.map((a: { code: string }) => a.code)).to.deep.equal([code]);
    expect(JSON.stringify(early.body)).to.not.contain(SIM_CARD.idNumber).and.not.contain('idKey');
    // Another card finds nothing.
    await swipe('kiosk-1', { ...SIM_CARD, idNumber: OTHER_ID, name: '欧阳小明' });
    expect((await api(h.url, 'GET', '/api/v1/kiosks/kiosk-1/card-appointments')).body.appointments).to.deep.equal([]);

    // Next morning: swipe, find today's booking, take the appointment ticket with the same read.
    clock = Date.parse('2026-11-24T08:55:00+08:00');
    await swipe('kiosk-1');
    const mine = await api(h.url, 'GET', '/api/v1/kiosks/kiosk-1/card-appointments');
    expect(mine.body.today).to.equal('2026-11-24');
    const a = mine.body.appointments[0];
    expect(a).to.include({ code, date: '2026-11-24' });
    const t = await api(h.url, 'POST', '/api/v1/tickets', { body: { sectionId: a.sectionId, appointmentCode: a.code, kioskId: 'kiosk-1', useCard: true } });
    expect(t.status).to.equal(201);
    expect(h.running.hall.state.appointments[code]).to.include({ status: 'checked_in' });
    expect(h.running.hall.state.tickets.get(t.body.ticket.id)).to.include({ priority: 'appointment', appointmentCode: code });
    // Checked in: the card no longer lists it.
    await swipe('kiosk-1');
    expect((await api(h.url, 'GET', '/api/v1/kiosks/kiosk-1/card-appointments')).body.appointments).to.deep.equal([]);
  });

  it('refuses a card lookup without a fresh read, at an unknown kiosk, and a card booking without a kiosk', async () => {
    clock += 61_000;
    const none = await api(h.url, 'GET', '/api/v1/kiosks/kiosk-2/card-appointments');
    expect(none.status).to.equal(409);
    expect(none.body.error.code).to.equal('NO_CARD_READ');
    const unknown = await api(h.url, 'GET', '/api/v1/kiosks/nope/card-appointments');
    expect(unknown.status).to.equal(404);
    expect(unknown.body.error.code).to.equal('NOT_FOUND');
    for (const body of [
      { sectionId: 'tax', date: '2026-11-26', slotStart: '09:00', useCard: true },
      { sectionId: 'tax', date: '2026-11-26', slotStart: '09:00', kioskId: 'nope', useCard: true },
      { sectionId: 'tax', date: '2026-11-26', slotStart: '09:00', kioskId: 'kiosk-1', useCard: 'yes' },
    ]) {
      const r = await api(h.url, 'POST', '/api/v1/appointments', { body });
      expect(r.status, JSON.stringify(body)).to.equal(400);
      expect(r.body.error.code).to.equal('VALIDATION_FAILED');
    }
  });

  it('answers progress by card with the applicant’s cases, the hall’s own included, masked, and uses the read once', async () => {
    const clerk = await login(h.url, 'staff1', 'staff123', 'w1');
    const made = await api(h.url, 'POST', '/api/v1/cases', { token: clerk, body: { windowId: 'w1', serviceCode: 'A01', applicant: { name: SIM_CARD.name, idNumber: SIM_CARD.idNumber } } });
    expect(made.status).to.equal(201);
    const kase = made.body.case as { id: string; materials: { name: string }[] };
    await api(h.url, 'PUT', `/api/v1/cases/${kase.id}/materials`, { token: clerk, body: { materials: kase.materials.map((m) => ({ name: m.name, state: 'provided' })) } });
    const decided = await api(h.url, 'POST', `/api/v1/cases/${kase.id}/outcome`, { token: clerk, body: { outcome: 'accepted' } });
    expect(decided.status).to.equal(200);
    const receipt = decided.body.case.receiptNo as string;

    await swipe('kiosk-2');
    const r = await api(h.url, 'POST', '/api/v1/progress', { body: { useCard: true, kioskId: 'kiosk-2' } });
    expect(r.status).to.equal(200);
    expect(r.body.available).to.equal(true);
    const found = r.body.cases.find((c: { receiptNumber: string }) => c.receiptNumber === receipt);
    expect(found).to.include({ caseId: kase.id, status: 'accepted', applicantName: '韩*梅' });
    expect(JSON.stringify(r.body)).to.not.contain(SIM_CARD.idNumber).and.not.contain(SIM_CARD.name);
    // One read, one query.
    const twice = await api(h.url, 'POST', '/api/v1/progress', { body: { useCard: true, kioskId: 'kiosk-2' } });
    expect(twice.status).to.equal(409);
    expect(twice.body.error.code).to.equal('NO_CARD_READ');
    // Another applicant's card finds none of these.
    await swipe('kiosk-2', { ...SIM_CARD, idNumber: OTHER_ID, name: '欧阳小明' });
    const other = await api(h.url, 'POST', '/api/v1/progress', { body: { useCard: true, kioskId: 'kiosk-2' } });
    expect(other.body.cases.map((c: { caseId: string }) => c.caseId)).to.not.include(kase.id);
  });
});

describe('kiosk progress from the hall’s own cases while the central system is out of reach', function () {
  this.timeout(60_000);
  let h: TestHall;

  before(async () => {
    // Nothing listens on port 9 of the loopback: every central request fails at once.
    h = await startTestHall({ central: { url: 'http://127.0.0.1:9', retry: { baseSeconds: 60, maxSeconds: 60 } } });
    await until(async () => (await api(h.url, 'GET', '/api/v1/devices')).body.every((d: { status: string }) => d.status === 'online'), 'every device online');
  });
  after(async () => {
    await h.close();
  });

  it('answers by receipt and by card from the hall’s record, says the central system could not be asked, and still refuses unknown receipts', async () => {
    const clerk = await login(h.url, 'staff1', 'staff123', 'w1');
    const made = await api(h.url, 'POST', '/api/v1/cases', { token: clerk, body: { windowId: 'w1', serviceCode: 'A01', applicant: { name: SIM_CARD.name, idNumber: SIM_CARD.idNumber } } });
    const kase = made.body.case as { id: string; materials: { name: string }[] };
    await api(h.url, 'PUT', `/api/v1/cases/${kase.id}/materials`, { token: clerk, body: { materials: kase.materials.map((m) => ({ name: m.name, state: 'provided' })) } });
    const decided = await api(h.url, 'POST', `/api/v1/cases/${kase.id}/outcome`, { token: clerk, body: { outcome: 'accepted' } });
    expect(decided.status, JSON.stringify(decided.body)).to.equal(200);
    const receipt = decided.body.case.receiptNo as string;

    const byReceipt = await api(h.url, 'GET', `/api/v1/progress?receipt=${receipt}`);
    expect(byReceipt.status).to.equal(200);
    expect(byReceipt.body).to.deep.include({ available: true, source: 'hall' });
    expect(byReceipt.body.centralError.code).to.equal('CENTRAL_UNREACHABLE');
    expect(byReceipt.body.progress).to.include({ receiptNo: receipt, status: 'accepted', applicantName: '韩*梅' });
    expect(byReceipt.body.progress.steps.map((s: { status: string }) => s.status)).to.deep.equal(['received', 'accepted']);
    expect(byReceipt.body.progress.promisedDueDate).to.match(/^\d{4}-\d{2}-\d{2}$/);

    await swipeCard(h, 'kiosk-1');
    const byCard = await api(h.url, 'POST', '/api/v1/progress', { body: { useCard: true, kioskId: 'kiosk-1' } });
    expect(byCard.status).to.equal(200);
    expect(byCard.body).to.deep.include({ available: true, source: 'hall' });
    expect(byCard.body.cases.map((c: { receiptNumber: string }) => c.receiptNumber)).to.deep.equal([receipt]);
    expect(JSON.stringify(byCard.body)).to.not.contain(SIM_CARD.idNumber);

    const unknown = await api(h.url, 'GET', '/api/v1/progress?receipt=ZWFW-2026-999999');
    expect(unknown.body).to.deep.include({ available: false });
    expect(unknown.body.error.code).to.equal('CENTRAL_UNREACHABLE');
  });
});
