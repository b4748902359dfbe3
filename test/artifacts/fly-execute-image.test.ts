// `fly execute -j --image <input>` and `--privileged` against the quickstart: the task runs in the
// image the job's input resource makes (a mock with mirror_self, whose image carries the fetched
// version as MIRRORED_VERSION), and the task pod's spec says privileged only when asked. The pod
// specs are read from a kubectl watch, since finished pods are soon collected.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fly } from '../support/fly/index.ts';
import { startQuickstart } from '../support/jetbridge.ts';

interface SeenPod {
  name: string;
  build: string;
  image: string;
  privileged: string;
}

/** Every step pod the cluster reports while the watch runs: name, build, image, privileged. */
class PodWatch {
  readonly #child: ChildProcess;
  readonly #seen: SeenPod[] = [];
  #wake: () => void = () => {};

  constructor(kubeconfig: string, namespace: string) {
    const line =
      '{.metadata.name}{"|"}{.metadata.labels.concourse\\.ci/build}{"|"}' +
      '{.spec.containers[0].image}{"|"}{.spec.containers[0].securityContext.privileged}{"\\n"}';
    this.#child = spawn(
      'kubectl',
      [
        ...[
          '--kubeconfig',
          kubeconfig,
          '-n',
          namespace,
          'get',
          'pods',
          '-l',
          'concourse.ci/worker',
        ],
        ...['--watch', '-o', `jsonpath=${line}`],
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let buffered = '';
    this.#child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const l of lines) {
        const [name = '', build = '', image = '', privileged = ''] = l.split('|');
        this.#seen.push({ name, build, image, privileged });
      }
      this.#wake();
    });
  }

  /** The task pod of `build`, once the watch has reported it (bounded). */
  async taskPod(build: string, timeoutMs = 30_000): Promise<SeenPod> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.#seen.find((p) => p.build === build && p.name.includes('-task-'));
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`no task pod of build ${build} in ${JSON.stringify(this.#seen)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  stop(): void {
    this.#child.kill();
  }
}

describe('fly execute --image and --privileged', { timeout: 600_000 }, () => {
  let jb: Awaited<ReturnType<typeof startQuickstart>>;
  let home: string;
  let work: string;
  let pods: PodWatch;
  const f = (...a: string[]) => fly(['-t', 'local', ...a], { home, timeoutMs: 180_000 });
  const buildOf = (stdout: string) => /executing build (\d+)/.exec(stdout)?.[1] ?? '';

  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'jb-fly-home-'));
    work = await mkdtemp(join(tmpdir(), 'jb-execute-image-'));
    jb = await startQuickstart();
    const login = await f('login', '-c', jb.url, '-u', 'test', '-p', 'test');
    assert.equal(login.exitCode, 0, `${login.stdout}${login.stderr}\n${jb.logs()}`);
    pods = new PodWatch(jb.kubeconfig, jb.namespace);

    const pipeline = join(work, 'pipeline.yml');
    await writeFile(
      pipeline,
      `resources:
- name: repo
  type: mock
  source: {initial_version: r1, create_files: {hello.txt: from-the-job}}
- name: tools
  type: mock
  source: {initial_version: tools-v7, mirror_self: true}
jobs:
- name: build
  plan:
  - get: repo
  - get: tools
`,
    );
    assert.equal((await f('set-pipeline', '-p', 'img', '-c', pipeline, '-n')).exitCode, 0);
    assert.equal((await f('unpause-pipeline', '-p', 'img')).exitCode, 0);
    for (const resource of ['repo', 'tools']) {
      const check = await f('check-resource', '-r', `img/${resource}`);
      assert.equal(check.exitCode, 0, check.stdout + check.stderr);
    }
    const built = await f('trigger-job', '-j', 'img/build', '-w');
    assert.equal(built.exitCode, 0, built.stdout + built.stderr);
    await writeFile(
      join(work, 'task.yml'),
      JSON.stringify({
        platform: 'linux',
        inputs: [{ name: 'repo' }],
        run: { path: 'sh', args: ['-c', 'echo "mirrored=$MIRRORED_VERSION"; cat repo/hello.txt'] },
      }),
    );
  });

  after(async () => {
    pods?.stop();
    await jb?.stop();
    await rm(home, { recursive: true, force: true });
    await rm(work, { recursive: true, force: true });
  });

  it('runs the task privileged in the image of the named input resource', async () => {
    const result = await f(
      'execute',
      '-c',
      join(work, 'task.yml'),
      '-j',
      'img/build',
      '--image',
      'tools',
      '--privileged',
    );
    assert.equal(result.exitCode, 0, `${result.stdout}${result.stderr}\n${jb.logs().slice(-3000)}`);
    assert.match(result.stdout, /mirrored=tools-v7/, 'the image made by the tools resource');
    assert.match(result.stdout, /from-the-job/);
    const pod = await pods.taskPod(buildOf(result.stdout));
    assert.equal(pod.image, 'concourse/mock-resource');
    assert.equal(pod.privileged, 'true');
  });

  it('runs the task unprivileged without --privileged', async () => {
    const result = await f(
      'execute',
      '-c',
      join(work, 'task.yml'),
      '-j',
      'img/build',
      '--image',
      'tools',
    );
    assert.equal(result.exitCode, 0, `${result.stdout}${result.stderr}`);
    assert.match(result.stdout, /mirrored=tools-v7/);
    const pod = await pods.taskPod(buildOf(result.stdout));
    assert.equal(pod.privileged, 'false');
  });

  it('refuses an --image that is not one of the job inputs', async () => {
    const result = await f(
      'execute',
      '-c',
      join(work, 'task.yml'),
      '-j',
      'img/build',
      '--image',
      'nope',
    );
    assert.notEqual(result.exitCode, 0);
    assert.match(result.stderr, /image resource nope not found/);
  });
});
