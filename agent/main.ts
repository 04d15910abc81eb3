// `npm run agent`: the device agent's composition root. Reads HALL_AGENT_CONFIG (default ./agent.json) and
// LOG_LEVEL, and nothing else.

import { resolve } from 'node:path';
import { createLogger } from '../server/log.js';
import { startAgent } from './agent.js';
import { loadAgentFile } from './config.js';

const file = resolve(process.env.HALL_AGENT_CONFIG ?? 'agent.json');
let conf;
try {
  conf = loadAgentFile(file);
} catch (err) {
  process.stderr.write(`device agent: ${(err as Error).message}\n`);
  process.exit(1);
}
const log = createLogger({ level: process.env.LOG_LEVEL ?? 'info' }).child({ agent: conf.agentId });
const agent = startAgent({ ...conf, log });
log.info({ server: conf.server, devices: Object.keys(conf.transports) }, 'device agent started');
const stop = async (signal: string) => {
  log.info({ signal }, 'device agent stopping');
  await agent.close();
  process.exit(0);
};
process.once('SIGINT', () => void stop('SIGINT'));
process.once('SIGTERM', () => void stop('SIGTERM'));
