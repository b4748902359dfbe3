// `fly intercept` into a task whose image has no shell (distroless): the step runs in toolbox form,
// fly's default `bash` is reported missing, and its retry with `sh` gets the toolbox's busybox sh.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fly } from '../support/fly/index.ts';
import { startDistributed } from '../support/jetbridge.ts';
import { eventually, pipelineFile } from './support.ts';

const script =
  'console.log("waiting"); const fs = require("fs"); ' +
  'setInterval(() => { if (fs.existsSync("/tmp/release")) { console.log("released"); process.exit(0); } }, 100);';

const pipeline = `
jobs:
- name: hold
  plan:
  - task: wait
    config:
      platform: linux
      image_resource:
        type: registry-image
        source: {repository: gcr.io/distroless/nodejs22-debian12}
      run:
        path: /nodejs/bin/node
        args:
        - -e
        - '${script}'
`;

describe('fly intercept into an image without sh', { timeout: 300_000 }, () => {
  let jb: Awaited<ReturnType<typeof startDistributed>>;
  let home: string;
  const f = (args: string[], stdin?: string) =>
    fly(['-t', 'local', ...args], { home, timeoutMs: 90_000, ...(stdin ? { stdin } : {}) });
  const ok = async (args: string[], stdin?: string) => {
    const result = await f(args, stdin);
    assert.equal(result.exitCode, 0, `fly ${args.join(' ')}\n${result.stdout}${result.stderr}`);
    return result;
  };

  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'jb-fly-home-'));
    jb = await startDistributed();
    await ok(['login', '-c', jb.url, '-u', 'test', '-p', 'test']);
    await ok(['set-pipeline', '-p', 'p', '-c', await pipelineFile('p', pipeline), '-n']);
    await ok(['unpause-pipeline', '-p', 'p']);
  });

  after(async () => {
    await jb?.stop();
    await rm(home, { recursive: true, force: true });
  });

  it('opens the toolbox sh when bash is not found, and the task runs to its end', async () => {
    const trigger = await ok(['trigger-job', '-j', 'p/hold']);
    const build = /started p\/\S+ #(\d+)/.exec(trigger.stdout)![1]!;
    await eventually(
      'the task container created',
      async () => {
        const result = await f(['containers', '--json']);
        const containers = JSON.parse(result.stdout) as { step_name?: string; state?: string }[];
        return containers.find((c) => c.step_name === 'wait' && c.state === 'created');
      },
      90_000,
    );

    const shell = await f(
      ['intercept', '-j', 'p/hold', '-b', build, '-s', 'wait'],
      'command -v sh\necho "$PATH"\n',
    );
    assert.equal(shell.exitCode, 0, shell.stdout + shell.stderr);
    assert.match(shell.stderr, /Couldn't find "bash" on container, retrying with "sh"/);
    assert.equal(
      shell.stdout,
      '/.jetbridge-tools/sh\n' +
        '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/.jetbridge-tools\n',
    );

    await ok(['intercept', '-j', 'p/hold', '-s', 'wait', '--', 'touch', '/tmp/release']);
    const watch = await ok(['watch', '-j', 'p/hold', '-b', build]);
    assert.match(watch.stdout, /waiting\nreleased\n/);
    assert.match(watch.stdout, /succeeded/);
  });
});
