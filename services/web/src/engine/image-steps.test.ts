import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { StepJob } from '@jetbridge/bus';
import { channels } from '@jetbridge/db';
import { imageFor, type Plan } from '@jetbridge/pipeline';
import { resourceConfigHash } from '../resources/index.ts';
import { EngineHarness } from './testing/engine-harness.ts';
import { FakeExecutor } from './testing/fake-executor.ts';

// Checks whose source says `hold` wait; other checks report v1; gets report what they were asked.
function script(job: StepJob) {
  const request = JSON.parse(job.stdin ?? '{}') as {
    source?: { hold?: boolean };
    version?: unknown;
  };
  if (job.type === 'check')
    return request.source?.hold ? { hold: true } : { stdout: '[{"version":"v1"}]' };
  if (job.type === 'get' && (request.source as { broken?: boolean } | undefined)?.broken) {
    return { output: [{ stream: 'stderr' as const, data: 'cannot fetch\n' }], exitStatus: 1 };
  }
  if (job.type === 'get')
    return { stdout: JSON.stringify({ version: request.version, metadata: null }) };
  return { output: [{ stream: 'stdout' as const, data: `${job.metadata.stepName}\n` }] };
}

function mockTask(id: string, source: Record<string, unknown>): Plan {
  return {
    id,
    task: {
      name: id,
      privileged: false,
      config: {
        platform: 'linux',
        image_resource: { type: 'mock', source: { mirror_self: true, ...source } },
        run: { path: 'env' },
      },
    },
  };
}

describe('image sub-steps', () => {
  let h: EngineHarness;
  let executor: FakeExecutor;

  before(async () => {
    h = await EngineHarness.create();
    executor = new FakeExecutor(h.bus, script).start();
  });

  after(async () => {
    await executor.stop();
    await h.close();
  });

  const jobsOf = (buildId: number) => executor.jobs.filter((j) => j.buildId === buildId);

  it('aborts a task whose image check runs: the check pod stops and the task never starts', async () => {
    const engine = h.startEngine({ replicaId: 'web-abort' });
    const buildId = await h.createBuild(mockTask('t', { hold: true }));
    await executor.until(() => jobsOf(buildId).length === 1, 'the image check');

    await h.pool.query('UPDATE builds SET aborted = true WHERE id = $1', [buildId]);
    await h.wakeups.notify(channels.builds, String(buildId));
    assert.equal(await h.waitForFinish(buildId), 'aborted');

    const [check] = jobsOf(buildId);
    assert.deepEqual([check!.type, check!.planId], ['check', 't/image-check']);
    assert.ok(executor.aborts.some((a) => a.handle === check!.handle && a.reason === 'aborted'));
    assert.equal(jobsOf(buildId).length, 1);
    const types = (await h.events(buildId)).map((e) => e.type);
    assert.ok(!types.includes('start-task'));
    assert.ok(!types.includes('error'));
    const rows = await h.pool.query<{ plan_id: string; state: string }>(
      'SELECT plan_id, state FROM build_steps WHERE build_id = $1 ORDER BY plan_id',
      [buildId],
    );
    assert.deepEqual(rows.rows, [
      { plan_id: 't', state: 'aborted' },
      { plan_id: 't/image-check', state: 'aborted' },
    ]);
    await engine.stop();
  });

  it('errors the task when its image get fails or does not make an image', async () => {
    const engine = h.startEngine({ replicaId: 'web-errors' });
    const failed = await h.createBuild(mockTask('f', { broken: true }));
    assert.equal(await h.waitForFinish(failed), 'errored');
    const events = await h.events(failed);
    const finishGet = events.find((e) => e.type === 'finish-get')!;
    assert.deepEqual(finishGet.data.origin, { id: 'f/image-get' });
    assert.equal(finishGet.data.exit_status, 1);
    assert.equal(await h.logText(failed, 'f/image-get'), 'cannot fetch\n');
    const error = events.find((e) => e.type === 'error')!;
    assert.deepEqual(error.data.origin, { id: 'f' });
    assert.equal(error.data.message, 'image fetching failed');
    assert.ok(!events.some((e) => e.type === 'start-task'));

    const notAnImage = await h.createBuild(mockTask('n', { mirror_self: false }));
    assert.equal(await h.waitForFinish(notAnImage), 'errored');
    const notAnImageError = (await h.events(notAnImage)).find((e) => e.type === 'error')!;
    assert.match(notAnImageError.data.message as string, /Is the image in rootfs format\?/);
    await engine.stop();
  });

  it('continues an image check after a takeover without repeating the step events', async () => {
    const engineA = h.startEngine({ replicaId: 'web-a' });
    const buildId = await h.createBuild(mockTask('t', { hold: true }));
    await executor.until(() => jobsOf(buildId).length === 1, 'the image check');
    await engineA.stop();
    await h.pool.query(
      `UPDATE builds SET owner = 'web-dead', lease_until = now() - interval '1 second' WHERE id = $1`,
      [buildId],
    );
    const check = jobsOf(buildId)[0]!;
    await executor.finish(check, 0, '[{"version":"v9"}]');

    h.startEngine({ replicaId: 'web-b' });
    assert.equal(await h.waitForFinish(buildId), 'succeeded');

    const byPlan = new Map(jobsOf(buildId).map((j) => [j.planId, j]));
    assert.equal(byPlan.get('t/image-check')!.handle, check.handle);
    assert.equal(
      byPlan.get('t/image-get')!.stdin,
      '{"source":{"hold":true,"mirror_self":true},"version":{"version":"v9"}}',
    );
    assert.deepEqual(byPlan.get('t')!.image.env, ['MIRRORED_VERSION=v9']);
    const events = await h.events(buildId);
    assert.deepEqual(
      events.map((e) => e.eventId),
      events.map((_, i) => i),
    );
    for (const type of ['initialize-task', 'image-check', 'image-get', 'initialize-check']) {
      assert.equal(events.filter((e) => e.type === type).length, 1, type);
    }
  });
});

