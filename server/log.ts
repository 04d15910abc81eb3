// Structured logs (pino). Fields that could carry personal data are redacted by path, and the hall code
// never logs names or ID numbers in the first place: this is the second fence.

import { pino, type Logger } from 'pino';

export type { Logger };

const REDACT = [
  'idNumber',
  '*.idNumber',
  'name',
  '*.name',
  'card',
  '*.card',
  'password',
  '*.password',
  'token',
  '*.token',
  'req.headers.authorization',
];

export function createLogger(opts: { level?: string; destination?: NodeJS.WritableStream | null } = {}): Logger {
  const options = { level: opts.level ?? 'info', redact: { paths: REDACT, censor: '[redacted]' }, base: { app: 'hall' } };
  if (opts.destination === null) return pino({ ...options, enabled: false });
  return opts.destination ? pino(options, opts.destination as never) : pino(options);
}
