import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isPhase, runKubectl, startTestCluster, waitForPod, type TestCluster } from '../testing.ts';

describe('pod volumes', () => {
  let cluster: TestCluster;

  before(async () => {
    cluster = await startTestCluster({ claims: ['cache'] });
  });
  after(() => cluster.close());

  it('shares an emptyDir between an init container and the main container', async () => {
    await cluster.api.createNamespacedPod({
      namespace: 'default',
      body: {
        metadata: { name: 'shared' },
        spec: {
          restartPolicy: 'Never',
          volumes: [{ name: 'inputs', emptyDir: {} }],
          initContainers: [
            {
              name: 'fetch',
              image: 'alpine',
              command: ['sh', '-c', 'echo from-init > /tmp/build/in/file'],
              volumeMounts: [{ name: 'inputs', mountPath: '/tmp/build/in' }],
            },
          ],
          containers: [
            {
              name: 'main',
              image: 'ubuntu',
              workingDir: '/tmp/build/in',
              command: ['sh', '-c', 'cat file; pwd'],
              volumeMounts: [{ name: 'inputs', mountPath: '/tmp/build/in', readOnly: true }],
            },
          ],
        },
      },
    });
    await waitForPod(cluster, 'shared', isPhase('Succeeded'));
    const logs = await runKubectl(cluster.sim.kubeconfigPath, ['logs', 'shared']);
    assert.equal(logs.stdout, 'from-init\n/tmp/build/in\n');
  });

  it('mounts a claim subPath, creating it, and an exec sees the same mount', async () => {
    await cluster.api.createNamespacedPod({
      namespace: 'default',
      body: {
        metadata: { name: 'cached' },
        spec: {
          restartPolicy: 'Never',
          terminationGracePeriodSeconds: 1,
          volumes: [{ name: 'cache', persistentVolumeClaim: { claimName: 'cache' } }],
          containers: [
            {
              name: 'main',
              image: 'ubuntu',
              command: ['sh', '-c', 'echo cached > /concourse/cache/value; sleep 3600'],
              volumeMounts: [
                { name: 'cache', mountPath: '/concourse/cache', subPath: 'team-1/job/step' },
              ],
            },
          ],
        },
      },
    });
    await waitForPod(cluster, 'cached', isPhase('Running'));
    const result = await runKubectl(cluster.sim.kubeconfigPath, [
      'exec',
      'cached',
      '--',
      'sh',
      '-c',
      'for i in $(seq 1 50); do [ -s /concourse/cache/value ] && break; sleep 0.1; done; cat /concourse/cache/value',
    ]);
    assert.equal(result.stdout, 'cached\n');
    assert.equal(
      readFileSync(join(cluster.dataDir, 'claims/cache/team-1/job/step/value'), 'utf8'),
      'cached\n',
    );
    await cluster.api.deleteNamespacedPod({
      name: 'cached',
      namespace: 'default',
      gracePeriodSeconds: 0,
    });
  });

  it('refuses writes to a readOnly mount', async () => {
    await cluster.api.createNamespacedPod({
      namespace: 'default',
      body: {
        metadata: { name: 'readonly' },
        spec: {
          restartPolicy: 'Never',
          volumes: [{ name: 'cache', persistentVolumeClaim: { claimName: 'cache' } }],
          containers: [
            {
              name: 'main',
              image: 'ubuntu',
              command: ['sh', '-c', 'touch /cache/x'],
              volumeMounts: [{ name: 'cache', mountPath: '/cache', readOnly: true }],
            },
          ],
        },
      },
    });
    const failed = await waitForPod(cluster, 'readonly', isPhase('Failed'));
    assert.equal(failed.status?.containerStatuses?.[0]?.state?.terminated?.exitCode, 1);
  });

  it('keeps a pod using an unknown claim Pending', async () => {
    await cluster.api.createNamespacedPod({
      namespace: 'default',
      body: {
        metadata: { name: 'no-claim' },
        spec: {
          restartPolicy: 'Never',
          volumes: [{ name: 'v', persistentVolumeClaim: { claimName: 'missing' } }],
          containers: [{ name: 'main', image: 'ubuntu', command: ['true'] }],
        },
      },
    });
    const pod = await waitForPod(
      cluster,
      'no-claim',
      (p) => p.status?.conditions?.some((c) => c.reason === 'Unschedulable') ?? false,
    );
    assert.match(
      pod.status?.conditions?.[0]?.message ?? '',
      /persistentvolumeclaim "missing" not found/,
    );
  });

  it('serves the claims it was given', async () => {
    const claim = await cluster.api.readNamespacedPersistentVolumeClaim({
      name: 'cache',
      namespace: 'default',
    });
    assert.equal(claim.status?.phase, 'Bound');
    await assert.rejects(
      cluster.api.readNamespacedPersistentVolumeClaim({ name: 'other', namespace: 'default' }),
      /404/,
    );
  });
});
