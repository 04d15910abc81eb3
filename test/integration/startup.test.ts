import { expect } from 'chai';
import { rm } from 'node:fs/promises';
import { startHall } from '../../server/main.js';
import { createLogger } from '../../server/log.js';
import { api, startTestHall, tempDir } from '../support/hall.js';

describe('hall start-up', () => {
  it('refuses a taken port with the error, releases its store, and starts on the same data later', async () => {
    const first = await startTestHall();
    const dataDir = await tempDir();
    try {
      const log = createLogger({ destination: null });
      let err: (Error & { code?: string }) | undefined;
      await startHall({ dataDir, port: first.running.port, host: '127.0.0.1', log }).catch((e: Error) => (err = e));
      expect(err?.code).to.equal('EADDRINUSE');
      const again = await startHall({ dataDir, port: 0, host: '127.0.0.1', log });
      expect((await api(again.url, 'GET', '/api/v1/health')).body.status).to.equal('ok');
      await again.close();
    } finally {
      await first.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
