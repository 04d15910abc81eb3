// A copy of config/ whose kiosks have device keys, for halls outside demo mode.

import { cp, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from './hall.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Kiosk `kiosk-N` gets the key `test-kiosk-key-000N`. */
export const kioskKey = (id: string): string => `test-kiosk-key-${id.replace(/\D/g, '').padStart(4, '0')}`;

export async function keyedConfig(): Promise<string> {
  const dir = await tempDir('hall-kiosk-keys-');
  await cp(join(root, 'config'), dir, { recursive: true, filter: (src) => !src.endsWith('.ts') });
  const file = join(dir, 'hall.json');
  const hall = JSON.parse(await readFile(file, 'utf8')) as { kiosks: { id: string; key?: string }[] };
  for (const k of hall.kiosks) k.key = kioskKey(k.id);
  await writeFile(file, JSON.stringify(hall, null, 2));
  return dir;
}
