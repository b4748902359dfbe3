import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough, Readable } from 'node:stream';
import { Exec, Watch, type V1Pod, type V1Status } from '@kubernetes/client-node';
import { isPhase, sleeperPod, startTestCluster, waitForPod, type TestCluster } from './testing.ts';

interface ExecResult {
  stdout: string;
  stderr: string;
  status: V1Status;
}

function collect(stream: PassThrough): () => string {
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return () => Buffer.concat(chunks).toString('utf8');
}

function execIn(
  cluster: TestCluster,
  pod: string,
  command: string[],
  input?: string,
): Promise<ExecResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out = collect(stdout);
  const err = collect(stderr);
  const stdin = input === undefined ? null : Readable.from([Buffer.from(input)]);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('exec did not finish in time')), 10_000);
    new Exec(cluster.kc)
      .exec('default', pod, 'main', command, stdout, stderr, stdin, false, (status) => {
        clearTimeout(timer);
        setImmediate(() => resolve({ stdout: out(), stderr: err(), status }));
      })
      .catch(reject);
  });
}

describe('@kubernetes/client-node against kubesim', () => {
  let cluster: TestCluster;

  before(async () => {
    cluster = await startTestCluster();
  });
  after(() => cluster.close());

  it('creates a pod and watches it until Running', async () => {
    const created = await cluster.api.createNamespacedPod({
      namespace: 'default',
      body: sleeperPod('runner'),
    });
    assert.equal(created.status?.phase, 'Pending');
    const running = await waitForPod(cluster, 'runner', isPhase('Running'));
    assert.equal(running.spec?.nodeName, 'kubesim');
    assert.equal(running.status?.podIP, '127.0.0.1');
    assert.ok(running.status?.containerStatuses?.[0]?.state?.running?.startedAt);
    assert.deepEqual(running.status?.conditions?.map((c) => `${c.type}=${c.status}`).sort(), [
      'ContainersReady=True',
      'Initialized=True',
      'PodScheduled=True',
      'Ready=True',
    ]);
  });

  it('resumes a watch from a resource version and replays what happened after it', async () => {
    const list = await cluster.api.listNamespacedPod({ namespace: 'default' });
    const from = list.metadata!.resourceVersion!;
    await cluster.api.createNamespacedPod({
      namespace: 'default',
      body: {
        metadata: { name: 'quick' },
        spec: {
          restartPolicy: 'Never',
          containers: [{ name: 'main', image: 'ubuntu', command: ['true'] }],
        },
      },
    });
    await waitForPod(cluster, 'quick', isPhase('Succeeded'));

    const seen: string[] = [];
    const versions: number[] = [];
    let abort: AbortController | undefined;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('replay incomplete')), 5000);
      new Watch(cluster.kc)
        .watch(
          '/api/v1/namespaces/default/pods',
          { resourceVersion: from, fieldSelector: 'metadata.name=quick' },
          (type, pod: V1Pod) => {
            seen.push(`${type}:${pod.status?.phase}`);
            versions.push(Number(pod.metadata?.resourceVersion));
            if (pod.status?.phase === 'Succeeded') {
              clearTimeout(timer);
              resolve();
            }
          },
          (err: unknown) => err && reject(err),
        )
        .then((c) => (abort = c), reject);
    });
    abort?.abort();
    assert.equal(seen[0], 'ADDED:Pending');
    assert.equal(seen.at(-1), 'MODIFIED:Succeeded');
    assert.deepEqual(
      versions,
      [...versions].sort((a, b) => a - b),
    );
  });

  it('answers a watch from a too old resource version with a 410 ERROR event', async () => {
    const events = await new Promise<{ type: string; object: V1Status }[]>((resolve, reject) => {
      const got: { type: string; object: V1Status }[] = [];
      new Watch(cluster.kc)
        .watch(
          '/api/v1/namespaces/default/pods',
          { resourceVersion: '1' },
          (type, object: V1Status) => got.push({ type, object }),
          () => resolve(got),
        )
        .catch(reject);
    });
    assert.equal(events.length, 1);
    assert.equal(events[0]!.type, 'ERROR');
    assert.equal(events[0]!.object.code, 410);
  });

  it('separates stdout and stderr of an exec and reports success', async () => {
    const result = await execIn(cluster, 'runner', ['sh', '-c', 'echo out; echo err >&2']);
    assert.equal(result.stdout, 'out\n');
    assert.equal(result.stderr, 'err\n');
    assert.equal(result.status.status, 'Success');
  });

  it('delivers stdin to an exec and reports a non-zero exit code', async () => {
    const result = await execIn(cluster, 'runner', ['sh', '-c', 'cat; exit 7'], 'from stdin\n');
    assert.equal(result.stdout, 'from stdin\n');
    assert.equal(result.status.status, 'Failure');
    assert.equal(result.status.reason, 'NonZeroExitCode');
    assert.equal(result.status.details?.causes?.[0]?.message, '7');
  });

  it('reports a command that cannot be started as an InternalError status', async () => {
    const result = await execIn(cluster, 'runner', ['no-such-command']);
    assert.equal(result.stderr, '');
    assert.equal(result.status.status, 'Failure');
    assert.equal(result.status.reason, 'InternalError');
    assert.match(result.status.message ?? '', /no-such-command/);
  });

  it('deletes a pod with a grace period and the watch sees it DELETED', async () => {
    const pod = await cluster.api.deleteNamespacedPod({
      name: 'runner',
      namespace: 'default',
      gracePeriodSeconds: 1,
    });
    assert.ok(pod.metadata?.deletionTimestamp);
    let abort: AbortController | undefined;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no DELETED event')), 5000);
      new Watch(cluster.kc)
        .watch(
          '/api/v1/namespaces/default/pods',
          { resourceVersion: pod.metadata!.resourceVersion, fieldSelector: 'metadata.name=runner' },
          (type) => {
            if (type === 'DELETED') {
              clearTimeout(timer);
              resolve();
            }
          },
          (err: unknown) => err && reject(err),
        )
        .then((c) => (abort = c), reject);
    });
    abort?.abort();
    await assert.rejects(
      cluster.api.readNamespacedPod({ name: 'runner', namespace: 'default' }),
      /404/,
    );
  });

  it('rejects a duplicate pod name with AlreadyExists and a bad name with Invalid', async () => {
    await cluster.api.createNamespacedPod({ namespace: 'default', body: sleeperPod('twin') });
    await assert.rejects(
      cluster.api.createNamespacedPod({ namespace: 'default', body: sleeperPod('twin') }),
      (e: { code: number; body: string }) => {
        return e.code === 409 && JSON.parse(e.body).reason === 'AlreadyExists';
      },
    );
    await assert.rejects(
      cluster.api.createNamespacedPod({ namespace: 'default', body: sleeperPod('Bad_Name') }),
      (e: { code: number; body: string }) => {
        return e.code === 422 && JSON.parse(e.body).reason === 'Invalid';
      },
    );
    await cluster.api.deleteNamespacedPod({
      name: 'twin',
      namespace: 'default',
      gracePeriodSeconds: 0,
    });
  });

  it('lists events of a pod by involvedObject.name', async () => {
    const events = await cluster.api.listNamespacedEvent({
      namespace: 'default',
      fieldSelector: 'involvedObject.name=quick',
    });
    const reasons = events.items.map((e) => e.reason);
    for (const reason of ['Scheduled', 'Pulled', 'Created', 'Started'])
      assert.ok(reasons.includes(reason), reason);
  });
});
