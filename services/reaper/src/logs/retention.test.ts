import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { noRetentionBounds, planReaping, retentionOf, type Retention } from './retention.ts';

/** Builds newest first from a compact history: f failed, s succeeded, r running, x expired. */
function history(text: string, firstId = 1) {
  const marks = text.split(' ');
  return marks
    .map((mark, index) => ({
      id: firstId + index,
      status: mark.startsWith('s') ? 'succeeded' : mark.startsWith('r') ? 'started' : 'failed',
      isRunning: mark.startsWith('r'),
      isExpired: mark.endsWith('x'),
    }))
    .reverse();
}

const keep = (builds: number, days = 0, minimumSucceeded = 0): Retention => ({
  builds,
  days,
  minimumSucceeded,
});

describe('build log retention', () => {
  it('keeps the newest builds and reaps the rest', () => {
    const plan = planReaping(history('f s f f s'), keep(2));
    assert.deepEqual(plan.reap.sort(), [1, 2, 3]);
    assert.equal(plan.firstLoggedBuildId, 4);
  });

  it('never reaps a running build, and does not count it', () => {
    const plan = planReaping(history('f f r s'), keep(1));
    assert.deepEqual(plan.reap.sort(), [1, 2]);
    assert.equal(plan.firstLoggedBuildId, 3);
  });

  it('keeps the newest succeeded builds within the count, pushing out older failures', () => {
    // Concourse's documented example: 7 builds, builds 5, minimum_succeeded_builds 1.
    const plan = planReaping(history('s f f f f f f'), keep(5, 0, 1));
    assert.deepEqual(plan.reap.sort(), [2, 3]);
    assert.equal(plan.firstLoggedBuildId, 1);
  });

  it('with days only, reaps the builds that ended too long ago', () => {
    const plan = planReaping(history('fx sx f s'), keep(0, 3));
    assert.deepEqual(plan.reap.sort(), [1, 2]);
    assert.equal(plan.firstLoggedBuildId, 3);
  });

  it('with builds and days, keeps the newest builds whatever their age, as Concourse does', () => {
    // Concourse's collector: builds 1 and days 3, two builds of the last three days: one goes.
    assert.deepEqual(planReaping(history('f f'), keep(1, 3)).reap, [1]);
    assert.deepEqual(planReaping(history('fx fx f fx'), keep(2, 3)).reap.sort(), [1, 2]);
  });

  it('reads build_log_retention, the older build_logs_to_retain, and operator bounds', () => {
    assert.deepEqual(retentionOf({ build_logs_to_retain: 4 }, noRetentionBounds), keep(4));
    assert.deepEqual(
      retentionOf({ build_log_retention: { builds: 3, days: 2 } }, noRetentionBounds),
      keep(3, 2),
    );
    assert.deepEqual(retentionOf({}, noRetentionBounds), keep(0));
    const bounds = { defaultBuilds: 10, maxBuilds: 50, defaultDays: 0, maxDays: 30 };
    assert.deepEqual(retentionOf({}, bounds), keep(10, 30));
    assert.deepEqual(retentionOf({ build_logs_to_retain: 100 }, bounds), keep(50, 30));
    assert.deepEqual(retentionOf({ build_log_retention: { days: 7 } }, bounds), keep(10, 7));
  });

  it('ignores a minimum of succeeded builds above the count, and nonsense numbers', () => {
    const wanted = { build_log_retention: { builds: 2, minimum_succeeded_builds: 5 } };
    assert.deepEqual(retentionOf(wanted, noRetentionBounds), keep(2));
    const bad = { build_log_retention: { builds: -3, days: 1.5 } };
    assert.deepEqual(retentionOf(bad as never, noRetentionBounds), keep(0));
  });
});
