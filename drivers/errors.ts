// One error type for every driver layer (codec, transport, device). The `code` is stable: it reaches
// health reports, logs and HTTP/socket answers unchanged, so callers branch on it, never on messages.

export const DEVICE_ERROR_CODES = [
  // framing and codec
  'FRAME_CHECKSUM',
  'FRAME_LENGTH',
  'FRAME_MALFORMED',
  'BAD_ARGUMENT',
  'UNKNOWN_CODEC',
  'NOT_SUPPORTED',
  // link and device health
  'DEVICE_TIMEOUT',
  'DEVICE_OFFLINE',
  'DEVICE_BUSY',
  'DEVICE_FAULT',
  'PORT_UNAVAILABLE',
  // printer
  'PAPER_OUT',
  'PAPER_LOW',
  'COVER_OPEN',
  'CUTTER_ERROR',
  // ID-card reader
  'NO_CARD',
  'CARD_SELECT_FAILED',
  'CARD_READ_FAILED',
  'CARD_AUTH_FAILED',
  'CARD_UNSUPPORTED',
  'CARD_DATA_INVALID',
  'CARD_ITEM_EMPTY',
  'SAM_FAULT',
  'SAM_UNAUTHORIZED',
  'COMMAND_REJECTED',
] as const;

export type DeviceErrorCode = (typeof DEVICE_ERROR_CODES)[number];

/**
 * Codes a device layer may retry without operator action (a new poll, a resend, the citizen placing the card
 * again). The rest need a person: paper, cover, configuration, broken hardware.
 */
const RECOVERABLE: ReadonlySet<DeviceErrorCode> = new Set<DeviceErrorCode>([
  'FRAME_CHECKSUM',
  'FRAME_LENGTH',
  'FRAME_MALFORMED',
  'DEVICE_TIMEOUT',
  'DEVICE_BUSY',
  'NO_CARD',
  'CARD_SELECT_FAILED',
  'CARD_READ_FAILED',
  'CARD_AUTH_FAILED',
  'COMMAND_REJECTED',
]);

export function isRecoverable(code: DeviceErrorCode): boolean {
  return RECOVERABLE.has(code);
}

export class DeviceError extends Error {
  readonly code: DeviceErrorCode;
  /** Facts a caller or a log can use: offsets, expected vs actual, the raw status byte. Never personal data. */
  readonly details?: Record<string, unknown>;

  constructor(code: DeviceErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'DeviceError';
    this.code = code;
    if (details) this.details = details;
  }

  get recoverable(): boolean {
    return isRecoverable(this.code);
  }

  toJSON(): { code: DeviceErrorCode; message: string; details?: Record<string, unknown> } {
    return { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) };
  }
}

export function isDeviceError(e: unknown): e is DeviceError {
  return e instanceof DeviceError;
}

export function isDeviceErrorCode(s: unknown): s is DeviceErrorCode {
  return typeof s === 'string' && (DEVICE_ERROR_CODES as readonly string[]).includes(s);
}
