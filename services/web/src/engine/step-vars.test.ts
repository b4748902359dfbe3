// Vars left in a step's config when it runs (a task's config and params, a get's or put's source
// and params): resolved from the pipeline's var sources and instance vars, and a var nothing
// defines errors the step instead of reaching the process.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { inTransaction } from '@jetbridge/db';
import type { Plan } from '@jetbridge/pipeline';
import { createOneOffBuild } from '../builds/index.ts';
import { EngineHarness, taskPlan } from './testing/engine-harness.ts';
import { FakeExecutor } from './testing/fake-executor.ts';

describe('vars in steps at run time', () => {
  let h: EngineHarness;
  let executor: FakeExecutor;
  let pipelineId: number;

  before(async () => {
    h = await EngineHarness.create();
    executor = new FakeExecutor(h.bus, (job) =>
      job.type === 'get' || job.type === 'put'
        ? { stdout: '{"version":{"v":"1"},"metadata":[]}' }
        : { exitStatus: 0 },
    ).start();
    const config = {
      var_sources: [{ name: 'vault', type: 'dummy', config: { vars: { token: 's3cr3t' } } }],
      jobs: [],
    };
    const pipeline = await h.pool.query<{ id: number }>(
      `INSERT INTO pipelines (team_id, name, config, instance_vars) VALUES ($1, 'p', $2, $3)
       RETURNING id`,
      [h.teamId, JSON.stringify(config), JSON.stringify({ branch: 'feature/ü' })],
    );
    pipelineId = pipeline.rows[0]!.id;
    h.startEngine();
  });
  after(async () => {
    await executor.stop();
    await h.close();
  });

  async function run(plan: Plan): Promise<number> {
    const build = await inTransaction(h.pool, (client) =>
      createOneOffBuild(client, { teamId: h.teamId, pipelineId, plan }),
    );
    return build.id;
  }

  it('errors the step on a var nothing defines, naming it, and runs no pod', async () => {
    const plan = taskPlan('t', 'undefined-var');
    (plan.task!.config as { run: { args: string[] } }).run.args = ['-c', 'echo ((secret))'];
    const id = await run(plan);
    assert.equal(await h.waitForFinish(id), 'errored');
    const errors = (await h.events(id)).filter((e) => e.type === 'error');
    assert.deepEqual(
      errors.map((e) => e.data.message),
      ['failed to interpolate task config: undefined vars: secret'],
    );
    assert.equal(executor.jobNamed('undefined-var'), undefined);
  });

  it('errors on an undefined var in the step params too', async () => {
    const id = await run(taskPlan('t', 'undefined-param', { params: { TOKEN: '((nope.field))' } }));
    assert.equal(await h.waitForFinish(id), 'errored');
    const errors = (await h.events(id)).filter((e) => e.type === 'error');
    assert.match(String(errors[0]?.data.message), /task params: undefined vars: nope/);
  });

  it('resolves vars from the var sources and instance vars, and leaves shell syntax alone', async () => {
    const plan = taskPlan('t', 'defined', {
      params: { TOKEN: '((vault:token))', BRANCH: '((branch))' },
    });
    (plan.task!.config as { run: { args: string[] } }).run.args = [
      '-c',
      'echo $((1+2)) ((branch))',
    ];
    const id = await run(plan);
    assert.equal(await h.waitForFinish(id), 'succeeded');
    const job = executor.jobNamed('defined')!;
    assert.equal(job.run.env.TOKEN, 's3cr3t');
    assert.equal(job.run.env.BRANCH, 'feature/ü');
    assert.deepEqual(job.run.args, ['-c', 'echo $((1+2)) feature/ü']);
  });

  const resourceStep = (kind: 'get' | 'put', name: string, source: object, params: object) =>
    ({
      id: `${kind}-${name}`,
      [kind]: {
        name,
        resource: name,
        type: 'mock',
        source,
        params,
        image: { base_type: 'mock' },
        ...(kind === 'get' ? { version: { v: '1' } } : {}),
      },
    }) as unknown as Plan;

  it('resolves the source and params of gets and puts', async () => {
    for (const kind of ['get', 'put'] as const) {
      const name = `${kind}-defined`;
      const id = await run(
        resourceStep(kind, name, { token: '((vault:token))' }, { branch: '((branch))' }),
      );
      await h.waitForFinish(id);
      const stdin = JSON.parse(executor.jobNamed(name)!.stdin!) as Record<string, unknown>;
      assert.deepEqual(stdin.source, { token: 's3cr3t' }, kind);
      assert.deepEqual(stdin.params, { branch: 'feature/ü' }, kind);
    }
  });

  it('errors a get or put whose source names an undefined var, and runs no pod', async () => {
    for (const kind of ['get', 'put'] as const) {
      const name = `${kind}-undefined`;
      const id = await run(resourceStep(kind, name, { token: '((missing))' }, {}));
      assert.equal(await h.waitForFinish(id), 'errored', kind);
      const errors = (await h.events(id)).filter((e) => e.type === 'error');
      assert.deepEqual(
        errors.map((e) => e.data.message),
        ['undefined vars: missing'],
        kind,
      );
      assert.equal(executor.jobNamed(name), undefined);
    }
  });

  it('resolves the source of a check step, and errors one naming an undefined var', async () => {
    const check = (name: string, source: object) =>
      ({
        id: `check-${name}`,
        check: { name, type: 'mock', source, image: { base_type: 'mock' } },
      }) as unknown as Plan;
    await h.waitForFinish(await run(check('check-defined', { token: '((vault:token))' })));
    const stdin = JSON.parse(executor.jobNamed('check-defined')!.stdin!) as { source: unknown };
    assert.deepEqual(stdin.source, { token: 's3cr3t' });

    const id = await run(check('check-undefined', { token: '((missing))' }));
    assert.equal(await h.waitForFinish(id), 'errored');
    const errors = (await h.events(id)).filter((e) => e.type === 'error');
    assert.deepEqual(
      errors.map((e) => e.data.message),
      ['undefined vars: missing'],
    );
    assert.equal(executor.jobNamed('check-undefined'), undefined);
  });
});
