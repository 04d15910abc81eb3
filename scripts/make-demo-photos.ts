// Draws the demo hall's clerk portraits: plain SVG figures (a head, hair, a uniform) in a distinct colour per
// clerk, clearly drawings and of nobody. config/staff.json names them; the server renders each with sharp
// into the clerk's photo on first start. The files are committed, so this runs only to change them.
//
//   node --import tsx scripts/make-demo-photos.ts [outDir]

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = resolve(process.argv[2] ?? join(root, 'config', 'photos'));

const SKIN = ['#f1c9a5', '#e8b892', '#f5d3b3', '#dcae88'];
const HAIR = ['#1b1b1f', '#2e221b', '#3a2a20', '#15161a'];
const SUIT = ['#1f3a5f', '#2b2f3a', '#24463c', '#3a2f55'];

export function portrait(i: number): string {
  const hue = (i * 137) % 360; // golden-angle steps: neighbours differ clearly
  const skin = SKIN[i % SKIN.length]!;
  const hair = HAIR[(i >> 1) % HAIR.length]!;
  const suit = SUIT[i % SUIT.length]!;
  const long = i % 2 === 0;
  const hairBack = long
    ? `<path d="M86 180 C78 92 222 92 214 180 L226 300 C196 316 104 316 74 300 Z" fill="${hair}"/>`
    : '';
  const hairTop = long
    ? `<path d="M88 180 C80 90 220 90 212 180 C200 142 178 128 156 126 C136 144 112 160 88 180 Z" fill="${hair}"/>`
    : `<path d="M88 180 C78 76 222 76 212 180 C206 142 190 130 150 134 C110 130 94 142 88 180 Z" fill="${hair}"/>`;
  const neckwear = long
    ? `<path d="M128 286 L150 318 L172 286 L166 282 L150 300 L134 282 Z" fill="hsl(${hue} 55% 45%)"/>`
    : `<path d="M144 292 L156 292 L160 352 L150 366 L140 352 Z" fill="hsl(${hue} 55% 40%)"/>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="300" height="400" viewBox="0 0 300 400">
<defs><linearGradient id="bg" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="hsl(${hue} 60% 86%)"/><stop offset="1" stop-color="hsl(${hue} 45% 70%)"/></linearGradient></defs>
<rect width="300" height="400" fill="url(#bg)"/>
${hairBack}
<path d="M14 400 C22 316 70 286 150 282 C230 286 278 316 286 400 Z" fill="${suit}"/>
<path d="M116 284 L150 350 L184 284 Z" fill="#ffffff"/>
${neckwear}
<rect x="196" y="330" width="46" height="16" rx="3" fill="#ffffff" opacity="0.9"/>
<rect x="128" y="226" width="44" height="62" rx="14" fill="${skin}"/>
<ellipse cx="150" cy="180" rx="58" ry="70" fill="${skin}"/>
${hairTop}
<ellipse cx="128" cy="186" rx="6" ry="7" fill="#2a2a2a"/>
<ellipse cx="172" cy="186" rx="6" ry="7" fill="#2a2a2a"/>
<path d="M132 218 Q150 232 168 218" stroke="#a0524a" stroke-width="5" fill="none" stroke-linecap="round"/>
</svg>
`;
}

const invokedDirectly = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  mkdirSync(out, { recursive: true });
  for (let n = 1; n <= 12; n++) writeFileSync(join(out, `staff${n}.svg`), portrait(n - 1));
  process.stdout.write(`12 portraits in ${out}\n`);
}
