// Sealing personal data at rest with AES-256-GCM. A sealed value is one base64 string:
// 12-byte IV | 16-byte auth tag | ciphertext. A wrong key or a changed byte fails to open (the tag).

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { HallError } from '../errors.js';

const IV_BYTES = 12;
const TAG_BYTES = 16;

export class Sealer {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new HallError('INTERNAL', 'the case key must be 32 bytes (AES-256)');
  }

  sealBytes(plain: Uint8Array, aad?: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    if (aad) c.setAAD(Buffer.from(aad, 'utf8'));
    const body = Buffer.concat([c.update(plain), c.final()]);
    return Buffer.concat([iv, c.getAuthTag(), body]);
  }

  openBytes(sealed: Uint8Array, aad?: string): Buffer {
    const b = Buffer.from(sealed);
    if (b.length < IV_BYTES + TAG_BYTES) throw new HallError('INTERNAL', 'sealed data is too short');
    const d = createDecipheriv('aes-256-gcm', this.key, b.subarray(0, IV_BYTES));
    if (aad) d.setAAD(Buffer.from(aad, 'utf8'));
    d.setAuthTag(b.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([d.update(b.subarray(IV_BYTES + TAG_BYTES)), d.final()]);
  }

  /** JSON → base64 sealed string; `aad` binds it to its owner (e.g. the case id) so it cannot be swapped. */
  seal(value: unknown, aad?: string): string {
    return this.sealBytes(Buffer.from(JSON.stringify(value), 'utf8'), aad).toString('base64');
  }

  open<T>(sealed: string, aad?: string): T {
    return JSON.parse(this.openBytes(Buffer.from(sealed, 'base64'), aad).toString('utf8')) as T;
  }
}

/** A key given in the environment: 32 bytes as base64 or 64 hex digits. */
export function parseCaseKey(text: string): Buffer {
  const t = text.trim();
  const b = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (b.length !== 32) throw new HallError('VALIDATION_FAILED', 'HALL_CASE_KEY must be 32 bytes, as base64 or 64 hex digits');
  return b;
}
