// Parse + validate of the largest corpus pipeline; prints p50/p99 in milliseconds.
// Usage: node bench/pipeline/parse-validate.ts [iterations]
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePipeline, validatePipeline } from '../../libs/pipeline/src/index.ts';

const iterations = Number(process.argv[2] ?? 200);
const top = execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: import.meta.dirname })
  .toString()
  .trim();
const file = join(top, '..', 'shared', 'fixtures', 'pipelines', 'cf-deployment--cf-deployment.yml');
const text = readFileSync(file);

for (let i = 0; i < 20; i++) validatePipeline(parsePipeline(text));

const samples: number[] = [];
for (let i = 0; i < iterations; i++) {
  const started = performance.now();
  const result = validatePipeline(parsePipeline(text));
  samples.push(performance.now() - started);
  if (result.errors.length > 0) throw new Error(result.errors.join('\n'));
}
samples.sort((a, b) => a - b);
const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!;
console.log(
  `parse+validate cf-deployment (${text.byteLength} bytes) x${iterations}: ` +
    `p50 ${at(0.5).toFixed(2)} ms, p99 ${at(0.99).toFixed(2)} ms`,
);
