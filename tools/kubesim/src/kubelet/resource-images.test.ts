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

describe('resource images', () => {
  let cluster: TestCluster;

  before(async () => {
    cluster = await startTestCluster();
    await cluster.api.createNamespacedPod({
      namespace: 'default',
      body: sleeperPod('mock-check', 'docker.io/concourse/mock-resource:latest'),
    });
    await waitForPod(cluster, 'mock-check', isPhase('Running'));
  });
  after(() => cluster.close());

  it('finds the project resource scripts at /opt/resource and Node.js 24 first on PATH', async () => {
    const result = await runKubectl(cluster.sim.kubeconfigPath, [
      'exec',
      'mock-check',
      '--',
      'sh',
      '-c',
      'ls /opt/resource; node --version',
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^check\nin\n(.*\n)*out\nv24\./);
  });

  it('mirrors a small stand-in root for mirror_self instead of the host filesystem', async () => {
    const result = await runKubectl(cluster.sim.kubeconfigPath, [
      'exec',
      'mock-check',
      '--',
      'sh',
      '-c',
      'mkdir -p /tmp/mirror && echo \'{"source":{"mirror_self":true},"version":{"version":"v1"}}\' | /opt/resource/in /tmp/mirror >/dev/null && ls /tmp/mirror/rootfs && du -sk /tmp/mirror',
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^check\nin\n/);
    const kilobytes = Number(/(\d+)\s+\/tmp\/mirror/.exec(result.stdout)?.[1]);
    assert.ok(kilobytes < 1024, result.stdout);
  });
});
