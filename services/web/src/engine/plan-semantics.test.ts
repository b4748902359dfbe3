import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Plan } from '@jetbridge/pipeline';
import { EngineHarness, taskPlan } from './testing/engine-harness.ts';
import { FakeExecutor } from './testing/fake-executor.ts';

// Step names decide what the fake executor does: fail* exits 1, err* cannot run, hold* waits.
function behaviour(name: string, attempt: string) {
  if (name.startsWith('flaky')) return { exitStatus: attempt === '1' ? 1 : 0 };
  if (name.startsWith('fail')) return { exitStatus: 1 };
  if (name.startsWith('err')) return { error: 'pod failed to start' };
  if (name.startsWith('hold')) return { hold: true };
  return { exitStatus: 0 };
}

const t = (id: string, name = id) => taskPlan(id, name);

function hook(key: string, step: Plan, hookStep: Plan, id = `${step.id}-${key}`): Plan {
  return { id, [key]: { step, [key]: hookStep } } as Plan;
}

describe('walking a plan', () => {
  let h: EngineHarness;
  let executor: FakeExecutor;

  before(async () => {
    h = await EngineHarness.create();
    executor = new FakeExecutor(h.bus, (job) =>
      behaviour(job.metadata.stepName, job.attempt),
    ).start();
    h.startEngine();
  });

  after(async () => {
    await executor.stop();
    await h.close();
  });

  async function run(plan: Plan): Promise<{ status: string; steps: string[]; buildId: number }> {
    const buildId = await h.createBuild(plan);
    const status = await h.waitForFinish(buildId);
    const steps = executor.jobs
      .filter((j) => j.buildId === buildId)
      .map((j) => j.metadata.stepName);
    return { status, steps, buildId };
  }

  function envOf(buildId: number, step: string) {
    return executor.jobs.find((j) => j.buildId === buildId && j.metadata.stepName === step)!.run
      .env;
  }

  it('runs on_success after a success with BUILD_STATUS=succeeded', async () => {
    const r = await run(hook('on_success', t('ok'), t('hooked')));
    assert.equal(r.status, 'succeeded');
    assert.deepEqual(r.steps, ['ok', 'hooked']);
    assert.equal(envOf(r.buildId, 'hooked').BUILD_STATUS, 'succeeded');
  });

  it('skips on_success after a failure and fails the build', async () => {
    const r = await run(hook('on_success', t('fail1'), t('hooked')));
    assert.equal(r.status, 'failed');
    assert.deepEqual(r.steps, ['fail1']);
  });

  it('runs on_failure after a failure and keeps the build failed', async () => {
    const r = await run(hook('on_failure', t('fail2'), t('hooked')));
    assert.equal(r.status, 'failed');
    assert.deepEqual(r.steps, ['fail2', 'hooked']);
    assert.equal(envOf(r.buildId, 'hooked').BUILD_STATUS, 'failed');
  });

  it('runs on_error only when the step errored, and the build errors', async () => {
    const errored = await run(hook('on_error', t('err1'), t('hooked')));
    assert.equal(errored.status, 'errored');
    assert.deepEqual(errored.steps, ['err1', 'hooked']);
    assert.equal(envOf(errored.buildId, 'hooked').BUILD_STATUS, 'errored');

    const failed = await run(hook('on_error', t('fail3'), t('hooked')));
    assert.equal(failed.status, 'failed');
    assert.deepEqual(failed.steps, ['fail3']);
  });

  it('always runs ensure and fails the build when either part failed', async () => {
    const afterFailure = await run(hook('ensure', t('fail4'), t('cleanup')));
    assert.equal(afterFailure.status, 'failed');
    assert.deepEqual(afterFailure.steps, ['fail4', 'cleanup']);

    const failingHook = await run(hook('ensure', t('ok'), t('fail-cleanup')));
    assert.equal(failingHook.status, 'failed');
    assert.deepEqual(failingHook.steps, ['ok', 'fail-cleanup']);
  });

  it('runs job hooks in Concourse order: on_failure inside, ensure outside', async () => {
    const plan = hook(
      'ensure',
      hook('on_failure', hook('on_success', t('fail5'), t('s')), t('f')),
      t('e'),
    );
    const r = await run(plan);
    assert.equal(r.status, 'failed');
    assert.deepEqual(r.steps, ['fail5', 'f', 'e']);
  });

  it('ignores a failure inside try and carries on', async () => {
    const r = await run({ id: 'seq', do: [{ id: 'try', try: { step: t('fail6') } }, t('next')] });
    assert.equal(r.status, 'succeeded');
    assert.deepEqual(r.steps, ['fail6', 'next']);
  });

  it('retries with attempt numbers in the handles until an attempt succeeds', async () => {
    const attempt = (n: number): Plan => ({ ...t(`flaky-${n}`, 'flaky'), attempts: [n] });
    const r = await run({ id: 'retry', retry: [attempt(1), attempt(2), attempt(3)] });
    assert.equal(r.status, 'succeeded');
    const jobs = executor.jobs.filter((j) => j.buildId === r.buildId);
    assert.deepEqual(
      jobs.map((j) => j.attempt),
      ['1', '2'],
    );
    assert.notEqual(jobs[0]!.handle, jobs[1]!.handle);
  });

  it('stops in_parallel siblings on the first failure with fail_fast', async () => {
    const plan: Plan = {
      id: 'seq',
      do: [
        { id: 'par', in_parallel: { steps: [t('hold-sibling'), t('fail7')], fail_fast: true } },
        t('never'),
      ],
    };
    const r = await run(plan);
    assert.equal(r.status, 'failed');
    assert.ok(!r.steps.includes('never'));
    const sibling = executor.jobs.find(
      (j) => j.buildId === r.buildId && j.metadata.stepName === 'hold-sibling',
    )!;
    assert.ok(executor.aborts.some((a) => a.handle === sibling.handle && a.reason === 'aborted'));
  });

  it('runs at most `limit` in_parallel steps at once', async () => {
    const plan: Plan = {
      id: 'par',
      in_parallel: { steps: [t('hold-a'), t('hold-b'), t('hold-c')], limit: 2 },
    };
    const buildId = await h.createBuild(plan);
    const mine = () => executor.jobs.filter((j) => j.buildId === buildId);
    await executor.until(() => mine().length >= 2, 'two jobs');
    const first = await h.waitFor(
      async () =>
        (await h.events(buildId)).filter((e) => e.type === 'start-task').length === 2 ? true : null,
      'two started tasks',
    );
    assert.ok(first);
    assert.equal(mine().length, 2);
    await executor.finish(mine()[0]!, 0);
    await executor.until(() => mine().length === 3, 'the third job');
    for (const job of mine().slice(1)) await executor.finish(job, 0);
    assert.equal(await h.waitForFinish(buildId), 'succeeded');
  });

  it('fails a step that runs out of time with timeout exceeded and deletes its pod', async () => {
    const plan: Plan = { id: 'limit', timeout: { duration: '300ms', step: t('hold-slow') } };
    const r = await run({
      id: 'f',
      on_failure: { step: plan, on_failure: t('after-timeout') },
    } as Plan);
    assert.equal(r.status, 'failed');
    assert.deepEqual(r.steps, ['hold-slow', 'after-timeout']);
    const events = await h.events(r.buildId);
    const error = events.find((e) => e.type === 'error')!;
    assert.equal(error.data.message, 'timeout exceeded');
    assert.deepEqual(error.data.origin, { id: 'hold-slow' });
    const job = executor.jobs.find(
      (j) => j.buildId === r.buildId && j.metadata.stepName === 'hold-slow',
    )!;
    assert.ok(executor.aborts.some((a) => a.handle === job.handle && a.reason === 'timeout'));
  });

  it('runs the across substep once per value with the value as a local var', async () => {
    const substep = taskPlan('sub', 'each', { params: { VALUE: '((.:v))' } });
    const plan: Plan = {
      id: 'across',
      across: {
        vars: [{ name: 'v', values: ['a', 'b', 'c'], max_in_flight: 'all' }],
        substep_template: JSON.stringify(substep),
      },
    };
    const r = await run(plan);
    assert.equal(r.status, 'succeeded');
    const values = executor.jobs
      .filter((j) => j.buildId === r.buildId)
      .map((j) => j.run.env.VALUE)
      .sort();
    assert.deepEqual(values, ['a', 'b', 'c']);
    const planIds = executor.jobs
      .filter((j) => j.buildId === r.buildId)
      .map((j) => j.planId)
      .sort();
    assert.deepEqual(planIds, ['sub/0', 'sub/1', 'sub/2']);
  });
});
