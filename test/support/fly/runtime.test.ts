import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fly } from './index.ts';
import { FakeConcourse, flyHome, json } from './fake-concourse.ts';

// Build times print in the local zone; pin it so the expected text is fixed.
process.env.TZ = 'UTC';

describe('fly listings: builds, workers, containers, volumes', () => {
  const server = new FakeConcourse();
  let home = '';
  const run = (...args: string[]) => fly(['-t', 'test', ...args], { home, timeoutMs: 10_000 });

  before(async () => {
    home = await flyHome(await server.start());
  });
  after(() => server.stop());

  it("prints builds with fly's columns, names and times", async () => {
    server.on(
      'GET',
      '/api/v1/builds',
      json(200, [
        {
          id: 42,
          name: '3',
          status: 'succeeded',
          team_name: 'main',
          pipeline_name: 'ci',
          pipeline_instance_vars: { branch: 'dev' },
          job_name: 'unit',
          start_time: 1700000000,
          end_time: 1700000075,
          created_by: 'admin',
        },
        { id: 41, name: '17', status: 'pending', team_name: 'main' },
        {
          id: 40,
          name: '5',
          status: 'started',
          team_name: 'main',
          pipeline_name: 'ci',
          resource_name: 'repo',
          start_time: Math.floor(Date.now() / 1000) - 5,
        },
      ]),
    );
    const result = await run('builds', '--print-table-headers');
    const [req] = server.find('GET', '/api/v1/builds');
    assert.equal(req!.url, '/api/v1/builds?limit=50');
    const lines = result.stdout.split('\n');
    assert.equal(
      lines[0],
      'id  name                  status     start                     end                       duration  team  created by',
    );
    assert.equal(
      lines[1],
      '42  ci/branch:dev/unit/3  succeeded  2023-11-14@22:13:20+0000  2023-11-14@22:14:35+0000  1m15s     main  admin     ',
    );
    assert.equal(
      lines[2],
      '41  17                    pending    n/a                       n/a                       n/a       main  system    ',
    );
    assert.match(
      lines[3] ?? '',
      /^40 {2}ci\/repo\/5 {13}started {4}\S+ {2}n\/a {23}\d+s\+ +main {2}system {4}$/,
    );
  });

  it('asks each named team for its builds and caps the count', async () => {
    server.on(
      'GET',
      '/api/v1/teams/a/builds',
      json(200, [{ id: 2, name: '1', status: 'failed', team_name: 'a' }]),
    );
    server.on(
      'GET',
      '/api/v1/teams/b/builds',
      json(200, [{ id: 1, name: '1', status: 'failed', team_name: 'b' }]),
    );
    const result = await run('builds', '-n', 'a', '--team', 'b', '-c', '1');
    assert.equal(
      server.find('GET', '/api/v1/teams/b/builds')[0]!.url,
      '/api/v1/teams/b/builds?limit=1',
    );
    assert.equal(result.stdout, '2  1  failed  n/a  n/a  n/a  a  system\n');
  });

  it('fails like fly when a pipeline has no builds route', async () => {
    server.on('GET', '/api/v1/teams/main/pipelines/gone/builds', json(404, { errors: [] }));
    const result = await run('builds', '-p', 'gone');
    assert.equal(result.stderr, 'pipeline not found\n');
    assert.equal(result.exitCode, 1);
  });

  it('lists workers sorted by name with none and n/a defaults', async () => {
    server.on(
      'GET',
      '/api/v1/workers',
      json(200, [
        {
          name: 'w2',
          active_containers: 0,
          platform: 'linux',
          tags: [],
          team: '',
          state: 'stalled',
          version: '3.0',
        },
        {
          name: 'w1',
          active_containers: 3,
          platform: 'linux',
          tags: ['k8s', 'x'],
          team: 'main',
          state: 'running',
          version: '3.0',
          start_time: 0,
        },
      ]),
    );
    const result = await run('workers', '--print-table-headers');
    assert.equal(
      result.stdout,
      'name  containers  platform  tags    team  state    version  age\n' +
        'w1    3           linux     k8s, x  main  running  3.0      n/a\n' +
        'w2    0           linux     none    none  stalled  3.0      n/a\n',
    );
  });

  it('lists containers sorted by handle with fly defaults', async () => {
    server.on(
      'GET',
      '/api/v1/teams/main/containers',
      json(200, [
        { id: 'h2', worker_name: 'w1', type: 'check', resource_name: 'repo', pipeline_name: 'ci' },
        {
          id: 'h1',
          worker_name: 'w1',
          type: 'task',
          step_name: 'unit',
          attempt: '1',
          pipeline_name: 'ci',
          job_name: 'unit',
          build_name: '3',
          build_id: 42,
        },
      ]),
    );
    const result = await run('containers');
    assert.equal(
      result.stdout,
      'h1  w1  ci  unit  3     42    task   unit  1  \nh2  w1  ci  none  none  none  check  repo  n/a\n',
    );
  });

  it('lists volumes with their identifiers', async () => {
    server.on(
      'GET',
      '/api/v1/teams/main/volumes',
      json(200, [
        {
          id: 'v2',
          worker_name: 'w1',
          type: 'resource',
          resource_type: { version: { ref: 'abc' } },
        },
        { id: 'v1', worker_name: 'w1', type: 'container', container_handle: 'h1', path: '/tmp' },
        {
          id: 'v3',
          worker_name: 'w0',
          type: 'task-cache',
          pipeline_name: 'ci',
          job_name: 'unit',
          step_name: 'go',
        },
        {
          id: 'v4',
          worker_name: 'w1',
          type: 'resource-type',
          base_resource_type: { name: 'git', version: '1' },
        },
      ]),
    );
    const result = await run('volumes');
    assert.equal(
      result.stdout,
      'v3  w0  task-cache     ci/unit/go\nv1  w1  container      h1        \nv2  w1  resource       ref:abc   \nv4  w1  resource-type  git       \n',
    );
  });
});
