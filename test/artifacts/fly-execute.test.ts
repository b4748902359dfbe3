// `fly execute` against the quickstart, with and without the artifact claim: inputs uploaded
// through web into the artifact store, extracted into the task pod, outputs tarred out of the pod
// into the store and downloaded. Trees come from the edge-case generator, compared by manifest.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { fly } from '../support/fly/index.ts';
import { startQuickstart } from '../support/jetbridge.ts';
import { between, generateLocalTree, localManifest, manifestScript } from './support/trees.ts';
import { gzipTar, hostileTars } from './support/hostile-tars.ts';

const run = promisify(execFile);
const maxArtifactBytes = 8 * 1024 * 1024;
const image = { type: 'registry-image', source: { repository: 'busybox' } };

function taskConfig(run: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    platform: 'linux',
    image_resource: image,
    run: { path: 'sh', args: ['-c', run] },
    ...extra,
  });
}

/** Drops what the test fly client's unpacking does not restore (directory modes). */
function withoutDirModes(manifest: string): string {
  return manifest.replace(/^d \d+ /gm, 'd * ');
}

function describeMode(mode: string, args: string[]) {
  describe(`fly execute (${mode})`, { timeout: 600_000 }, () => {
    let jb: Awaited<ReturnType<typeof startQuickstart>>;
    let home: string;
    let work: string;
    const f = (...args: string[]) => fly(['-t', 'local', ...args], { home, timeoutMs: 180_000 });

    async function upload(body: Buffer): Promise<Response> {
      const rc = await readFile(join(home, '.flyrc'), 'utf8');
      const token = /value: (\S+)/.exec(rc)![1];
      return fetch(`${jb.url}/api/v1/teams/main/artifacts`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/octet-stream' },
        body,
      });
    }

    before(async () => {
      home = await mkdtemp(join(tmpdir(), 'jb-fly-home-'));
      work = await mkdtemp(join(tmpdir(), 'jb-execute-'));
      jb = await startQuickstart({
        args: ['--max-artifact-size', String(maxArtifactBytes), ...args],
      });
      const login = await f('login', '-c', jb.url, '-u', 'test', '-p', 'test');
      assert.equal(login.exitCode, 0, `${login.stdout}${login.stderr}\n${jb.logs()}`);
    });

    after(async () => {
      await jb?.stop();
      await rm(home, { recursive: true, force: true });
      await rm(work, { recursive: true, force: true });
    });

    it('round-trips an edge-case tree through an input and the same-path output', async () => {
      const source = join(work, 'tree');
      const downloaded = join(work, 'tree-out');
      const nothing = join(work, 'nothing-out');
      await generateLocalTree(source, { hardLinks: false, bigBytes: 3 * 1024 * 1024 });
      const task = join(work, 'roundtrip.yml');
      const script = `echo BEGIN; sh -c '${manifestScript.replace(/'/g, `'\\''`)}' m tree; echo END`;
      await writeFile(
        task,
        taskConfig(script, {
          inputs: [{ name: 'tree' }],
          outputs: [{ name: 'tree' }, { name: 'nothing' }],
        }),
      );

      const result = await f(
        'execute',
        '-c',
        task,
        '-i',
        `tree=${source}`,
        '-o',
        `tree=${downloaded}`,
        '-o',
        `nothing=${nothing}`,
      );
      assert.equal(
        result.exitCode,
        0,
        `${result.stdout}${result.stderr}\n${jb.logs().slice(-4000)}`,
      );
      assert.match(result.stdout, /succeeded/);

      const expected = await localManifest(source);
      assert.equal(between(result.stdout, 'BEGIN', 'END'), expected, 'the tree inside the pod');
      assert.equal(
        withoutDirModes(await localManifest(downloaded)),
        withoutDirModes(expected),
        'the downloaded output',
      );
      assert.equal(await localManifest(nothing), '', 'the empty output');
      if (args.length > 0) {
        const tars = await readdir(join(jb.dataDir, 'kubesim', 'claims', 'artifacts', 'tars'));
        assert.ok(
          tars.some((t) => t.startsWith('upload-')),
          'the upload is on the claim',
        );
        assert.equal(
          tars.filter((t) => t.startsWith('out-')).length,
          2,
          'both outputs on the claim',
        );
      }
    });

    it('takes inputs from a job with -j, and -i overrides one of them', async () => {
      const pipeline = join(work, 'inputs-from.yml');
      await writeFile(
        pipeline,
        `resources:
- name: repo
  type: mock
  source: {initial_version: v1, create_files: {hello.txt: from-the-resource}}
jobs:
- name: build
  plan:
  - get: repo
`,
      );
      const claimTars = async () =>
        args.length === 0
          ? []
          : (await readdir(join(jb.dataDir, 'kubesim', 'claims', 'artifacts', 'tars'))).filter(
              (t) => t.startsWith('out-'),
            );
      const before = (await claimTars()).length;
      assert.equal((await f('set-pipeline', '-p', 'src', '-c', pipeline, '-n')).exitCode, 0);
      assert.equal((await f('unpause-pipeline', '-p', 'src')).exitCode, 0);
      const check = await f('check-resource', '-r', 'src/repo');
      assert.equal(check.exitCode, 0, check.stdout + check.stderr);
      // The job's inputs are those of its latest build.
      const built = await f('trigger-job', '-j', 'src/build', '-w');
      assert.equal(built.exitCode, 0, built.stdout + built.stderr);

      const task = join(work, 'inputs-from-task.yml');
      await writeFile(task, taskConfig('cat repo/hello.txt; echo', { inputs: [{ name: 'repo' }] }));
      const fromJob = await f('execute', '-c', task, '-j', 'src/build');
      assert.equal(fromJob.exitCode, 0, `${fromJob.stdout}${fromJob.stderr}`);
      assert.match(fromJob.stdout, /from-the-resource/);
      // The job fetched that version already: the one-off build's get reuses its resource cache.
      assert.match(fromJob.stdout, /INFO: found existing resource cache/);
      if (args.length > 0) {
        assert.ok((await claimTars()).length >= before + 1, "the job's get output is on the claim");
      }

      const local = join(work, 'local-repo');
      await generateLocalTree(local, { hardLinks: false, bigBytes: 10 });
      await writeFile(join(local, 'hello.txt'), 'from-this-machine');
      const overridden = await f('execute', '-c', task, '-j', 'src/build', '-i', `repo=${local}`);
      assert.equal(overridden.exitCode, 0, `${overridden.stdout}${overridden.stderr}`);
      assert.match(overridden.stdout, /from-this-machine/);
    });

    it('uploads only git files from a work tree unless --include-ignored', async () => {
      const repo = join(work, 'gitrepo');
      await mkdir(repo);
      await writeFile(join(repo, '.gitignore'), 'ignored.txt\n');
      await writeFile(join(repo, 'tracked.txt'), 't');
      await writeFile(join(repo, 'ignored.txt'), 'i');
      await run('git', ['init', '-q', repo]);
      await run('git', ['-C', repo, 'add', '.gitignore', 'tracked.txt']);
      const task = join(work, 'ls-task.yml');
      await writeFile(
        task,
        taskConfig('ls -A gitrepo | grep -v ^.git$', { inputs: [{ name: 'gitrepo' }] }),
      );

      const plain = await f('execute', '-c', task, '-i', `gitrepo=${repo}`);
      assert.equal(plain.exitCode, 0, plain.stdout + plain.stderr);
      assert.match(plain.stdout, /tracked\.txt/);
      assert.doesNotMatch(plain.stdout, /ignored\.txt/);
      const all = await f('execute', '-c', task, '-i', `gitrepo=${repo}`, '--include-ignored');
      assert.equal(all.exitCode, 0, all.stdout + all.stderr);
      assert.match(all.stdout, /ignored\.txt/);
    });

    it("exits with the task's exit status and prints its output when the task fails", async () => {
      const task = join(work, 'fail.yml');
      await writeFile(task, taskConfig('echo about to fail; exit 3'));
      const result = await f('execute', '-c', task);
      assert.equal(result.exitCode, 3, result.stdout + result.stderr);
      assert.match(result.stdout, /about to fail/);
      assert.match(result.stdout, /failed/);
    });

    for (const [what, entries] of Object.entries(hostileTars)) {
      it(`refuses an uploaded tar with ${what}, storing nothing`, async () => {
        const response = await upload(await gzipTar(entries));
        assert.equal(response.status, 400, await response.clone().text());
        assert.match(await response.text(), /not a usable tar/);
      });
    }

    it('refuses an upload that is not gzip-compressed', async () => {
      const response = await upload(Buffer.from('plain text, not a tar'));
      assert.equal(response.status, 400);
      assert.match(await response.text(), /not a gzip-compressed tar/);
    });

    it('refuses an upload over the maximum artifact size with a clear error', async () => {
      const big = await gzipTar([
        { name: 'zeros', size: maxArtifactBytes + 1, body: Buffer.alloc(maxArtifactBytes + 1) },
      ]);
      const response = await upload(big);
      assert.equal(response.status, 413);
      assert.match(
        await response.text(),
        new RegExp(`larger than the limit of ${maxArtifactBytes} bytes`),
      );
    });
  });
}

describeMode('streamed through exec, no claim', []);
describeMode('artifact store claim', ['--kubernetes-artifact-store-claim', 'artifacts']);
