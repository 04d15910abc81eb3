import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { api, startTestHall, type TestHall } from '../support/hall.js';
import { ANNOUNCEMENT_TOKENS } from '../../server/voice/pack.js';

describe('the voice pack over HTTP', () => {
  let h: TestHall;
  before(async () => {
    h = await startTestHall();
  });
  after(async () => {
    await h.close();
  });

  it('describes the configured pack with a URL per token and the repeat count', async () => {
    const r = await api(h.url, 'GET', '/api/v1/voice');
    expect(r.status).to.equal(200);
    expect(r.body).to.include({ available: true, repeat: 2, pack: 'zh-CN', lang: 'zh-CN', mime: 'audio/ogg' });
    expect(Object.keys(r.body.clips)).to.have.members([...ANNOUNCEMENT_TOKENS]);
    expect(r.body.missing).to.deep.equal([]);
  });

  it('serves each clip as the file in the pack, with its audio type', async () => {
    const info = (await api(h.url, 'GET', '/api/v1/voice')).body;
    const res = await fetch(h.url + info.clips['号窗口']);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.equal('audio/ogg');
    const want = readFileSync(join(import.meta.dirname, '..', '..', 'assets', 'voice', 'zh-CN', 'u53f7-7a97-53e3.ogg'));
    expect(Buffer.from(await res.arrayBuffer()).equals(want)).to.equal(true);
  });

  it('answers 404 in the one error shape for anything but a clip the manifest names', async () => {
    for (const path of ['/api/v1/voice/clips/manifest.json', '/api/v1/voice/clips/..%2F..%2Fhall.json', '/api/v1/voice/clips/nope.ogg']) {
      const r = await api(h.url, 'GET', path);
      expect(r.status, path).to.equal(404);
      expect(r.body.error.code, path).to.equal('NOT_FOUND');
    }
  });
});
