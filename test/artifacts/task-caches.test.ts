// Task caches on the cache claim (a subPath per team, job, step and path; the quickstart names one
// by default), `fly clear-task-cache`, and caches without a claim (an emptyDir: nothing carries
// over between builds).
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fly } from '../support/fly/index.ts';
import { startQuickstart } from '../support/jetbridge.ts';

const pipeline = `
jobs:
- name: cached
  plan:
  - task: count
    config:
      platform: linux
      image_resource: {type: registry-image, source: {repository: busybox}}
      caches: [{path: cache}, {path: other/cache}]
      run:
        path: sh
        args: [-c, "n=$(cat cache/n 2>/dev/null || echo 0); n=$(expr $n + 1); echo $n > cache/n; echo runs=$n"]
`;

function describeCaches(
  mode: string,
  args: string[],
  expectedRuns: string[],
  claim: string | null,
) {
  describe(`task caches (${mode})`, { timeout: 600_000 }, () => {
    let jb: Awaited<ReturnType<typeof startQuickstart>>;
    let home: string;
    const f = (...a: string[]) => fly(['-t', 'local', ...a], { home, timeoutMs: 180_000 });
    const runCount = async () => {
      const result = await f('trigger-job', '-j', 'caches/cached', '-w');
      assert.equal(result.exitCode, 0, `${result.stdout}${result.stderr}`);
      return /runs=(\d+)/.exec(result.stdout)?.[1];
    };

    before(async () => {
      home = await mkdtemp(join(tmpdir(), 'jb-fly-home-'));
      jb = await startQuickstart({ args });
      assert.equal((await f('login', '-c', jb.url, '-u', 'test', '-p', 'test')).exitCode, 0);
      const file = join(home, 'caches.yml');
      await writeFile(file, pipeline);
      assert.equal((await f('set-pipeline', '-p', 'caches', '-c', file, '-n')).exitCode, 0);
      assert.equal((await f('unpause-pipeline', '-p', 'caches')).exitCode, 0);
    });

    after(async () => {
      await jb?.stop();
      await rm(home, { recursive: true, force: true });
    });

    it('keeps the cache between builds of the job only on the cache claim, until cleared', async () => {
      const runs = [await runCount(), await runCount()];
      const clear = await f('clear-task-cache', '-j', 'caches/cached', '-s', 'count', '-n');
      assert.equal(clear.exitCode, 0, clear.stdout + clear.stderr);
      assert.match(clear.stdout, /2 caches removed/);
      runs.push(await runCount());
      assert.deepEqual(runs, expectedRuns);
      if (claim !== null) {
        const dirs = await readdir(join(jb.dataDir, 'kubesim', 'claims', claim, 'caches'));
        assert.equal(dirs.length, 4, `two caches before and two after clearing: ${dirs}`);
      }
    });

    it('clears one cache path with -c and answers 404 for an unknown job', async () => {
      const one = await f(
        'clear-task-cache',
        '-j',
        'caches/cached',
        '-s',
        'count',
        '-c',
        'cache',
        '-n',
      );
      assert.match(one.stdout, /1 caches removed/);
      const unknown = await f('clear-task-cache', '-j', 'caches/nope', '-s', 'count', '-n');
      assert.notEqual(unknown.exitCode, 0);
    });
  });
}

// The quickstart gives task caches a claim of its own unless told otherwise.
describeCaches("the quickstart's cache claim", [], ['1', '2', '1'], 'task-caches');
describeCaches('no cache claim', ['--kubernetes-cache-pvc='], ['1', '1', '1'], null);
