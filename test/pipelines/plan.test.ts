// GET /api/v1/builds/:id/plan for a triggered job build: Concourse's public plan, `exec.v2`.
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startPipelineWeb, type PipelineWeb } from './support/web.ts';

const pipeline = `
resources:
- name: out
  type: mock
  source: {}
jobs:
- name: shaped
  plan:
  - in_parallel:
      limit: 2
      steps:
      - task: left
        config: &task
          platform: linux
          image_resource: {type: registry-image, source: {repository: busybox}}
          run: {path: "true"}
      - task: right
        privileged: true
        config: *task
  - try:
      task: maybe
      timeout: 1h
      config: *task
  - task: flaky
    attempts: 2
    config: *task
  - put: out
    params: {secret: ((never-shown))}
  ensure:
    task: cleanup
    config: *task
`;

type Plan = Record<string, unknown> & { id: string };

/** Every node of a public plan, depth first. */
function nodes(plan: unknown, out: Plan[] = []): Plan[] {
  if (Array.isArray(plan)) {
    for (const p of plan) nodes(p, out);
  } else if (plan && typeof plan === 'object') {
    const node = plan as Record<string, unknown>;
    if (typeof node.id === 'string') out.push(node as Plan);
    for (const value of Object.values(node)) nodes(value, out);
  }
  return out;
}

const STEP_KEYS = new Set([
  'get',
  'put',
  'task',
  'check',
  'do',
  'in_parallel',
  'across',
  'on_success',
  'on_failure',
  'on_abort',
  'on_error',
  'ensure',
  'try',
  'timeout',
  'retry',
  'set_pipeline',
  'load_var',
  'artifact_input',
  'artifact_output',
]);

describe('the build plan endpoint', () => {
  let web: PipelineWeb;
  let plan: { schema: string; plan: Plan };

  before(async () => {
    web = await startPipelineWeb();
    const file = join(await mkdtemp(join(tmpdir(), 'jb-plan-')), 'pipeline.yml');
    await writeFile(file, pipeline);
    const set = await web.fly('set-pipeline', '-n', '-p', 'planned', '-c', file);
    assert.equal(set.exitCode, 0, set.stderr);
    assert.equal((await web.fly('unpause-pipeline', '-p', 'planned')).exitCode, 0);
    const trigger = await web.fly('trigger-job', '-j', 'planned/shaped');
    assert.equal(trigger.stdout, 'started planned/shaped #1\n');
    const builds = (await (await web.api('/api/v1/builds')).json()) as Array<{ id: number }>;
    plan = (await web.waitForPlan(builds[0]!.id)) as typeof plan;
  });
  after(() => web?.close());

  it('answers with schema exec.v2 and the plan', () => {
    assert.deepEqual(Object.keys(plan).sort(), ['plan', 'schema']);
    assert.equal(plan.schema, 'exec.v2');
  });

  it('gives every node a unique string id and exactly one step key', () => {
    const all = nodes(plan.plan);
    const ids = all.map((n) => n.id);
    assert.equal(new Set(ids).size, ids.length, `duplicate ids: ${ids.join(' ')}`);
    for (const node of all) {
      const steps = Object.keys(node).filter((k) => STEP_KEYS.has(k));
      assert.equal(steps.length, 1, JSON.stringify(node));
    }
  });

  it('wraps the job in ensure and keeps the step structure', () => {
    const ensure = plan.plan.ensure as { step: Plan; ensure: Plan };
    assert.ok(ensure, JSON.stringify(plan.plan));
    assert.deepEqual(ensure.ensure.task, { name: 'cleanup', privileged: false, hermetic: false });
    const steps = ensure.step.do as Plan[];
    const parallel = steps[0]!.in_parallel as { steps: Plan[]; limit: number };
    assert.equal(parallel.limit, 2);
    assert.deepEqual(
      parallel.steps.map((s) => s.task),
      [
        { name: 'left', privileged: false, hermetic: false },
        { name: 'right', privileged: true, hermetic: false },
      ],
    );
    const tried = (steps[1]!.try as { step: Plan }).step;
    assert.deepEqual(tried.task, { name: 'maybe', privileged: false, hermetic: false });
    assert.equal((steps[2]!.retry as Plan[]).length, 2);
  });

  it('plans a put followed by its implicit get, without params or source', () => {
    const putThenGet = nodes(plan.plan).find((n) => n.on_success && (n.on_success as Plan).step);
    const { step, on_success } = putThenGet!.on_success as { step: Plan; on_success: Plan };
    assert.deepEqual(step.put, { name: 'out', type: 'mock', resource: 'out' });
    assert.deepEqual(on_success.get, { name: 'out', type: 'mock', resource: 'out' });
    assert.ok(!JSON.stringify(plan).includes('never-shown'), 'params must not be public');
  });
});
