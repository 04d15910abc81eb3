// `npm run central`: the mock central approval system on its own. Its own composition root: the
// environment and the command line are read here and only here.
//
//   CENTRAL_PORT (8091)  CENTRAL_HOST (127.0.0.1)  CENTRAL_DATA_DIR (./data-central)
//   CENTRAL_API_KEY (demo-central-key)  CENTRAL_STAGE_SECONDS (60)
//   CENTRAL_FAULTS="down,slow=2000,error-rate=0.3,errors=5,duplicates=3"   (same words as the flags)
//   flags: --port=N --host=H --data-dir=D --api-key=K --stage-seconds=N --down --slow=MS --error-rate=R
//          --errors=N --duplicates=N
// Faults can be changed while it runs: PUT /admin/faults {"down": true} (see README).

import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { faultsSchema, startCentralMock, type Faults } from './mock.js';

interface Args {
  port: number;
  host: string;
  dataDir: string;
  apiKey: string;
  stageSeconds: number;
  faults: Partial<Faults>;
}

/** Reads `name=value` words (from CENTRAL_FAULTS or --flags) into settings; unknown words are errors. */
export function parseArgs(words: string[], env: NodeJS.ProcessEnv): Args {
  const a: Args = {
    port: Number(env.CENTRAL_PORT ?? 8091),
    host: env.CENTRAL_HOST ?? '127.0.0.1',
    dataDir: resolve(env.CENTRAL_DATA_DIR ?? 'data-central'),
    apiKey: env.CENTRAL_API_KEY ?? 'demo-central-key',
    stageSeconds: Number(env.CENTRAL_STAGE_SECONDS ?? 60),
    faults: {},
  };
  const all = [...(env.CENTRAL_FAULTS ? env.CENTRAL_FAULTS.split(',').filter(Boolean) : []), ...words.map((w) => w.replace(/^--/, ''))];
  const num = (k: string, v: string | undefined) => {
    const n = Number(v);
    if (v === undefined || !Number.isFinite(n)) throw new Error(`${k} needs a number, e.g. ${k}=5`);
    return n;
  };
  for (const w of all) {
    const [k, v] = w.split('=', 2) as [string, string | undefined];
    switch (k) {
      case 'port': a.port = num(k, v); break;
      case 'host': a.host = v ?? a.host; break;
      case 'data-dir': a.dataDir = resolve(v ?? a.dataDir); break;
      case 'api-key': a.apiKey = v ?? a.apiKey; break;
      case 'stage-seconds': a.stageSeconds = num(k, v); break;
      case 'down': a.faults.down = v === undefined ? true : v !== 'false' && v !== '0'; break;
      case 'slow': a.faults.slowMs = num(k, v); break;
      case 'error-rate': a.faults.errorRate = num(k, v); break;
      case 'errors': a.faults.errors = num(k, v); break;
      case 'duplicates': a.faults.duplicates = num(k, v); break;
      default: throw new Error(`unknown setting "${w}"`);
    }
  }
  const f = faultsSchema.safeParse(a.faults);
  if (!f.success) throw new Error(f.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  if (!Number.isInteger(a.port) || a.port < 0 || a.port > 65535) throw new Error('port must be 0..65535');
  if (!(a.stageSeconds >= 1)) throw new Error('stage-seconds must be ≥ 1');
  return a;
}

async function cli(): Promise<void> {
  const a = parseArgs(process.argv.slice(2), process.env);
  const mock = await startCentralMock({
    dataDir: a.dataDir,
    apiKey: a.apiKey,
    port: a.port,
    host: a.host,
    stageMs: a.stageSeconds * 1000,
    faults: a.faults,
    log: (msg, fields) => process.stderr.write(`${msg} ${JSON.stringify(fields ?? {})}\n`),
  });
  process.stdout.write(
    [
      '',
      `  模拟中心审批系统 / mock central approval system  ${mock.url}`,
      `  contract: docs/central-api.yaml (v${mock.contract.version}); data: ${a.dataDir}`,
      `  admin: GET ${mock.url}/admin/state · GET /admin/received · PUT /admin/faults {"down":true}`,
      `  faults: ${JSON.stringify(mock.faults)}`,
      '',
    ].join('\n') + '\n',
  );
  const stop = async () => {
    await mock.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

const invokedDirectly = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  cli().catch((err: Error) => {
    process.stderr.write(`mock central failed to start: ${err.message}\n`);
    process.exit(1);
  });
}
