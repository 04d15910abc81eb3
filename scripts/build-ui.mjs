#!/usr/bin/env node
// Bundles every browser page into dist/ui/<page>/ (index.html + app.js + app.css) with esbuild.
// The server's start script runs this on every start, so it does nothing when the outputs are newer than
// every input. Asset URLs carry a content hash (?v=) so a browser never keeps a stale bundle.
//
//   node scripts/build-ui.mjs [--force] [--dev] [--out DIR] [--quiet]

import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** page → entry. `title` is only the first paint: each page sets its own title in its language. */
export const PAGES = [
  { page: 'kiosk', entry: 'kiosk-ui/main.tsx', title: '自助取号' },
  { page: 'display', entry: 'display-ui/display.tsx', title: '叫号大屏' },
  { page: 'window', entry: 'display-ui/window.tsx', title: '窗口屏' },
  { page: 'pad', entry: 'display-ui/pad.tsx', title: '服务评价' },
  { page: 'console', entry: 'console-ui/main.tsx', title: '窗口呼叫器' },
  { page: 'manager', entry: 'manager-ui/main.tsx', title: '大厅运行监控' },
  { page: 'ticket', entry: 'ticket-ui/ticket.tsx', title: '排队进度' },
];

const INPUT_DIRS = ['ui-shared', 'kiosk-ui', 'display-ui', 'console-ui', 'manager-ui', 'ticket-ui'];
const INPUT_FILES = [
  'server/realtime/contract.ts',
  'scripts/build-ui.mjs',
  'tsconfig.ui.json',
  'package-lock.json',
  'node_modules/preact/package.json',
  'node_modules/socket.io-client/package.json',
  'node_modules/esbuild/package.json',
];
const STAMP = '.build.json';

async function newestInput() {
  let newest = 0;
  const visit = async (dir) => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) await visit(p);
      else if (e.isFile()) newest = Math.max(newest, (await stat(p)).mtimeMs);
    }
  };
  for (const d of INPUT_DIRS) await visit(path.join(root, d));
  for (const f of INPUT_FILES) {
    try {
      newest = Math.max(newest, (await stat(path.join(root, f))).mtimeMs);
    } catch {
      // A missing optional input (e.g. no lock file) cannot be newer than the outputs.
    }
  }
  return newest;
}

/** True when every output exists, was built in the same mode for the same pages, and is newer than all inputs. */
async function upToDate(outDir, mode) {
  let stamp;
  try {
    stamp = JSON.parse(await readFile(path.join(outDir, STAMP), 'utf8'));
  } catch {
    return false;
  }
  if (stamp.mode !== mode || stamp.pages?.join(',') !== PAGES.map((p) => p.page).join(',')) return false;
  let oldest = Infinity;
  for (const { page } of PAGES) {
    for (const f of ['index.html', 'app.js', 'app.css']) {
      try {
        oldest = Math.min(oldest, (await stat(path.join(outDir, page, f))).mtimeMs);
      } catch {
        return false;
      }
    }
  }
  return oldest > (await newestInput());
}

const hash = (data) => createHash('sha256').update(data).digest('hex').slice(0, 12);

const escapeHtml = (s) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

function html(page, title, jsHash, cssHash) {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="/${page}/app.css?v=${cssHash}">
<script type="module" src="/${page}/app.js?v=${jsHash}"></script>
</head>
<body class="page-${page}">
<div id="app"></div>
<noscript>本页面需要启用 JavaScript。This page needs JavaScript.</noscript>
</body>
</html>
`;
}

/** Writes through a temporary file and a rename, so a server reading the folder never sees half a bundle. */
async function writeAtomic(file, data) {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, file);
}

/**
 * @param {{force?: boolean, dev?: boolean, outDir?: string, log?: (msg: string) => void}} [opts]
 * @returns {Promise<{built: boolean, ms: number, pages: {page: string, jsBytes: number, cssBytes: number}[]}>}
 */
export async function buildUi(opts = {}) {
  const started = performance.now();
  const outDir = path.resolve(root, opts.outDir ?? 'dist/ui');
  const mode = opts.dev ? 'dev' : 'prod';
  const log = opts.log ?? (() => {});
  if (!opts.force && (await upToDate(outDir, mode))) {
    const ms = Math.round(performance.now() - started);
    log(`ui: up to date (${ms} ms)`);
    return { built: false, ms, pages: [] };
  }
  // Loaded only when there is work: an up-to-date start then costs a few stat calls.
  const { build } = await import('esbuild');
  const result = await build({
    absWorkingDir: root,
    entryPoints: PAGES.map((p) => ({ in: p.entry, out: `${p.page}/app` })),
    outdir: outDir,
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    // Hall hardware (kiosk PCs, Android pads) often runs browsers a few years old.
    target: ['es2019', 'chrome80', 'firefox78', 'safari16'],
    minify: !opts.dev,
    sourcemap: opts.dev ? 'inline' : false,
    charset: 'utf8',
    legalComments: 'none',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    tsconfig: path.join(root, 'tsconfig.ui.json'),
    define: { 'process.env.NODE_ENV': JSON.stringify(opts.dev ? 'development' : 'production') },
    logLevel: 'silent',
  });
  for (const w of result.warnings) log(`ui: warning: ${w.text}`);
  const files = new Map(result.outputFiles.map((f) => [path.relative(outDir, f.path).split(path.sep).join('/'), f.contents]));
  const pages = [];
  for (const p of PAGES) {
    const js = files.get(`${p.page}/app.js`);
    if (!js) throw new Error(`esbuild produced no bundle for ${p.page}`);
    const css = files.get(`${p.page}/app.css`) ?? new Uint8Array();
    const dir = path.join(outDir, p.page);
    await mkdir(dir, { recursive: true });
    await writeAtomic(path.join(dir, 'app.js'), js);
    await writeAtomic(path.join(dir, 'app.css'), css);
    await writeAtomic(path.join(dir, 'index.html'), html(p.page, p.title, hash(js), hash(css)));
    pages.push({ page: p.page, jsBytes: js.byteLength, cssBytes: css.byteLength });
  }
  await writeAtomic(path.join(outDir, STAMP), JSON.stringify({ mode, pages: PAGES.map((p) => p.page), builtAt: new Date().toISOString() }));
  const ms = Math.round(performance.now() - started);
  log(`ui: built ${pages.length} pages in ${ms} ms (${pages.map((p) => `${p.page} ${Math.round(p.jsBytes / 1024)} kB`).join(', ')})`);
  return { built: true, ms, pages };
}

function parseArgs(argv) {
  const opts = { force: false, dev: false, outDir: undefined, quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--force') opts.force = true;
    else if (a === '--dev') opts.dev = true;
    else if (a === '--quiet') opts.quiet = true;
    else if (a === '--out' && argv[i + 1]) opts.outDir = argv[++i];
    else throw new Error(`unknown argument: ${a} (use --force, --dev, --out DIR, --quiet)`);
  }
  return opts;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    const opts = parseArgs(process.argv.slice(2));
    await buildUi({ ...opts, log: opts.quiet ? () => {} : (m) => console.log(m) });
  } catch (e) {
    // esbuild's errors carry file and line; print them plainly and fail the start.
    const errors = e?.errors;
    if (Array.isArray(errors) && errors.length) {
      for (const err of errors) {
        const loc = err.location ? `${err.location.file}:${err.location.line}:${err.location.column}: ` : '';
        console.error(`ui: ${loc}${err.text}`);
      }
    } else {
      console.error(`ui: ${e instanceof Error ? e.message : String(e)}`);
    }
    process.exitCode = 1;
  }
}
