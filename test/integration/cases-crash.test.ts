// kill -9 while clerks close cases: every acknowledged case is there after the restart with its receipt
// number and documents, and no acknowledged receipt number is ever given again.

import { expect } from 'chai';
import { rm } from 'node:fs/promises';
import { idCheckDigit } from '../../drivers/idcard/codec.js';
import { api, freePort, login, spawnHallProcess, tempDir } from '../support/hall.js';

const ID = '11010519791231002' + idCheckDigit('11010519791231002');

const spawnHall = (dataDir: string, port: number) => spawnHallProcess(dataDir, port);

describe('case durability of the real server process', function () {
  this.timeout(180_000);

  it('keeps every acknowledged case and receipt number across kill -9 while cases are being closed', async () => {
    const dataDir = await tempDir('hall-cases-crash-');
    const port = await freePort();
    const base = `http://127.0.0.1:${port}/api/v1`;
    let child = await spawnHall(dataDir, port);
    try {
      const token = await login(`http://127.0.0.1:${port}`, 'staff1', 'staff123', 'w1');
      const acked = new Map<string, string>();
      let stop = false;
      const closeOne = async (tok: string): Promise<void> => {
        const c = await api(base, 'POST', '/cases', { token: tok, body: { windowId: 'w1', serviceCode: 'B02', applicant: { name: '李四', idNumber: ID } } });
        if (c.status !== 201) return;
        const id = c.body.case.id as string;
        await api(base, 'PUT', `/cases/${id}/materials`, { token: tok, body: { materials: c.body.case.materials.map((m: { name: string }) => ({ name: m.name, state: 'provided' })) } });
        const d = await api(base, 'POST', `/cases/${id}/outcome`, { token: tok, body: { outcome: 'done' } });
        if (d.status === 200) acked.set(id, d.body.case.receiptNo);
      };
      const clients = Array.from({ length: 3 }, async () => {
        while (!stop) {
          try {
            await closeOne(token);
          } catch {
            return; // the process died under this request
          }
        }
      });
      while (acked.size < 2) await new Promise((r) => setTimeout(r, 20));
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      stop = true;
      await Promise.all(clients);
      await exited;

      child = await spawnHall(dataDir, port);
      const tok = await login(`http://127.0.0.1:${port}`, 'staff1', 'staff123', 'w1');
      for (const [id, receiptNo] of acked) {
        const r = await api(base, 'GET', `/cases/${id}`, { token: tok });
        expect(r.status, id).to.equal(200);
        expect(r.body.case).to.include({ status: 'closed', receiptNo });
        const pdf = await fetch(`${base}/cases/${id}/documents/done.pdf`, { headers: { authorization: `Bearer ${tok}` } });
        expect(pdf.status).to.equal(200);
      }
      const numbers = [...acked.values()];
      expect(new Set(numbers).size).to.equal(numbers.length);
      await closeOne(tok);
      const fresh = [...acked.values()].length;
      expect(fresh).to.equal(numbers.length + 1);
      const last = [...acked.values()].at(-1)!;
      expect(numbers).not.to.include(last);
      process.stdout.write(`      (${numbers.length} cases acknowledged before kill -9, all present after restart)\n`);
    } finally {
      child.kill('SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
