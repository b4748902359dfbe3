// Parse, validate and both for the largest corpus pipeline; prints p50/p99 in milliseconds.
// Usage: node bench/pipeline/parse-validate.ts [iterations]
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  parsePipeline,
  validatePipeline,
  type PipelineConfig,
} from '../../libs/pipeline/src/index.ts';

const iterations = Number(process.argv[2] ?? 200);
const top = execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: import.meta.dirname })
  .toString()
  .trim();
const file = join(top, '..', 'shared', 'fixtures', 'pipelines', 'cf-deployment--cf-deployment.yml');
const text = readFileSync(file);

function validateOrThrow(config: PipelineConfig): void {
  const { errors } = validatePipeline(config);
  if (errors.length > 0) throw new Error(errors.join('\n'));
}

/**
 * Times `measured` once per iteration; `prepare` runs untimed before it, so "validate" gets a
 * freshly parsed config each time, as it would after a real parse (nothing cached on it).
 */
function sample<T>(prepare: () => T, measured: (input: T) => void): number[] {
  for (let i = 0; i < 20; i++) measured(prepare());
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const input = prepare();
    const started = performance.now();
    measured(input);
    samples.push(performance.now() - started);
  }
  return samples.sort((a, b) => a - b);
}

function report(name: string, samples: number[]): void {
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!;
  console.log(
    `${name.padEnd(15)} p50 ${at(0.5).toFixed(2).padStart(7)} ms   p99 ${at(0.99).toFixed(2).padStart(7)} ms`,
  );
}

console.log(`cf-deployment (${text.byteLength} bytes) x${iterations}`);
report(
  'parse',
  sample(
    () => text,
    (t) => parsePipeline(t),
  ),
);
report(
  'validate',
  sample(() => parsePipeline(text), validateOrThrow),
);
report(
  'parse+validate',
  sample(
    () => text,
    (t) => validateOrThrow(parsePipeline(t)),
  ),
);
