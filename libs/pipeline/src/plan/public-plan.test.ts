import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parsePipeline } from '../config/parse-pipeline.ts';
import { compileJobPlan } from './compile-job-plan.ts';
import { toPublicPlan } from './public-plan.ts';

function publicPlanOf(yaml: string) {
  let id = 0;
  const plan = compileJobPlan(parsePipeline(yaml), 'j', { nextId: () => String(++id) });
  return toPublicPlan(plan);
}

describe('toPublicPlan', () => {
  it('shows a task as name, privileged and hermetic only', () => {
    const shown = publicPlanOf(
      'jobs:\n- name: j\n  plan:\n  - {task: t, file: f, privileged: true, params: {S: x}}\n',
    );
    assert.deepEqual(shown, {
      schema: 'exec.v2',
      plan: { id: '2', do: [{ id: '1', task: { name: 't', privileged: true, hermetic: false } }] },
    });
  });

  it('shows custom type image steps as image_check_plan and image_get_plan', () => {
    const shown = publicPlanOf(`resource_types:
- name: custom
  type: registry-image
  source: {repository: example/custom}
resources:
- name: r
  type: custom
  source: {secret: s}
jobs:
- name: j
  plan: [{get: r}]
`);
    const get = (shown.plan as { do: Array<{ get: Record<string, unknown> }> }).do[0]!.get;
    assert.deepEqual(Object.keys(get).sort(), [
      'image_check_plan',
      'image_get_plan',
      'name',
      'resource',
      'type',
    ]);
    const imageGet = get.image_get_plan as { id: string; get: Record<string, unknown> };
    assert.equal(imageGet.get.type, 'registry-image');
    assert.equal(imageGet.get.name, 'custom');
    assert.ok(!JSON.stringify(shown).includes('example/custom'), 'sources stay private');
    assert.ok(!JSON.stringify(shown).includes('"image":'));
  });

  it('shows a put without its params and its implicit get without version_from', () => {
    const shown = publicPlanOf(
      'resources:\n- {name: r, type: git, source: {uri: u}}\njobs:\n- name: j\n  plan: [{put: r, params: {p: 1}}]\n',
    );
    const text = JSON.stringify(shown);
    assert.match(text, /"put":\{"name":"r","type":"git","resource":"r"\}/);
    assert.match(text, /"get":\{"name":"r","type":"git","resource":"r"\}/);
    assert.ok(!text.includes('version_from'));
  });
});
