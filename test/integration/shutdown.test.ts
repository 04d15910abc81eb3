// Stopping the hall while clients hold connections open: a page's Socket.IO long poll and a request whose
// body never finishes must not keep the server (and a restart on the same port) waiting. Without the
// forced close these tests never end.

import { expect } from 'chai';
import { rm } from 'node:fs/promises';
import { connect, type Socket as NetSocket } from 'node:net';
import { io } from 'socket.io-client';
import { startHall } from '../../server/main.js';
import { createLogger } from '../../server/log.js';
import { stablePort, tempDir } from '../support/hall.js';
import { until } from '../support/devices.js';

describe('hall shutdown with connections held open', function () {
  this.timeout(30_000);

  it('closes with a long-polling page and a half-sent request, and starts again on the same port', async () => {
    const dataDir = await tempDir();
    const port = await stablePort();
    const start = () => startHall({ dataDir, port, host: '127.0.0.1', demo: true, log: createLogger({ destination: null }), central: { mockPort: 0 } });
    const first = await start();
    const page = io(`${first.url}/display`, { transports: ['polling'], reconnection: false });
    await until(() => page.connected, 'the polling page connected');
    const half: NetSocket = connect(port, '127.0.0.1');
    await new Promise<void>((r) => half.once('connect', () => r()));
    half.write('POST /api/v1/tickets HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{"sectionId":');
    half.on('error', () => {});

    await first.close();
    page.close();
    const second = await start();
    try {
      const health = (await (await fetch(`${second.url}/api/v1/health`)).json()) as { status: string };
      expect(health.status).to.equal('ok');
    } finally {
      half.destroy();
      await second.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
