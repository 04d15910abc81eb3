// The ticket QR's address: under the hall's configured public address (phones outside the hall's network
// reach it there), the short /t/<ticket> form redirecting to the progress page, and bad addresses refused
// with the structured error.

import { expect } from 'chai';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configDir, loadConfig } from '../../config/schema.js';
import { ticketQrUrl } from '../../server/http/ticket-page.js';
import { readEscPos } from '../unit/drivers/escpos-reader.js';
import { api, startTestHall, type TestHall } from '../support/hall.js';

function configWithPublicUrl(publicUrl: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'hall-publicurl-'));
  cpSync(configDir, dir, { recursive: true, filter: (src) => !src.endsWith('.ts') });
  const file = join(dir, 'hall.json');
  const cfg = JSON.parse(readFileSync(file, 'utf8'));
  cfg.hall.publicUrl = publicUrl;
  writeFileSync(file, JSON.stringify(cfg, null, 2));
  return dir;
}

describe('ticket QR address and the /t/<ticket> redirect', () => {
  let dir: string;
  let h: TestHall;
  before(async () => {
    dir = configWithPublicUrl('https://zwfw.example.gov.cn/hall/');
    h = await startTestHall({ configDir: dir });
  });
  after(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints the QR under the configured public address, pointing at the page', async () => {
    const r = await api(h.url, 'POST', '/api/v1/tickets', { body: { sectionId: 'tax', kioskId: 'kiosk-2' } });
    expect(r.status).to.equal(201);
    expect(r.body.ticket.printed).to.equal(true);
    const { jobs } = (await api(h.url, 'GET', '/api/v1/sim/devices/kiosk-2-printer/output')).body;
    const qr = readEscPos(Buffer.from(jobs.at(-1).bytes, 'base64')).find((e) => e.type === 'qr');
    expect(qr).to.deep.include({ data: `https://zwfw.example.gov.cn/hall/t/${r.body.ticket.id}` });
  });

  it('redirects /t/<ticket> to the progress page and keeps ?lang=en', async () => {
    const res = await fetch(`${h.url}/t/20261123-A012`, { redirect: 'manual' });
    expect(res.status).to.equal(302);
    expect(res.headers.get('location')).to.equal('/ticket/?id=20261123-A012');
    const en = await fetch(`${h.url}/t/20261123-A012?lang=en`, { redirect: 'manual' });
    expect(en.headers.get('location')).to.equal('/ticket/?id=20261123-A012&lang=en');
  });

  it('refuses an address that is no ticket id with a structured 404', async () => {
    for (const bad of ['abc', '20261123-a012', '2026-11-23-A012', `20261123-A${'9'.repeat(20)}`, '%3Cscript%3E']) {
      const r = await api(h.url, 'GET', `/t/${bad}`);
      expect(r.status, bad).to.equal(404);
      expect(r.body.error.code).to.equal('UNKNOWN_TICKET');
    }
  });

  it('refuses a public address that is not http(s), naming the file and field', () => {
    const bad = configWithPublicUrl('ftp://example.org');
    try {
      expect(() => loadConfig(bad)).to.throw(/hall\.json.*publicUrl/s);
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  });

  it('falls back to the address the kiosk used when no public address is set', () => {
    expect(ticketQrUrl('20261123-B001', undefined, 'http://192.168.1.10:8080')).to.equal('http://192.168.1.10:8080/t/20261123-B001');
    expect(ticketQrUrl('20261123-B001', 'https://zwfw.example.gov.cn/', 'http://192.168.1.10:8080')).to.equal('https://zwfw.example.gov.cn/t/20261123-B001');
  });
});
