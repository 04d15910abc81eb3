// One error type for the whole server. Its `code` is stable: the same string reaches HTTP answers,
// socket acks and logs, so clients and tests can branch on it.

import type { DomainError, DomainErrorCode } from './hall/types.js';

export type ServerErrorCode =
  | DomainErrorCode
  | 'VALIDATION_FAILED'
  | 'UNAUTHORIZED'
  | 'TOKEN_EXPIRED'
  | 'NOT_FOUND'
  | 'NO_CARD_READ'
  | 'UNKNOWN_DEVICE'
  | 'NOT_SIMULATED'
  | 'CASE_NOT_FOUND'
  | 'STORE_FAILED'
  | 'PAYLOAD_TOO_LARGE'
  /** An upload whose Content-Type is not one the route takes. */
  | 'UNSUPPORTED_MEDIA_TYPE'
  /** Bytes that do not decode as an image of an accepted format. */
  | 'INVALID_IMAGE'
  /** An image with more pixels than the server decodes (a decompression bomb, or simply too big). */
  | 'IMAGE_TOO_LARGE'
  | 'ALREADY_ACKNOWLEDGED'
  | 'ACCOUNT_EXISTS'
  /** A change would leave no enabled admin, or a manager would lock themselves out. */
  | 'ACCOUNT_LOCKOUT'
  /** A PDF needs a CJK font and the packaged one is missing. */
  | 'NO_FONT'
  | 'INTERNAL'
  // cases
  | 'UNKNOWN_CASE'
  | 'CASE_CLOSED'
  | 'CASE_OPEN'
  | 'OUTCOME_NOT_ALLOWED'
  | 'TOO_MANY_PAGES'
  | 'DOCUMENT_FONT_MISSING'
  // devices: none configured there, not there, busy, slow, broken, out of paper
  | 'NO_DEVICE'
  /** A device another module drives (LED bar, document scanner, an agent's device) is not changed live. */
  | 'DEVICE_NOT_EDITABLE'
  | 'DEVICE_OFFLINE'
  | 'DEVICE_BUSY'
  | 'DEVICE_TIMEOUT'
  | 'DEVICE_FAULT'
  | 'PAPER_OUT';

export class HallError extends Error {
  readonly code: ServerErrorCode;
  readonly status: number;
  readonly details?: Record<string, unknown>;

  constructor(code: ServerErrorCode, message: string, details?: Record<string, unknown>, status?: number) {
    super(message);
    this.name = 'HallError';
    this.code = code;
    this.status = status ?? statusFor(code);
    if (details) this.details = details;
  }

  static fromDomain(e: DomainError): HallError {
    return new HallError(e.code, e.message, e.details);
  }

  toBody(): { error: { code: string; message: string; details?: Record<string, unknown> } } {
    return { error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) } };
  }
}

/** API.md: malformed 400, auth 401, role/window 403, unknown id 404, rule refusals 409. */
export function statusFor(code: ServerErrorCode): number {
  switch (code) {
    case 'VALIDATION_FAILED':
    case 'BAD_COMMAND':
      return 400;
    case 'UNAUTHORIZED':
    case 'TOKEN_EXPIRED':
      return 401;
    case 'FORBIDDEN':
    case 'WRONG_WINDOW':
      return 403;
    case 'NOT_FOUND':
    case 'UNKNOWN_SECTION':
    case 'UNKNOWN_SERVICE':
    case 'UNKNOWN_WINDOW':
    case 'UNKNOWN_TICKET':
    case 'UNKNOWN_APPOINTMENT':
    case 'UNKNOWN_CASE':
    case 'QUEUE_EMPTY':
    case 'UNKNOWN_DEVICE':
    case 'CASE_NOT_FOUND':
      return 404;
    case 'INVALID_IMAGE':
      return 400;
    case 'PAYLOAD_TOO_LARGE':
    case 'IMAGE_TOO_LARGE':
      return 413;
    case 'UNSUPPORTED_MEDIA_TYPE':
      return 415;
    case 'STORE_FAILED':
    case 'DOCUMENT_FONT_MISSING':
      return 503;
    case 'INTERNAL':
      return 500;
    case 'NO_FONT':
      return 503;
    default:
      return 409;
  }
}
