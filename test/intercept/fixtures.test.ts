// The corpus pipelines that wait for a person with `fly intercept`: a step that loops until a file
// appears, released by a command run in its container, as their authors use them.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fly, spawnFly } from '../support/fly/index.ts';
import { startDistributed } from '../support/jetbridge.ts';
import { fixture } from '../support/paths.ts';

const cases = [
  {
    file: 'testflight--wait-for-intercept.yml',
    job: 'wait',
    step: 'wait-for-intercept',
    waiting: /waiting for \/tmp\/stop-waiting to exist\n/,
    release: 'touch /tmp/stop-waiting',
    done: /^done$/m,
  },
  {
    file: 'docs--manual-approval.yml',
    job: 'approval',
    step: 'manual-approval',
    waiting: /Waiting for manual approval\.\.\./,
    release: 'touch /tmp/approved',
    done: /Step approved!/,
  },
];

describe('corpus pipelines released by fly intercept', { timeout: 600_000 }, () => {
  let jb: Awaited<ReturnType<typeof startDistributed>>;
  let home: string;
  const f = (args: string[]) => fly(['-t', 'local', ...args], { home, timeoutMs: 90_000 });
  const ok = async (args: string[]) => {
    const result = await f(args);
    assert.equal(result.exitCode, 0, `fly ${args.join(' ')}\n${result.stdout}${result.stderr}`);
    return result;
  };

  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'jb-fly-home-'));
    jb = await startDistributed();
    await ok(['login', '-c', jb.url, '-u', 'test', '-p', 'test']);
  });

  after(async () => {
    await jb?.stop();
    await rm(home, { recursive: true, force: true });
  });

  for (const c of cases) {
    it(`${c.file}: the build waits, and succeeds once intercept creates the file`, async () => {
      const pipeline = c.file.replace(/\.yml$/, '').replace(/[^a-z0-9]+/g, '-');
      await ok(['set-pipeline', '-p', pipeline, '-c', fixture('pipelines', c.file), '-n']);
      await ok(['unpause-pipeline', '-p', pipeline]);
      const trigger = await ok(['trigger-job', '-j', `${pipeline}/${c.job}`]);
      const build = /#(\d+)/.exec(trigger.stdout)![1]!;
      const watch = spawnFly(['-t', 'local', 'watch', '-j', `${pipeline}/${c.job}`, '-b', build], {
        home,
        timeoutMs: 180_000,
      });
      await watch.waitForOutput(c.waiting, 90_000);

      const released = await f([
        'intercept',
        '-j',
        `${pipeline}/${c.job}`,
        '-b',
        build,
        '-s',
        c.step,
        '--',
        'sh',
        '-c',
        c.release,
      ]);
      assert.equal(released.exitCode, 0, released.stdout + released.stderr);

      const result = await watch.result;
      assert.equal(result.exitCode, 0, `${result.stdout}${result.stderr}\n${jb.logs()}`);
      assert.match(result.stdout, c.done);
      assert.match(result.stdout, /succeeded/);
    });
  }
});
