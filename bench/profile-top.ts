// Summarises a V8 .cpuprofile (from `node --cpu-prof`, e.g. BENCH_PROFILE_DIR=… npm run bench): the
// functions with the most self time, and the project functions with the most total (inclusive) time.
// Usage: node --import tsx bench/profile-top.ts <file.cpuprofile> [rows=25]

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber?: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface Row {
  name: string;
  ms: number;
  share: number;
}

const label = (n: ProfileNode) => {
  const url = n.callFrame.url.replace(/^file:\/\//, '').replace(/^.*\/(node_modules\/)/, '$1');
  const short = url.includes('/work/') ? url.replace(/^.*?\/main\//, '') : url;
  const col = n.callFrame.columnNumber !== undefined && n.callFrame.columnNumber >= 0 ? `:${n.callFrame.columnNumber + 1}` : '';
  return `${n.callFrame.functionName || '(anonymous)'} ${short}:${n.callFrame.lineNumber + 1}${col}`;
};

/** Self and inclusive time per function (by name and location), in ms. */
export function analyse(p: CpuProfile, isOwn: (url: string) => boolean): { totalMs: number; self: Row[]; inclusive: Row[] } {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  p.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  const totalUs = p.timeDeltas.reduce((a, b) => a + b, 0);

  const self = new Map<string, number>();
  const incl = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const n = byId.get(id);
    if (!n) continue;
    self.set(label(n), (self.get(label(n)) ?? 0) + us);
    // Count each function once per stack, even when it recurses.
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const c = byId.get(cur)!;
      if (!isOwn(c.callFrame.url)) continue;
      const l = label(c);
      if (seen.has(l)) continue;
      seen.add(l);
      incl.set(l, (incl.get(l) ?? 0) + us);
    }
  }
  const rows = (m: Map<string, number>) =>
    [...m.entries()].sort((a, b) => b[1] - a[1]).map(([name, us]) => ({ name, ms: Math.round(us / 100) / 10, share: Math.round((1000 * us) / totalUs) / 10 }));
  return { totalMs: Math.round(totalUs / 1000), self: rows(self), inclusive: rows(incl) };
}

function cli(): void {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: node --import tsx bench/profile-top.ts <file.cpuprofile> [rows]\n');
    process.exit(2);
  }
  const rowsWanted = Number(process.argv[3] ?? 25);
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const own = (url: string) => url.includes('/server/') && !url.includes('node_modules');
  const r = analyse(p, own);
  const print = (title: string, rows: Row[]) => {
    process.stdout.write(`${title}\n`);
    for (const row of rows.slice(0, rowsWanted)) process.stdout.write(`  ${String(row.ms).padStart(9)} ms ${String(row.share).padStart(5)}%  ${row.name}\n`);
  };
  process.stdout.write(`profile ${file}: ${r.totalMs} ms sampled\n`);
  print('self time:', r.self);
  print('total time in server/ functions:', r.inclusive);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) cli();
