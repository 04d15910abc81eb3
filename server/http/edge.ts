// What every route at the HTTP edge shares, whichever way the request arrived (express or the lean path in
// lean.ts): body validation into the structured error, bearer tokens, ID numbers turned into keyed
// identities, and any thrown value turned into a HallError with its status.

import { timingSafeEqual } from 'node:crypto';
import type { z } from 'zod';
import type { Accounts, TokenClaims } from '../auth/accounts.js';
import { zodIssueCode } from '../../config/schema.js';
import { HallError } from '../errors.js';
import { identityKey, isValidIdNumber } from '../privacy.js';

export function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value ?? {});
  if (!r.success) {
    const message = r.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
    throw new HallError('VALIDATION_FAILED', message, { issues: r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message, ...zodIssueCode(i) })) });
  }
  return r.data;
}

export function bearer(authorization: string | undefined): string | undefined {
  return typeof authorization === 'string' && authorization.startsWith('Bearer ') ? authorization.slice(7).trim() : undefined;
}

/** Claims of the token in the Authorization header, or undefined when there is none (a bad one throws). */
export function optionalClaimsOf(accounts: Accounts, authorization: string | undefined): TokenClaims | undefined {
  return authorization ? accounts.verifyToken(bearer(authorization)) : undefined;
}

/**
 * The kiosk a device key names (`Bearer kiosk.<id>.<key>`), or undefined when the header holds no kiosk key.
 * A kiosk key that does not match the configured one is refused.
 */
export function kioskOf(kiosks: readonly { id: string; key?: string | undefined }[], authorization: string | undefined): string | undefined {
  const token = bearer(authorization);
  if (!token?.startsWith('kiosk.')) return undefined;
  const dot = token.indexOf('.', 6);
  const id = dot > 0 ? token.slice(6, dot) : '';
  const key = Buffer.from(dot > 0 ? token.slice(dot + 1) : '');
  const want = kiosks.find((k) => k.id === id)?.key;
  if (!want || want.length !== key.length || !timingSafeEqual(Buffer.from(want), key)) {
    throw new HallError('UNAUTHORIZED', '取号机密钥无效 / unknown kiosk or wrong kiosk key');
  }
  return id;
}

/**
 * For routes that drive a kiosk's devices (its printer) or read its card reader. Outside demo mode only that
 * kiosk's own device key opens them: 401 without a kiosk key (a staff token is none) or with a wrong one,
 * 403 with another kiosk's. In demo mode anyone may, but a key that is sent must still be right and the
 * kiosk's own.
 */
export function requireKioskKey(
  kiosks: readonly { id: string; key?: string | undefined }[],
  demo: boolean,
  authorization: string | undefined,
  kioskId: string,
): void {
  const kiosk = kioskOf(kiosks, authorization);
  if (kiosk === undefined) {
    if (demo) return;
    throw new HallError('UNAUTHORIZED', `需要取号机 ${kioskId} 的设备密钥 / the device key of kiosk ${kioskId} is required`);
  }
  if (kiosk !== kioskId) throw new HallError('FORBIDDEN', `此密钥属于取号机 ${kiosk} / this key belongs to kiosk ${kiosk}`);
}

/** An ID number becomes a keyed identity at the edge; the number itself goes no further. */
export function identityOf(secret: Buffer, idNumber: string | undefined): string | undefined {
  if (idNumber === undefined) return undefined;
  if (!isValidIdNumber(idNumber)) throw new HallError('VALIDATION_FAILED', 'idNumber: 身份证号码无效 / not a valid ID number');
  return identityKey(secret, idNumber);
}

export function toHallError(err: unknown): HallError {
  if (err instanceof HallError) return err;
  const e = err as { type?: string; status?: number; message?: string } | undefined;
  if (e?.type === 'entity.parse.failed') return invalidJson();
  if (e?.type === 'entity.too.large') return tooLarge();
  if (e?.status && e.status >= 400 && e.status < 500) return new HallError('VALIDATION_FAILED', e.message ?? 'bad request', undefined, e.status);
  return new HallError('INTERNAL', '服务器内部错误 / internal error');
}

export const invalidJson = () => new HallError('VALIDATION_FAILED', '请求体不是有效的 JSON / body is not valid JSON');
export const tooLarge = () => new HallError('PAYLOAD_TOO_LARGE', '请求体过大 / body too large');

/** The JSON body limit of every API route. */
export const BODY_LIMIT_BYTES = 64 * 1024;
