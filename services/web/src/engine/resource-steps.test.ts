import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readFile, type StepJob } from '@jetbridge/bus';
import { channels, inTransaction } from '@jetbridge/db';
import { createCheckBuild } from '../builds/index.ts';
import type { Plan } from '@jetbridge/pipeline';
import { EngineHarness } from './testing/engine-harness.ts';
import { FakeExecutor, fakeDigest } from './testing/fake-executor.ts';

const mockImage = { base_type: 'mock' };

function resourceScript(job: StepJob) {
  if (job.type === 'check') {
    const request = JSON.parse(job.stdin!) as { source: { check_failure?: string } };
    if (request.source.check_failure) {
      const data = `intentionally failing to check: ${request.source.check_failure}\n`;
      return { output: [{ stream: 'stderr' as const, data }], exitStatus: 1 };
    }
    return { stdout: '[{"version":"v1"}]\n' };
  }
  if (job.type === 'put') {
    return { stdout: '{"version":{"version":"v2"},"metadata":[{"name":"a","value":"b"}]}' };
  }
  if (job.type === 'get') {
    const request = JSON.parse(job.stdin!) as { version: unknown };
    return {
      output: [{ stream: 'stderr' as const, data: 'fetching\n' }],
      stdout: `${JSON.stringify({ version: request.version, metadata: null })}\ntrailing text`,
    };
  }
  return { exitStatus: 0 };
}

const taskFile = `
platform: linux
image_resource: {type: registry-image, source: {repository: alpine, tag: "3.20"}}
inputs: [{name: r}]
outputs: [{name: out}]
params: {FROM_FILE: file, OVERRIDDEN: file}
run: {path: sh, args: [-c, "echo ((greeting))"]}
`;

const pipelineFile = `
jobs:
- name: ((job_name))
  plan:
  - task: hello
    config:
      platform: linux
      image_resource: {type: registry-image, source: {repository: busybox}}
      run: {path: echo, args: [hi]}
`;

