// `npm run bench`: every benchmark at its default size, one after another, each printing its own
// table of ratios and percentiles. `npm run bench -- runtime pipeline` runs only those areas.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const benches: [string, string][] = [
  ['pipeline', 'pipeline/parse-validate.ts'],
  ['set-pipeline', 'set-pipeline/run.ts'],
  ['runtime', 'runtime/run.ts'],
  ['execution', 'execution/run.ts'],
  ['logs', 'logs/run.ts'],
  ['artifacts', 'artifacts/run.ts'],
  ['gc', 'gc/run.ts'],
];

const wanted = process.argv.slice(2);
let failed = 0;
for (const [area, script] of benches) {
  if (wanted.length > 0 && !wanted.includes(area)) continue;
  const path = join(import.meta.dirname, script);
  if (!existsSync(path)) continue;
  console.log(`\n== ${area} (${script})`);
  const result = spawnSync(process.execPath, [path], { stdio: 'inherit' });
  if (result.status !== 0) {
    failed += 1;
    console.log(`== ${area} failed with exit status ${result.status}`);
  }
}
process.exit(failed === 0 ? 0 : 1);
