// Personal data rules (DESIGN.md principle 7): public surfaces and logs see masked names only; ID numbers
// become keyed hashes before they reach the queue, so limits work without keeping the number.

import { createHmac } from 'node:crypto';
import { validIdNumber } from '../drivers/idcard/codec.js';

/** 张三 → 张*, 张小三 → 张*三, 欧阳小明 → 欧**明; Latin names keep the first letter of each part. */
export function maskName(name: string): string {
  const n = name.trim();
  if (!n) return '';
  const chars = [...n];
  if (/^[\x20-\x7e]+$/.test(n)) {
    return n
      .split(/\s+/)
      .map((w) => (w.length <= 1 ? w : w[0] + '*'.repeat(Math.min(w.length - 1, 4))))
      .join(' ');
  }
  if (chars.length === 1) return chars[0]!;
  if (chars.length === 2) return `${chars[0]}*`;
  return chars[0] + '*'.repeat(chars.length - 2) + chars[chars.length - 1];
}

/** A keyed, non-reversible identity key for an ID number (upper-cased so the check letter X matches). */
export function identityKey(secret: Buffer, idNumber: string): string {
  return createHmac('sha256', secret).update(idNumber.trim().toUpperCase()).digest('base64url').slice(0, 22);
}

/**
 * GB 11643 check (17 digits, matching check character, real birth date), shared with the ID-card codec so
 * there is one rule; surrounding spaces are dropped as typed input often carries them.
 */
export function isValidIdNumber(id: string): boolean {
  return validIdNumber(id.trim());
}
