// The garbage collection chaos scenario at full size: 200 builds that pass, fail or are aborted
// while the pod executor and the reaper are SIGKILLed; prints how many results were stored as
// expected and whether any pod was left.
// Usage: node bench/gc/chaos.ts [builds] [kills]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDistributed } from '../../test/support/jetbridge.ts';
import { runChaos } from '../../test/reaper/chaos-scenario.ts';

const builds = Number(process.argv[2] ?? 200);
const kills = Number(process.argv[3] ?? 10);
const graceMs = 2_000;

const jb = await startDistributed({ reaperGraceMs: graceMs });
const home = await mkdtemp(join(tmpdir(), 'jb-gc-chaos-'));
try {
  const started = Date.now();
  const outcome = await runChaos(jb, home, {
    builds,
    kills,
    seed: 2024,
    graceMs,
    log: (line) => console.log(line),
  });
  const wrong = [...outcome.expected].filter(([id, want]) => outcome.stored.get(id) !== want);
  console.log(`builds: ${outcome.expected.size}, killed: ${outcome.killed.join(', ')}`);
  console.log(`results stored as expected: ${outcome.expected.size - wrong.length}`);
  for (const [id, want] of wrong)
    console.log(`  build ${id}: want ${want}, stored ${outcome.stored.get(id)}`);
  console.log(`pods left after the grace period: ${outcome.leftPods.length}`);
  console.log(`total ${((Date.now() - started) / 1000).toFixed(0)} s`);
  process.exitCode = wrong.length === 0 && outcome.leftPods.length === 0 ? 0 : 1;
} finally {
  await jb.stop();
  await rm(home, { recursive: true, force: true });
}
