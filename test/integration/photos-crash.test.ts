// A clerk's photo is acknowledged only once it is on disk: the hall process killed with -9 right after each
// answer comes back with exactly what was acknowledged (a new photo, its replacement, a removal).

import { expect } from 'chai';
import type { ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import sharp from 'sharp';
import { api, freePort, login, spawnHallProcess, tempDir } from '../support/hall.js';

async function put(base: string, username: string, body: Buffer, token: string) {
  const res = await fetch(`${base}/api/v1/manager/accounts/${username}/photo`, {
    method: 'PUT',
    headers: { 'content-type': 'image/png', authorization: `Bearer ${token}` },
    body,
  });
  return { status: res.status, body: (await res.json()) as { photoUrl: string } };
}

async function kill(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

describe('clerk photos across kill -9 (integration)', function () {
  this.timeout(120_000);
  let dataDir = '';
  let child: ChildProcess | undefined;
  after(async () => {
    if (child && child.exitCode === null) await kill(child);
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps each acknowledged upload, replacement and removal, byte for byte', async () => {
    dataDir = await tempDir('hall-photos-crash-');
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const photoOf = async (username: string) => {
      const list = await api(base, 'GET', '/api/v1/manager/photos', { token: await login(base, 'admin', 'admin123') });
      expect(list.status).to.equal(200);
      return (list.body as { username: string; photoUrl: string }[]).find((p) => p.username === username)?.photoUrl;
    };
    const bytes = async (url: string) => {
      const res = await fetch(base + url);
      return res.status === 200 ? Buffer.from(await res.arrayBuffer()) : res.status;
    };

    child = await spawnHallProcess(dataDir, port);
    const blue = await sharp({ create: { width: 600, height: 800, channels: 3, background: '#2356a8' } }).png().toBuffer();
    const first = await put(base, 'staff2', blue, await login(base, 'admin', 'admin123'));
    expect(first.status, JSON.stringify(first.body)).to.equal(200);
    const firstBytes = await bytes(first.body.photoUrl);
    expect(firstBytes).to.be.instanceOf(Buffer);
    await kill(child);

    child = await spawnHallProcess(dataDir, port);
    expect(await photoOf('staff2')).to.equal(first.body.photoUrl);
    expect(await bytes(first.body.photoUrl)).to.deep.equal(firstBytes);

    // A replacement acknowledged just before the kill wins over the photo it replaced.
    const green = await sharp({ create: { width: 300, height: 400, channels: 3, background: '#2a8a4a' } }).png().toBuffer();
    const second = await put(base, 'staff2', green, await login(base, 'admin', 'admin123'));
    expect(second.status).to.equal(200);
    expect(second.body.photoUrl).to.not.equal(first.body.photoUrl);
    const secondBytes = await bytes(second.body.photoUrl);
    await kill(child);

    child = await spawnHallProcess(dataDir, port);
    expect(await photoOf('staff2')).to.equal(second.body.photoUrl);
    expect(await bytes(second.body.photoUrl)).to.deep.equal(secondBytes);
    expect(await bytes(first.body.photoUrl), 'the replaced photo').to.equal(404);

    // A removal acknowledged just before the kill stays removed (the demo seed is not put back either).
    const del = await api(base, 'DELETE', '/api/v1/manager/accounts/staff2/photo', { token: await login(base, 'admin', 'admin123') });
    expect(del.status).to.equal(200);
    await kill(child);

    child = await spawnHallProcess(dataDir, port);
    expect(await photoOf('staff2')).to.equal(undefined);
    expect(await bytes(second.body.photoUrl)).to.equal(404);
  });
});