describe('resource, task file and load_var steps', () => {
  let h: EngineHarness;
  let executor: FakeExecutor;
  let pipelineId: number;
  let jobId: number;
  let resourceId: number;

  before(async () => {
    h = await EngineHarness.create();
    executor = new FakeExecutor(h.bus, resourceScript).start();
    h.bus.serve('podExecutor', 'read-file', readFile, async (req) => {
      const files: Record<string, string> = {
        '/tmp/build/get/task.yml': taskFile,
        '/tmp/build/get/version': 'v1\n',
        '/tmp/build/get/pipeline.yml': pipelineFile,
      };
      const content = files[req.path];
      if (content === undefined) {
        return { v: 1 as const, ok: false as const, error: `no such file ${req.path}` };
      }
      return { v: 1 as const, ok: true as const, content: Buffer.from(content).toString('base64') };
    });
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
    const resource = await h.pool.query<{ id: number }>(
      `INSERT INTO resources (pipeline_id, name, type, config) VALUES ($1, 'r', 'mock', '{}') RETURNING id`,
      [pipelineId],
    );
    resourceId = resource.rows[0]!.id;
    h.startEngine();
  });

  after(async () => {
    await executor.stop();
    await h.close();
  });

  async function jobBuild(plan: Plan): Promise<number> {
    const build = await h.pool.query<{ id: number }>(
      `INSERT INTO builds (team_id, pipeline_id, job_id, name, status, start_time, plan)
       VALUES ($1, $2, $3, '1', 'started', now(), $4) RETURNING id`,
      [h.teamId, pipelineId, jobId, JSON.stringify(plan)],
    );
    await h.wakeups.notify(channels.builds, String(build.rows[0]!.id));
    return build.rows[0]!.id;
  }

  it('checks, gets, runs a task on the fetched image, puts and gets the put version', async () => {
    const source = { mirror_self: true };
    const plan: Plan = {
      id: 'plan',
      do: [
        { id: 'c', check: { name: 'r', type: 'mock', source, image: mockImage, resource: 'r' } },
        {
          id: 'g',
          get: {
            name: 'r',
            type: 'mock',
            source,
            image: mockImage,
            resource: 'r',
            version: { version: 'v1' },
          },
        },
        {
          id: 't',
          task: {
            name: 'use-image',
            privileged: false,
            image: 'r',
            config: { platform: 'linux', inputs: [{ name: 'r' }], run: { path: 'env' } },
          },
        },
        {
          id: 'p-os',
          on_success: {
            step: {
              id: 'p',
              put: {
                name: 'r',
                type: 'mock',
                source,
                image: mockImage,
                resource: 'r',
                params: { file: 'r/version' },
              },
            },
            on_success: {
              id: 'pg',
              get: {
                name: 'r',
                type: 'mock',
                source,
                image: mockImage,
                resource: 'r',
                version_from: 'p',
              },
            },
          },
        },
      ],
    };
    const buildId = await jobBuild(plan);
    assert.equal(await h.waitForFinish(buildId), 'succeeded');
    const jobs = executor.jobs.filter((j) => j.buildId === buildId);
    const [check, get, task, put, implicitGet] = jobs;

    assert.equal(check!.run.path, '/opt/resource/check');
    assert.equal(check!.stdin, '{"source":{"mirror_self":true}}');
    assert.match(check!.podName, /^chk-r-[0-9a-f]{8}$/);
    assert.equal(get!.image.ref, 'concourse/mock-resource');
    assert.equal(get!.run.path, '/opt/resource/in');
    assert.deepEqual(get!.run.args, ['/tmp/build/get']);
    assert.equal(get!.stdin, '{"source":{"mirror_self":true},"version":{"version":"v1"}}');
    assert.equal(get!.captureStdout, true);
    assert.equal(get!.run.env.BUILD_PIPELINE_NAME, 'p');
    assert.equal(get!.run.env.BUILD_JOB_NAME, 'j');
    assert.equal(get!.run.env.BUILD_NAME, '1');
    assert.equal(
      get!.run.env.BUILD_URL,
      'http://jetbridge.test/teams/main/pipelines/p/jobs/j/builds/1',
    );
    assert.deepEqual(task!.image, { ref: 'concourse/mock-resource', env: ['MIRRORED_VERSION=v1'] });
    assert.deepEqual(task!.inputs[0]!.source, {
      kind: 'pod',
      handle: get!.handle,
      podName: get!.podName,
      path: '/tmp/build/get',
    });
    assert.equal(put!.run.path, '/opt/resource/out');
    assert.deepEqual(
      put!.inputs.map((i) => [i.name, i.path]),
      [['r', '/tmp/build/put/r']],
    );
    assert.equal(put!.stdin, '{"source":{"mirror_self":true},"params":{"file":"r/version"}}');
    assert.equal(implicitGet!.stdin, '{"source":{"mirror_self":true},"version":{"version":"v2"}}');
    assert.equal(implicitGet!.run.env.BUILD_STATUS, 'succeeded');

    const events = await h.events(buildId);
    const types = events.map((e) => e.type);
    assert.ok(types.includes('initialize-check'));
    const finishGet = events.find((e) => e.type === 'finish-get')!;
    assert.equal(finishGet.version, '5.1');
    assert.deepEqual(finishGet.data.version, { version: 'v1' });
    assert.equal(finishGet.data.exit_status, 0);
    const finishPut = events.find((e) => e.type === 'finish-put')!;
    assert.deepEqual(finishPut.data.version, { version: 'v2' });
    assert.deepEqual(finishPut.data.metadata, [{ name: 'a', value: 'b' }]);
    assert.equal(await h.logText(buildId, 'g'), 'fetching\n');

    const versions = await h.pool.query(
      'SELECT version FROM resource_versions WHERE resource_id = $1 ORDER BY check_order',
      [resourceId],
    );
    assert.deepEqual(
      versions.rows.map((r) => r.version),
      [{ version: 'v1' }, { version: 'v2' }],
    );
    const outputs = await h.pool.query(
      'SELECT name, is_input FROM build_resource_versions WHERE build_id = $1',
      [buildId],
    );
    assert.deepEqual(outputs.rows, [{ name: 'r', is_input: false }]);
  });

  it('reads a task file and a load_var file from the artifact and resolves local vars', async () => {
    const plan: Plan = {
      id: 'plan',
      do: [
        {
          id: 'g',
          get: {
            name: 'r',
            type: 'mock',
            source: {},
            image: mockImage,
            resource: 'r',
            version: { version: 'v1' },
          },
        },
        { id: 'lv', load_var: { name: 'ver', file: 'r/version' } },
        {
          id: 't',
          task: {
            name: 'from-file',
            privileged: false,
            config_path: 'r/task.yml',
            vars: { greeting: 'hi' },
            params: { OVERRIDDEN: 'step', VERSION: '((.:ver))' },
          },
        },
      ],
    };
    const buildId = await jobBuild(plan);
    assert.equal(await h.waitForFinish(buildId), 'succeeded');
    const task = executor.jobs.find((j) => j.buildId === buildId && j.type === 'task')!;
    assert.equal(task.image.ref, `alpine@${fakeDigest('alpine', '3.20')}`);
    assert.deepEqual(task.run.args, ['-c', 'echo hi']);
    assert.equal(task.run.env.FROM_FILE, 'file');
    assert.equal(task.run.env.OVERRIDDEN, 'step');
    assert.equal(task.run.env.VERSION, 'v1');
    assert.equal(task.outputs[0]!.name, 'out');
    const events = await h.events(buildId);
    const finish = events.find((e) => e.type === 'finish')!;
    assert.deepEqual(finish.data.origin, { id: 'lv' });
    assert.equal(finish.data.succeeded, true);
  });

  it('errors the build when a get prints a null version', async () => {
    const plan: Plan = {
      id: 'g',
      get: { name: 'r', type: 'mock', source: {}, image: mockImage, resource: 'r' },
    };
    const buildId = await jobBuild(plan);
    assert.equal(await h.waitForFinish(buildId), 'errored');
    const error = (await h.events(buildId)).find((e) => e.type === 'error')!;
    assert.equal(
      error.data.message,
      'resource script (/opt/resource/in /tmp/build/get) output a null version',
    );
  });

  it('sets a pipeline from a file with the step vars, unpaused and owned by the build', async () => {
    const plan: Plan = {
      id: 'plan',
      do: [
        {
          id: 'g',
          get: {
            name: 'r',
            type: 'mock',
            source: {},
            image: mockImage,
            resource: 'r',
            version: { version: 'v1' },
          },
        },
        {
          id: 'sp',
          set_pipeline: { name: 'child', file: 'r/pipeline.yml', vars: { job_name: 'greet' } },
        },
      ],
    };
    const buildId = await jobBuild(plan);
    assert.equal(await h.waitForFinish(buildId), 'succeeded');
    const child = await h.pool.query(
      `SELECT p.paused, p.parent_build_id, j.name FROM pipelines p JOIN jobs j ON j.pipeline_id = p.id
       WHERE p.name = 'child'`,
    );
    assert.deepEqual(child.rows, [{ paused: false, parent_build_id: buildId, name: 'greet' }]);
    assert.match(await h.logText(buildId, 'sp'), /setting pipeline: child/);
  });

  it('errors a set_pipeline whose pipeline name holds a slash, saving nothing', async () => {
    const plan: Plan = {
      id: 'plan',
      do: [
        {
          id: 'g',
          get: {
            name: 'r',
            type: 'mock',
            source: {},
            image: mockImage,
            resource: 'r',
            version: { version: 'v1' },
          },
        },
        {
          id: 'sp',
          set_pipeline: { name: 'a/b', file: 'r/pipeline.yml', vars: { job_name: 'greet' } },
        },
      ],
    };
    const buildId = await jobBuild(plan);
    assert.equal(await h.waitForFinish(buildId), 'errored');
    const error = (await h.events(buildId)).find((e) => e.type === 'error')!;
    assert.equal(error.data.message, "pipeline name cannot contain '/'");
    const saved = await h.pool.query("SELECT 1 FROM pipelines WHERE name = 'a/b'");
    assert.equal(saved.rowCount, 0);
  });

  it('runs check builds that show the check log and end failed when the check fails', async () => {
    const check = (source: Record<string, unknown>): Plan => ({
      id: 'c',
      check: { name: 'r', type: 'mock', source, image: mockImage, resource: 'r' },
    });
    const failing = await inTransaction(h.pool, (c) =>
      createCheckBuild(c, {
        teamId: h.teamId,
        pipelineId,
        resourceId,
        plan: check({ check_failure: 'super broken' }),
      }),
    );
    assert.equal(await h.waitForFinish(failing.id), 'failed');
    assert.equal(await h.logText(failing.id), 'intentionally failing to check: super broken\n');

    const passing = await inTransaction(h.pool, (c) =>
      createCheckBuild(c, { teamId: h.teamId, pipelineId, resourceId, plan: check({}) }),
    );
    assert.equal(await h.waitForFinish(passing.id), 'succeeded');
    const job = executor.jobs.find((j) => j.buildId === passing.id)!;
    assert.equal(job.stdin, '{"source":{},"version":{"version":"v2"}}');
  });
});
