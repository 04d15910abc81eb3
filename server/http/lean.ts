// The lean way in for POST /api/v1/tickets. A kiosk burst is the hall's heaviest write, and express's
// router, body parser and response helpers cost several times the work of taking the ticket itself. Only
// a plain JSON request takes this path; anything else (a query string, another content type, a compressed
// body) goes to express, which serves the same route through the same TicketIssuer.

import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { HallError } from '../errors.js';
import type { Logger } from '../log.js';
import { BODY_LIMIT_BYTES, invalidJson, toHallError, tooLarge } from './edge.js';
import type { TicketIssuer } from './tickets.js';

const JSON_TYPE = /^application\/json\s*(;|$)/i;

function leanTicketRequest(req: IncomingMessage): boolean {
  if (req.method !== 'POST' || req.url !== '/api/v1/tickets') return false;
  const type = req.headers['content-type'];
  if (typeof type !== 'string' || !JSON_TYPE.test(type)) return false;
  const encoding = req.headers['content-encoding'];
  return encoding === undefined || encoding.toLowerCase() === 'identity';
}

function send(res: ServerResponse, status: number, body: unknown, close = false): void {
  const text = JSON.stringify(body);
  // One string body with its headers: node writes both in a single syscall.
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...(close ? { connection: 'close' } : {}),
  });
  res.end(text);
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > limit) return reject(tooLarge());
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(tooLarge());
        req.removeAllListeners('data');
        req.resume();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    req.on('error', reject);
    // A client that goes away mid-body gets no answer; the promise must still settle.
    req.on('close', () => {
      if (!req.complete) reject(new HallError('VALIDATION_FAILED', '请求未完整到达 / request body incomplete'));
    });
  });
}

export function withLeanTickets(app: RequestListener, issue: TicketIssuer, log: Logger): RequestListener {
  return (req, res) => {
    if (!leanTicketRequest(req)) return app(req, res);
    readBody(req, BODY_LIMIT_BYTES)
      .then(async (buf) => {
        let body: unknown;
        try {
          // An empty body is an empty object, as with express.json.
          body = buf.length === 0 ? {} : JSON.parse(buf.toString('utf8'));
        } catch {
          throw invalidJson();
        }
        const ticket = await issue({ body, authorization: req.headers.authorization, origin: `http://${req.headers.host ?? 'localhost'}` });
        if (!res.destroyed) send(res, 201, { ticket });
      })
      .catch((err: unknown) => {
        const e = toHallError(err);
        if (e.status >= 500) log.error({ err: (err as Error)?.message, path: '/api/v1/tickets' }, 'request failed');
        if (!res.headersSent && !res.destroyed) send(res, e.status, e.toBody(), e.code === 'PAYLOAD_TOO_LARGE');
      });
  };
}
