// What in a built page or a page source points outside the hall server: an absolute or protocol-relative
// URL in an HTML attribute that loads something, in a CSS url() or @import (fonts included), or in code.
// A hall's network may have no way out, and a page must load from the hall server alone.

/** Hosts that appear in code as names, never fetched: XML namespaces, and a link in socket.io-client's error text. */
export const NAME_ONLY_HOSTS = new Set(['www.w3.org', 'socket.io']);

/** True when the reference would make the browser ask another server. */
export function pointsOutside(ref: string): boolean {
  const r = ref.trim().replace(/^['"]|['"]$/g, '').trim();
  if (/^(data|blob|about):/i.test(r)) return false;
  if (r.startsWith('//')) return true;
  return /^[a-z][a-z0-9+.-]*:/i.test(r);
}

/** References in CSS that load something: url(…) (backgrounds, fonts, images) and @import. */
export function cssOutside(css: string): string[] {
  const text = css.replace(/\/\*[\s\S]*?\*\//g, '');
  const refs = [
    ...[...text.matchAll(/url\(\s*("[^"]*"|'[^']*'|[^)]*)\)/gi)].map((m) => m[1]!),
    ...[...text.matchAll(/@import\s+("[^"]*"|'[^']*')/gi)].map((m) => m[1]!),
  ];
  return refs.filter(pointsOutside).map((r) => r.trim());
}

/** References in HTML that load or lead somewhere: src, href, srcset, poster, action, data; and inline styles. */
export function htmlOutside(html: string): string[] {
  const text = html.replace(/<!--[\s\S]*?-->/g, '');
  const out: string[] = [];
  for (const m of text.matchAll(/\s(src|href|poster|action|data|formaction)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi)) {
    if (pointsOutside(m[2]!)) out.push(`${m[1]}=${m[2]}`);
  }
  for (const m of text.matchAll(/\ssrcset\s*=\s*("[^"]*"|'[^']*')/gi)) {
    for (const part of m[1]!.slice(1, -1).split(',')) {
      const url = part.trim().split(/\s+/)[0] ?? '';
      if (pointsOutside(url)) out.push(`srcset=${url}`);
    }
  }
  for (const m of text.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/gi)) out.push(...cssOutside(m[1]!));
  for (const m of text.matchAll(/\sstyle\s*=\s*("[^"]*"|'[^']*')/gi)) out.push(...cssOutside(m[1]!));
  return out;
}

/** Absolute URLs in code (a bundle or a page source) whose host is fetched, and imports from elsewhere. */
export function codeOutside(js: string): string[] {
  const out = [...js.matchAll(/\b(?:https?|wss?|ftp):\/\/([a-z0-9.-]+)[^\s'"`)]*/gi)].filter((m) => !NAME_ONLY_HOSTS.has(m[1]!.toLowerCase())).map((m) => m[0]);
  for (const m of js.matchAll(/(?:\bimport\s*\(\s*|\bfrom\s*|\bimport\s+)(["'`])(\/\/[^"'`]+)\1/g)) out.push(m[2]!);
  return out;
}
