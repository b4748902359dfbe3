// set-pipeline of the largest corpus pipeline (cf-deployment) end to end, next to the server's
// PUT config alone and parse + validate alone; prints p50/p99 in milliseconds.
// Usage: node bench/set-pipeline/run.ts [runs] (needs Postgres as for the integration tests)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePipeline, validatePipeline } from '@jetbridge/pipeline';
import { fixture } from '../../test/support/paths.ts';
import { startPipelineWeb, type PipelineWeb } from '../../test/pipelines/support/web.ts';

const runs = Number(process.argv[2] ?? 30);
const warmUp = 5;
const file = fixture('pipelines', 'cf-deployment--cf-deployment.yml');
const text = readFileSync(file);

async function sample(measured: (run: number) => Promise<void> | void): Promise<number[]> {
  for (let i = 0; i < warmUp; i++) await measured(-1 - i);
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await measured(i);
    samples.push(performance.now() - started);
  }
  return samples.sort((a, b) => a - b);
}

function row(name: string, samples: number[]): string {
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!;
  const ms = (v: number) => `${v.toFixed(1).padStart(7)} ms`;
  return `| ${name.padEnd(48)} | ${ms(at(0.5))} | ${ms(at(0.99))} |`;
}

/** fly set-pipeline -n of a new pipeline: GET config and pipeline, diff, PUT, GET pipeline. */
async function flySetPipeline(web: PipelineWeb, run: number): Promise<void> {
  const result = await web.fly('set-pipeline', '-n', '-p', `cf-fly-${run}`, '-c', file);
  if (result.exitCode !== 0) throw new Error(`set-pipeline failed:\n${result.stderr}`);
}

/** The server's share: PUT config of an existing pipeline with its current version. */
async function putConfig(web: PipelineWeb): Promise<void> {
  const path = '/api/v1/teams/main/pipelines/cf-put/config';
  const current = await web.api(path);
  await current.body?.cancel();
  const version = current.headers.get('x-concourse-config-version') ?? '';
  const started = performance.now();
  const response = await web.api(path, {
    method: 'PUT',
    body: text,
    headers: { 'Content-Type': 'application/x-yaml', 'X-Concourse-Config-Version': version },
  });
  putOnly.push(performance.now() - started);
  if (response.status !== 200 && response.status !== 201) {
    throw new Error(`PUT config: ${response.status} ${await response.text()}`);
  }
  await response.body?.cancel();
}

const putOnly: number[] = [];

const web = await startPipelineWeb();
try {
  const fly = await sample((run) => flySetPipeline(web, run));
  await sample(() => putConfig(web));
  const put = putOnly.slice(warmUp).sort((a, b) => a - b);
  const parseValidate = await sample(() => {
    const { errors } = validatePipeline(parsePipeline(text));
    if (errors.length > 0) throw new Error(errors.join('\n'));
  });

  console.log(
    `${join('fixtures', 'pipelines', 'cf-deployment--cf-deployment.yml')}: ${text.byteLength} bytes, ${runs} runs after ${warmUp} warm-up`,
  );
  console.log(`| ${'what'.padEnd(48)} | ${'p50'.padStart(10)} | ${'p99'.padStart(10)} |`);
  console.log(`|${'-'.repeat(50)}|${'-'.repeat(12)}|${'-'.repeat(12)}|`);
  console.log(row('fly set-pipeline -n (new pipeline, end to end)', fly));
  console.log(row('PUT config (update, server only)', put));
  console.log(row('parse + validate alone', parseValidate));
} finally {
  await web.close();
}
