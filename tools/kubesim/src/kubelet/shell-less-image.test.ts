import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { V1Pod } from '@kubernetes/client-node';
import {
  isPhase,
  runKubectl,
  sleeperPod,
  startTestCluster,
  waitForPod,
  type TestCluster,
} from '../testing.ts';

const toolsScript =
  'cp /bin/busybox /tools/busybox && cd /tools && ' +
  'for a in $(./busybox --list); do [ "$a" = busybox ] || ln -s busybox "$a"; done';

// A distroless pod that brings its shell: busybox copied into an emptyDir by an init container.
function podWithTools(name: string): V1Pod {
  return {
    metadata: { name },
    spec: {
      restartPolicy: 'Never',
      terminationGracePeriodSeconds: 1,
      volumes: [{ name: 'tools', emptyDir: {} }],
      initContainers: [
        {
          name: 'tools',
          image: 'busybox:stable-musl',
          command: ['/bin/busybox', 'sh', '-c', toolsScript],
          volumeMounts: [{ name: 'tools', mountPath: '/tools' }],
        },
      ],
      containers: [
        {
          name: 'main',
          image: 'gcr.io/distroless/base-debian12',
          command: ['/tools/sh', '-c', 'exec /tools/sleep 3600'],
          volumeMounts: [{ name: 'tools', mountPath: '/tools', readOnly: true }],
        },
      ],
    },
  };
}

describe('shell-less (distroless) images', () => {
  let cluster: TestCluster;
  const kubectl = (args: string[]) => runKubectl(cluster.sim.kubeconfigPath, args);

  before(async () => {
    cluster = await startTestCluster();
  });
  after(() => cluster.close());

  it('fails a container whose command is missing with StartError, exit 128 and containerd’s message', async () => {
    await cluster.api.createNamespacedPod({
      namespace: 'default',
      body: {
        metadata: { name: 'no-sh' },
        spec: {
          restartPolicy: 'Never',
          containers: [
            { name: 'main', image: 'gcr.io/distroless/base', command: ['sh', '-c', 'sleep 9'] },
          ],
        },
      },
    });
    const failed = await waitForPod(cluster, 'no-sh', isPhase('Failed'));
    const terminated = failed.status?.containerStatuses?.[0]?.state?.terminated;
    assert.equal(terminated?.reason, 'StartError');
    assert.equal(terminated?.exitCode, 128);
    assert.match(
      terminated?.message ?? '',
      /unable to start container process: exec: "sh": executable file not found in \$PATH/,
    );
    const events = await cluster.api.listNamespacedEvent({
      namespace: 'default',
      fieldSelector: 'involvedObject.name=no-sh',
    });
    assert.ok(events.items.some((e) => e.reason === 'Failed' && /"sh"/.test(e.message ?? '')));
    assert.ok(!events.items.some((e) => e.reason === 'Started'), 'the container never started');
  });

  it('names a missing absolute command by its path', async () => {
    await cluster.api.createNamespacedPod({
      namespace: 'default',
      body: {
        metadata: { name: 'no-path' },
        spec: {
          restartPolicy: 'Never',
          containers: [{ name: 'main', image: 'distroless/static', command: ['/bin/sh'] }],
        },
      },
    });
    const failed = await waitForPod(cluster, 'no-path', isPhase('Failed'));
    assert.match(
      failed.status?.containerStatuses?.[0]?.state?.terminated?.message ?? '',
      /exec: "\/bin\/sh": stat \/bin\/sh: no such file or directory/,
    );
  });

  it('runs the programs of a distroless/nodejs image, which has no shell or tools', async () => {
    await cluster.api.createNamespacedPod({
      namespace: 'default',
      body: {
        metadata: { name: 'node-only' },
        spec: {
          restartPolicy: 'Never',
          terminationGracePeriodSeconds: 1,
          containers: [
            {
              name: 'main',
              image: 'gcr.io/distroless/nodejs22-debian12:nonroot',
              command: ['/nodejs/bin/node', '-e', 'setInterval(() => {}, 1000)'],
            },
          ],
        },
      },
    });
    await waitForPod(cluster, 'node-only', isPhase('Running'));
    const node = await kubectl([
      'exec',
      'node-only',
      '--',
      '/nodejs/bin/node',
      '-e',
      'const fs = require("fs"); console.log(["/bin/sh", "/usr/bin/env", "/bin/busybox"].filter(fs.existsSync).length, fs.readFileSync("/etc/passwd", "utf8").split("\\n")[0])',
    ]);
    assert.equal(node.code, 0, node.stderr);
    assert.equal(node.stdout, '0 root:x:0:0:root:/root:/sbin/nologin\n');
    const shell = await kubectl(['exec', 'node-only', '--', 'sh', '-c', 'echo hi']);
    assert.notEqual(shell.code, 0);
    assert.match(shell.stderr, /sh: No such file or directory/);
  });

  it('runs a shell the pod brings: the host busybox from busybox:stable-musl, on its libraries', async () => {
    await cluster.api.createNamespacedPod({ namespace: 'default', body: podWithTools('tools') });
    await waitForPod(cluster, 'tools', isPhase('Running'));
    const result = await kubectl([
      'exec',
      'tools',
      '--',
      '/tools/sh',
      '-c',
      'PATH=$PATH:/tools; ls /bin 2>&1; tar --help 2>&1 | head -1',
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /No such file or directory\nBusyBox/);
  });

  it('deletes a pod only when the precondition uid is its own', async () => {
    await cluster.api.createNamespacedPod({
      namespace: 'default',
      body: sleeperPod('guarded', 'distroless/base'),
    });
    const pod = await waitForPod(cluster, 'guarded', isPhase('Failed'));
    await assert.rejects(
      cluster.api.deleteNamespacedPod({
        name: 'guarded',
        namespace: 'default',
        body: { preconditions: { uid: 'someone-else' } },
      }),
      (err: { code?: number; body?: string }) =>
        err.code === 409 &&
        /Precondition failed: UID in precondition: someone-else/.test(err.body ?? ''),
    );
    await cluster.api.deleteNamespacedPod({
      name: 'guarded',
      namespace: 'default',
      gracePeriodSeconds: 0,
      body: { preconditions: { uid: pod.metadata!.uid! } },
    });
    const left = await cluster.api.listNamespacedPod({
      namespace: 'default',
      fieldSelector: 'metadata.name=guarded',
    });
    assert.equal(left.items.length, 0);
  });
});
