// Builds that pass, fail and are aborted while the pod executor and the reaper are SIGKILLed: every
// build's result is stored and, once the grace period is over, no step pod is left.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startDistributed } from '../support/jetbridge.ts';
import { runChaos } from './chaos-scenario.ts';

const graceMs = 2_000;

describe('garbage collection under SIGKILL', { timeout: 600_000 }, () => {
  let jb: Awaited<ReturnType<typeof startDistributed>>;
  let home: string;

  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'jb-fly-home-'));
    jb = await startDistributed({ reaperGraceMs: graceMs });
  });

  after(async () => {
    await jb?.stop();
    await rm(home, { recursive: true, force: true });
  });

  it('stores every build result and leaves no pod after executor and reaper are killed', async (t) => {
    const outcome = await runChaos(jb, home, { builds: 40, kills: 4, seed: 7, graceMs });
    t.diagnostic(`all builds finished ${outcome.settledMs} ms after the last trigger`);

    assert.deepEqual(outcome.killed.sort(), ['pod-executor', 'pod-executor', 'reaper', 'reaper']);
    const wrong = [...outcome.expected].filter(([id, want]) => outcome.stored.get(id) !== want);
    assert.deepEqual(
      wrong.map(([id, want]) => `build ${id}: want ${want}, stored ${outcome.stored.get(id)}`),
      [],
      jb.logs(),
    );
    assert.deepEqual(outcome.leftPods, []);
  });
});
