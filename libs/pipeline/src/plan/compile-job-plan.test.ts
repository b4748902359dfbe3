import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parsePipeline } from '../config/parse-pipeline.ts';
import { compileJobPlan, UnknownJobError } from './compile-job-plan.ts';
import { toPublicPlan } from './public-plan.ts';

function compile(yaml: string, job = 'j', versions?: Record<string, Record<string, string>>) {
  let id = 0;
  return compileJobPlan(parsePipeline(yaml), job, { nextId: () => String(++id), versions });
}

const res = 'resources:\n- name: r\n  type: git\n  source: {uri: u}\n';

describe('compileJobPlan', () => {
  it('numbers plan nodes children first, as the Concourse planner does', () => {
    const plan = compile(`${res}jobs:\n- name: j\n  plan: [{get: r}, {get: s, resource: r}]\n`);
    assert.deepEqual([plan.do![0]!.id, plan.do![1]!.id, plan.id], ['1', '2', '3']);
  });

  it('plans gets with the base type image and the chosen version', () => {
    const plan = compile(`${res}jobs:\n- name: j\n  plan: [{get: r, params: {depth: 1}}]\n`, 'j', {
      r: { ref: 'abc' },
    });
    assert.deepEqual(plan, {
      id: '2',
      do: [
        {
          id: '1',
          get: {
            name: 'r',
            type: 'git',
            resource: 'r',
            source: { uri: 'u' },
            image: { base_type: 'git' },
            version: { ref: 'abc' },
            params: { depth: 1 },
          },
        },
      ],
    });
  });

  it('follows a put with a get of the put version unless no_get', () => {
    const plan = compile(
      `${res}jobs:\n- name: j\n  plan:\n  - {put: r, get_params: {x: 1}}\n  - {put: r, no_get: true}\n`,
    );
    const hook = plan.do![0]!.on_success!;
    assert.equal(hook.step.put!.name, 'r');
    assert.equal(hook.on_success!.get!.version_from, hook.step.id);
    assert.deepEqual(hook.on_success!.get!.params, { x: 1 });
    assert.ok(plan.do![1]!.put);
  });

  it('turns attempts into retry copies marked with their attempt', () => {
    const plan = compile(`${res}jobs:\n- name: j\n  plan: [{get: r, attempts: 3}]\n`);
    const retry = plan.do![0]!.retry!;
    assert.equal(retry.length, 3);
    assert.deepEqual(
      retry.map((p) => p.attempts),
      [[1], [2], [3]],
    );
    assert.equal(new Set(retry.map((p) => p.id)).size, 3);
  });

  it('wraps steps in hooks, timeout and try in Concourse order', () => {
    const plan = compile(
      `${res}jobs:\n- name: j\n  ensure: {get: r}\n  plan:\n  - task: t\n    file: f\n    timeout: 1h\n    on_success: {get: r}\n    ensure: {get: r}\n  - try: {do: [{get: r}], timeout: 5m}\n`,
    );
    assert.ok(plan.ensure, 'job ensure is outermost');
    const steps = plan.ensure!.step.do!;
    assert.ok(steps[0]!.ensure!.step.on_success!.step.task);
    assert.equal(steps[0]!.ensure!.step.on_success!.step.task!.timeout, '1h');
    assert.equal(steps[1]!.try!.step.timeout!.duration, '5m');
  });

  it('plans in_parallel with limit and fail_fast, and across with a substep template', () => {
    const plan = compile(
      `${res}jobs:\n- name: j\n  plan:\n  - in_parallel: {steps: [{get: r}], limit: 2, fail_fast: true}\n  - across: [{var: v, values: [1, 2], max_in_flight: all}]\n    task: t\n    file: f\n`,
    );
    assert.equal(plan.do![0]!.in_parallel!.limit, 2);
    assert.equal(plan.do![0]!.in_parallel!.fail_fast, true);
    const across = plan.do![1]!.across!;
    assert.deepEqual(across.vars, [{ name: 'v', values: [1, 2], max_in_flight: 'all' }]);
    assert.equal(JSON.parse(across.substep_template).task.name, 't');
  });

  it('resolves custom resource types as check and get image plans, shadowed base types included', () => {
    const plan = compile(
      `resource_types:\n- {name: pr, type: registry-image, source: {repository: pr}}\n- {name: registry-image, type: registry-image, source: {repository: ri}}\nresources:\n- {name: r, type: pr}\njobs:\n- name: j\n  plan: [{get: r}]\n`,
    );
    const image = plan.do![0]!.get!.image;
    assert.equal(image.check_plan!.id, '1/image-check');
    assert.equal(image.get_plan!.get!.version_from, '1/image-check');
    const parent = image.check_plan!.check!.image;
    assert.equal(parent.check_plan!.check!.name, 'registry-image');
    assert.deepEqual(parent.check_plan!.check!.image, { base_type: 'registry-image' });
  });

  it('plans a custom type chain with its base type, privilege, interval and tags', () => {
    const plan = compile(
      `resource_types:\n- {name: outer, type: inner, privileged: true, check_every: 10m, tags: [t1]}\n- {name: inner, type: mock, params: {mirror_self_via_params: true}}\nresources:\n- {name: r, type: outer}\njobs:\n- name: j\n  plan: [{get: r}]\n`,
    );
    const image = plan.do![0]!.get!.image;
    assert.equal(image.base_type, 'mock');
    assert.equal(image.privileged, true);
    const check = image.check_plan!.check!;
    assert.deepEqual(
      [check.name, check.type, check.resource_type, check.interval, check.tags],
      ['outer', 'inner', 'outer', '10m', ['t1']],
    );
    const innerGet = image.get_plan!.get!.image.get_plan!.get!;
    assert.deepEqual(innerGet.params, { mirror_self_via_params: true });
    assert.deepEqual(innerGet.tags, ['t1']);
    assert.equal(image.get_plan!.get!.image.check_plan!.check!.interval, '1m');
    assert.equal(image.get_plan!.get!.image.privileged, undefined);
  });

  it('coerces task params to strings and propagates do tags', () => {
    const plan = compile(
      'jobs:\n- name: j\n  plan:\n  - do: [{task: t, file: f, params: {NUM: 1, B: true, M: {a: 1}, E: null}}]\n    tags: [x]\n',
    );
    const task = plan.do![0]!.do![0]!.task!;
    assert.deepEqual(task.params, { NUM: '1', B: 'true', M: '{"a":1}', E: '' });
    assert.deepEqual(task.tags, ['x']);
  });

  it('throws for an unknown job', () => {
    assert.throws(
      () => compile(`${res}jobs:\n- name: j\n  plan: [{get: r}]\n`, 'nope'),
      UnknownJobError,
    );
  });

  it('hides sources and params in the public plan', () => {
    const plan = compile(
      `${res}jobs:\n- name: j\n  plan: [{get: r}, {task: t, file: f, params: {S: secret}}]\n`,
    );
    const text = JSON.stringify(toPublicPlan(plan));
    assert.ok(!text.includes('secret'));
    assert.ok(!text.includes('"uri"'));
    assert.match(text, /"schema":"exec.v2"/);
  });
});
