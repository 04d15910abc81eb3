import { expect } from 'chai';
import sharp from 'sharp';
import { io, type Socket } from 'socket.io-client';
import { api, login, startTestHall, type TestHall } from '../support/hall.js';
import { until } from '../support/poll.js';
import { claimedPng, exifJpeg } from '../support/images.js';

type Logged = Socket & { log: [string, any][] };

function padSocket(url: string, windowId: string): Logged {
  const s = io(`${url}/pad`, { auth: { windowId }, transports: ['websocket'], reconnection: false, forceNew: true }) as Logged;
  s.log = [];
  s.onAny((name, payload) => s.log.push([name, payload]));
  return s;
}

async function put(h: TestHall, username: string, body: Buffer | string, type: string, token?: string) {
  const res = await fetch(`${h.url}/api/v1/manager/accounts/${username}/photo`, {
    method: 'PUT',
    headers: { 'content-type': type, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body,
  });
  return { status: res.status, body: (await res.json()) as any };
}

describe('clerk photos over HTTP and on the pad', () => {
  let h: TestHall;
  let admin: string;
  let windowId: string;
  const sockets: Socket[] = [];

  beforeEach(async () => {
    h = await startTestHall();
    admin = await login(h.url, 'admin', 'admin123');
    windowId = (await api(h.url, 'GET', '/api/v1/windows')).body[0].id;
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.close();
    await h.close();
  });

  it('gives the demo clerks their drawn portraits, served by a hash URL with long-lived cache headers and no metadata', async () => {
    const list = (await api(h.url, 'GET', '/api/v1/manager/photos', { token: admin })).body as { username: string; photoUrl: string; source: string }[];
    expect(list.map((p) => p.username).sort()).to.deep.equal(Array.from({ length: 12 }, (_, i) => `staff${i + 1}`).sort());
    expect(new Set(list.map((p) => p.photoUrl)).size, 'a distinct picture each').to.equal(12);
    expect(list.every((p) => p.source === 'config')).to.equal(true);

    await login(h.url, 'staff1', 'staff123', windowId);
    const pad = padSocket(h.url, windowId);
    sockets.push(pad);
    const snap = await until(() => pad.log.find(([n]) => n === 'snapshot')?.[1], 'pad snapshot');
    const url: string = snap.clerk.photoUrl;
    expect(url).to.equal(list.find((p) => p.username === 'staff1')!.photoUrl);
    expect(url).to.match(/^\/api\/v1\/photos\/[0-9a-f]{24}\.jpg$/);
    expect(snap.clerk.name).to.equal('王*');
    const w = (await api(h.url, 'GET', '/api/v1/windows')).body.find((x: { id: string }) => x.id === windowId);
    expect(w.clerk.photoUrl, 'the window screen gets it too').to.equal(url);

    const res = await fetch(h.url + url);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.equal('image/jpeg');
    expect(res.headers.get('cache-control')).to.equal('public, max-age=31536000, immutable');
    const etag = res.headers.get('etag');
    expect(etag).to.match(/^"[0-9a-f]{24}"$/);
    const m = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
    expect([m.format, m.width, m.height, m.exif, m.icc]).to.deep.equal(['jpeg', 300, 400, undefined, undefined]);
    const again = await fetch(h.url + url, { headers: { 'if-none-match': etag! } });
    expect(again.status).to.equal(304);
    const missing = await api(h.url, 'GET', '/api/v1/photos/0123456789abcdef01234567.jpg');
    expect(missing.status).to.equal(404);
    expect(missing.body.error.code).to.equal('NOT_FOUND');
  });

  it('takes a manager upload, strips its EXIF, and the pad gets the new URL live; removing it goes live too', async () => {
    await login(h.url, 'staff1', 'staff123', windowId);
    const pad = padSocket(h.url, windowId);
    sockets.push(pad);
    const snap = await until(() => pad.log.find(([n]) => n === 'snapshot')?.[1], 'pad snapshot');
    const seeded: string = snap.clerk.photoUrl;

    const up = await put(h, 'staff1', await exifJpeg(), 'image/jpeg', admin);
    expect(up.status, JSON.stringify(up.body)).to.equal(200);
    const url: string = up.body.photoUrl;
    expect(url).not.to.equal(seeded);
    expect(url).not.to.contain('staff1');
    const live = await until(() => pad.log.find(([n, p]) => n === 'window' && p.window.clerk?.photoUrl === url)?.[1], 'window event with the new photo');
    expect(live.seq).to.equal(snap.seq + 1);

    const img = Buffer.from(await (await fetch(h.url + url)).arrayBuffer());
    const m = await sharp(img).metadata();
    expect([m.width, m.height, m.exif, m.orientation]).to.deep.equal([300, 400, undefined, undefined]);
    expect(img.includes('SECRET-OWNER')).to.equal(false);
    expect((await fetch(h.url + seeded)).status, 'the replaced photo').to.equal(404);

    const png = await sharp({ create: { width: 500, height: 500, channels: 4, background: '#36c' } }).png().toBuffer();
    const up2 = await put(h, 'staff1', png, 'image/png', admin);
    expect(up2.status).to.equal(200);
    expect(up2.body.photoUrl).not.to.equal(url);

    const del = await api(h.url, 'DELETE', '/api/v1/manager/accounts/staff1/photo', { token: admin });
    expect(del.body).to.deep.equal({ username: 'staff1', photoUrl: null, removed: true });
    await until(() => pad.log.find(([n, p]) => n === 'window' && p.window.clerk && !p.window.clerk.photoUrl), 'window event without a photo');
    const seqs = pad.log.slice(1).map(([, p]) => p.seq as number);
    seqs.forEach((s, i) => expect(s).to.equal(snap.seq + i + 1));

    const audit = (await api(h.url, 'GET', '/api/v1/manager/audit', { token: admin })).body as { by: string; action: string; detail: string }[];
    expect(audit.filter((a) => a.action === 'account.photo').length).to.equal(2);
    expect(audit.find((a) => a.action === 'account.photo.remove')).to.include({ by: 'admin' });

    // After a restart the removal holds: staff.json's portrait is not put back.
    const dataDir = h.dataDir;
    await h.close({ keepData: true });
    h = await startTestHall({ dataDir });
    const list = (await api(h.url, 'GET', '/api/v1/manager/photos', { token: await login(h.url, 'admin', 'admin123') })).body as { username: string }[];
    expect(list.map((p) => p.username)).not.to.include('staff1');
    expect(list.map((p) => p.username)).to.include('staff2');
  });

  it('drops the demo clerks\' photos with their accounts when the hall leaves demo mode', async () => {
    const url = (await api(h.url, 'GET', '/api/v1/manager/photos', { token: admin })).body.find((p: { username: string }) => p.username === 'staff1').photoUrl;
    expect((await fetch(h.url + url)).status).to.equal(200);
    const dataDir = h.dataDir;
    await h.close({ keepData: true });
    h = await startTestHall({ dataDir, demo: false });
    expect((await fetch(h.url + url)).status).to.equal(404);
  });

  it('refuses uploads with structured errors: no token, wrong role, unknown account, wrong type, bad bytes, too big, a bomb', async () => {
    const jpeg = await sharp({ create: { width: 300, height: 400, channels: 3, background: '#888' } }).jpeg().toBuffer();
    const clerk = await login(h.url, 'staff2', 'staff123', (await api(h.url, 'GET', '/api/v1/windows')).body[1].id);
    const made = await api(h.url, 'POST', '/api/v1/manager/accounts', { token: admin, body: { username: 'mgr', password: 'manager123', role: 'manager', name: '经理甲', staffNo: 'M01' } });
    expect(made.status).to.equal(201);
    const manager = await login(h.url, 'mgr', 'manager123');

    const cases: [string, Promise<{ status: number; body: any }>, number, string][] = [
      ['no token', put(h, 'staff1', jpeg, 'image/jpeg'), 401, 'UNAUTHORIZED'],
      ['a clerk', put(h, 'staff1', jpeg, 'image/jpeg', clerk), 403, 'FORBIDDEN'],
      ["a manager on an admin's account", put(h, 'admin', jpeg, 'image/jpeg', manager), 403, 'FORBIDDEN'],
      ['unknown account', put(h, 'nobody', jpeg, 'image/jpeg', admin), 404, 'NOT_FOUND'],
      ['text/plain', put(h, 'staff1', 'hello', 'text/plain', admin), 415, 'UNSUPPORTED_MEDIA_TYPE'],
      ['JSON', put(h, 'staff1', '{"photo":"x"}', 'application/json', admin), 415, 'UNSUPPORTED_MEDIA_TYPE'],
      ['bytes that are no image', put(h, 'staff1', Buffer.from('not a jpeg at all, just text'), 'image/jpeg', admin), 400, 'INVALID_IMAGE'],
      ['a GIF sent as PNG', put(h, 'staff1', await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } }).gif().toBuffer(), 'image/png', admin), 400, 'INVALID_IMAGE'],
      ['a body over 10 MB', put(h, 'staff1', Buffer.alloc(11 * 1024 * 1024, 1), 'image/jpeg', admin), 413, 'PAYLOAD_TOO_LARGE'],
      ['a decompression bomb', put(h, 'staff1', claimedPng(30000, 30000), 'image/png', admin), 413, 'IMAGE_TOO_LARGE'],
    ];
    for (const [what, p, status, code] of cases) {
      const r = await p;
      expect(r.status, what).to.equal(status);
      expect(r.body.error.code, what).to.equal(code);
      expect(r.body.error.message, what).to.be.a('string').and.not.equal('');
    }
    // A manager may change a clerk's photo; the refusals changed nothing.
    const before = (await api(h.url, 'GET', '/api/v1/manager/photos', { token: admin })).body.find((p: { username: string }) => p.username === 'staff1').photoUrl;
    expect((await put(h, 'staff1', jpeg, 'image/jpeg', manager)).status).to.equal(200);
    expect((await api(h.url, 'GET', '/api/v1/manager/photos', { token: admin })).body.find((p: { username: string }) => p.username === 'staff1').photoUrl).not.to.equal(before);
    expect((await api(h.url, 'DELETE', '/api/v1/manager/accounts/staff1/photo', { token: clerk })).status).to.equal(403);
    expect((await api(h.url, 'GET', '/api/v1/health')).status, 'the server is fine').to.equal(200);
  });
});
