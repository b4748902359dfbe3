// Names as Concourse users write them (unicode, spaces, `+`, dots, `%`, `/`) through fly and the
// API: stored as written, escaped exactly once on the way in, shown decoded on the way out.
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startPipelineWeb, type PipelineWeb } from './support/web.ts';

const JOBS = [
  'freshen-🐋',
  'ＡＡＡＡ',
  'a+b c.d',
  'build image',
  'Run_Tests/unit',
  '100%-coverage',
];

const pipelineYaml = JOBS.map(
  (job) => `- name: ${JSON.stringify(job)}
  plan:
  - task: t
    config:
      platform: linux
      image_resource: {type: registry-image, source: {repository: busybox}}
      run: {path: echo, args: [hi]}
`,
).join('');

const segment = (name: string) => encodeURIComponent(name);

describe('names through fly and the API', () => {
  let web: PipelineWeb;
  let configFile: string;

  before(async () => {
    web = await startPipelineWeb();
    configFile = join(await mkdtemp(join(tmpdir(), 'jb-names-')), 'pipeline.yml');
    await writeFile(configFile, `jobs:\n${pipelineYaml}`);
  });
  after(() => web?.close());

  const putConfig = (rawSegment: string) =>
    web.api(`/api/v1/teams/main/pipelines/${rawSegment}/config`, {
      method: 'PUT',
      body: `jobs:\n${pipelineYaml}`,
      headers: { 'Content-Type': 'application/x-yaml' },
    });

  const pipelineNames = async () =>
    ((await (await web.api('/api/v1/teams/main/pipelines')).json()) as Array<{ name: string }>).map(
      (p) => p.name,
    );

  for (const pipeline of ['freshen-🐋', 'ＡＡＡＡ', 'my pipe+line.v2']) {
    it(`sets, lists, triggers and reads back pipeline '${pipeline}' unchanged`, async () => {
      const set = await web.fly('set-pipeline', '-n', '-p', pipeline, '-c', configFile);
      assert.equal(set.exitCode, 0, set.stderr);
      assert.match(set.stdout, /pipeline created!/);
      assert.ok(set.stderr.includes(`jobs.freshen-🐋: 'freshen-🐋' is not a valid identifier`));

      const listed = await web.fly('pipelines', '--json');
      const names = (JSON.parse(listed.stdout) as Array<{ name: string }>).map((p) => p.name);
      assert.ok(names.includes(pipeline), names.join(', '));

      const jobs = await web.fly('jobs', '-p', pipeline, '--json');
      assert.equal(jobs.exitCode, 0, jobs.stderr);
      assert.deepEqual(
        (JSON.parse(jobs.stdout) as Array<{ name: string }>).map((j) => j.name),
        JOBS,
      );

      for (const job of ['freshen-🐋', 'ＡＡＡＡ', 'a+b c.d', 'build image']) {
        const trigger = await web.fly('trigger-job', '-j', `${pipeline}/${job}`);
        assert.equal(trigger.exitCode, 0, trigger.stderr);
        assert.equal(trigger.stdout, `started ${pipeline}/${job} #1\n`);
      }

      const got = await web.fly('get-pipeline', '-p', pipeline);
      for (const job of JOBS) assert.ok(got.stdout.includes(`name: ${job}\n`), job);

      const page = await web.api(
        `/api/v1/teams/main/pipelines/${segment(pipeline)}/jobs/${segment('freshen-🐋')}`,
      );
      assert.equal(page.status, 200);
      const body = await page.text();
      assert.ok(!/%[0-9A-F]{2}/i.test(body), `percent-encoded name in ${body}`);
      const job = JSON.parse(body) as { name: string; pipeline_name: string; next_build: unknown };
      assert.equal(job.name, 'freshen-🐋');
      assert.equal(job.pipeline_name, pipeline);
      assert.deepEqual((job.next_build as { job_name: string }).job_name, 'freshen-🐋');

      const again = await web.fly('set-pipeline', '-n', '-p', pipeline, '-c', configFile);
      assert.match(again.stdout, /no changes to apply\n$/);
    });
  }

  it('reads a raw `+` in a path as a plus and `%20` as a space', async () => {
    const page = await web.api(`/api/v1/teams/main/pipelines/my%20pipe+line.v2/jobs/a+b%20c.d`);
    assert.equal(page.status, 200);
    assert.equal(((await page.json()) as { name: string }).name, 'a+b c.d');
  });

  it('fails cleanly in fly on a `%` that is not an escape, as fly does', async () => {
    const set = await web.fly('set-pipeline', '-n', '-p', 'percent: %', '-c', configFile);
    assert.equal(set.exitCode, 1);
    assert.match(set.stderr, /invalid URL escape "%\/c"/);
    assert.ok(!(await pipelineNames()).includes('percent: %'));

    const trigger = await web.fly('trigger-job', '-j', 'freshen-🐋/100%-coverage');
    assert.equal(trigger.exitCode, 1);
    assert.match(trigger.stderr, /invalid URL escape "%-c"/);
  });

  it('unescapes `%` names exactly once over the API', async () => {
    assert.equal((await putConfig('percent%3A%20%25')).status, 201);
    assert.equal((await putConfig('literal%2525')).status, 201);
    const names = await pipelineNames();
    assert.ok(names.includes('percent: %'));
    assert.ok(names.includes('literal%25'), 'a %25 in the name itself stays as written');

    const job = await web.api('/api/v1/teams/main/pipelines/percent%3A%20%25/jobs/100%25-coverage');
    assert.equal(((await job.json()) as { name: string }).name, '100%-coverage');

    const build = await web.api(
      '/api/v1/teams/main/pipelines/percent%3A%20%25/jobs/100%25-coverage/builds',
      { method: 'POST' },
    );
    assert.equal(build.status, 200);
    const created = (await build.json()) as { job_name: string; pipeline_name: string };
    assert.equal(created.job_name, '100%-coverage');
    assert.equal(created.pipeline_name, 'percent: %');

    const jobs = await web.api('/api/v1/teams/main/pipelines/literal%2525/jobs');
    assert.equal(((await jobs.json()) as unknown[]).length, JOBS.length);
  });

  it('serves jobs named with `&`, `?` and `#` through escaped segments', async () => {
    const awkward = ['a&b', 'what?', 'c#', 'q=1;x'];
    const yaml = awkward
      .map(
        (job) =>
          `- name: ${JSON.stringify(job)}\n  plan: [{task: t, config: {platform: linux, image_resource: {type: registry-image, source: {repository: busybox}}, run: {path: "true"}}}]\n`,
      )
      .join('');
    const put = await web.api('/api/v1/teams/main/pipelines/awkward/config', {
      method: 'PUT',
      body: `jobs:\n${yaml}`,
      headers: { 'Content-Type': 'application/x-yaml' },
    });
    assert.equal(put.status, 201, await put.text());
    for (const job of awkward) {
      const page = await web.api(`/api/v1/teams/main/pipelines/awkward/jobs/${segment(job)}`);
      assert.equal(page.status, 200, job);
      assert.equal(((await page.json()) as { name: string }).name, job);
      const build = await web.api(
        `/api/v1/teams/main/pipelines/awkward/jobs/${segment(job)}/builds`,
        {
          method: 'POST',
        },
      );
      assert.equal(((await build.json()) as { job_name: string }).job_name, job);
    }
    const jobs = await web.fly('jobs', '-p', 'awkward', '--json');
    assert.deepEqual(
      (JSON.parse(jobs.stdout) as Array<{ name: string }>).map((j) => j.name),
      awkward,
    );
  });

  it('reaches a job whose name holds a `/` through an escaped segment', async () => {
    const page = await web.api(
      `/api/v1/teams/main/pipelines/${segment('freshen-🐋')}/jobs/${segment('Run_Tests/unit')}`,
    );
    assert.equal(page.status, 200);
    assert.equal(((await page.json()) as { name: string }).name, 'Run_Tests/unit');
  });

  it('refuses a pipeline name with a `/`, which no fly command could address', async () => {
    const set = await web.fly('set-pipeline', '-n', '-p', 'a/b', '-c', configFile);
    assert.equal(set.exitCode, 1);

    const put = await putConfig('a%2Fb');
    assert.equal(put.status, 400);
    assert.deepEqual(await put.json(), { errors: ["pipeline name cannot contain '/'"] });

    const rename = await web.api(`/api/v1/teams/main/pipelines/${segment('freshen-🐋')}/rename`, {
      method: 'PUT',
      body: JSON.stringify({ name: 'x/y' }),
      headers: { 'Content-Type': 'application/json' },
    });
    assert.equal(rename.status, 400);
    const names = await pipelineNames();
    assert.ok(!names.includes('a/b') && !names.includes('x/y'), names.join(', '));
  });
});
