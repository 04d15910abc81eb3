// What each page costs to load from the hall server: the bytes on the wire for index.html and the bundle it
// names, as a browser that accepts brotli gets them and as one that accepts nothing, and what a second visit
// costs (the bundle is cached as immutable, so only the HTML is asked again). Sizes, not times: a page's
// load time on a hall LAN is set by these bytes and by the browser, not by the server.

import { request } from 'node:http';
import { PAGES } from '../scripts/build-ui.mjs';

export interface PageWeight {
  page: string;
  /** HTML + JS + CSS as sent with `Accept-Encoding: br, gzip`. */
  compressedBytes: number;
  /** The same files uncompressed. */
  plainBytes: number;
  /** A repeat visit: the HTML only (the bundle is cached under its version). */
  repeatBytes: number;
  bundleCacheControl: string;
}

function get(url: string, acceptEncoding: string): Promise<{ status: number; bytes: number; body: string; cacheControl: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { 'accept-encoding': acceptEncoding } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, bytes: body.length, body: body.toString('utf8'), cacheControl: String(res.headers['cache-control'] ?? '') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

export async function pageWeights(base: string): Promise<PageWeight[]> {
  const out: PageWeight[] = [];
  for (const { page } of PAGES) {
    const html = await get(`${base}/${page}/`, 'identity');
    if (html.status !== 200) throw new Error(`/${page}/ answered ${html.status}: is the UI built?`);
    const assets = [...html.body.matchAll(/(?:src|href)="([^"]*app\.(?:js|css)[^"]*)"/g)].map((m) => new URL(m[1]!, `${base}/${page}/`).href);
    let compressed = (await get(`${base}/${page}/`, 'br, gzip')).bytes;
    let plain = html.bytes;
    let cacheControl = '';
    for (const a of assets) {
      const c = await get(a, 'br, gzip');
      compressed += c.bytes;
      cacheControl = c.cacheControl;
      plain += (await get(a, 'identity')).bytes;
    }
    out.push({ page, compressedBytes: compressed, plainBytes: plain, repeatBytes: html.bytes, bundleCacheControl: cacheControl });
  }
  return out;
}