describe('image_resource checks of the same config', () => {
  let h: EngineHarness;
  let executor: FakeExecutor;

  before(async () => {
    h = await EngineHarness.create();
    executor = new FakeExecutor(h.bus, script).start();
    h.startEngine();
  });

  after(async () => {
    await executor.stop();
    await h.close();
  });

  const checksOf = (buildId: number) =>
    executor.jobs.filter((j) => j.buildId === buildId && j.type === 'check');

  it('checks once per build: a later task reuses a check that succeeded after the build started', async () => {
    const buildId = await h.createBuild({
      id: 'seq',
      do: [mockTask('a', { initial_version: 'iv' }), mockTask('b', { initial_version: 'iv' })],
    });
    assert.equal(await h.waitForFinish(buildId), 'succeeded');
    assert.deepEqual(
      checksOf(buildId).map((j) => j.planId),
      ['a/image-check'],
    );
    const events = await h.events(buildId);
    assert.deepEqual(
      events
        .filter((e) => (e.data.origin as { id?: string } | undefined)?.id === 'b/image-check')
        .map((e) => e.type),
      ['initialize-check', 'finish'],
    );
    const b = executor.jobs.find((j) => j.buildId === buildId && j.planId === 'b')!;
    assert.deepEqual(b.image.env, ['MIRRORED_VERSION=v1']);
  });

  it('checks again in a build started after that check, from the version it found', async () => {
    const buildId = await h.createBuild(mockTask('c', { initial_version: 'iv' }));
    assert.equal(await h.waitForFinish(buildId), 'succeeded');
    const [check] = checksOf(buildId);
    assert.equal(
      check!.stdin,
      '{"source":{"initial_version":"iv","mirror_self":true},"version":{"version":"v1"}}',
    );
    const other = await h.createBuild(mockTask('d', { initial_version: 'other' }));
    assert.equal(await h.waitForFinish(other), 'succeeded');
    assert.equal(
      checksOf(other)[0]!.stdin,
      '{"source":{"initial_version":"other","mirror_self":true}}',
    );
  });
});

