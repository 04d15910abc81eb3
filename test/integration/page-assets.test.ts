// How the pages' files leave the hall server: bundles compressed for whoever accepts it, kept by browsers for
// good only under the version index.html names, revalidated otherwise; the HTML always revalidated; a rebuilt
// bundle served at once. The pages are planted in a temp folder, so the test needs no build.

import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { pickEncoding } from '../../server/http/page-assets.js';
import { startTestHall, tempDir, type TestHall } from '../support/hall.js';

const version = (b: Buffer | string) => createHash('sha256').update(b).digest('hex').slice(0, 12);

describe('page files: compression and caching (integration)', () => {
  let h: TestHall;
  let uiDir = '';
  const js = Buffer.from(`console.log(${JSON.stringify('请 A012 号到 3 号窗口办理 '.repeat(400))});\n`);
  const css = Buffer.from('.k-ticket-number { font-size: 200px; }\n'.repeat(200));

  before(async () => {
    uiDir = await tempDir('hall-ui-');
    for (const page of ['kiosk', 'ticket']) {
      await mkdir(join(uiDir, page), { recursive: true });
      await writeFile(join(uiDir, page, 'app.js'), js);
      await writeFile(join(uiDir, page, 'app.css'), css);
      await writeFile(join(uiDir, page, 'index.html'), `<!doctype html><script src="app.js?v=${version(js)}"></script>`);
    }
    h = await startTestHall({ start: { uiDir } });
  });
  after(async () => {
    await h?.close();
    await rm(uiDir, { recursive: true, force: true });
  });

  // node:http, not fetch: fetch would undo the compression this test looks at.
  interface Raw {
    status: number;
    headers: { get(name: string): string | null };
    arrayBuffer(): Promise<Buffer>;
    text(): Promise<string>;
  }
  const raw = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
    new Promise<Raw>((resolve, reject) => {
      const req = request(h.url + path, { method, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({
            status: res.statusCode ?? 0,
            headers: { get: (n) => (res.headers[n.toLowerCase()] as string | undefined) ?? null },
            arrayBuffer: async () => body,
            text: async () => body.toString('utf8'),
          });
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
  const get = (path: string, headers: Record<string, string> = {}) => raw(path, headers);

  it('sends brotli, gzip or plain bytes as the browser accepts, each the same bundle', async () => {
    for (const page of ['kiosk', 'ticket']) {
      const br = await get(`/${page}/app.js`, { 'accept-encoding': 'gzip, deflate, br' });
      expect(br.status).to.equal(200);
      expect(br.headers.get('content-encoding')).to.equal('br');
      expect(br.headers.get('vary')).to.equal('Accept-Encoding');
      expect(br.headers.get('content-type')).to.equal('text/javascript; charset=utf-8');
      const brBody = Buffer.from(await br.arrayBuffer());
      expect(Number(br.headers.get('content-length'))).to.equal(brBody.length).and.below(js.length / 4);
      expect(brotliDecompressSync(brBody)).to.deep.equal(js);

      const gz = await get(`/${page}/app.css`, { 'accept-encoding': 'gzip' });
      expect(gz.headers.get('content-encoding')).to.equal('gzip');
      expect(gz.headers.get('content-type')).to.equal('text/css; charset=utf-8');
      expect(gunzipSync(Buffer.from(await gz.arrayBuffer()))).to.deep.equal(css);

      const plain = await get(`/${page}/app.js`, { 'accept-encoding': 'identity' });
      expect(plain.headers.get('content-encoding')).to.equal(null);
      expect(Buffer.from(await plain.arrayBuffer())).to.deep.equal(js);
    }
  });

  it('marks the version index.html names immutable, revalidates anything else, and answers 304 to a known ETag', async () => {
    const named = await get(`/kiosk/app.js?v=${version(js)}`);
    expect(named.headers.get('cache-control')).to.equal('public, max-age=31536000, immutable');
    const other = await get('/kiosk/app.js?v=000000000000');
    expect(other.headers.get('cache-control')).to.equal('no-cache');
    const bare = await get('/kiosk/app.js');
    expect(bare.headers.get('cache-control')).to.equal('no-cache');
    const etag = bare.headers.get('etag')!;
    expect(etag).to.equal(`"${version(js)}"`);
    const again = await get('/kiosk/app.js', { 'if-none-match': etag });
    expect(again.status).to.equal(304);
    expect((await again.arrayBuffer()).byteLength).to.equal(0);

    const html = await get('/kiosk/');
    expect(html.status).to.equal(200);
    expect(html.headers.get('cache-control')).to.equal('no-cache');
    expect(await html.text()).to.contain(`app.js?v=${version(js)}`);
  });

  it('serves a rebuilt bundle at once, under its new version', async () => {
    const rebuilt = Buffer.from(`${js.toString()}console.log('rebuilt');\n`);
    await writeFile(join(uiDir, 'kiosk', 'app.js'), rebuilt);
    const res = await get(`/kiosk/app.js?v=${version(rebuilt)}`, { 'accept-encoding': 'br' });
    expect(brotliDecompressSync(Buffer.from(await res.arrayBuffer()))).to.deep.equal(rebuilt);
    expect(res.headers.get('etag')).to.equal(`"${version(rebuilt)}"`);
    expect(res.headers.get('cache-control')).to.equal('public, max-age=31536000, immutable');
    const head = await raw('/kiosk/app.js', { 'accept-encoding': 'identity' }, 'HEAD');
    expect(head.status).to.equal(200);
    expect(Number(head.headers.get('content-length'))).to.equal(rebuilt.length);
  });

  it('reads Accept-Encoding as HTTP means it, q=0 refusing a coding', () => {
    expect(pickEncoding(undefined)).to.equal('identity');
    expect(pickEncoding('')).to.equal('identity');
    expect(pickEncoding('gzip, deflate, br, zstd')).to.equal('br');
    expect(pickEncoding('br;q=0, gzip;q=0.8')).to.equal('gzip');
    expect(pickEncoding('BR;Q=0.5')).to.equal('br');
    expect(pickEncoding('*')).to.equal('gzip');
    expect(pickEncoding('gzip;q=0, br;q=0')).to.equal('identity');
    expect(pickEncoding('deflate')).to.equal('identity');
  });
});
