// `npm start`: the demo hall from a fresh clone. Installs what is missing, builds the pages if they are
// older than their sources, then runs the server with the embedded store under ./data and simulated devices.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDependencies } from './ensure.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
ensureDependencies();
const { buildUi } = await import('./build-ui.mjs');
await buildUi();

const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'server', 'main.ts')], {
  cwd: root,
  stdio: 'inherit',
  // scrypt's 16 MB blocks (password hashing) would otherwise stay in glibc's heap after use: let large
  // blocks go back to the system. bench/run.ts starts the server with the same setting.
  env: { HALL_DEMO: '1', MALLOC_MMAP_THRESHOLD_: '131072', ...process.env },
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
