import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startKubesim, type Kubesim } from '@jetbridge/kubesim';
import { mainContainer, pauseCommand } from '../pods/pod-spec.ts';
import { runExec } from '../exec/run-exec.ts';
import { KubeClient } from './kube-client.ts';

describe('in-cluster service account', () => {
  let dir: string;
  let sim: Kubesim;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'jb-in-cluster-'));
    sim = await startKubesim({ dataDir: join(dir, 'sim'), namespace: 'steps' });
    const secrets = join(dir, 'var/run/secrets/kubernetes.io/serviceaccount');
    mkdirSync(secrets, { recursive: true });
    writeFileSync(join(secrets, 'token'), sim.token);
    writeFileSync(join(secrets, 'ca.crt'), sim.caCertificate);
    writeFileSync(join(secrets, 'namespace'), 'steps');
    const url = new URL(sim.url);
    process.env.KUBERNETES_SERVICE_HOST = url.hostname;
    process.env.KUBERNETES_SERVICE_PORT = url.port;
  });

  after(async () => {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('talks to the API server and execs into pods with the service account token', async () => {
    const client = new KubeClient(null, 'steps', dir);
    await client.core.createNamespacedPod({
      namespace: 'steps',
      body: {
        metadata: { name: 'in-cluster' },
        spec: { containers: [{ name: mainContainer, image: 'busybox', command: pauseCommand }] },
      },
    });
    const deadline = Date.now() + 20_000;
    while (
      (await client.core.readNamespacedPod({ name: 'in-cluster', namespace: 'steps' })).status
        ?.phase !== 'Running'
    ) {
      assert.ok(Date.now() < deadline, 'pod Running within 20 s');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const result = await runExec(client, 'in-cluster', ['echo', 'from the service account']);
    assert.equal(result.stdout.toString(), 'from the service account\n');
  });
});
