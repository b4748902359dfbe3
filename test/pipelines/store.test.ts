// What re-setting a pipeline does to its stored jobs, resources and resource types: renames keep
// history, removed ones go inactive, serial groups and config pins follow the new config.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startPipelineWeb, type PipelineWeb } from './support/web.ts';

const task = `{task: t, config: {platform: linux, image_resource: {type: registry-image, source: {repository: busybox}}, run: {path: "true"}}}`;

const first = `
resource_types:
- {name: custom, type: registry-image, source: {repository: example/custom}}
- {name: dropped, type: registry-image, source: {repository: example/dropped}}
resources:
- {name: repo, type: custom, source: {uri: one}, version: {ref: pinned}}
- {name: other, type: mock, source: {}}
jobs:
- {name: build, serial_groups: [a, b], plan: [{get: repo}, ${task}]}
- {name: gone, plan: [{get: other}]}
`;

const second = `
resource_types:
- {name: custom, type: registry-image, source: {repository: example/custom2}}
resources:
- {name: source, old_name: repo, type: custom, source: {uri: two}}
- {name: other, type: mock, source: {}}
jobs:
- {name: compile, old_name: build, serial_groups: [c], plan: [{get: source}, ${task}]}
- {name: other-job, serial: true, plan: [{get: other}]}
`;

describe('re-setting a pipeline', () => {
  let web: PipelineWeb;
  let pipelineId: number;
  const before1: Record<string, number> = {};

  before(async () => {
    web = await startPipelineWeb();
    assert.equal((await put(first, '')).status, 201);
    const ids = await web.pool.query<{ id: number; pipeline_id: number; name: string }>(
      `SELECT id, pipeline_id, name FROM jobs UNION ALL SELECT id, pipeline_id, name FROM resources`,
    );
    pipelineId = ids.rows[0]!.pipeline_id;
    for (const row of ids.rows) before1[row.name] = row.id;

    const version = (await web.api(configPath)).headers.get('x-concourse-config-version')!;
    const saved = await put(second, version);
    assert.equal(saved.status, 200, await saved.text());
  });
  after(() => web?.close());

  const configPath = '/api/v1/teams/main/pipelines/stored/config';
  const put = (body: string, version: string) =>
    web.api(configPath, {
      method: 'PUT',
      body,
      headers: { 'Content-Type': 'application/x-yaml', 'X-Concourse-Config-Version': version },
    });

  const rows = async (table: string) =>
    (
      await web.pool.query<Record<string, unknown>>(
        `SELECT * FROM ${table} WHERE pipeline_id = $1 ORDER BY name`,
        [pipelineId],
      )
    ).rows;

  it('keeps a renamed job and resource as the same rows', async () => {
    const jobs = await rows('jobs');
    assert.equal(jobs.find((j) => j.name === 'compile')!.id, before1.build);
    const resources = await rows('resources');
    assert.equal(resources.find((r) => r.name === 'source')!.id, before1.repo);
  });

  it('marks what left the config inactive and the rest active', async () => {
    const active = (list: Array<Record<string, unknown>>) =>
      Object.fromEntries(list.map((r) => [r.name, r.active]));
    assert.deepEqual(active(await rows('jobs')), { compile: true, gone: false, 'other-job': true });
    assert.deepEqual(active(await rows('resources')), { other: true, source: true });
    assert.deepEqual(active(await rows('resource_types')), { custom: true, dropped: false });
  });

  it('stores the new configs, max in flight and serial groups', async () => {
    const jobs = await rows('jobs');
    const compile = jobs.find((j) => j.name === 'compile')!;
    assert.equal(compile.max_in_flight, 1);
    assert.equal(jobs.find((j) => j.name === 'other-job')!.max_in_flight, 1);
    const groups = await web.pool.query<{ serial_group: string }>(
      'SELECT serial_group FROM job_serial_groups WHERE job_id = $1 ORDER BY 1',
      [compile.id],
    );
    assert.deepEqual(
      groups.rows.map((g) => g.serial_group),
      ['c'],
    );
    const types = await rows('resource_types');
    const custom = types.find((t) => t.name === 'custom')!;
    assert.deepEqual((custom.config as { source: unknown }).source, {
      repository: 'example/custom2',
    });
    const source = (await rows('resources')).find((r) => r.name === 'source')!;
    assert.deepEqual((source.config as { source: unknown }).source, { uri: 'two' });
  });

  it('drops a pin that came from the config once the config stops pinning', async () => {
    const source = (await rows('resources')).find((r) => r.name === 'source')!;
    assert.equal(source.pinned_version, null);
    assert.equal(source.pinned_in_config, false);
  });
});
