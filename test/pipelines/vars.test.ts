// fly's vars (-v, -y, -l, -i) against the server: what is filled in before saving, what stays a
// `((var))` for run time, whole-value vars keeping their type, and instanced pipelines.
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startPipelineWeb, type PipelineWeb } from './support/web.ts';

const varsPipeline = `
resources:
- name: r
  type: mock
  tags: ((tags))
  source:
    text: ((text))
    number: ((number))
    quoted_number: "((number))"
    embedded: "id-((number))"
    flag: ((flag))
    field: ((creds.user))
    from_file: ((file_var))
    secret: ((not-given))
    sourced: ((vault:path.to.key))
jobs:
- name: j
  plan:
  - get: r
  - load_var: loaded
    file: r/version
  - task: t
    config:
      platform: linux
      image_resource: {type: mock, source: {mirror_self: true}}
      run: {path: echo, args: ["((.:loaded))", "$((1 + 2))"]}
`;

const trackerPipeline = (projectId: string) => `
resources:
- name: tracker
  type: mock
  source:
    token: ((tracker-token))
    project_id: ${projectId}
jobs:
- name: j
  plan: [{get: tracker}]
`;

const instancedPipeline = `
resources:
- name: repo
  type: mock
  source: {branch: ((branch))}
jobs:
- name: unit
  plan: [{get: repo}]
`;

interface Saved {
  resources: Array<{ tags?: unknown; source: Record<string, unknown> }>;
  jobs: Array<{ plan: Array<{ config?: { run: { args: unknown[] } } }> }>;
}

