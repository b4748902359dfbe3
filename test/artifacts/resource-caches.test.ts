// Resource caches against the quickstart, with and without the artifact claim: a later get of a
// version already fetched with the same config reuses the stored files instead of running the
// resource's `in` again (the mock's `fetching version` line is its trace), and the next step sees
// exactly the files the first fetch made.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fly } from '../support/fly/index.ts';
import { startQuickstart } from '../support/jetbridge.ts';
import { between, manifestScript } from './support/trees.ts';

const fetched = /fetching version: v1/;
const cacheHit = /INFO: found existing resource cache/;

function pipeline(params: Record<string, unknown> = {}): string {
  const show = `echo BEGIN; sh -c '${manifestScript.replace(/'/g, `'\\''`)}' m repo; echo END`;
  return JSON.stringify({
    resources: [
      {
        name: 'repo',
        type: 'mock',
        source: {
          initial_version: 'v1',
          create_files: { 'hello.txt': 'cached content', 'nested/dir/deep.txt': 'deeper' },
        },
      },
    ],
    jobs: [
      {
        name: 'build',
        plan: [
          { get: 'repo', ...(Object.keys(params).length > 0 ? { params } : {}) },
          {
            task: 'show',
            config: {
              platform: 'linux',
              image_resource: { type: 'registry-image', source: { repository: 'busybox' } },
              inputs: [{ name: 'repo' }],
              run: { path: 'sh', args: ['-c', show] },
            },
          },
        ],
      },
    ],
  });
}

/** Two gets of the same resource side by side, then a task listing what each fetched. */
function parallelPipeline(): string {
  const show = (dir: string) =>
    `echo BEGIN-${dir}; sh -c '${manifestScript.replace(/'/g, `'\\''`)}' m ${dir}; echo END-${dir}`;
  return JSON.stringify({
    resources: [
      {
        name: 'repo',
        type: 'mock',
        source: { initial_version: 'p1', create_files: { 'side.txt': 'fetched once' } },
      },
    ],
    jobs: [
      {
        name: 'build',
        plan: [
          { in_parallel: [{ get: 'repo' }, { get: 'copy', resource: 'repo' }] },
          {
            task: 'show',
            config: {
              platform: 'linux',
              image_resource: { type: 'registry-image', source: { repository: 'busybox' } },
              inputs: [{ name: 'repo' }, { name: 'copy' }],
              run: { path: 'sh', args: ['-c', `${show('repo')}; ${show('copy')}`] },
            },
          },
        ],
      },
    ],
  });
}

function describeMode(mode: string, args: string[]) {
  describe(`resource caches (${mode})`, { timeout: 600_000 }, () => {
    let jb: Awaited<ReturnType<typeof startQuickstart>>;
    let home: string;
    let work: string;
    const f = (...a: string[]) => fly(['-t', 'local', ...a], { home, timeoutMs: 180_000 });
    const storeTars = () =>
      readdir(
        args.length > 0
          ? join(jb.dataDir, 'kubesim', 'claims', 'artifacts', 'tars')
          : join(jb.dataDir, 'artifacts', 'tars'),
      );
    const cacheTars = async () => (await storeTars()).filter((t) => t.startsWith('rc-'));

    async function setPipeline(name: string, params: Record<string, unknown> = {}) {
      const file = join(work, `${name}.yml`);
      await writeFile(file, pipeline(params));
      assert.equal((await f('set-pipeline', '-p', name, '-c', file, '-n')).exitCode, 0);
      assert.equal((await f('unpause-pipeline', '-p', name)).exitCode, 0);
      const check = await f('check-resource', '-r', `${name}/repo`);
      assert.equal(check.exitCode, 0, check.stdout + check.stderr);
    }

    async function build(name: string): Promise<string> {
      const result = await f('trigger-job', '-j', `${name}/build`, '-w');
      assert.equal(
        result.exitCode,
        0,
        `${result.stdout}${result.stderr}\n${jb.logs().slice(-4000)}`,
      );
      return result.stdout;
    }

    before(async () => {
      home = await mkdtemp(join(tmpdir(), 'jb-fly-home-'));
      work = await mkdtemp(join(tmpdir(), 'jb-resource-caches-'));
      jb = await startQuickstart({ args });
      const login = await f('login', '-c', jb.url, '-u', 'test', '-p', 'test');
      assert.equal(login.exitCode, 0, `${login.stdout}${login.stderr}\n${jb.logs()}`);
    });

    after(async () => {
      await jb?.stop();
      await rm(home, { recursive: true, force: true });
      await rm(work, { recursive: true, force: true });
    });

    it('runs `in` once for two builds getting the same version, with identical files', async () => {
      await setPipeline('twice');
      const first = await build('twice');
      assert.match(first, fetched);
      assert.doesNotMatch(first, cacheHit);
      assert.equal((await cacheTars()).length, 1, 'the fetched files are kept as one cache tar');

      const second = await build('twice');
      assert.match(second, cacheHit);
      assert.doesNotMatch(second, fetched, 'the second get did not run the resource');
      const files = between(first, 'BEGIN', 'END');
      assert.match(files, /hello\.txt/);
      assert.match(files, /nested\/dir\/deep\.txt/);
      assert.equal(between(second, 'BEGIN', 'END'), files);
      assert.equal((await cacheTars()).length, 1);
    });

    it('shares the cache between pipelines with the same config and version', async () => {
      await setPipeline('elsewhere');
      const result = await build('elsewhere');
      assert.match(result, cacheHit);
      assert.doesNotMatch(result, fetched);
    });

    it('fetches again when the params differ', async () => {
      await setPipeline('other-params', { create_files_via_params: { 'extra.txt': 'x' } });
      const result = await build('other-params');
      assert.match(result, fetched);
      assert.match(between(result, 'BEGIN', 'END'), /extra\.txt/);
      assert.equal((await cacheTars()).length, 2);
    });

    it('fetches again, and keeps the files again, when the cache tar is gone', async () => {
      const store =
        args.length > 0
          ? join(jb.dataDir, 'kubesim', 'claims', 'artifacts', 'tars')
          : join(jb.dataDir, 'artifacts', 'tars');
      for (const tar of await cacheTars()) await rm(join(store, tar));
      const refetched = await build('twice');
      assert.match(refetched, fetched);
      assert.doesNotMatch(refetched, cacheHit);
      assert.equal((await cacheTars()).length, 1);
      assert.match(await build('twice'), cacheHit);
    });

    it('fetches once for two gets of the same uncached version that start together', async () => {
      const file = join(work, 'side-by-side.yml');
      await writeFile(file, parallelPipeline());
      assert.equal((await f('set-pipeline', '-p', 'side', '-c', file, '-n')).exitCode, 0);
      assert.equal((await f('unpause-pipeline', '-p', 'side')).exitCode, 0);
      assert.equal((await f('check-resource', '-r', 'side/repo')).exitCode, 0);
      const output = await build('side');
      const fetches = output.match(/fetching version: p1/g) ?? [];
      assert.equal(fetches.length, 1, `one get ran \`in\`:\n${output}`);
      assert.match(output, /INFO: waiting for another get fetching the same version/);
      assert.match(output, cacheHit, 'the other reused what it fetched');
      const files = between(output, 'BEGIN-repo', 'END-repo');
      assert.match(files, /side\.txt/);
      assert.equal(between(output, 'BEGIN-copy', 'END-copy'), files);
    });
  });
}

describeMode('streamed through exec, no claim', []);
describeMode('artifact store claim', ['--kubernetes-artifact-store-claim', 'artifacts']);
