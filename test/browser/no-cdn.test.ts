// Pages load from the hall server alone (no CDN, no web fonts, no outside scripts): checked three ways. The
// built HTML, CSS and JS in dist, and the page sources, hold no reference outside the hall server; and every
// page, opened in Chromium, asks nothing of any other origin. The checks are tested on planted fixtures.

import { expect } from 'chai';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { buildUi, PAGES, root } from '../../scripts/build-ui.mjs';
import { browserHallSuite } from './helpers.js';
import { codeOutside, cssOutside, htmlOutside } from './no-cdn.js';

const PAGE_DIRS = ['kiosk-ui', 'display-ui', 'console-ui', 'manager-ui', 'ticket-ui', 'ui-shared'];

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(p)));
    else out.push(p);
  }
  return out;
}

function outsideIn(file: string, text: string): string[] {
  switch (extname(file)) {
    case '.html':
      return htmlOutside(text);
    case '.css':
      return cssOutside(text);
    case '.js':
    case '.mjs':
      return codeOutside(text);
    case '.ts':
    case '.tsx': {
      const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
      return [...codeOutside(code), ...htmlOutside(code)];
    }
    default:
      return [];
  }
}

describe('pages from the hall server alone: built files and page sources (no CDN)', function () {
  this.timeout(60_000);
  let out = '';
  before(async () => {
    out = await mkdtemp(join(tmpdir(), 'hall-no-cdn-'));
    await buildUi({ outDir: out, force: true });
  });
  after(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it('builds nothing but HTML, CSS and JS, and none of it points outside the hall server', async () => {
    const files = (await filesUnder(out)).filter((f) => !f.endsWith('.build.json'));
    expect(files.map((f) => extname(f)).sort().filter((e, i, a) => a.indexOf(e) === i)).to.deep.equal(['.css', '.html', '.js']);
    expect(files).to.have.length(PAGES.length * 3);
    const offenders: string[] = [];
    for (const f of files) for (const r of outsideIn(f, await readFile(f, 'utf8'))) offenders.push(`${f.slice(out.length + 1)}: ${r}`);
    expect(offenders).to.deep.equal([]);
    // Each page loads only its own stylesheet and script, by absolute path on this server.
    for (const { page } of PAGES) {
      const html = await readFile(join(out, page, 'index.html'), 'utf8');
      const loads = [...html.matchAll(/<(?:link|script)\b[^>]*\s(?:href|src)="([^"]+)"/g)].map((m) => m[1]!.replace(/\?v=[0-9a-f]+$/, ''));
      expect(loads, page).to.deep.equal([`/${page}/app.css`, `/${page}/app.js`]);
    }
  });

  it('has no outside reference in the page sources (code, markup and stylesheets)', () => {
    const offenders: string[] = [];
    const visit = (dir: string) => {
      for (const f of readdirSync(join(root, dir))) {
        const p = join(dir, f);
        if (statSync(join(root, p)).isDirectory()) visit(p);
        else for (const r of outsideIn(p, readFileSync(join(root, p), 'utf8'))) offenders.push(`${p}: ${r}`);
      }
    };
    for (const d of PAGE_DIRS) visit(d);
    visit('scripts');
    expect(offenders).to.deep.equal([]);
  });
});

describe('the no-CDN checks themselves (on planted fixtures)', () => {
  it('finds outside stylesheets, scripts, fonts, images and imports', () => {
    expect(
      htmlOutside(`<link rel="stylesheet" href="https://cdn.example.com/a.css"><script src="//cdn.example.com/b.js"></script>
        <img srcset="/a.png 1x, https://img.example.com/a@2x.png 2x"><div style="background:url(http://x.example/bg.png)"></div>
        <style>@import "https://fonts.example.com/css?family=Noto";</style>`),
    ).to.deep.equal([
      'href="https://cdn.example.com/a.css"',
      'src="//cdn.example.com/b.js"',
      'srcset=https://img.example.com/a@2x.png',
      '"https://fonts.example.com/css?family=Noto"',
      'http://x.example/bg.png',
    ]);
    expect(
      cssOutside(`@import url("https://fonts.example.com/css2");
        @font-face { font-family: X; src: url(https://fonts.example.com/x.woff2) format('woff2'), local('X'); }
        .a { background: url( '//img.example.com/a.png' ) } @import 'http://cdn.example.com/reset.css';`),
    ).to.deep.equal(['"https://fonts.example.com/css2"', 'https://fonts.example.com/x.woff2', "'//img.example.com/a.png'", "'http://cdn.example.com/reset.css'"]);
    expect(codeOutside(`fetch("https://api.example.com/x"); new WebSocket('wss://push.example.com'); import("//cdn.example.com/m.js");`)).to.deep.equal([
      'https://api.example.com/x',
      'wss://push.example.com',
      '//cdn.example.com/m.js',
    ]);
  });

  it('lets the hall server own paths, data URIs and names that are never fetched through', () => {
    expect(htmlOutside(`<link rel="stylesheet" href="/kiosk/app.css?v=1"><script type="module" src="/kiosk/app.js?v=2"></script><a href="#top">x</a>`)).to.deep.equal([]);
    expect(cssOutside(`.a{background:url(/kiosk/bg.png)} .b{background:url("data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg'/>")} @font-face{src:local('Noto Sans CJK SC')}`)).to.deep.equal([]);
    expect(codeOutside(`createElementNS("http://www.w3.org/2000/svg", "svg"); io("/display"); const u = "https://socket.io/docs/v4/troubleshooting";`)).to.deep.equal([]);
  });
});

describe('pages from the hall server alone: what Chromium asks for (no CDN)', function () {
  this.timeout(90_000);
  const suite = browserHallSuite();

  it('loads every page, its styles, scripts, fonts, clips and streams from the hall server only', async () => {
    const staff = await suite.hall.clerk(1);
    const ticket = await suite.hall.ticket('tax');
    const paths = ['/kiosk/?kiosk=kiosk-1', '/display/', `/window/?window=${staff.windowId}`, `/pad/?window=${staff.windowId}`, '/console/', '/manager/', `/ticket/?id=${ticket.id}`];
    const host = new URL(suite.hall.url).host;
    const asked: string[] = [];
    for (const path of paths) {
      const p = await suite.page({ width: 1920, height: 1080 });
      p.on('request', (r) => asked.push(r.url()));
      p.on('websocket', (ws) => asked.push(ws.url()));
      await p.goto(`${suite.hall.url}${path}`);
      await p.locator('#app > *').first().waitFor();
      // Fonts and images the first render asks for are loaded by the time the fonts are ready.
      await p.evaluate('document.fonts.ready.then(() => true)');
    }
    expect(asked.length).to.be.greaterThan(paths.length * 3);
    expect(asked.filter((u) => u.includes('/socket.io/')).length, 'the streams were opened').to.be.greaterThan(0);
    const elsewhere = asked.filter((u) => !/^(data|blob):/.test(u) && new URL(u).host !== host);
    expect(elsewhere).to.deep.equal([]);
  });
});
