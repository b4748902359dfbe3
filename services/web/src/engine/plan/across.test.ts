import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileJobPlan, parsePipeline, type Plan } from '@jetbridge/pipeline';
import { reidentify } from './across.ts';

describe('across substep ids', () => {
  it('suffixes image plans and the version_from that points inside the substep', () => {
    const config = parsePipeline(`resource_types:
- {name: custom, type: mock, source: {mirror_self: true}}
resources:
- {name: r, type: custom}
jobs:
- name: j
  plan:
  - across: [{var: v, values: [a, b]}]
    do: [{get: r}, {put: r}]
`);
    let id = 0;
    const plan = compileJobPlan(config, 'j', { nextId: () => String(++id) });
    const template = JSON.parse(plan.do![0]!.across!.substep_template) as Plan;
    const substep = reidentify(template, '0') as Plan;

    const get = substep.do![0]!.get!;
    assert.equal(get.image.check_plan!.id, `${template.do![0]!.id}/image-check/0`);
    assert.equal(get.image.get_plan!.get!.version_from, get.image.check_plan!.id);
    const putThenGet = substep.do![1]!.on_success!;
    assert.equal(putThenGet.on_success!.get!.version_from, putThenGet.step.id);
    assert.match(putThenGet.step.id, /\/0$/);
  });

  it('leaves a version_from outside the substep as it is', () => {
    const template = {
      id: '2',
      get: { name: 'r', type: 'mock', source: {}, image: { base_type: 'mock' }, version_from: '1' },
    };
    const substep = reidentify(template, '1') as Plan;
    assert.equal(substep.id, '2/1');
    assert.equal(substep.get!.version_from, '1');
  });
});
