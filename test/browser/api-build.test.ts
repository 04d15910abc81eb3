// The pages' HTTP wrapper against a small local server, and the page build (outputs, hashes, skipping).

import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildUi, PAGES } from '../../scripts/build-ui.mjs';
import { api, ApiError, errorFromBody } from '../../ui-shared/api.js';

describe('HTTP wrapper (ui-shared/api.ts)', () => {
  let server: Server;
  let base = '';
  const seen: { method: string; url: string; auth: string | undefined; body: string }[] = [];

  before(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', auth: req.headers.authorization, body });
        const reply = (status: number, text: string) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(text);
        };
        switch (req.url) {
          case '/api/v1/tickets':
            return reply(201, JSON.stringify({ ticket: { number: 'A001' } }));
          case '/api/v1/full':
            return reply(409, JSON.stringify({ error: { code: 'CAPACITY_EXHAUSTED', message: '号源已满', details: { suggestion: { date: '2026-11-24', slots: [] } } } }));
          case '/api/v1/html':
            res.writeHead(502, { 'content-type': 'text/html' });
            return res.end('<h1>Bad gateway</h1>');
          case '/api/v1/odd':
            return reply(400, JSON.stringify({ problem: 'x' }));
          case '/api/v1/notjson':
            return reply(200, 'not json');
          case '/api/v1/empty':
            res.writeHead(204);
            return res.end();
          case '/api/v1/slow':
            return void setTimeout(() => reply(200, '{}'), 300);
          default:
            return reply(404, JSON.stringify({ error: { code: 'NOT_FOUND', message: 'nothing here' } }));
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('posts JSON with the bearer token and returns the parsed answer', async () => {
    const answer = await api<{ ticket: { number: string } }>('/tickets', { base, method: 'POST', body: { sectionId: 's1' }, token: 'tok' });
    expect(answer.ticket.number).to.equal('A001');
    const req = seen.at(-1)!;
    expect(req).to.include({ method: 'POST', url: '/api/v1/tickets', auth: 'Bearer tok' });
    expect(JSON.parse(req.body)).to.deep.equal({ sectionId: 's1' });
  });

  it('turns an error body into an ApiError with code, status and details', async () => {
    const e = await api('/full', { base }).then(() => null, (x: unknown) => x);
    expect(e).to.be.instanceOf(ApiError);
    expect(e).to.include({ code: 'CAPACITY_EXHAUSTED', status: 409, message: '号源已满' });
    expect((e as ApiError).details).to.deep.equal({ suggestion: { date: '2026-11-24', slots: [] } });
  });

  it('gives answers that are not the API shape a code of their own', async () => {
    const codes = async (path: string) => ((await api(path, { base }).then(() => null, (x: unknown) => x)) as ApiError).code;
    expect(await codes('/html')).to.equal('HTTP_502');
    expect(await codes('/odd')).to.equal('HTTP_400');
    expect(await codes('/notjson')).to.equal('BAD_RESPONSE');
    expect(await api('/empty', { base })).to.equal(undefined);
  });

  it('reports an unreachable server as NETWORK and a silent one as TIMEOUT', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const down = (await api('/x', { base: `http://127.0.0.1:${port}` }).then(() => null, (x: unknown) => x)) as ApiError;
    expect(down).to.include({ code: 'NETWORK', status: 0 });
    const slow = (await api('/slow', { base, timeoutMs: 50 }).then(() => null, (x: unknown) => x)) as ApiError;
    expect(slow).to.include({ code: 'TIMEOUT', status: 0 });
  });

  it('reads error bodies defensively', () => {
    expect(errorFromBody({ error: { code: 'X', message: 5 } }, 409)).to.include({ code: 'X', message: 'X' });
    expect(errorFromBody({ error: { code: '' } }, 400)).to.include({ code: 'HTTP_400' });
    expect(errorFromBody(null, 500)).to.include({ code: 'HTTP_500' });
    expect(errorFromBody({ error: { code: 'Y', message: 'm', details: 'no' } }, 409).details).to.equal(undefined);
  });
});

describe('page build (scripts/build-ui.mjs)', function () {
  this.timeout(60_000);
  let out = '';

  before(async () => {
    out = await mkdtemp(join(tmpdir(), 'hall-ui-build-'));
  });
  after(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it('writes index.html, app.js and app.css for every page, with content hashes in the asset URLs', async () => {
    const r = await buildUi({ outDir: out, force: true });
    expect(r.built).to.equal(true);
    expect(r.pages.map((p) => p.page)).to.deep.equal(['kiosk', 'display', 'window', 'pad', 'console', 'manager', 'ticket']);
    for (const { page } of PAGES) {
      const html = await readFile(join(out, page, 'index.html'), 'utf8');
      const js = await readFile(join(out, page, 'app.js'));
      const css = await readFile(join(out, page, 'app.css'));
      const h = (b: Buffer) => createHash('sha256').update(b).digest('hex').slice(0, 12);
      expect(html, page).to.contain(`/${page}/app.js?v=${h(js)}`).and.contain(`/${page}/app.css?v=${h(css)}`);
      expect(html).to.contain('<meta charset="utf-8">').and.contain('<div id="app"></div>');
      expect(css.length, `${page} css`).to.be.greaterThan(1000);
      // Nothing outside the hall server: the only absolute URLs are XML namespaces and a link inside one of
      // socket.io-client's error messages.
      const hosts = new Set([...js.toString().matchAll(/https?:\/\/([a-z0-9.-]+)/gi)].map((m) => m[1]!.toLowerCase()));
      expect([...hosts].filter((h) => h !== 'www.w3.org' && h !== 'socket.io'), page).to.deep.equal([]);
    }
  });

  it('does nothing when every output is newer than every input', async () => {
    await buildUi({ outDir: out });
    const before = (await stat(join(out, 'kiosk', 'app.js'))).mtimeMs;
    const r = await buildUi({ outDir: out });
    expect(r.built).to.equal(false);
    expect(r.ms).to.be.below(500);
    expect((await stat(join(out, 'kiosk', 'app.js'))).mtimeMs).to.equal(before);
  });

  it('builds again when an output is older than an input, missing, or built in another mode', async () => {
    await buildUi({ outDir: out });
    await utimes(join(out, 'pad', 'app.css'), new Date(2000, 0, 1), new Date(2000, 0, 1));
    expect((await buildUi({ outDir: out })).built, 'stale output').to.equal(true);
    await rm(join(out, 'manager', 'index.html'));
    expect((await buildUi({ outDir: out })).built, 'missing output').to.equal(true);
    expect(existsSync(join(out, 'manager', 'index.html'))).to.equal(true);
    expect((await buildUi({ outDir: out, dev: true })).built, 'dev after prod').to.equal(true);
    expect((await buildUi({ outDir: out, dev: true })).built, 'dev again').to.equal(false);
    await writeFile(join(out, '.build.json'), '{not json');
    expect((await buildUi({ outDir: out, dev: true })).built, 'unreadable stamp').to.equal(true);
  });
});
