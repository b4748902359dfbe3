import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  isPhase,
  runKubectl,
  sleeperPod,
  startTestCluster,
  waitForPod,
  type TestCluster,
} from '../testing.ts';

describe('busybox and alpine images', () => {
  let cluster: TestCluster;
  const kubectl = (args: string[]) => runKubectl(cluster.sim.kubeconfigPath, args);

  before(async () => {
    cluster = await startTestCluster();
    await cluster.api.createNamespacedPod({
      namespace: 'default',
      body: sleeperPod('alpine-pod', 'docker.io/library/alpine:3.20'),
    });
    await waitForPod(cluster, 'alpine-pod', isPhase('Running'));
  });
  after(() => cluster.close());

  it('has busybox tar as its tar', async () => {
    const result = await kubectl([
      'exec',
      'alpine-pod',
      '--',
      'sh',
      '-c',
      'tar --help 2>&1 | head -1',
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /BusyBox/);
  });

  it('does not have the host bash', async () => {
    const result = await kubectl([
      'exec',
      'alpine-pod',
      '--',
      'sh',
      '-c',
      'command -v bash || echo no-bash; ls /usr/bin | grep -c . >/dev/null && echo listed',
    ]);
    assert.equal(result.stdout, 'no-bash\nlisted\n');
  });

  it('runs a busybox container command to completion', async () => {
    await cluster.api.createNamespacedPod({
      namespace: 'default',
      body: {
        metadata: { name: 'busybox-job' },
        spec: {
          restartPolicy: 'Never',
          containers: [
            { name: 'main', image: 'busybox', command: ['sh', '-c', 'echo $0; busybox | head -1'] },
          ],
        },
      },
    });
    await waitForPod(cluster, 'busybox-job', isPhase('Succeeded'));
    const logs = await kubectl(['logs', 'busybox-job']);
    assert.match(logs.stdout, /^sh\nBusyBox v/);
  });
});