describe('custom type image checks and their interval', () => {
  let h: EngineHarness;
  let executor: FakeExecutor;
  let pipelineId: number;
  let jobId: number;
  let typeId: number;
  const typeSource = { mirror_self: true };
  const types = [{ name: 'ct', type: 'mock', source: typeSource, check_every: '10m' }];

  before(async () => {
    h = await EngineHarness.create();
    executor = new FakeExecutor(h.bus, script).start();
    const pipeline = await h.pool.query<{ id: number }>(
      `INSERT INTO pipelines (team_id, name, config) VALUES ($1, 'p', '{}') RETURNING id`,
      [h.teamId],
    );
    pipelineId = pipeline.rows[0]!.id;
    const job = await h.pool.query<{ id: number }>(
      `INSERT INTO jobs (pipeline_id, name, config) VALUES ($1, 'j', '{}') RETURNING id`,
      [pipelineId],
    );
    jobId = job.rows[0]!.id;
    const type = await h.pool.query<{ id: number }>(
      `INSERT INTO resource_types (pipeline_id, name, type, config) VALUES ($1, 'ct', 'mock', $2)
       RETURNING id`,
      [pipelineId, JSON.stringify(types[0])],
    );
    typeId = type.rows[0]!.id;
    await h.pool.query(
      `INSERT INTO resource_versions (resource_type_id, config_hash, version, version_sha256, check_order)
       VALUES ($1, $2, '{"version":"saved"}', 'sha-saved', 1)`,
      [typeId, resourceConfigHash('mock', typeSource)],
    );
    h.startEngine();
  });

  after(async () => {
    await executor.stop();
    await h.close();
  });

  async function getOfCustomType(): Promise<number> {
    const plan: Plan = {
      id: 'g',
      get: {
        name: 'r',
        type: 'ct',
        source: {},
        version: { version: 'r1' },
        image: imageFor('ct', types, 'g'),
      },
    };
    const build = await h.pool.query<{ id: number }>(
      `INSERT INTO builds (team_id, pipeline_id, job_id, name, status, start_time, plan)
       VALUES ($1, $2, $3, '1', 'started', now(), $4) RETURNING id`,
      [h.teamId, pipelineId, jobId, JSON.stringify(plan)],
    );
    await h.wakeups.notify(channels.builds, String(build.rows[0]!.id));
    return build.rows[0]!.id;
  }

  it("skips the script within the type's check_every and gets the type's latest version", async () => {
    await h.pool.query(`UPDATE resource_types SET last_checked = now() WHERE id = $1`, [typeId]);
    const buildId = await getOfCustomType();
    assert.equal(await h.waitForFinish(buildId), 'succeeded');

    const jobs = executor.jobs.filter((j) => j.buildId === buildId);
    assert.deepEqual(
      jobs.map((j) => j.planId),
      ['g/image-get', 'g'],
    );
    assert.match(jobs[0]!.stdin!, /"version":\{"version":"saved"\}/);
    assert.deepEqual(jobs[1]!.image, {
      ref: 'concourse/mock-resource',
      env: ['MIRRORED_VERSION=saved'],
    });
    const events = await h.events(buildId);
    const checkEvents = events.filter(
      (e) => (e.data.origin as { id?: string } | undefined)?.id === 'g/image-check',
    );
    assert.deepEqual(
      checkEvents.map((e) => e.type),
      ['initialize-check', 'finish'],
    );
    assert.equal(checkEvents[1]!.data.succeeded, true);
    const types = events.map((e) => e.type);
    assert.ok(types.indexOf('initialize-get') < types.indexOf('initialize-check'));
  });

  it('runs the check from the latest version once the interval passed, and saves what it found', async () => {
    await h.pool.query(
      `UPDATE resource_types SET last_checked = now() - interval '11 minutes' WHERE id = $1`,
      [typeId],
    );
    const buildId = await getOfCustomType();
    assert.equal(await h.waitForFinish(buildId), 'succeeded');

    const jobs = executor.jobs.filter((j) => j.buildId === buildId);
    assert.deepEqual(
      jobs.map((j) => j.planId),
      ['g/image-check', 'g/image-get', 'g'],
    );
    assert.equal(jobs[0]!.stdin, '{"source":{"mirror_self":true},"version":{"version":"saved"}}');
    assert.deepEqual(jobs[2]!.image.env, ['MIRRORED_VERSION=v1']);
    const saved = await h.pool.query(
      `SELECT version FROM resource_versions WHERE resource_type_id = $1 ORDER BY check_order DESC`,
      [typeId],
    );
    assert.deepEqual(saved.rows[0]!.version, { version: 'v1' });
    const recent = await h.pool.query<{ recent: boolean }>(
      `SELECT last_checked > now() - interval '1 minute' AS recent FROM resource_types WHERE id = $1`,
      [typeId],
    );
    assert.equal(recent.rows[0]!.recent, true);
  });
});