describe('vars through fly set-pipeline', () => {
  let web: PipelineWeb;
  let dir: string;

  before(async () => {
    web = await startPipelineWeb();
    dir = await mkdtemp(join(tmpdir(), 'jb-vars-'));
  });
  after(() => web?.close());

  const file = async (name: string, text: string) => {
    const path = join(dir, name);
    await writeFile(path, text);
    return path;
  };

  const saved = async (ref: string) => {
    const got = await web.fly('get-pipeline', '-p', ref, '--json');
    assert.equal(got.exitCode, 0, got.stderr);
    return JSON.parse(got.stdout) as Saved;
  };

  it('fills -v, -y and -l vars and keeps the rest for run time', async () => {
    const config = await file('vars.yml', varsPipeline);
    const varsFile = await file('vars-file.yml', 'file_var: from-file\ncreds: {user: admin}\n');
    const set = await web.fly(
      'set-pipeline',
      '-n',
      '-p',
      'vars',
      '-c',
      config,
      '-v',
      'text=123',
      '-y',
      'number=1234567',
      '-y',
      'flag=true',
      '-y',
      'tags=[a, b]',
      '-l',
      varsFile,
    );
    assert.equal(set.exitCode, 0, set.stderr);

    const resource = (await saved('vars')).resources[0]!;
    assert.deepEqual(resource.tags, ['a', 'b']);
    assert.deepEqual(resource.source, {
      text: '123',
      number: 1234567,
      quoted_number: 1234567,
      embedded: 'id-1234567',
      flag: true,
      field: 'admin',
      from_file: 'from-file',
      secret: '((not-given))',
      sourced: '((vault:path.to.key))',
    });
    const task = (await saved('vars')).jobs[0]!.plan[2]!;
    assert.deepEqual(task.config!.run.args, ['((.:loaded))', '$((1 + 2))']);
  });

  it('lets -y override the same var from a vars file', async () => {
    const config = await file('later.yml', trackerPipeline('((tracker-project-id))'));
    const varsFile = await file('later-vars.yml', 'tracker-project-id: 1\n');
    const set = await web.fly(
      'set-pipeline',
      '-n',
      '-p',
      'later',
      '-c',
      config,
      '-l',
      varsFile,
      '-y',
      'tracker-project-id=2',
    );
    assert.equal(set.exitCode, 0, set.stderr);
    assert.equal((await saved('later')).resources[0]!.source.project_id, 2);
  });

  it('sees no change when a whole-value var gets quoted (the var keeps its type)', async () => {
    const bare = await file('bare.yml', trackerPipeline('((tracker-project-id))'));
    const quoted = await file('quoted.yml', trackerPipeline('"((tracker-project-id))"'));
    assert.equal((await web.fly('set-pipeline', '-n', '-p', 'tracker', '-c', bare)).exitCode, 0);

    const again = await web.fly('set-pipeline', '-n', '-p', 'tracker', '-c', quoted);
    assert.equal(again.exitCode, 0, again.stderr);
    assert.match(again.stdout, /(^|\n)no changes to apply\n$/);
    const source = (await saved('tracker')).resources[0]!.source;
    assert.equal(source.project_id, '((tracker-project-id))');

    const typed = ['-y', 'tracker-project-id=1234567'];
    assert.equal(
      (await web.fly('set-pipeline', '-n', '-p', 'typed', '-c', bare, ...typed)).exitCode,
      0,
    );
    const typedAgain = await web.fly('set-pipeline', '-n', '-p', 'typed', '-c', quoted, ...typed);
    assert.match(typedAgain.stdout, /(^|\n)no changes to apply\n$/);
    assert.equal((await saved('typed')).resources[0]!.source.project_id, 1234567);

    const embedded = await file('embedded.yml', trackerPipeline('"id-((tracker-project-id))"'));
    const changed = await web.fly('set-pipeline', '-n', '-p', 'typed', '-c', embedded, ...typed);
    assert.match(changed.stdout, /configuration updated\n/);
    assert.equal((await saved('typed')).resources[0]!.source.project_id, 'id-1234567');
  });

  it('keeps instanced pipelines apart, listed with their vars and addressable by them', async () => {
    const config = await file('instanced.yml', instancedPipeline);
    for (const branch of ['feature/x', 'main']) {
      const set = await web.fly(
        'set-pipeline',
        '-n',
        '-p',
        'multi',
        '-c',
        config,
        '-i',
        `branch=${branch}`,
      );
      assert.equal(set.exitCode, 0, set.stderr);
      assert.match(set.stdout, /pipeline created!/);
      assert.ok(set.stdout.includes(`unpause-pipeline -p multi/branch:${branch}\n`), set.stdout);
    }
    const again = await web.fly(
      'set-pipeline',
      '-n',
      '-p',
      'multi',
      '-c',
      config,
      '-i',
      'branch=feature/x',
    );
    assert.match(again.stdout, /(^|\n)no changes to apply\n$/);

    const listed = await web.fly('pipelines', '--json');
    const multi = (JSON.parse(listed.stdout) as Array<{ name: string; instance_vars?: unknown }>)
      .filter((p) => p.name === 'multi')
      .map((p) => p.instance_vars);
    assert.deepEqual(multi, [{ branch: 'feature/x' }, { branch: 'main' }]);
    const table = await web.fly('pipelines');
    assert.match(table.stdout, /multi\/branch:feature\/x/);
    assert.match(table.stdout, /multi\/branch:main/);

    assert.equal((await saved('multi/branch:feature/x')).resources[0]!.source.branch, 'feature/x');
    assert.equal((await saved('multi/branch:main')).resources[0]!.source.branch, 'main');
    const plain = await web.fly('get-pipeline', '-p', 'multi');
    assert.equal(plain.exitCode, 1, 'the pipeline without instance vars is another pipeline');

    const trigger = await web.fly('trigger-job', '-j', 'multi/branch:feature/x/unit');
    assert.equal(trigger.exitCode, 0, trigger.stderr);
    assert.equal(trigger.stdout, 'started multi/branch:feature/x/unit #1\n');
    const jobs = await web.fly('jobs', '-p', 'multi/branch:main', '--json');
    const job = (JSON.parse(jobs.stdout) as Array<{ name: string; next_build: unknown }>)[0]!;
    assert.equal(job.name, 'unit');
    assert.equal(job.next_build ?? null, null, 'the trigger went to the other instance');
  });
});
