import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { V1Pod } from '@kubernetes/client-node';
import { isPhase, runKubectl, startTestCluster, waitForPod, type TestCluster } from '../testing.ts';

function shellPod(name: string, script: string, grace = 1): V1Pod {
  return {
    metadata: { name },
    spec: {
      restartPolicy: 'Never',
      terminationGracePeriodSeconds: grace,
      containers: [{ name: 'main', image: 'ubuntu', command: ['sh', '-c', script] }],
    },
  };
}

describe('pod lifecycle', () => {
  let cluster: TestCluster;

  before(async () => {
    cluster = await startTestCluster();
  });
  after(() => cluster.close());

  it('gives the container SIGTERM and its grace period on delete', async () => {
    await cluster.api.createNamespacedPod({
      namespace: 'default',
      body: shellPod(
        'graceful',
        'trap "echo got-term; exit 0" TERM; echo ready; sleep 3600 & wait',
        5,
      ),
    });
    await waitForPod(cluster, 'graceful', isPhase('Running'));
    const logs = spawn('kubectl', [
      '--kubeconfig',
      cluster.sim.kubeconfigPath,
      'logs',
      '-f',
      'graceful',
    ]);
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the container never said ready')), 10_000);
      logs.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('ready\n')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const exited = once(logs, 'close');
    await cluster.api.deleteNamespacedPod({ name: 'graceful', namespace: 'default' });
    const [code] = await exited;
    assert.equal(code, 0);
    assert.equal(output, 'ready\ngot-term\n');
  });

  it('terminates a pod deleted the moment it runs without waiting for its grace period', async () => {
    await cluster.api.createNamespacedPod({
      namespace: 'default',
      body: shellPod('short-lived', 'sleep 3600', 30),
    });
    await waitForPod(cluster, 'short-lived', isPhase('Running'));
    const deleting = await cluster.api.deleteNamespacedPod({
      name: 'short-lived',
      namespace: 'default',
    });
    await waitForPod(cluster, 'short-lived', 'deleted', 5000, deleting.metadata?.resourceVersion);
  });

  it('kills a container that ignores SIGTERM once the grace period is over', async () => {
    await cluster.api.createNamespacedPod({
      namespace: 'default',
      body: shellPod('stubborn', 'trap "" TERM; sleep 3600', 1),
    });
    await waitForPod(cluster, 'stubborn', isPhase('Running'));
    const started = Date.now();
    const deleting = await cluster.api.deleteNamespacedPod({
      name: 'stubborn',
      namespace: 'default',
    });
    assert.equal(deleting.metadata?.deletionGracePeriodSeconds, 1);
    // The terminated state lasts only until the pod is removed, in the same moment: the watch
    // starts from the deletion's version, so it sees that state even when it connects later.
    const terminated = await waitForPod(
      cluster,
      'stubborn',
      (p) => p.status?.containerStatuses?.[0]?.state?.terminated !== undefined,
      10_000,
      deleting.metadata?.resourceVersion,
    );
    assert.equal(terminated.status?.containerStatuses?.[0]?.state?.terminated?.exitCode, 137);
    assert.ok(Date.now() - started >= 900, 'SIGKILL came only after the grace period');
  });

  it('fails the pod when an init container fails, without starting the containers', async () => {
    await cluster.api.createNamespacedPod({
      namespace: 'default',
      body: {
        metadata: { name: 'bad-init' },
        spec: {
          restartPolicy: 'Never',
          initContainers: [{ name: 'setup', image: 'alpine', command: ['sh', '-c', 'exit 4'] }],
          containers: [{ name: 'main', image: 'ubuntu', command: ['true'] }],
        },
      },
    });
    const failed = await waitForPod(cluster, 'bad-init', isPhase('Failed'));
    assert.equal(failed.status?.initContainerStatuses?.[0]?.state?.terminated?.exitCode, 4);
    assert.equal(failed.status?.containerStatuses?.[0]?.state?.waiting?.reason, 'PodInitializing');
  });

  it('passes env, args and workingDir to the container', async () => {
    await cluster.api.createNamespacedPod({
      namespace: 'default',
      body: {
        metadata: { name: 'configured' },
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: 'main',
              image: 'ubuntu',
              command: ['sh', '-c'],
              args: ['echo "$GREETING $(pwd) $HOSTNAME $POD_NS"'],
              workingDir: '/workspace/dir',
              env: [
                { name: 'GREETING', value: 'hello' },
                { name: 'POD_NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
              ],
            },
          ],
        },
      },
    });
    await waitForPod(cluster, 'configured', isPhase('Succeeded'));
    const logs = await runKubectl(cluster.sim.kubeconfigPath, ['logs', 'configured']);
    assert.equal(logs.stdout, 'hello /workspace/dir configured default\n');
  });
});
