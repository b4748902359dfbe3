import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { fly } from './index.ts';
import { FakeConcourse, flyHome, json, text } from './fake-concourse.ts';

const CONFIG = '/api/v1/teams/main/pipelines/ci/config';
const PIPELINE = '/api/v1/teams/main/pipelines/ci';
const YAML = `resources:
- name: repo
  type: mock
  source: {branch: ((branch))}
jobs:
- name: unit
  plan:
  - get: repo
`;

describe('fly set-pipeline', () => {
  const server = new FakeConcourse();
  let api = '';
  let home = '';
  let configFile = '';

  before(async () => {
    api = await server.start();
    home = await flyHome(api);
    const dir = await mkdtemp(join(tmpdir(), 'fly-sp-'));
    configFile = join(dir, 'pipeline.yml');
    await writeFile(configFile, YAML);
  });
  after(() => server.stop());

  const setPipeline = () =>
    fly(['-t', 'test', 'set-pipeline', '-p', 'ci', '-c', configFile, '-v', 'branch=main', '-n'], {
      home,
      timeoutMs: 10_000,
    });

  it('creates a pipeline with the evaluated YAML and prints the unpause hint', async () => {
    server
      .on('GET', CONFIG, json(404, { errors: [] }))
      .on('GET', PIPELINE, json(404, { errors: [] }))
      .on('PUT', CONFIG, json(201, {}))
      .on('GET', PIPELINE, json(200, { id: 1, name: 'ci', paused: true, team_name: 'main' }));

    const result = await setPipeline();

    assert.equal(result.stderr, '');
    assert.equal(result.exitCode, 0);
    assert.ok(
      result.stdout.startsWith('resources:\n  \x1b[33mresource repo has been added:\x1b[0m\n'),
    );
    assert.ok(result.stdout.includes('  \n\x1b[1mpipeline name: \x1b[0mci\n\n'));
    assert.ok(
      result.stdout.endsWith(
        `pipeline created!\nyou can view your pipeline here: ${api}/teams/main/pipelines/ci\n\n` +
          'the pipeline is currently paused. to unpause, either:\n' +
          '  - run the unpause-pipeline command:\n    fly -t test unpause-pipeline -p ci\n' +
          '  - click play next to the pipeline in the web ui\n',
      ),
    );
    const put = server.find('PUT', CONFIG)[0];
    assert.equal(put?.headers['content-type'], 'application/x-yaml');
    assert.equal(put?.headers['x-concourse-config-version'], '');
    const sent = parse(put?.body ?? '') as { resources: Array<{ source: unknown }> };
    assert.deepEqual(sent.resources[0]?.source, { branch: 'main' });
  });

  it('shows the server validation errors of a 400', async () => {
    server
      .on('GET', CONFIG, json(404, { errors: [] }))
      .on('GET', PIPELINE, json(404, { errors: [] }))
      .on('PUT', CONFIG, json(400, { errors: ['invalid jobs:\n\tjobs.unit has a problem\n'] }));

    const result = await setPipeline();

    assert.equal(
      result.stderr,
      'error: invalid pipeline config:\ninvalid jobs:\n\tjobs.unit has a problem\n\n',
    );
    assert.equal(result.exitCode, 1);
  });

  it('rejects a success whose Content-Type is not exactly application/json', async () => {
    server
      .on('GET', CONFIG, json(404, { errors: [] }))
      .on('GET', PIPELINE, json(404, { errors: [] }))
      .on('PUT', CONFIG, text(201, '{}', { 'Content-Type': 'application/json; charset=utf-8' }));

    const result = await setPipeline();

    assert.equal(result.stderr, 'error: Unexpected Response\nStatus: 201 Created\nBody:\n{}\n');
    assert.equal(result.exitCode, 1);
  });

  it('sends the stored config version and reports an update', async () => {
    server
      .on(
        'GET',
        CONFIG,
        json(
          200,
          { config: { jobs: [{ name: 'other', plan: [] }] } },
          { 'X-Concourse-Config-Version': '12' },
        ),
      )
      .on('GET', PIPELINE, json(200, { id: 1, name: 'ci', paused: false, team_name: 'main' }))
      .on('PUT', CONFIG, json(200, { warnings: [{ type: 'pipeline', message: 'be careful' }] }));

    const result = await setPipeline();

    assert.equal(result.exitCode, 0);
    assert.ok(result.stdout.endsWith('configuration updated\n'));
    assert.equal(result.stderr, '\nDEPRECATION WARNING:\n  - be careful\n\n');
    assert.equal(server.find('PUT', CONFIG).at(-1)?.headers['x-concourse-config-version'], '12');
  });

  it('prints the per-item diff against the stored config, removals before additions', async () => {
    server.on(
      'GET',
      CONFIG,
      json(200, {
        config: {
          resources: [{ name: 'repo', type: 'mock', source: { branch: 'old' } }],
          jobs: [{ name: 'unit', plan: [{ get: 'repo' }] }],
        },
      }),
    );
    const result = await fly(
      ['-t', 'test', 'set-pipeline', '-p', 'ci', '-c', configFile, '-v', 'branch=main', '-d'],
      { home, timeoutMs: 10_000 },
    );
    const red = (t: string) => `  \b\b\x1b[31m-\x1b[0m \x1b[31m${t}\x1b[0m\n`;
    const green = (t: string) => `  \b\b\x1b[32m+\x1b[0m \x1b[32m${t}\x1b[0m\n`;
    assert.equal(
      result.stdout,
      'resources:\n  \x1b[33mresource repo has changed:\x1b[0m\n  name: repo\n  source:\n' +
        red('  branch: old') +
        green('  branch: main') +
        '  type: mock\n  \n\x1b[1mpipeline name: \x1b[0mci\n\nDry-run mode was set, exiting.\n',
    );
  });

  it('links the identifier docs after an invalid identifier warning', async () => {
    server.on('GET', '/api/v1/teams/main/pipelines/Bad_Name/config', json(404, { errors: [] }));
    const result = await fly(
      ['-t', 'test', 'set-pipeline', '-p', 'Bad_Name', '-c', configFile, '-v', 'branch=x', '-d'],
      { home, timeoutMs: 10_000 },
    );
    assert.ok(
      result.stderr.endsWith(
        '\n\nidentifier schema documentation: https://concourse-ci.org/config-basics.html#schema.identifier\n\n',
      ),
    );
  });
});
