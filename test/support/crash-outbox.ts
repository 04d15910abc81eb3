// Child process for the outbox crash test. `produce` enqueues case revisions for 8 cases, one revision after
// the other per case, and prints each acknowledged idempotency key; the parent kills it with SIGKILL.
// `drain` reopens the outbox and delivers what is owed, printing its status every 100 ms and `drained` at the
// end. Both deliver to the given central URL with the real backoff settings (1 s doubling to 300 s) on a
// retry clock that runs `TIME_SCALE` times faster than real time, so minutes of outage pass in seconds.
// Usage: node --import tsx test/support/crash-outbox.ts <dir> <centralUrl> produce|drain

import { CentralClient } from '../../server/central/client.js';
import { Outbox } from '../../server/central/outbox.js';
import { sampleCase, TEST_CENTRAL_KEY } from './central.js';

const TIME_SCALE = 120;
const SEAL_KEY = Buffer.alloc(32, 7);

const [dir, url, mode] = process.argv.slice(2);
if (!dir || !url || (mode !== 'produce' && mode !== 'drain')) {
  process.stderr.write('usage: crash-outbox.ts <dir> <centralUrl> produce|drain\n');
  process.exit(2);
}

const started = performance.now();
const tick = () => (performance.now() - started) * TIME_SCALE;
const client = new CentralClient({ url, apiKey: TEST_CENTRAL_KEY, hallCode: 'ZWFW-DEMO-001', timeoutMs: 2000 });
const outbox = await Outbox.open({ dir, sender: client, sealKey: SEAL_KEY, baseDelayMs: 1000, maxDelayMs: 300_000, concurrency: 4, tick, timeScale: TIME_SCALE });

if (mode === 'produce') {
  const producers = Array.from({ length: 8 }, async (_, k) => {
    const caseId = `C-${String(k + 1).padStart(6, '0')}`;
    for (let rev = 1; ; rev++) {
      const idempotencyKey = `case:${caseId}:${rev}`;
      await outbox.enqueue({ kind: 'case', key: caseId, idempotencyKey, payload: sampleCase(caseId, rev) });
      // stdout on a pipe is synchronous on Linux: a printed key was durable before the kill.
      process.stdout.write(`ack ${idempotencyKey}\n`);
    }
  });
  await Promise.all(producers);
} else {
  const timer = setInterval(() => {
    const s = outbox.status();
    process.stdout.write(`status ${JSON.stringify({ ...s, virtualSeconds: Math.round(tick() / 1000) })}\n`);
    if (s.backlog === 0) {
      clearInterval(timer);
      void outbox.close().then(() => {
        process.stdout.write('drained\n');
        process.exit(0);
      });
    }
  }, 100);
}
