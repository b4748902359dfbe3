// Deleting many running pods at once, as a garbage collection sweep does: each container gets its
// SIGTERM and grace, the pods go, and so do their directories.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { V1Pod } from '@kubernetes/client-node';
import { isPhase, startTestCluster, waitForPod, type TestCluster } from '../testing.ts';

const count = 12;

function stepPod(index: number, script: string): V1Pod {
  return {
    metadata: { name: `sweep-${index}`, labels: { set: 'sweep' } },
    spec: {
      restartPolicy: 'Never',
      terminationGracePeriodSeconds: 5,
      containers: [{ name: 'main', image: 'busybox', command: ['sh', '-c', script] }],
    },
  };
}

function podDirs(cluster: TestCluster): string[] {
  try {
    return readdirSync(join(cluster.dataDir, 'pods'));
  } catch {
    return [];
  }
}

async function until(what: string, isDone: () => boolean, timeoutMs: number): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !isDone();) {
    if (Date.now() > deadline) throw new Error(`${what}: not after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('deleting many running pods at once', () => {
  let cluster: TestCluster;

  before(async () => {
    cluster = await startTestCluster();
  });
  after(() => cluster.close());

  it('stops every container with SIGTERM, removes the pods and then their directories', async () => {
    // Like a step pod's main container: waits until it is told to stop, then exits 0.
    const pause = 'trap "exit 0" TERM; while :; do sleep 3600 & wait $!; done';
    // One container ignores SIGTERM and is killed once the grace period is over.
    const stubborn = 'trap "" TERM; sleep 3600';
    for (let i = 0; i < count; i++) {
      await cluster.api.createNamespacedPod({
        namespace: 'default',
        body: stepPod(i, i === 0 ? stubborn : pause),
      });
    }
    for (let i = 0; i < count; i++) await waitForPod(cluster, `sweep-${i}`, isPhase('Running'));
    assert.equal(podDirs(cluster).length, count);

    const before = await cluster.api.listNamespacedPod({ namespace: 'default' });
    const version = before.metadata!.resourceVersion!;
    const started = Date.now();
    await cluster.api.deleteCollectionNamespacedPod({
      namespace: 'default',
      labelSelector: 'set=sweep',
    });
    const terminating = await cluster.api.readNamespacedPod({
      namespace: 'default',
      name: 'sweep-0',
    });
    assert.equal(terminating.metadata?.deletionGracePeriodSeconds, 5);

    for (let i = 1; i < count; i++) {
      await waitForPod(cluster, `sweep-${i}`, 'deleted', 10_000, version);
    }
    assert.ok(
      Date.now() - started < 5_000,
      'the containers that heed SIGTERM went before the grace',
    );
    await waitForPod(cluster, 'sweep-0', 'deleted', 10_000, version);
    assert.ok(Date.now() - started >= 4_900, 'the stubborn container was killed after its grace');

    const events = await cluster.api.listNamespacedEvent({ namespace: 'default' });
    const killing = events.items.filter(
      (e) => e.reason === 'Killing' && e.involvedObject.name?.startsWith('sweep-'),
    );
    assert.equal(killing.length, count);
    await until('the pod directories removed', () => podDirs(cluster).length === 0, 10_000);
  });
});
