// Outputs passed from one task pod to the next, streamed through exec without an artifact claim
// and through tars on the claim with it, checked by manifest: the edge-case tree generated inside
// the producing pod must arrive exactly in the consuming pod. Also the artifact bug cases 9 (files
// vanishing while archiving) and 11 (empty directories and an empty output).
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fly } from '../support/fly/index.ts';
import { startQuickstart } from '../support/jetbridge.ts';
import { between, generateTreeScript, manifestScript } from './support/trees.ts';

const image = { type: 'registry-image', source: { repository: 'busybox' } };

function quoted(script: string): string {
  return `'${script.replace(/'/g, `'\\''`)}'`;
}

const roundTripPipeline = {
  jobs: [
    {
      name: 'roundtrip',
      plan: [
        {
          task: 'make',
          config: {
            platform: 'linux',
            image_resource: image,
            outputs: [{ name: 'tree' }, { name: 'nothing' }],
            run: {
              path: 'sh',
              args: [
                '-c',
                `sh -c ${quoted(generateTreeScript)} gen tree 1 3000000 && echo BEGIN-MAKE && ` +
                  `sh -c ${quoted(manifestScript)} m tree && echo END-MAKE`,
              ],
            },
          },
        },
        {
          task: 'check',
          config: {
            platform: 'linux',
            image_resource: image,
            inputs: [{ name: 'tree' }, { name: 'nothing' }],
            run: {
              path: 'sh',
              args: [
                '-c',
                `echo BEGIN-CHECK && sh -c ${quoted(manifestScript)} m tree && echo END-CHECK && ` +
                  `echo BEGIN-NOTHING && ls -A nothing && echo END-NOTHING`,
              ],
            },
          },
        },
      ],
    },
  ],
};

// Bug case 9 without its worker tags (one namespace here): a background process of the producing
// step deletes files shortly after the step's command returns.
const vanishingPipeline = `
jobs:
- name: vanish
  plan:
  - task: produce
    config:
      platform: linux
      image_resource: {type: registry-image, source: {repository: busybox}}
      outputs: [{name: out}]
      run:
        path: sh
        args:
        - -c
        - |
          for i in $(seq 1 5000); do echo $i > out/f$i; done
          ( sleep 0.2; rm -f out/f1* ) &
  - task: consume
    config:
      platform: linux
      image_resource: {type: registry-image, source: {repository: busybox}}
      inputs: [{name: out}]
      run: {path: sh, args: [-c, "echo count=$(ls out | wc -l)"]}
`;

// Bug case 11, as written.
const emptiesPipeline = `
jobs:
- name: empties
  plan:
  - task: make
    config:
      platform: linux
      image_resource: {type: registry-image, source: {repository: busybox}}
      outputs: [{name: out}, {name: nothing}]
      run: {path: sh, args: [-c, "mkdir -p out/a out/b/c && echo x > out/a/f && chmod 0700 out/b"]}
  - task: check
    config:
      platform: linux
      image_resource: {type: registry-image, source: {repository: busybox}}
      inputs: [{name: out}, {name: nothing}]
      run: {path: sh, args: [-c, "test -d out/b/c && test -d nothing && stat -c %a out/b"]}
`;

function describeMode(mode: string, args: string[]) {
  describe(`artifacts passed between pods (${mode})`, { timeout: 600_000 }, () => {
    let jb: Awaited<ReturnType<typeof startQuickstart>>;
    let home: string;
    let work: string;
    const f = (...args: string[]) => fly(['-t', 'local', ...args], { home, timeoutMs: 240_000 });

    async function runJob(pipeline: string, config: string, job: string) {
      const file = join(work, `${pipeline}.yml`);
      await writeFile(file, config);
      const set = await f('set-pipeline', '-p', pipeline, '-c', file, '-n');
      assert.equal(set.exitCode, 0, set.stdout + set.stderr);
      assert.equal((await f('unpause-pipeline', '-p', pipeline)).exitCode, 0);
      return f('trigger-job', '-j', `${pipeline}/${job}`, '-w');
    }

    before(async () => {
      home = await mkdtemp(join(tmpdir(), 'jb-fly-home-'));
      work = await mkdtemp(join(tmpdir(), 'jb-pod-to-pod-'));
      jb = await startQuickstart({ args });
      const login = await f('login', '-c', jb.url, '-u', 'test', '-p', 'test');
      assert.equal(login.exitCode, 0, `${login.stdout}${login.stderr}\n${jb.logs()}`);
    });

    after(async () => {
      await jb?.stop();
      await rm(home, { recursive: true, force: true });
      await rm(work, { recursive: true, force: true });
    });

    it('passes the edge-case tree and an empty output exactly to the next step', async () => {
      const result = await runJob('roundtrip', JSON.stringify(roundTripPipeline), 'roundtrip');
      assert.equal(
        result.exitCode,
        0,
        `${result.stdout}${result.stderr}\n${jb.logs().slice(-4000)}`,
      );
      const made = between(result.stdout, 'BEGIN-MAKE', 'END-MAKE');
      assert.match(made, /^f 644 2 \S+ \.\/src\/hard-link$/m, 'the producing pod made a hard link');
      assert.equal(between(result.stdout, 'BEGIN-CHECK', 'END-CHECK'), made);
      assert.equal(between(result.stdout, 'BEGIN-NOTHING', 'END-NOTHING'), '');
      if (args.length > 0) {
        const tars = await readdir(join(jb.dataDir, 'kubesim', 'claims', 'artifacts', 'tars'));
        assert.equal(
          tars.filter((t) => t.startsWith('out-')).length,
          2,
          'both outputs on the claim',
        );
      }
    });

    it('archives a consistent tree although the producing step left a process deleting files (bug case 9)', async () => {
      const first = await runJob('vanish', vanishingPipeline, 'vanish');
      assert.equal(first.exitCode, 0, `${first.stdout}${first.stderr}\n${jb.logs().slice(-4000)}`);
      const counts = [/count=(\d+)/.exec(first.stdout)?.[1]];
      const second = await f('trigger-job', '-j', 'vanish/vanish', '-w');
      assert.equal(second.exitCode, 0, second.stdout + second.stderr);
      counts.push(/count=(\d+)/.exec(second.stdout)?.[1]);
      assert.deepEqual(counts, ['5000', '5000']);
    });

    it('keeps empty directories, their modes and an entirely empty output (bug case 11)', async () => {
      const result = await runJob('empties', emptiesPipeline, 'empties');
      assert.equal(result.exitCode, 0, result.stdout + result.stderr);
      assert.match(result.stdout, /^700$/m);
      assert.match(result.stdout, /succeeded/);
    });
  });
}

describeMode('streamed through exec, no claim', []);
describeMode('artifact store claim', ['--kubernetes-artifact-store-claim', 'artifacts']);
