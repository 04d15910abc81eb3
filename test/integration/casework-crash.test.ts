// The "done when", through the real server process with its simulated window devices: with the
// central system down, a clerk captures cases end to end (card on the window's reader, pages from the
// window's document scanner, outcome, receipt printed on the window's printer); the hall is killed with -9
// and restarted while central is still down; central comes back; every acknowledged case arrives at central
// exactly once, with its documents, the scanned pages bound into its materials PDF.

import { expect } from 'chai';
import { idCheckDigit } from '../../drivers/idcard/codec.js';
import type { CasePush } from '../../server/central/contract.js';
import { api, freePort, login } from '../support/hall.js';
import { centralRig, spawnHallWithCentral, until } from '../support/central.js';

const HALL = 'ZWFW-DEMO-001';

function card(serial: number) {
  const first17 = `32010219900101${String(serial).padStart(3, '0')}`;
  return { name: '司马光明', sex: '男', nation: '汉', birthDate: '1990-01-01', address: '示范市示范路9号', idNumber: first17 + idCheckDigit(first17), issuer: '示范市公安局', validFrom: '2020-01-01', validTo: '长期' };
}

describe('cases captured at a window reach central exactly once across an outage and kill -9 (integration)', function () {
  this.timeout(150_000);
  const rig = centralRig('casework');

  it('captures with card, scan, outcome and printed receipt while central is down; after kill -9 and a restart each case is recorded once', async () => {
    const { central: c, dataDir, configDir } = rig;
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const spawn = () => spawnHallWithCentral(dataDir, configDir, port, c.url);
    c.mock.setFaults({ down: true });
    let child = await spawn();
    try {
      const windowId = 'w1';
      let token = await login(base, 'staff1', 'staff123', windowId);
      const acked = new Map<string, { receiptNo: string; pages: number }>();
      const capture = async (serial: number, outcome: 'done' | 'accepted', serviceCode: string) => {
        const swiped = await api(base, 'POST', `/api/v1/sim/devices/${windowId}-idcard/input`, { body: { card: card(serial) } });
        expect(swiped.status, JSON.stringify(swiped.body)).to.equal(200);
        let made = await api(base, 'POST', '/api/v1/cases', { token, body: { windowId, serviceCode, useCard: true } });
        // The simulated reader answers within a poll or two.
        for (let i = 0; i < 40 && made.status === 409; i++) {
          await new Promise((r) => setTimeout(r, 100));
          made = await api(base, 'POST', '/api/v1/cases', { token, body: { windowId, serviceCode, useCard: true } });
        }
        expect(made.status, JSON.stringify(made.body)).to.equal(201);
        const kase = made.body.case as { id: string; materials: { name: string }[]; applicant: { source: string } };
        expect(kase.applicant.source).to.equal('card');
        await api(base, 'PUT', `/api/v1/cases/${kase.id}/materials`, { token, body: { materials: kase.materials.map((m) => ({ name: m.name, state: 'provided' })) } });
        const scanned = await api(base, 'POST', `/api/v1/cases/${kase.id}/scan`, { token, body: {} });
        expect(scanned.status, JSON.stringify(scanned.body)).to.equal(201);
        expect(scanned.body.scanned).to.equal(2);
        const decided = await api(base, 'POST', `/api/v1/cases/${kase.id}/outcome`, { token, body: { outcome } });
        expect(decided.status, JSON.stringify(decided.body)).to.equal(200);
        expect(decided.body.print).to.deep.equal({ printed: true });
        acked.set(kase.id, { receiptNo: decided.body.case.receiptNo, pages: scanned.body.case.pages.length });
      };
      await capture(1, 'done', 'B01');
      await capture(2, 'accepted', 'A01');
      // The hall saw the outage and holds both cases.
      const admin = await login(base, 'admin', 'admin123');
      await until(async () => (await api(base, 'GET', '/api/v1/central/status', { token: admin })).body.outbox?.lastError?.code === 'CENTRAL_UNREACHABLE', 20_000, 'outage seen');
      expect((await api(base, 'GET', '/api/v1/central/status', { token: admin })).body.outbox.byKind.case).to.equal(2);

      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
      child = await spawn();
      token = await login(base, 'staff1', 'staff123', windowId);
      await capture(3, 'accepted', 'A02');
      // Answers are lost on the way back once central is up again: the hall delivers those again.
      c.mock.setFaults({ down: false, duplicates: 2 });
      await until(() => acked.size === 3 && [...acked.keys()].every((id) => c.mock.received('case').some((r) => r.id === id)), 60_000, 'cases at central');
      const owed = async () => (await api(base, 'GET', '/api/v1/central/status', { token: await login(base, 'admin', 'admin123') })).body.outbox.backlog;
      await until(async () => (await owed()) === 0, 30_000, 'outbox drained');

      const received = c.mock.received('case');
      for (const [id, a] of acked) {
        const got = received.filter((r) => r.id === id);
        expect(got, id).to.have.length(1);
        const body = c.mock.body(HALL, got[0]!.idempotencyKey) as Omit<CasePush, 'applicant'> & { applicant: { nameMasked: string } };
        expect(body.receiptNo).to.equal(a.receiptNo);
        expect(body.applicant.nameMasked).to.equal('司**明');
        expect(body.documents.map((d) => d.type).sort()).to.include('materials');
        expect(a.pages).to.equal(2);
      }
      expect(c.mock.deliveries, 'some deliveries were repeats').to.be.greaterThan(received.length);
      expect(c.mock.contractViolations).to.deep.equal([]);
      // Receipt numbers stayed unique across the kill.
      const numbers = [...acked.values()].map((a) => a.receiptNo);
      expect(new Set(numbers).size).to.equal(numbers.length);
    } finally {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGKILL');
        await exited;
      }
    }
  });
});
