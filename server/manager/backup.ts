// Backup/export of all hall data as one POSIX tar (ustar) stream: the journal, checkpoints, accounts and
// the manager's logs and reports. The two key files (token.key, identity.key) stay on the server: a backup
// that leaves the hall must not carry what signs tokens and keys identities. Restoring = unpacking into
// an empty data dir (keys are then made anew: sessions end, identity limits start over).

import { createReadStream, promises as fsp } from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';

const SECRET = new Set(['token.key', 'identity.key', 'initial-admin-password']);

/** Files under `dir` to back up, relative paths, sorted. Temp files being written are left out. */
export async function backupFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const visit = async (rel: string) => {
    for (const e of await fsp.readdir(path.join(dir, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await visit(p);
      else if (e.isFile() && !SECRET.has(p) && !/\.tmp(-\d+)*$|\.tmp-/.test(e.name)) out.push(p);
    }
  };
  await visit('');
  return out.sort();
}

function header(name: string, size: number, mtime: number): Buffer {
  const h = Buffer.alloc(512, 0);
  const put = (s: string, off: number, len: number) => h.write(s, off, Math.min(len, Buffer.byteLength(s)), 'utf8');
  const octal = (n: number, len: number) => n.toString(8).padStart(len - 1, '0') + '\0';
  // ustar keeps up to 100 bytes of name plus 155 of prefix.
  let prefix = '';
  let base = name;
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf('/', 155);
    prefix = name.slice(0, cut);
    base = name.slice(cut + 1);
  }
  put(base, 0, 100);
  put(octal(0o644, 8), 100, 8);
  put(octal(0, 8), 108, 8);
  put(octal(0, 8), 116, 8);
  put(octal(size, 12), 124, 12);
  put(octal(Math.floor(mtime / 1000), 12), 136, 12);
  h.fill(0x20, 148, 156); // checksum field counts as spaces while summing
  put('0', 156, 1);
  put('ustar\0', 257, 6);
  put('00', 263, 2);
  put(prefix, 345, 155);
  let sum = 0;
  for (const b of h) sum += b;
  put(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8);
  return h;
}

function write(out: Writable, chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    if (out.write(chunk)) resolve();
    else {
      out.once('drain', resolve);
      out.once('error', reject);
    }
  });
}

/** Streams the tar of `dir` to `out`. A file that grows while it is read is cut at its size at start. */
export async function writeBackup(dir: string, out: Writable, prefix: string): Promise<number> {
  const files = await backupFiles(dir);
  for (const rel of files) {
    const full = path.join(dir, rel);
    let st;
    try {
      st = await fsp.stat(full);
    } catch {
      continue; // removed meanwhile (a rotated temp file)
    }
    const size = st.size;
    await write(out, header(`${prefix}/${rel}`, size, st.mtimeMs));
    let sent = 0;
    if (size > 0) {
      for await (const chunk of createReadStream(full, { start: 0, end: size - 1 })) {
        const b = chunk as Buffer;
        sent += b.length;
        await write(out, b);
      }
    }
    if (sent < size) await write(out, Buffer.alloc(size - sent, 0));
    const pad = (512 - (size % 512)) % 512;
    if (pad) await write(out, Buffer.alloc(pad, 0));
  }
  await write(out, Buffer.alloc(1024, 0));
  return files.length;
}
