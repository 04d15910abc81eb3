// Child process for the durable-file crash test: rewrites one document in a loop, each generation a few
// hundred KB, and prints each generation once its write resolved. The parent kills it with SIGKILL.
// Usage: node --import tsx test/support/crash-durable.ts <file>

import { DurableJSONFile } from '../../server/store/durable-file.js';

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: crash-durable.ts <file>\n');
  process.exit(2);
}

interface Doc {
  gen: number;
  rows: { gen: number; text: string }[];
}

const adapter = new DurableJSONFile<Doc>(file);
const start = (await adapter.read())?.gen ?? 0;
process.stdout.write('ready\n');
for (let gen = start + 1; ; gen++) {
  // Every row repeats the generation, so a mix of two generations is detectable.
  const rows = Array.from({ length: 3000 }, (_, i) => ({ gen, text: `第${gen}代 行${i} ${'x'.repeat(i % 50)}` }));
  await adapter.write({ gen, rows });
  process.stdout.write(`${gen}\n`);
}
