// `npm test`: install if needed, type-check node and browser code, build the pages, run every suite.
// Ends with mocha's line "N passed, N failed, N skipped" (test/support/reporter.cjs), which CI reads.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDependencies } from './ensure.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
ensureDependencies();

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  return r.status ?? 1;
}

const bin = (name) => join(root, 'node_modules', '.bin', name);
if (run(bin('tsc'), ['--noEmit', '-p', 'tsconfig.json']) !== 0 || run(bin('tsc'), ['--noEmit', '-p', 'tsconfig.ui.json']) !== 0) {
  process.stdout.write('\n0 passed, 1 failed\n');
  process.stderr.write('type check failed\n');
  process.exit(1);
}
const { buildUi } = await import('./build-ui.mjs');
await buildUi();
process.exit(run(bin('mocha'), process.argv.slice(2)));
