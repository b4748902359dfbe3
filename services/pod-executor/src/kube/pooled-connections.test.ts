// API requests share their connections: counted by a TCP pass-through in front of kubesim, since
// the TLS handshake of a connection per request is what the pooled config exists to save.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createConnection, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { rootCertificates } from 'node:tls';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { PooledKubeConfig } from '@jetbridge/k8s/kube-config';
import { startKubesim, type Kubesim } from '@jetbridge/kubesim';

const namespace = 'pooled';
const base64 = (text: string) => Buffer.from(text).toString('base64');

describe('API connections', () => {
  let dataDir: string;
  let sim: Kubesim;
  let relay: Server;
  let relayUrl: string;
  let connections = 0;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'jb-pooled-'));
    sim = await startKubesim({ dataDir, namespace });
    const target = new URL(sim.url);
    relay = createServer((socket) => {
      connections += 1;
      const upstream = createConnection(Number(target.port), target.hostname);
      socket.pipe(upstream).pipe(socket);
      socket.on('error', () => upstream.destroy());
      upstream.on('error', () => socket.destroy());
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    const address = relay.address() as { port: number };
    relayUrl = `https://127.0.0.1:${address.port}`;
  });
  after(async () => {
    relay?.close();
    await sim?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  function configure<T extends KubeConfig>(config: T): T {
    config.loadFromOptions({
      clusters: [
        {
          name: 'sim',
          server: relayUrl,
          caData: base64(sim.caCertificate),
        },
      ],
      users: [{ name: 'sim', token: sim.token }],
      contexts: [{ name: 'sim', cluster: 'sim', user: 'sim' }],
      currentContext: 'sim',
    });
    return config;
  }

  async function listTwenty(config: KubeConfig): Promise<number> {
    const api = config.makeApiClient(CoreV1Api);
    const before = connections;
    for (let i = 0; i < 20; i += 1) await api.listNamespacedPod({ namespace });
    return connections - before;
  }

  it('opens a connection per request with the plain config (what the pool saves)', async () => {
    assert.equal(await listTwenty(configure(new KubeConfig())), 20);
  });

  // The first requests may open a second connection while the first is handed back to the pool;
  // after that the count does not grow with requests.
  it('serves requests over the connections it has with the pooled config', async () => {
    const config = configure(new PooledKubeConfig());
    assert.ok((await listTwenty(config)) <= 2);
    assert.equal(await listTwenty(config), 0, 'twenty more requests, no new connection');
    await config.close();
    const reopened = await listTwenty(config);
    assert.ok(reopened >= 1 && reopened <= 2, 'a closed pool is made again on the next request');
    await config.close();
  });

  it('makes a new pool when the config names another cluster or user', async () => {
    const config = configure(new PooledKubeConfig());
    await listTwenty(config);
    assert.equal(await listTwenty(config), 0);
    config.loadFromOptions({
      clusters: [{ name: 'again', server: relayUrl, caData: base64(sim.caCertificate) }],
      users: [{ name: 'again', token: sim.token }],
      contexts: [{ name: 'again', cluster: 'again', user: 'again' }],
      currentContext: 'again',
    });
    assert.ok((await listTwenty(config)) >= 1, 'the other cluster gets connections of its own');
    assert.equal(await listTwenty(config), 0);
    await config.close();
  });

  it('reads a CA file rewritten in place at the next request', async () => {
    const caFile = join(dataDir, 'rotating-ca.pem');
    // A CA that did not sign kubesim's certificate: requests fail until the file is fixed.
    await writeFile(caFile, rootCertificates[0]!);
    const config = new PooledKubeConfig();
    config.loadFromOptions({
      clusters: [{ name: 'file', server: relayUrl, caFile }],
      users: [{ name: 'file', token: sim.token }],
      contexts: [{ name: 'file', cluster: 'file', user: 'file' }],
      currentContext: 'file',
    });
    const api = config.makeApiClient(CoreV1Api);
    await assert.rejects(api.listNamespacedPod({ namespace }));
    await writeFile(caFile, sim.caCertificate);
    const listed = await api.listNamespacedPod({ namespace });
    assert.ok(Array.isArray(listed.items));
    await config.close();
  });
});
