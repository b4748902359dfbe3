import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  isPhase,
  runKubectl,
  sleeperPod,
  startTestCluster,
  waitForPod,
  type TestCluster,
} from './testing.ts';

describe('kubectl against kubesim', () => {
  let cluster: TestCluster;
  const kubectl = (args: string[], input?: string) =>
    runKubectl(cluster.sim.kubeconfigPath, args, input);

  before(async () => {
    cluster = await startTestCluster();
    await cluster.api.createNamespacedPod({
      namespace: 'default',
      body: sleeperPod('worker-pod', 'ubuntu', { 'concourse.ci/worker': 'k8s-default' }),
    });
    await cluster.api.createNamespacedPod({
      namespace: 'default',
      body: {
        metadata: { name: 'echoer' },
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: 'main',
              image: 'ubuntu',
              command: ['sh', '-c', 'echo first line; echo second line >&2'],
            },
          ],
        },
      },
    });
    await waitForPod(cluster, 'worker-pod', isPhase('Running'));
    await waitForPod(cluster, 'echoer', isPhase('Succeeded'));
  });

  after(() => cluster.close());

  it('lists pods by label with their status like a real cluster', async () => {
    const result = await kubectl(['get', 'pods', '-l', 'concourse.ci/worker']);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trim().split('\n');
    assert.match(lines[0]!, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    assert.equal(lines.length, 2);
    assert.match(lines[1]!, /^worker-pod\s+1\/1\s+Running\s+0\s+\d+s$/);
  });

  it('shows its one node, ready, with the capacity pods are placed against', async () => {
    const listed = await kubectl(['get', 'nodes']);
    assert.equal(listed.code, 0, listed.stderr);
    const lines = listed.stdout.trim().split('\n');
    assert.match(lines[0]!, /^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION$/);
    assert.match(lines[1]!, /^kubesim\s+Ready\s+<none>\s+\d+[smh]\s+v1\.32\.0-kubesim$/);
    const wide = await kubectl(['get', 'no', '-o', 'wide']);
    assert.match(wide.stdout, /INTERNAL-IP.*CONTAINER-RUNTIME/);
    assert.match(wide.stdout, /127\.0\.0\.1.*kubesim:\/\/bubblewrap/);
    const node = await kubectl(['get', 'node', 'kubesim', '-o', 'json']);
    const { status } = JSON.parse(node.stdout) as { status: { allocatable: { cpu: string } } };
    assert.ok(Number(status.allocatable.cpu) > 0);
    const missing = await kubectl(['get', 'node', 'nope']);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /nodes "nope" not found/);
  });

  it('prints the logs of a container', async () => {
    const result = await kubectl(['logs', 'echoer']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'first line\nsecond line\n');
    assert.equal((await kubectl(['logs', 'echoer', '--tail=1'])).stdout, 'second line\n');
  });

  it('follows the logs of a running container until it exits', async () => {
    await cluster.api.createNamespacedPod({
      namespace: 'default',
      body: {
        metadata: { name: 'ticker' },
        spec: {
          restartPolicy: 'Never',
          containers: [
            { name: 'main', image: 'ubuntu', command: ['sh', '-c', 'echo a; sleep 0.5; echo b'] },
          ],
        },
      },
    });
    await waitForPod(cluster, 'ticker', isPhase('Running', 'Succeeded'));
    const result = await kubectl(['logs', '-f', 'ticker']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'a\nb\n');
  });

  it('runs exec and passes on the exit status', async () => {
    const result = await kubectl(['exec', 'worker-pod', '--', 'sh', '-c', 'echo hi; exit 3']);
    assert.equal(result.stdout, 'hi\n');
    assert.equal(result.code, 3);
  });

  it('delivers stdin to exec -i completely', async () => {
    const input = `${'x'.repeat(200_000)}\nend\n`;
    const result = await kubectl(
      ['exec', '-i', 'worker-pod', '--', 'sh', '-c', 'wc -c; echo done'],
      input,
    );
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, `${input.length}\ndone\n`);
  });

  it('deletes a pod and waits until it is gone', async () => {
    const result = await kubectl(['delete', 'pod', 'worker-pod', '--grace-period=1']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /pod "worker-pod" deleted/);
    const after = await kubectl(['get', 'pod', 'worker-pod']);
    assert.notEqual(after.code, 0);
    assert.match(after.stderr, /NotFound.*"worker-pod" not found/);
  });
});
