// `fly intercept` against the four-process deployment: into a running step, into a finished one
// within the grace period, and not after it; every way of selecting a container; team scoping.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { fly } from '../support/fly/index.ts';
import { startDistributed } from '../support/jetbridge.ts';
import { eventually, flyAuthorization, pipelineFile } from './support.ts';

const graceMs = 8_000;

const waitUntilReleased = (name: string) => `
    - task: ${name}
      config:
        platform: linux
        image_resource: {type: registry-image, source: {repository: busybox}}
        run:
          path: sh
          args: [-c, "echo ${name} > /tmp/step; echo waiting; while [ ! -f /tmp/release ]; do sleep 0.1; done; echo released"]`;

const pipeline = `
resources:
- name: thing
  type: mock
  source: {initial_version: v1}
jobs:
- name: fetch
  plan:
  - get: thing
- name: hold
  plan:
  - do:${waitUntilReleased('wait')}
- name: retry
  plan:
  - task: flaky
    attempts: 2
    config:
      platform: linux
      image_resource: {type: registry-image, source: {repository: busybox}}
      run:
        path: sh
        args: [-c, "while true; do [ -f /tmp/release ] && exit 0; [ -f /tmp/fail ] && exit 1; sleep 0.1; done"]
- name: nested
  plan:
  - do:
    - task: inner
      attempts: 2
      config:
        platform: linux
        image_resource: {type: registry-image, source: {repository: busybox}}
        run:
          path: sh
          args: [-c, "while true; do [ -f /tmp/release ] && exit 0; [ -f /tmp/fail ] && exit 1; sleep 0.1; done"]
    attempts: 2
- name: pair
  plan:
  - in_parallel:${waitUntilReleased('left')}${waitUntilReleased('right')}
`;

interface ContainerJson {
  id: string;
  attempt?: string;
  state?: string;
  type?: string;
  step_name?: string;
  job_name?: string;
  build_id?: number;
  build_name?: string;
}

