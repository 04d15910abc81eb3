// The bare baseline for `npm run bench`: node:http plus Socket.IO and nothing else. It answers the same
// kinds of requests as the hall, with the least work that still does the job, so the hall's figures can be
// read as ratios against it:
//   POST /broadcast {id?, number?}  emits one `call` (shaped like CallPayload) to /display, answers 200
//   POST /tickets   {sectionId}     appends one JSON line to a file, fdatasyncs it, answers 201
//   GET  /health                    200
// Run as its own process: `node --import tsx bench/bare-server.ts` with PORT (0 = any) and BARE_DATA_FILE;
// it prints one line `{"listening": <port>}` on stdout when ready.

import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { open, type FileHandle } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import type { CallPayload } from '../server/realtime/contract.js';

const MAX_BODY = 16 * 1024;

export interface BareServer {
  port: number;
  http: HttpServer;
  io: Server;
  close(): Promise<void>;
}

export interface BareOptions {
  port?: number;
  host?: string;
  /** The file ticket lines are appended to; opened once, in append mode. */
  dataFile: string;
}

class BodyError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((res, rej) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY && !failed) {
        failed = true;
        rej(new BodyError(413, 'PAYLOAD_TOO_LARGE', `body over ${MAX_BODY} bytes`));
        return;
      }
      if (!failed) chunks.push(c);
    });
    req.on('error', (err) => {
      if (!failed) rej(err);
      failed = true;
    });
    req.on('end', () => {
      if (failed) return;
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.length === 0) return res({});
      try {
        const v: unknown = JSON.parse(text);
        if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
        res(v as Record<string, unknown>);
      } catch {
        rej(new BodyError(400, 'VALIDATION_FAILED', 'body must be a JSON object'));
      }
    });
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function fail(res: ServerResponse, status: number, code: string, message: string): void {
  send(res, status, { error: { code, message } });
}

const shortText = (v: unknown, max: number): string | undefined => (typeof v === 'string' && v.length > 0 && v.length <= max ? v : undefined);

export async function startBare(opts: BareOptions): Promise<BareServer> {
  const file: FileHandle = await open(opts.dataFile, 'a');
  let seq = 0;
  let issued = 0;

  const onTicket = async (body: Record<string, unknown>): Promise<{ status: number; body: unknown }> => {
    const sectionId = shortText(body.sectionId, 64);
    if (!sectionId) return { status: 400, body: { error: { code: 'VALIDATION_FAILED', message: 'sectionId: a non-empty string' } } };
    const n = ++issued;
    const ticket = { id: `T${n}`, number: String(n).padStart(3, '0'), sectionId, issuedAt: new Date().toISOString() };
    // One write and one fdatasync per request, answered only once the line is on disk.
    await file.write(JSON.stringify(ticket) + '\n');
    await file.datasync();
    return { status: 201, body: { ticket } };
  };

  const callPayload = (body: Record<string, unknown>): CallPayload => {
    const number = shortText(body.number, 16) ?? 'A001';
    const id = shortText(body.id, 64) ?? `bare-${seq + 1}`;
    return {
      seq: ++seq,
      ticket: { id, number, sectionId: 'company' },
      window: { id: 'w1', number: 1, name: '企业开办综合受理窗口' },
      announcement: { text: `请 ${number} 号到 1 号窗口办理`, tokens: ['请', ...number, '号', '到', '一', '号窗口', '办理'] },
      recall: false,
      at: new Date().toISOString(),
    };
  };

  const http = createServer((req, res) => {
    const url = req.url ?? '/';
    const route = `${req.method} ${url.split('?')[0]}`;
    if (route === 'GET /health') return send(res, 200, { status: 'ok' });
    if (route !== 'POST /broadcast' && route !== 'POST /tickets') return fail(res, 404, 'NOT_FOUND', `no route ${route}`);
    readJson(req)
      .then(async (body) => {
        if (route === 'POST /broadcast') {
          io.of('/display').emit('call', callPayload(body));
          return send(res, 200, { ok: true, seq });
        }
        const r = await onTicket(body);
        send(res, r.status, r.body);
      })
      .catch((err: unknown) => {
        if (err instanceof BodyError) return fail(res, err.status, err.code, err.message);
        if (!res.headersSent) fail(res, 500, 'INTERNAL', (err as Error).message);
      });
  });
  const io = new Server(http, { serveClient: false, maxHttpBufferSize: 64 * 1024 });
  // A small snapshot on connect, like the hall, so clients can tell they are fully joined.
  io.of('/display').on('connection', (s) => s.emit('snapshot', { seq }));

  await new Promise<void>((res, rej) => {
    http.once('error', rej);
    http.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => res());
  });
  const port = (http.address() as AddressInfo).port;

  let closed = false;
  return {
    port,
    http,
    io,
    async close() {
      if (closed) return;
      closed = true;
      await new Promise<void>((r) => io.close(() => r()));
      if (http.listening) await new Promise<void>((r) => http.close(() => r()));
      await file.close();
    },
  };
}

async function cli(): Promise<void> {
  const dataFile = process.env.BARE_DATA_FILE;
  if (!dataFile) throw new Error('BARE_DATA_FILE is required');
  const port = process.env.PORT ? Number(process.env.PORT) : 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be 0..65535, got ${process.env.PORT}`);
  const bare = await startBare({ port, dataFile: resolve(dataFile) });
  process.stdout.write(JSON.stringify({ listening: bare.port }) + '\n');
  const stop = () => void bare.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  cli().catch((err: Error) => {
    process.stderr.write(`bare server failed to start: ${err.message}\n`);
    process.exit(1);
  });
}
