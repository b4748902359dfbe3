import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { V1ContainerState, V1Pod } from '@kubernetes/client-node';
import { addArtifactHelpers, helperContainer } from '../artifacts/claim-helper.ts';
import {
  toolboxAnnotation,
  toolboxCommand,
  toolboxContainerOf,
  toolboxMountPath,
} from '../kube/toolbox-exec.ts';
import type { PodExecutorSettings } from '../settings.ts';
import { buildPodSpec, mainContainer, pauseCommand } from './pod-spec.ts';
import { testStepJob } from './test-jobs.ts';
import { isShellMissing, toolboxForm, toolboxInitContainer } from './toolbox-form.ts';

const run = promisify(execFile);

const settings: PodExecutorSettings = {
  namespace: 'ci',
  kubeconfigPath: null,
  podStartupTimeoutMs: 1000,
  maxInFlight: 1,
  imagePullSecrets: [],
  serviceAccount: null,
  imageRegistryPrefix: null,
  imageRegistrySecret: null,
  cacheClaim: null,
  artifactStoreClaim: null,
  artifactHelperImage: 'alpine:latest',
};

function podWith(state: V1ContainerState, container = mainContainer): V1Pod {
  return {
    metadata: { name: 'p' },
    status: {
      phase: 'Failed',
      containerStatuses: [
        { name: container, image: 'x', imageID: '', ready: false, restartCount: 0, state },
      ],
    },
  };
}

const terminated = (reason: string, message: string): V1ContainerState => ({
  terminated: { exitCode: 128, reason, message },
});

describe('detecting an image without sh', () => {
  it('recognises what containerd, Docker and CRI-O report for a missing sh', () => {
    const runc =
      'failed to create containerd task: failed to create shim task: OCI runtime create failed: ' +
      'runc create failed: unable to start container process: exec: "sh": executable file not ' +
      'found in $PATH: unknown';
    assert.ok(isShellMissing(podWith(terminated('StartError', runc))));
    assert.ok(
      isShellMissing(
        podWith(
          terminated(
            'StartError',
            'unable to start container process: exec: "sh": stat sh: no such file or directory',
          ),
        ),
      ),
    );
    assert.ok(
      isShellMissing(
        podWith(
          terminated(
            'ContainerCannotRun',
            'OCI runtime create failed: container_linux.go:380: starting container process caused: exec: "sh": executable file not found in $PATH: unknown',
          ),
        ),
      ),
    );
    assert.ok(
      isShellMissing(
        podWith({
          waiting: {
            reason: 'CreateContainerError',
            message:
              'container create failed: executable file `sh` not found in $PATH: No such file or directory',
          },
        }),
      ),
    );
  });

  it('leaves every other failure alone', () => {
    const others: V1ContainerState[] = [
      terminated(
        'StartError',
        'exec: "/nodejs/bin/node": stat /nodejs/bin/node: no such file or directory',
      ),
      terminated('StartError', 'exec: "shx": executable file not found in $PATH'),
      terminated('Error', 'sh: executable file not found'),
      { terminated: { exitCode: 127, reason: 'Error' } },
      { waiting: { reason: 'ErrImagePull', message: 'failed to pull "sh": not found' } },
      { waiting: { reason: 'ContainerCreating' } },
      { running: {} },
    ];
    for (const state of others) assert.equal(isShellMissing(podWith(state)), false);
    assert.equal(isShellMissing({ metadata: { name: 'pending' } }), false);
  });

  it('looks only at the step container', () => {
    const runc = 'unable to start container process: exec: "sh": executable file not found';
    assert.equal(isShellMissing(podWith(terminated('StartError', runc), helperContainer)), false);
  });
});

describe('the toolbox form of a step pod', () => {
  it('adds the toolbox init container, its volume and the annotation, and wraps the pause command', () => {
    const pod = buildPodSpec(testStepJob(), settings);
    const before = structuredClone(pod);
    const form = toolboxForm(pod, 'mirror.example.com/busybox:stable-musl');
    assert.deepEqual(pod, before, 'the ordinary form is left as it was');

    const init = form.spec!.initContainers![0]!;
    assert.equal(init.name, toolboxInitContainer);
    assert.equal(init.image, 'mirror.example.com/busybox:stable-musl');
    assert.equal(init.command![0], '/bin/busybox');
    assert.deepEqual(init.volumeMounts, [{ name: 'jb-tools', mountPath: toolboxMountPath }]);

    const step = form.spec!.containers[0]!;
    assert.deepEqual(step.command, toolboxCommand(pauseCommand));
    assert.deepEqual(step.volumeMounts!.at(-1), {
      name: 'jb-tools',
      mountPath: toolboxMountPath,
      readOnly: true,
    });
    assert.deepEqual(form.spec!.volumes!.at(-1), { name: 'jb-tools', emptyDir: {} });
    assert.equal(form.metadata!.annotations![toolboxAnnotation], mainContainer);
    assert.equal(toolboxContainerOf(form), mainContainer);
    assert.equal(toolboxContainerOf(pod), null);
    for (const key of Object.keys(pod.metadata!.annotations!))
      assert.equal(form.metadata!.annotations![key], pod.metadata!.annotations![key]);
  });

  it('installs busybox with a link per applet, as its init container runs it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'jb-toolbox-'));
    try {
      const form = toolboxForm(buildPodSpec(testStepJob(), settings), 'busybox:stable-musl');
      const [program, ...args] = form.spec!.initContainers![0]!.command!;
      await run(program!, [...args.slice(0, -1), dir]);
      const { stdout } = await run(join(dir, 'sh'), ['-c', 'echo ran']);
      assert.equal(stdout, 'ran\n');
      const tar = await run(join(dir, 'tar'), ['--help']).catch((err: { stderr: string }) => err);
      assert.match(tar.stderr, /^BusyBox v/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('keeps the artifact helpers as they are: only the step container gets the toolbox', () => {
    const job = testStepJob({
      inputs: [{ name: 'in', path: 'in', source: { kind: 'artifact', key: 'k1' } }],
      outputs: [{ name: 'out', path: 'out' }],
    });
    const pod = addArtifactHelpers(buildPodSpec(job, settings), job, 'claim', 'alpine:latest');
    const form = toolboxForm(pod, 'busybox:stable-musl');
    assert.deepEqual(
      form.spec!.initContainers!.map((c) => c.name),
      [toolboxInitContainer, ...pod.spec!.initContainers!.map((c) => c.name)],
    );
    assert.deepEqual(form.spec!.containers[1], pod.spec!.containers[1]);
  });
});

describe('execs into a container with the toolbox', () => {
  // The wrapper as the toolbox's sh runs it, here with the host's busybox.
  const wrapped = async (command: string[], env: NodeJS.ProcessEnv) => {
    const [, ...rest] = toolboxCommand(command);
    const { stdout } = await run('/usr/bin/busybox', ['sh', ...rest], { env });
    return stdout;
  };

  it('runs the command under the toolbox sh with the toolbox last on PATH', async () => {
    assert.deepEqual(toolboxCommand(['tar', 'cf', '-', '.']).slice(0, 1), [
      `${toolboxMountPath}/sh`,
    ]);
    assert.deepEqual(toolboxCommand(['tar', 'cf', '-', '.']).slice(-4), ['tar', 'cf', '-', '.']);
    assert.equal(
      await wrapped(['/usr/bin/busybox', 'sh', '-c', 'echo "$PATH|$0|$1"', 'a b', "c'd"], {
        PATH: '/opt/app/bin:/usr/bin',
      }),
      `/opt/app/bin:/usr/bin:${toolboxMountPath}|a b|c'd\n`,
    );
  });
});
