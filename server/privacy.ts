// Personal data rules (DESIGN.md principle 7): public surfaces and logs see masked names only; ID numbers
// become keyed hashes before they reach the queue, so limits work without keeping the number.

import { createHmac } from 'node:crypto';

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

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** GB 11643 check: 17 digits and a check character; the birth date must be a real date. */
export function isValidIdNumber(id: string): boolean {
  const s = id.trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(s)) return false;
  const y = Number(s.slice(6, 10));
  const m = Number(s.slice(10, 12));
  const d = Number(s.slice(12, 14));
  const date = new Date(Date.UTC(y, m - 1, d));
  if (y < 1900 || date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(s[i]) * ID_WEIGHTS[i]!;
  return ID_CHECK[sum % 11] === s[17];
}
