import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Watch, type V1Pod } from '@kubernetes/client-node';
import { ObjectStore } from '../store/object-store.ts';
import { sleeperPod, startTestCluster, type TestCluster } from '../testing.ts';

const image = 'example.com/unpullable:1';

interface WatchEvent {
  type: string;
  name: string;
  resourceVersion: number;
}

/** Collects watch events on pods with `selector` until `count` arrived or `timeoutMs` passed. */
async function collectEvents(
  cluster: TestCluster,
  selector: string,
  fromVersion: string,
  count: number,
  timeoutMs = 10_000,
): Promise<WatchEvent[]> {
  const events: WatchEvent[] = [];
  let abort: AbortController | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${events.length} of ${count} watch events in ${timeoutMs} ms`)),
        timeoutMs,
      );
      new Watch(cluster.kc)
        .watch(
          `/api/v1/namespaces/${cluster.namespace}/pods`,
          { labelSelector: selector, resourceVersion: fromVersion },
          (type, pod: V1Pod) => {
            events.push({
              type,
              name: pod.metadata!.name!,
              resourceVersion: Number(pod.metadata!.resourceVersion),
            });
            if (events.length >= count) resolve();
          },
          (err: unknown) => {
            if (err) reject(err);
          },
        )
        .then((controller) => {
          abort = controller;
        }, reject);
    });
    return events;
  } finally {
    clearTimeout(timer);
    abort?.abort();
  }
}

describe('pod collections', () => {
  let cluster: TestCluster;
  const names = Array.from({ length: 12 }, (_, i) => `collect-${i}`);

  before(async () => {
    cluster = await startTestCluster();
    for (const [i, name] of names.entries()) {
      await cluster.api.createNamespacedPod({
        namespace: 'default',
        body: sleeperPod(name, image, {
          set: 'collect',
          slot: String(i),
          even: String(i % 2 === 0),
        }),
      });
    }
  });
  after(() => cluster.close());

  it('lists only the pods a label selector with a value set matches', async () => {
    const list = await cluster.api.listNamespacedPod({
      namespace: 'default',
      labelSelector: 'set=collect,slot in (1, 3,5 ,11)',
    });
    assert.deepEqual(list.items.map((p) => p.metadata!.name).sort(), [
      'collect-1',
      'collect-11',
      'collect-3',
      'collect-5',
    ]);
    assert.ok(Number(list.metadata!.resourceVersion) > 0);
  });

  it('deletes the selected pods only, each with a DELETED watch event in version order', async () => {
    const before = await cluster.api.listNamespacedPod({ namespace: 'default' });
    const fromVersion = before.metadata!.resourceVersion!;

    await cluster.api.deleteCollectionNamespacedPod({
      namespace: 'default',
      labelSelector: 'set=collect,even=true,slot notin (4)',
      gracePeriodSeconds: 0,
    });
    const events = await collectEvents(cluster, 'set=collect', fromVersion, 5);

    const deleted = ['collect-0', 'collect-10', 'collect-2', 'collect-6', 'collect-8'];
    const deletions = events.filter((e) => e.type === 'DELETED');
    assert.deepEqual(deletions.map((e) => e.name).sort(), deleted);
    const versions = deletions.map((e) => e.resourceVersion);
    assert.deepEqual(
      versions,
      [...versions].sort((a, b) => a - b),
    );
    assert.ok(versions.every((v) => v > Number(fromVersion)));

    const left = await cluster.api.listNamespacedPod({
      namespace: 'default',
      labelSelector: 'set=collect',
    });
    assert.deepEqual(left.items.map((p) => p.metadata!.name).sort(), [
      'collect-1',
      'collect-11',
      'collect-3',
      'collect-4',
      'collect-5',
      'collect-7',
      'collect-9',
    ]);
    assert.ok(Number(left.metadata!.resourceVersion) >= versions.at(-1)!);
  });

  it('deletes nothing when the selector matches no pod', async () => {
    await cluster.api.deleteCollectionNamespacedPod({
      namespace: 'default',
      labelSelector: 'set=collect,slot in (404)',
    });
    const left = await cluster.api.listNamespacedPod({
      namespace: 'default',
      labelSelector: 'set=collect',
    });
    assert.equal(left.items.length, 7);
  });

  it('rejects a malformed selector on delete-collection as BadRequest', async () => {
    await assert.rejects(
      cluster.api.deleteCollectionNamespacedPod({
        namespace: 'default',
        labelSelector: 'slot in (bad value)',
      }),
      (err: { code?: number }) => err.code === 400,
    );
  });
});

describe('object store lists', () => {
  const store = new ObjectStore();
  for (const [namespace, name] of [
    ['a', 'one'],
    ['a', 'two'],
    ['b', 'one'],
  ] as const) {
    store.create('pods', {
      metadata: { name, namespace, labels: { keep: String(name === 'one') } },
    });
  }

  it('selects in one namespace by a predicate, and list returns copies', () => {
    const isKept = (o: { metadata: { labels?: Record<string, string> } }) =>
      o.metadata.labels?.keep === 'true';
    assert.deepEqual(
      store.select('pods', 'a', isKept).map((o) => o.metadata.name),
      ['one'],
    );
    assert.equal(store.select('pods', undefined, isKept).length, 2);

    const copy = store.list('pods', 'a', isKept)[0]!;
    copy.metadata.labels!.keep = 'changed';
    assert.equal(store.get('pods', 'a', 'one').metadata.labels!.keep, 'true');
    assert.equal(store.list('pods').length, 3);
  });
});
