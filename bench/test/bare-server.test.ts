import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io as connect, type Socket } from 'socket.io-client';
import { startBare, type BareServer } from '../bare-server.js';
import type { CallPayload } from '../../server/realtime/contract.js';

describe('bare baseline server', () => {
  let dir: string;
  let bare: BareServer;
  let base: string;
  const clients: Socket[] = [];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bare-test-'));
    bare = await startBare({ dataFile: join(dir, 'tickets.jsonl') });
    base = `http://127.0.0.1:${bare.port}`;
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) c.disconnect();
    await bare.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = (path: string, body: string) => fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  it('answers 201 to a ticket only after appending its JSON line to the data file', async () => {
    const r1 = await post('/tickets', JSON.stringify({ sectionId: 'company' }));
    const r2 = await post('/tickets', JSON.stringify({ sectionId: 'tax' }));
    expect(r1.status).to.equal(201);
    expect(r2.status).to.equal(201);
    const b2 = (await r2.json()) as { ticket: { id: string; sectionId: string } };
    expect(b2.ticket.sectionId).to.equal('tax');
    const lines = readFileSync(join(dir, 'tickets.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; sectionId: string });
    expect(lines.map((l) => l.sectionId)).to.deep.equal(['company', 'tax']);
    expect(lines[1]!.id).to.equal(b2.ticket.id);
  });

  it('refuses malformed bodies with a structured 400 and keeps serving', async () => {
    const bad = await post('/tickets', '{not json');
    expect(bad.status).to.equal(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).to.equal('VALIDATION_FAILED');
    const missing = await post('/tickets', JSON.stringify({ sectionId: 42 }));
    expect(missing.status).to.equal(400);
    const array = await post('/broadcast', '[1,2]');
    expect(array.status).to.equal(400);
    expect((await post('/tickets', JSON.stringify({ sectionId: 'company' }))).status).to.equal(201);
  });

  it('answers 404 with an error body for an unknown route', async () => {
    const r = await fetch(base + '/nowhere');
    expect(r.status).to.equal(404);
    expect(((await r.json()) as { error: { code: string } }).error.code).to.equal('NOT_FOUND');
  });

  it('emits a call shaped like the hall\'s to every display client on POST /broadcast, with rising seq', async () => {
    const received: CallPayload[][] = [[], []];
    await Promise.all(
      [0, 1].map(
        (i) =>
          new Promise<void>((res) => {
            const c = connect(`${base}/display`, { transports: ['websocket'], forceNew: true, reconnection: false });
            clients.push(c);
            c.on('call', (p: CallPayload) => received[i]!.push(p));
            c.once('snapshot', () => res());
          }),
      ),
    );
    expect((await post('/broadcast', JSON.stringify({ id: 'k1', number: 'B007' }))).status).to.equal(200);
    expect((await post('/broadcast', JSON.stringify({ id: 'k2', number: 'B008' }))).status).to.equal(200);
    const deadline = Date.now() + 5000;
    while (received.some((r) => r.length < 2) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    for (const r of received) {
      expect(r.map((p) => p.ticket.id)).to.deep.equal(['k1', 'k2']);
      expect(r[1]!.seq).to.equal(r[0]!.seq + 1);
      expect(r[0]!.ticket.number).to.equal('B007');
      expect(r[0]!.announcement.text).to.contain('B007');
      expect(r[0]!.window).to.have.keys(['id', 'number', 'name']);
      expect(r[0]!.recall).to.equal(false);
      expect(Number.isNaN(Date.parse(r[0]!.at))).to.equal(false);
    }
  });
});
