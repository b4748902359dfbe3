import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PodExecutorSettings } from '../settings.ts';
import { buildPodSpec, mainContainer } from './pod-spec.ts';
import { testStepJob } from './test-jobs.ts';
import { inputExtractPath } from './volumes.ts';

const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const settings: PodExecutorSettings = {
  namespace: 'ci',
  kubeconfigPath: null,
  podStartupTimeoutMs: 1000,
  maxInFlight: 1,
  imagePullSecrets: ['pull'],
  serviceAccount: 'steps',
  imageRegistryPrefix: 'registry.example.com/team',
  imageRegistrySecret: 'registry-pull',
  cacheClaim: null,
  artifactStoreClaim: null,
  artifactHelperImage: 'alpine:latest',
};

describe('step pod spec', () => {
  it('gives every path one uniquely named valid volume, sharing a path used as input and output', () => {
    const job = testStepJob({
      workingDir: '/tmp/build/abc',
      inputs: [
        { name: 'repo', path: 'repo', source: { kind: 'artifact', key: 'k' } },
        { name: 'Same Name', path: 'shared', source: { kind: 'artifact', key: 'k2' } },
      ],
      outputs: [
        { name: 'shared', path: 'shared' },
        { name: 'Out/Put', path: '/abs/out' },
      ],
      caches: [
        { path: 'cache', key: 'c1' },
        { path: '/abs/cache', key: 'c2' },
      ],
    });
    const spec = buildPodSpec(job, settings).spec!;
    const names = spec.volumes!.map((v) => v.name);
    assert.equal(new Set(names).size, names.length);
    for (const name of names) assert.match(name, dnsLabel);
    const mounts = spec.containers[0]!.volumeMounts!.map((m) => m.mountPath);
    assert.equal(new Set(mounts).size, mounts.length);
    for (const path of [
      '/tmp/build/abc',
      '/tmp/build/abc/repo',
      '/tmp/build/abc/shared',
      '/abs/out',
      '/tmp/build/abc/cache',
      '/abs/cache',
    ]) {
      assert.ok(mounts.includes(path), `${path} has a volume`);
    }
    assert.ok(mounts.indexOf('/tmp/build/abc') < mounts.indexOf('/tmp/build/abc/repo'));
  });

  it('extracts an input through a second mount of its volume when a cache lies under it', () => {
    const job = testStepJob({
      workingDir: '/tmp/build/abc',
      inputs: [
        { name: 'repo', path: 'repo', source: { kind: 'artifact', key: 'k' } },
        { name: 'out', path: 'out', source: { kind: 'artifact', key: 'k2' } },
      ],
      caches: [{ path: 'out/blobs', key: 'c1' }],
    });
    const mounts = buildPodSpec(job, { ...settings, cacheClaim: 'jb-cache' }).spec!.containers[0]!
      .volumeMounts!;
    const at = (path: string) => mounts.find((m) => m.mountPath === path);
    assert.equal(inputExtractPath(job, 0), '/tmp/build/abc/repo');
    assert.equal(inputExtractPath(job, 1), '/.jetbridge/inputs/1');
    assert.equal(at('/.jetbridge/inputs/1')!.name, at('/tmp/build/abc/out')!.name);
    assert.equal(at('/tmp/build/abc/out/blobs')!.subPath, 'caches/c1');
    assert.equal(at('/.jetbridge/inputs/0'), undefined);
  });

  it('mounts caches from the cache claim when one is set', () => {
    const job = testStepJob({ caches: [{ path: 'cache', key: 'team/1 job cache' }] });
    const spec = buildPodSpec(job, { ...settings, cacheClaim: 'jb-cache' }).spec!;
    assert.ok(spec.volumes!.some((v) => v.persistentVolumeClaim?.claimName === 'jb-cache'));
    const mount = spec.containers[0]!.volumeMounts!.find((m) => m.mountPath.endsWith('/cache'))!;
    assert.match(mount.subPath ?? '', /^caches\/[a-z0-9-]+$/);
  });

  it('is privileged only when asked', () => {
    const plain = buildPodSpec(testStepJob(), settings).spec!.containers[0]!;
    assert.equal(plain.securityContext?.privileged, false);
    assert.equal(plain.securityContext?.allowPrivilegeEscalation, false);
    const privileged = buildPodSpec(testStepJob({ privileged: true }), settings).spec!
      .containers[0]!;
    assert.equal(privileged.securityContext?.privileged, true);
  });

  it('runs a pause command and never restarts', () => {
    const spec = buildPodSpec(testStepJob(), settings);
    assert.equal(spec.spec!.restartPolicy, 'Never');
    assert.equal(spec.spec!.containers[0]!.name, mainContainer);
    assert.equal(spec.spec!.containers[0]!.command![0], 'sh');
    assert.equal(spec.spec!.serviceAccountName, 'steps');
    assert.ok(spec.spec!.terminationGracePeriodSeconds! <= 10);
  });

  it('labels the pod by handle and keeps the full names in annotations', () => {
    const job = testStepJob();
    const meta = buildPodSpec(job, settings).metadata!;
    assert.equal(meta.name, job.podName);
    assert.equal(meta.labels!['concourse.ci/handle'], job.handle);
    assert.equal(meta.labels!['concourse.ci/worker'], 'k8s-ci');
    assert.equal(meta.annotations!['concourse.ci/step'], job.metadata.stepName);
  });

  it('maps limits to resources', () => {
    const container = buildPodSpec(
      testStepJob({ limits: { cpu: 512, memory: 1073741824 } }),
      settings,
    ).spec!.containers[0]!;
    assert.deepEqual(container.resources?.limits, { cpu: '500m', memory: '1073741824' });
  });

  it('pulls custom resource type images from the registry prefix with its secret', () => {
    const custom = buildPodSpec(
      testStepJob({ type: 'get', image: { ref: 'my-type:1', env: [] } }),
      settings,
    ).spec!;
    assert.equal(custom.containers[0]!.image, 'registry.example.com/team/my-type:1');
    assert.deepEqual(
      custom.imagePullSecrets!.map((s) => s.name),
      ['pull', 'registry-pull'],
    );
    const base = buildPodSpec(
      testStepJob({ type: 'get', image: { ref: 'concourse/git-resource', env: [] } }),
      settings,
    ).spec!;
    assert.equal(base.containers[0]!.image, 'concourse/git-resource');
    const task = buildPodSpec(testStepJob({ image: { ref: 'busybox', env: [] } }), settings).spec!;
    assert.equal(task.containers[0]!.image, 'busybox');
  });
});
