// A serial device server with a simulated LED bus behind it: a TCP server that takes the bytes a hall writes
// to "its" RS-485 line and hands them, frame by frame, to a LedbarSimulator. A real bar finds the end of a
// frame by the line going quiet (the bus keeps a gap between frames), so this does the same: bytes that
// arrive without a pause of `quietMs` are one frame. When the network merges two frames into one read
// anyway (a busy machine), the codec splits them: the shortest prefix it accepts is a frame.
//
// Used by the tests and by anyone who wants to try a hall's `"link": {"type": "tcp"}` without hardware.

import { createServer, type Server, type Socket } from 'node:net';
import type { LedbarCodec } from './codecs.js';
import type { LedbarSimulator } from './simulator.js';

export interface LedbarLineServerOptions {
  sim: LedbarSimulator;
  /** The bus's codec, to split merged frames. */
  codec: LedbarCodec;
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Line silence that ends a frame, ms. Default 15; keep it below the bus's gapMs. */
  quietMs?: number;
}

export class LedbarLineServer {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private boundPort = 0;
  /** Connections accepted so far (a reconnecting hall opens a new one). */
  connections = 0;

  constructor(private readonly o: LedbarLineServerOptions) {}

  get port(): number {
    return this.boundPort;
  }

  /** Listens (again, on the same port after unplug()). */
  async start(): Promise<number> {
    await this.o.sim.open();
    const server = createServer((s) => this.accept(s));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.boundPort || this.o.port || 0, this.o.host ?? '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.boundPort = (server.address() as { port: number }).port;
    return this.boundPort;
  }

  /** The device server loses power: connections drop and nobody can connect until start() again. */
  async unplug(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((r) => server.close(() => r()));
  }

  async close(): Promise<void> {
    await this.unplug();
  }

  private accept(s: Socket): void {
    this.connections++;
    this.sockets.add(s);
    let pending: Buffer[] = [];
    let timer: NodeJS.Timeout | null = null;
    const flush = () => {
      timer = null;
      const bytes = Buffer.concat(pending);
      pending = [];
      if (bytes.length > 0) void this.deliver(bytes);
    };
    s.on('data', (chunk: Buffer) => {
      pending.push(chunk);
      if (timer) clearTimeout(timer);
      timer = setTimeout(flush, this.o.quietMs ?? 15);
    });
    s.on('error', () => {});
    s.on('close', () => {
      this.sockets.delete(s);
      if (timer) clearTimeout(timer);
      flush();
    });
  }

  private async deliver(bytes: Buffer): Promise<void> {
    for (const frame of splitFrames(this.o.codec, bytes)) await this.o.sim.write(frame);
  }
}

/**
 * One quiet period's bytes as frames: the whole run if the codec accepts it, else the shortest accepted
 * prefixes one after another; bytes no prefix explains stay one (rejected) frame, as a bar would see them.
 */
export function splitFrames(codec: LedbarCodec, bytes: Buffer): Buffer[] {
  const accepts = (b: Buffer) => {
    try {
      codec.decode!(b);
      return true;
    } catch {
      return false;
    }
  };
  if (!codec.decode || accepts(bytes)) return [bytes];
  const frames: Buffer[] = [];
  let start = 0;
  while (start < bytes.length) {
    let end = start + 1;
    while (end <= bytes.length && !accepts(bytes.subarray(start, end))) end++;
    if (end > bytes.length) {
      frames.push(bytes.subarray(start));
      break;
    }
    frames.push(bytes.subarray(start, end));
    start = end;
  }
  return frames;
}