describe('fly intercept', { timeout: 600_000 }, () => {
  let jb: Awaited<ReturnType<typeof startDistributed>>;
  let home: string;
  const f = (args: string[], stdin?: string) =>
    fly(['-t', 'local', ...args], { home, timeoutMs: 90_000, ...(stdin ? { stdin } : {}) });
  const ok = async (args: string[]) => {
    const result = await f(args);
    assert.equal(result.exitCode, 0, `fly ${args.join(' ')}\n${result.stdout}${result.stderr}`);
    return result;
  };
  const containers = async (team = 'local') => {
    const result = await fly(['-t', team, 'containers', '--json'], { home });
    assert.equal(result.exitCode, 0, result.stderr);
    return JSON.parse(result.stdout) as ContainerJson[];
  };
  /** Waits until the step's container can be intercepted (its pod is Running). */
  const interceptable = (job: string, step: string, build: string) =>
    eventually(
      `${job} #${build} ${step} container created`,
      async () =>
        (await containers()).find(
          (c) =>
            c.job_name === job &&
            c.build_name === build &&
            c.step_name === step &&
            c.state === 'created',
        ),
      60_000,
    );
  const startJob = async (job: string) => {
    const trigger = await ok(['trigger-job', '-j', `p/${job}`]);
    return /started p\/\S+ #(\d+)/.exec(trigger.stdout)![1]!;
  };

  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'jb-fly-home-'));
    jb = await startDistributed({ reaperGraceMs: graceMs });
    await ok(['login', '-c', jb.url, '-u', 'test', '-p', 'test']);
    await ok(['set-pipeline', '-p', 'p', '-c', await pipelineFile('p', pipeline), '-n']);
    await ok(['unpause-pipeline', '-p', 'p']);
  });

  after(async () => {
    await jb?.stop();
    await rm(home, { recursive: true, force: true });
  });

  it('runs a command in a running step and returns its output and exit status', async () => {
    const build = await startJob('hold');
    await interceptable('hold', 'wait', build);

    const hi = await f([
      'intercept',
      '-j',
      'p/hold',
      '-s',
      'wait',
      '--',
      'sh',
      '-c',
      'echo hi; exit 3',
    ]);
    assert.equal(hi.exitCode, 3, hi.stdout + hi.stderr);
    assert.equal(hi.stdout, 'hi\n');

    const stdin = await f(
      ['hijack', '-j', 'p/hold', '-b', build, '-s', 'wait', '--', 'cat'],
      'piped through\n',
    );
    assert.equal(stdin.exitCode, 0, stdin.stderr);
    assert.equal(stdin.stdout, 'piped through\n');

    const stderr = await f([
      'intercept',
      '-j',
      'p/hold',
      '-s',
      'wait',
      '--',
      'sh',
      '-c',
      'echo oops >&2',
    ]);
    assert.equal(stderr.exitCode, 0);
    assert.equal(stderr.stdout, '');
    assert.equal(stderr.stderr, 'oops\n');

    const shell = await f(
      ['intercept', '-j', 'p/hold', '-b', build, '-s', 'wait'],
      'echo from-shell\n',
    );
    assert.equal(shell.exitCode, 0, shell.stdout + shell.stderr);
    assert.match(shell.stderr, /Couldn't find "bash" on container, retrying with "sh"/);
    assert.equal(shell.stdout, 'from-shell\n');

    await ok(['intercept', '-j', 'p/hold', '-s', 'wait', '--', 'touch', '/tmp/release']);
    const watch = await ok(['watch', '-j', 'p/hold', '-b', build]);
    assert.match(watch.stdout, /released/);
  });

  it('intercepts a finished step within the grace period, then says no containers matched', async () => {
    const build = await startJob('hold');
    const container = await interceptable('hold', 'wait', build);
    await ok([
      'intercept',
      '-j',
      'p/hold',
      '-b',
      build,
      '-s',
      'wait',
      '--',
      'touch',
      '/tmp/release',
    ]);
    await ok(['watch', '-j', 'p/hold', '-b', build]);

    const finished = await f([
      'intercept',
      '-b',
      String(container.build_id),
      '-s',
      'wait',
      '--',
      'cat',
      '/tmp/release',
    ]);
    assert.equal(finished.exitCode, 0, finished.stdout + finished.stderr);

    await eventually(
      'the finished step pod deleted after the grace period',
      async () => ((await containers()).some((c) => c.id === container.id) ? undefined : true),
      graceMs + 30_000,
    );
    const gone = await f(['intercept', '-b', String(container.build_id), '--', 'true']);
    assert.equal(gone.exitCode, 1);
    assert.match(gone.stderr, /no containers matched your search parameters/);
    const byHandle = await f(['intercept', '--handle', container.id, '--', 'true']);
    assert.equal(byHandle.exitCode, 1);
    assert.match(byHandle.stderr, /no containers matched the given handle id/);
  });

  it('selects by step, and offers a chooser when several containers match', async () => {
    const build = await startJob('pair');
    await interceptable('pair', 'left', build);
    await interceptable('pair', 'right', build);
    for (const step of ['left', 'right'])
      await ok([
        'intercept',
        '-j',
        'p/pair',
        '-s',
        step,
        '--',
        'sh',
        '-c',
        'until [ -f /tmp/step ]; do sleep 0.1; done',
      ]);

    const left = await f(['intercept', '-j', 'p/pair', '-s', 'left', '--', 'cat', '/tmp/step']);
    assert.equal(left.exitCode, 0, left.stderr);
    assert.equal(left.stdout, 'left\n');

    // Every container of the build is offered: the tasks and their images' check steps.
    const listed = await containers();
    const offeredCount = listed.filter(
      (c) => c.job_name === 'pair' && c.build_name === build && c.state === 'created',
    ).length;
    const chosen = await f(
      ['intercept', '-j', 'p/pair', '-b', build, '--', 'cat', '/tmp/step'],
      `${offeredCount}\n`,
    );
    assert.equal(chosen.exitCode, 0, chosen.stdout + chosen.stderr);
    const offered = [...chosen.stdout.matchAll(/^(\d+): build #\d+, step: (\w+), type: (\w+)/gm)];
    assert.equal(offered.length, offeredCount, chosen.stdout);
    const tasks = offered.filter((m) => m[3] === 'task').map((m) => m[2]);
    assert.deepEqual(tasks.sort(), ['left', 'right']);
    // Containers are offered oldest first: the last is one of the two tasks.
    const last = offered.at(-1)!;
    assert.equal(last[3], 'task');
    assert.ok(chosen.stdout.endsWith(`choose a container: ${last[2]}\n`), chosen.stdout);

    for (const step of ['left', 'right'])
      await ok(['intercept', '-j', 'p/pair', '-s', step, '--', 'touch', '/tmp/release']);
    await ok(['watch', '-j', 'p/pair', '-b', build]);
  });

  it('selects the attempt of a retried step with -a', async () => {
    const build = await startJob('retry');
    const attempt = (n: string) =>
      eventually(
        `attempt ${n} created`,
        async () =>
          (await containers()).find(
            (c) =>
              c.job_name === 'retry' &&
              c.step_name === 'flaky' &&
              c.build_name === build &&
              c.attempt === n &&
              c.state === 'created',
          ),
        60_000,
      );
    await attempt('1');
    await ok(['intercept', '-j', 'p/retry', '-s', 'flaky', '-a', '1', '--', 'touch', '/tmp/fail']);
    await attempt('2');

    const first = await f([
      'intercept',
      '-j',
      'p/retry',
      '-s',
      'flaky',
      '-a',
      '1',
      '--',
      'ls',
      '/tmp/fail',
    ]);
    assert.equal(first.exitCode, 0, first.stdout + first.stderr);
    const second = await f([
      'intercept',
      '-j',
      'p/retry',
      '-s',
      'flaky',
      '-a',
      '2',
      '--',
      'ls',
      '/tmp/fail',
    ]);
    assert.equal(second.exitCode, 1, 'the second attempt runs in a pod of its own');

    await ok([
      'intercept',
      '-j',
      'p/retry',
      '-s',
      'flaky',
      '-a',
      '2',
      '--',
      'touch',
      '/tmp/release',
    ]);
    const watch = await ok(['watch', '-j', 'p/retry', '-b', build]);
    assert.match(watch.stdout, /succeeded/);
  });

  it('selects the attempt of a step retried inside a retry with -a 1,2', async () => {
    const build = await startJob('nested');
    const attempt = (n: string) =>
      eventually(
        `attempt ${n} created`,
        async () =>
          (await containers()).find(
            (c) =>
              c.job_name === 'nested' &&
              c.step_name === 'inner' &&
              c.build_name === build &&
              c.attempt === n &&
              c.state === 'created',
          ),
        60_000,
      );
    await attempt('1.1');
    await ok([
      'intercept',
      '-j',
      'p/nested',
      '-s',
      'inner',
      '-a',
      '1,1',
      '--',
      'touch',
      '/tmp/fail',
    ]);
    await attempt('1.2');

    const first = await f([
      'intercept',
      '-j',
      'p/nested',
      '-s',
      'inner',
      '-a',
      '1,1',
      '--',
      'ls',
      '/tmp/fail',
    ]);
    assert.equal(first.exitCode, 0, first.stdout + first.stderr);
    const second = await f([
      'intercept',
      '-j',
      'p/nested',
      '-s',
      'inner',
      '-a',
      '1,2',
      '--',
      'ls',
      '/tmp/fail',
    ]);
    assert.equal(second.exitCode, 1, 'attempt 1,2 runs in a pod of its own');
    const unknown = await f([
      'intercept',
      '-j',
      'p/nested',
      '-s',
      'inner',
      '-a',
      '2,5',
      '--',
      'true',
    ]);
    assert.equal(unknown.exitCode, 1);
    assert.match(unknown.stderr, /no containers matched your search parameters/);
    const bad = await f(['intercept', '-j', 'p/nested', '-s', 'inner', '-a', 'one', '--', 'true']);
    assert.equal(bad.exitCode, 1);
    assert.match(bad.stderr, /no containers matched your search parameters/);

    await ok([
      'intercept',
      '-j',
      'p/nested',
      '-s',
      'inner',
      '-a',
      '1,2',
      '--',
      'touch',
      '/tmp/release',
    ]);
    const watch = await ok(['watch', '-j', 'p/nested', '-b', build]);
    assert.match(watch.stdout, /succeeded/);
  });

  it('intercepts the container of a check with --check', async () => {
    await ok(['check-resource', '-r', 'p/thing']);
    const check = await f(['intercept', '--check', 'p/thing', '--', 'sh', '-c', 'echo in-check']);
    assert.equal(check.exitCode, 0, check.stdout + check.stderr);
    assert.equal(check.stdout, 'in-check\n');
  });

  it("does not let another team see or enter this team's containers", async () => {
    const build = await startJob('hold');
    const container = await interceptable('hold', 'wait', build);
    await ok(['set-team', '-n', 'other', '--local-user', 'test', '--non-interactive']);
    const login = await fly(
      ['-t', 'other', 'login', '-c', jb.url, '-n', 'other', '-u', 'test', '-p', 'test'],
      { home },
    );
    assert.equal(login.exitCode, 0, login.stderr);

    assert.deepEqual(await containers('other'), []);
    const other = (args: string[]) => fly(['-t', 'other', ...args], { home, timeoutMs: 60_000 });
    const byHandle = await other(['intercept', '--handle', container.id, '--', 'true']);
    assert.equal(byHandle.exitCode, 1);
    assert.match(byHandle.stderr, /no containers matched the given handle id/);
    const byBuild = await other(['intercept', '-b', String(container.build_id), '--', 'true']);
    assert.equal(byBuild.exitCode, 1);
    assert.match(byBuild.stderr, /no containers matched your search parameters/);

    const token = await flyAuthorization(home, 'local');
    const status = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(
        `${jb.url.replace(/^http/, 'ws')}/api/v1/teams/other/containers/${container.id}/hijack`,
        { headers: { Authorization: token } },
      );
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => reject(new Error('another team opened a hijack session')));
      ws.on('error', () => {});
    });
    assert.equal(status, 404);

    await ok([
      'intercept',
      '-j',
      'p/hold',
      '-b',
      build,
      '-s',
      'wait',
      '--',
      'touch',
      '/tmp/release',
    ]);
    await ok(['watch', '-j', 'p/hold', '-b', build]);
  });

  it('degrades a terminal request to plain pipes and ignores window resizes', async () => {
    const build = await startJob('hold');
    const container = await interceptable('hold', 'wait', build);
    const token = await flyAuthorization(home, 'local');
    const output = await new Promise<{ stdout: string; exit: number }>((resolve, reject) => {
      const ws = new WebSocket(
        `${jb.url.replace(/^http/, 'ws')}/api/v1/teams/main/containers/${container.id}/hijack`,
        { headers: { Authorization: token } },
      );
      let stdout = '';
      const timer = setTimeout(() => reject(new Error(`session hung; got ${stdout}`)), 30_000);
      ws.on('open', () => {
        ws.send(
          JSON.stringify({
            path: 'sh',
            args: ['-c', 'read line; echo "got $line"; [ -t 0 ] && echo tty || echo pipe'],
            env: ['TERM=xterm'],
            privileged: true,
            tty: { window_size: { columns: 80, rows: 24 } },
          }),
        );
        ws.send(JSON.stringify({ tty: { window_size: { columns: 120, rows: 40 } } }));
        ws.send(JSON.stringify({ stdin: Buffer.from('hello\n').toString('base64') }));
        ws.send(JSON.stringify({ closed: true }));
      });
      ws.on('message', (data) => {
        const msg = JSON.parse(String(data)) as { stdout?: string; exit_status?: number };
        if (msg.stdout) stdout += Buffer.from(msg.stdout, 'base64').toString('utf8');
        if (msg.exit_status !== undefined) {
          clearTimeout(timer);
          resolve({ stdout, exit: msg.exit_status });
        }
      });
      ws.on('error', reject);
    });
    assert.deepEqual(output, { stdout: 'got hello\npipe\n', exit: 0 });

    await ok([
      'intercept',
      '-j',
      'p/hold',
      '-b',
      build,
      '-s',
      'wait',
      '--',
      'touch',
      '/tmp/release',
    ]);
    await ok(['watch', '-j', 'p/hold', '-b', build]);
  });

  it('runs as the requested user when the container is that user, and refuses another', async () => {
    const build = await startJob('hold');
    const container = await interceptable('hold', 'wait', build);
    const token = await flyAuthorization(home, 'local');
    const session = (user: string) =>
      new Promise<{ stdout: string; error?: string; exit?: number }>((resolve, reject) => {
        const ws = new WebSocket(
          `${jb.url.replace(/^http/, 'ws')}/api/v1/teams/main/containers/${container.id}/hijack`,
          { headers: { Authorization: token } },
        );
        let stdout = '';
        const timer = setTimeout(() => reject(new Error(`session hung; got ${stdout}`)), 30_000);
        ws.on('open', () => {
          ws.send(JSON.stringify({ path: 'sh', args: ['-c', 'id -un; touch /tmp/ran'], user }));
          ws.send(JSON.stringify({ closed: true }));
        });
        ws.on('message', (data) => {
          const msg = JSON.parse(String(data)) as {
            stdout?: string;
            exit_status?: number;
            error?: string;
          };
          if (msg.stdout) stdout += Buffer.from(msg.stdout, 'base64').toString('utf8');
          if (msg.exit_status !== undefined || msg.error !== undefined) {
            clearTimeout(timer);
            resolve({ stdout, exit: msg.exit_status, error: msg.error });
          }
        });
        ws.on('error', reject);
      });

    // busybox runs as root and has no su: root is honoured, another user is refused.
    assert.deepEqual(await session('root'), { stdout: 'root\n', exit: 0, error: undefined });
    const refused = await session('nobody');
    assert.equal(
      refused.error,
      "cannot run as user 'nobody': the container's image has no su to switch users with",
    );
    assert.equal(refused.stdout, '');

    await ok([
      'intercept',
      '-j',
      'p/hold',
      '-b',
      build,
      '-s',
      'wait',
      '--',
      'touch',
      '/tmp/release',
    ]);
    await ok(['watch', '-j', 'p/hold', '-b', build]);
  });
});
