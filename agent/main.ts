// `npm run agent`: the device agent's composition root. Reads HALL_AGENT_CONFIG (default ./agent.json) and
// LOG_LEVEL, and nothing else. The file is followed while the agent runs: a changed port restarts only
// that device; a changed server, id or key reconnects the agent; a broken file is logged and ignored.

import { resolve } from 'node:path';
import { createLogger } from '../server/log.js';
import { startAgent } from './agent.js';
import { type AgentFile, loadAgentFile, watchAgentFile } from './config.js';

const file = resolve(process.env.HALL_AGENT_CONFIG ?? 'agent.json');
let conf: AgentFile;
try {
  conf = loadAgentFile(file);
} catch (err) {
  process.stderr.write(`device agent: ${(err as Error).message}\n`);
  process.exit(1);
}
const log = createLogger({ level: process.env.LOG_LEVEL ?? 'info' }).child({ agent: conf.agentId });
let agent = startAgent({ ...conf, log });
log.info({ server: conf.server, devices: Object.keys(conf.transports) }, 'device agent started');
// Changes are applied one after another, in the order they were saved.
let applying: Promise<void> = Promise.resolve();
const stopWatching = watchAgentFile(file, {
  onChange: (next) => {
    applying = applying.then(async () => {
      if (next.server !== conf.server || next.agentId !== conf.agentId || next.key !== conf.key) {
        log.info({ server: next.server }, 'agent file changed its server, id or key; reconnecting');
        await agent.close();
        agent = startAgent({ ...next, log });
      } else {
        log.info({ devices: Object.keys(next.transports) }, 'agent file changed; applying the new ports');
        await agent.reconfigure(next.transports);
      }
      conf = next;
    });
  },
  onError: (err) => log.error({ err: err.message }, 'agent file unusable; keeping the running settings'),
});
const stop = async (signal: string) => {
  log.info({ signal }, 'device agent stopping');
  stopWatching();
  await applying.catch(() => {});
  await agent.close();
  process.exit(0);
};
process.once('SIGINT', () => void stop('SIGINT'));
process.once('SIGTERM', () => void stop('SIGTERM'));
