import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parsePipeline } from '../config/parse-pipeline.ts';
import { compileJobPlan } from './compile-job-plan.ts';
import { fetchImagePlan, imageFor } from './image-plan.ts';
import { publicPlan, toPublicPlan } from './public-plan.ts';
import type { Plan } from './types.ts';

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

describe('public image plans', () => {
  const chain = `resource_types:
- {name: outer, type: inner, source: {secret: s1}, privileged: true}
- {name: inner, type: registry-image, source: {repository: example/inner}}
resources:
- {name: r, type: outer, source: {secret: s2}}
jobs:
- name: j
  plan: [{get: r}, {put: r, no_get: true}]
`;

  it('nests a chain of custom types as Concourse writes it, key order included', () => {
    const shown = publicPlanOf(chain);
    const inner = (id: string) =>
      `"image_get_plan":{"id":"${id}/image-get","get":{"name":"inner","type":"registry-image"}},` +
      `"image_check_plan":{"id":"${id}/image-check","check":{"name":"inner","type":"registry-image"}}`;
    const outer = (id: string) =>
      `"image_get_plan":{"id":"${id}/image-get","get":{"name":"outer","type":"inner",${inner(`${id}/image-get`)}}},` +
      `"image_check_plan":{"id":"${id}/image-check","check":{"name":"outer","type":"inner",${inner(`${id}/image-check`)}}}`;
    assert.equal(
      JSON.stringify(shown),
      `{"schema":"exec.v2","plan":{"id":"3","do":[` +
        `{"id":"1","get":{"name":"r","type":"outer","resource":"r",${outer('1')}}},` +
        `{"id":"2","put":{"name":"r","type":"outer","resource":"r",${outer('2')}}}]}}`,
    );
  });

  it('shows a check of a custom type with its image steps and no resource', () => {
    const check: Plan = {
      id: '1',
      check: {
        name: 'r',
        type: 'outer',
        source: { secret: 's' },
        resource: 'r',
        image: imageFor('outer', parsePipeline(chain).resource_types!, '1'),
      },
    };
    const shown = publicPlan(check) as { check: Record<string, unknown> };
    assert.deepEqual(Object.keys(shown.check), [
      'name',
      'type',
      'image_get_plan',
      'image_check_plan',
    ]);
    assert.ok(!JSON.stringify(shown).includes('secret'));
  });

  it('plans a task image_resource as a check named image and a get of its version', () => {
    const types = parsePipeline(chain).resource_types!;
    const { checkPlan, getPlan } = fetchImagePlan(
      '7',
      { type: 'outer', source: { repository: 'x' }, params: { p: 1 } },
      types,
      ['tag-a'],
    );
    assert.equal(getPlan.get!.version_from, '7/image-check');
    assert.equal(checkPlan!.check!.interval, '1m');
    assert.deepEqual(getPlan.get!.tags, ['tag-a']);
    assert.deepEqual(getPlan.get!.params, { p: 1 });
    assert.equal(checkPlan!.check!.resource_type, undefined);
    assert.equal(
      JSON.stringify(publicPlan(checkPlan!)),
      `{"id":"7/image-check","check":{"name":"image","type":"outer",` +
        `"image_get_plan":{"id":"7/image-check/image-get","get":{"name":"outer","type":"inner",` +
        `"image_get_plan":{"id":"7/image-check/image-get/image-get","get":{"name":"inner","type":"registry-image"}},` +
        `"image_check_plan":{"id":"7/image-check/image-get/image-check","check":{"name":"inner","type":"registry-image"}}}},` +
        `"image_check_plan":{"id":"7/image-check/image-check","check":{"name":"outer","type":"inner",` +
        `"image_get_plan":{"id":"7/image-check/image-check/image-get","get":{"name":"inner","type":"registry-image"}},` +
        `"image_check_plan":{"id":"7/image-check/image-check/image-check","check":{"name":"inner","type":"registry-image"}}}}}}`,
    );
  });

  it('skips the check of an image whose version is given, and shows that version', () => {
    const { checkPlan, getPlan } = fetchImagePlan(
      '7',
      {
        type: 'registry-image',
        source: { repository: 'busybox' },
        version: { digest: 'sha256:1' },
      },
      [],
    );
    assert.equal(checkPlan, undefined);
    assert.equal(getPlan.get!.version_from, undefined);
    assert.equal(
      JSON.stringify(publicPlan(getPlan)),
      '{"id":"7/image-get","get":{"name":"image","type":"registry-image","version":{"digest":"sha256:1"}}}',
    );
  });
});
