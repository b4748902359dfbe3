import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { PassThrough } from 'node:stream';
import { Exec, type V1Pod } from '@kubernetes/client-node';
import {
  isPhase,
  runKubectl,
  sleeperPod,
  startTestCluster,
  waitForPod,
  type TestCluster,
} from './testing.ts';

function waitingReason(pod: V1Pod): string | undefined {
  return pod.status?.containerStatuses?.[0]?.state?.waiting?.reason;
}

function getStatus(
  cluster: TestCluster,
  path: string,
  token?: string,
): Promise<{ code: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${cluster.sim.url}${path}`,
      { ca: cluster.sim.caCertificate, headers: token ? { authorization: `Bearer ${token}` } : {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            code: res.statusCode ?? 0,
            body: JSON.parse(Buffer.concat(chunks).toString()),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('failure paths', () => {
  let cluster: TestCluster;

  before(async () => {
    cluster = await startTestCluster({ nodeCapacity: { cpu: '2', memory: '4Gi' } });
  });
  after(() => cluster.close());

  it('reports an unpullable image as ErrImagePull then ImagePullBackOff with a Failed event', async () => {
    await cluster.api.createNamespacedPod({
      namespace: 'default',
      body: sleeperPod('no-image', 'example.com/does-not-exist:1'),
    });
    const pulling = await waitForPod(
      cluster,
      'no-image',
      (p) => waitingReason(p) === 'ErrImagePull',
    );
    assert.equal(pulling.status?.phase, 'Pending');
    const backOff = await waitForPod(
      cluster,
      'no-image',
      (p) => waitingReason(p) === 'ImagePullBackOff',
    );
    assert.equal(backOff.status?.phase, 'Pending');
    const events = await cluster.api.listNamespacedEvent({
      namespace: 'default',
      fieldSelector: 'involvedObject.name=no-image',
    });
    assert.ok(
      events.items.some(
        (e) =>
          e.reason === 'Failed' && e.type === 'Warning' && /ErrImagePull/.test(e.message ?? ''),
      ),
    );
  });

  it('reports an invalid image reference as InvalidImageName', async () => {
    await cluster.api.createNamespacedPod({
      namespace: 'default',
      body: sleeperPod('bad-image', 'Not A Valid/Image'),
    });
    await waitForPod(cluster, 'bad-image', (p) => waitingReason(p) === 'InvalidImageName');
  });

  it('keeps a pod whose requests exceed the node Pending and Unschedulable', async () => {
    const pod = sleeperPod('too-big');
    pod.spec!.containers[0]!.resources = { requests: { cpu: '64', memory: '1Gi' } };
    await cluster.api.createNamespacedPod({ namespace: 'default', body: pod });
    const pending = await waitForPod(
      cluster,
      'too-big',
      (p) => p.status?.conditions?.some((c) => c.reason === 'Unschedulable') ?? false,
    );
    const scheduled = pending.status?.conditions?.find((c) => c.type === 'PodScheduled');
    assert.equal(scheduled?.status, 'False');
    assert.match(scheduled?.message ?? '', /Insufficient cpu/);
    const events = await cluster.api.listNamespacedEvent({
      namespace: 'default',
      fieldSelector: 'involvedObject.name=too-big',
    });
    assert.ok(events.items.some((e) => e.reason === 'FailedScheduling'));
  });

  it('marks a pod whose processes were killed from outside as Failed', async () => {
    await cluster.api.createNamespacedPod({ namespace: 'default', body: sleeperPod('victim') });
    await waitForPod(cluster, 'victim', isPhase('Running'));
    cluster.sim.killPod('default', 'victim');
    const failed = await waitForPod(cluster, 'victim', isPhase('Failed'));
    assert.equal(failed.status?.containerStatuses?.[0]?.state?.terminated?.exitCode, 137);
  });

  it('cuts exec streams on dropExecStreams while the process keeps running', async () => {
    await cluster.api.createNamespacedPod({ namespace: 'default', body: sleeperPod('streamer') });
    await waitForPod(cluster, 'streamer', isPhase('Running'));
    const stdout = new PassThrough();
    let sawStarted: () => void;
    const started = new Promise<void>((resolve) => (sawStarted = resolve));
    stdout.on('data', (chunk: Buffer) => chunk.toString().includes('started') && sawStarted());
    const ws = await new Exec(cluster.kc).exec(
      'default',
      'streamer',
      'main',
      ['sh', '-c', 'echo started; sleep 2; echo finished > /tmp/marker'],
      stdout,
      null,
      null,
      false,
    );
    await started;
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    cluster.sim.dropExecStreams('default', 'streamer');
    assert.notEqual(await closed, 1000);

    const waited = await runKubectl(cluster.sim.kubeconfigPath, [
      'exec',
      'streamer',
      '--',
      'sh',
      '-c',
      'for i in $(seq 1 50); do [ -f /tmp/marker ] && cat /tmp/marker && exit 0; sleep 0.1; done; exit 1',
    ]);
    assert.equal(waited.stdout, 'finished\n');
  });

  it('refuses requests without the token or with a wrong one', async () => {
    const missing = await getStatus(cluster, '/api/v1/namespaces/default/pods');
    assert.equal(missing.code, 401);
    assert.equal(missing.body.reason, 'Unauthorized');
    const wrong = await getStatus(cluster, '/api/v1/namespaces/default/pods', 'not-the-token');
    assert.equal(wrong.code, 401);
    const right = await getStatus(cluster, '/api/v1/namespaces/default/pods', cluster.sim.token);
    assert.equal(right.code, 200);
  });

  it('answers unknown pods with a NotFound Status', async () => {
    const result = await getStatus(
      cluster,
      '/api/v1/namespaces/default/pods/nope',
      cluster.sim.token,
    );
    assert.equal(result.code, 404);
    assert.equal(result.body.reason, 'NotFound');
    assert.equal(result.body.message, 'pods "nope" not found');
  });
});
