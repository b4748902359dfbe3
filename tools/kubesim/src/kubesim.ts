// Starts kubesim: the object store, the kubelet and the API server on loopback.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { cpus, release, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { ExecUpgrader } from './exec/exec-upgrade.ts';
import { ImageCatalog, type ImageSpec } from './kubelet/images.ts';
import { Kubelet } from './kubelet/kubelet.ts';
import { parseQuantity } from './kubelet/quantity.ts';
import { writeKubeconfig } from './kubeconfig.ts';
import { silentLogger, type Logger } from './logger.ts';
import { createApiServer } from './server/api-server.ts';
import { ObjectStore } from './store/object-store.ts';
import type { KubeObject } from './store/types.ts';
import { versionInfo } from './server/discovery.ts';
import { ensureServingCertificate } from './server/tls.ts';

export interface KubesimOptions {
  dataDir: string;
  port?: number;
  namespace?: string;
  claims?: string[];
  images?: Record<string, ImageSpec>;
  nodeCapacity?: { cpu: string; memory: string };
  logger?: Logger;
}

export interface Kubesim {
  // https://127.0.0.1:<port>, served with the self-signed certificate in the kubeconfig
  url: string;
  // PEM of that certificate, for clients that do not read the kubeconfig
  caCertificate: string;
  token: string;
  kubeconfigPath: string;
  close(): Promise<void>;
  killPod(namespace: string, name: string): void;
  dropExecStreams(namespace: string, name: string): void;
}

function seedObjects(
  store: ObjectStore,
  namespaces: string[],
  namespace: string,
  claims: string[],
): void {
  for (const name of namespaces) {
    store.create('namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name, labels: { 'kubernetes.io/metadata.name': name } },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    });
  }
  for (const claim of claims) {
    store.create('persistentvolumeclaims', {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: claim, namespace },
      spec: {
        accessModes: ['ReadWriteMany'],
        resources: { requests: { storage: '10Gi' } },
        storageClassName: 'kubesim',
        volumeMode: 'Filesystem',
        volumeName: `pv-${claim}`,
      },
      status: { phase: 'Bound', accessModes: ['ReadWriteMany'], capacity: { storage: '10Gi' } },
    });
  }
}

function capacityOf(options: KubesimOptions): { cpu: number; memory: number } {
  const given = options.nodeCapacity;
  return {
    cpu: (given && parseQuantity(given.cpu)) ?? cpus().length,
    memory: (given && parseQuantity(given.memory)) ?? totalmem(),
  };
}

/** The one node every pod runs on, as `kubectl get nodes` shows it. */
function nodeObject(capacity: { cpu: number; memory: number }): KubeObject {
  const quantities = { cpu: String(capacity.cpu), memory: String(capacity.memory), pods: '1000' };
  const now = new Date().toISOString();
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: 'kubesim',
      labels: {
        'kubernetes.io/hostname': 'kubesim',
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': process.arch === 'arm64' ? 'arm64' : 'amd64',
      },
    },
    spec: {},
    status: {
      capacity: quantities,
      allocatable: quantities,
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'KubeletReady',
          message: 'kubesim runs pods as sandboxed host processes',
          lastHeartbeatTime: now,
          lastTransitionTime: now,
        },
      ],
      addresses: [
        { type: 'InternalIP', address: '127.0.0.1' },
        { type: 'Hostname', address: 'kubesim' },
      ],
      nodeInfo: {
        kubeletVersion: versionInfo.gitVersion,
        operatingSystem: 'linux',
        architecture: process.arch === 'arm64' ? 'arm64' : 'amd64',
        containerRuntimeVersion: 'kubesim://bubblewrap',
        osImage: 'kubesim',
        kernelVersion: release(),
      },
    },
  };
}

export async function startKubesim(options: KubesimOptions): Promise<Kubesim> {
  const dataDir = resolve(options.dataDir);
  const namespace = options.namespace ?? 'default';
  const claims = options.claims ?? [];
  const logger = options.logger ?? silentLogger;
  mkdirSync(join(dataDir, 'claims'), { recursive: true });

  const store = new ObjectStore();
  seedObjects(store, [...new Set(['default', namespace])], namespace, claims);
  store.create('nodes', nodeObject(capacityOf(options)));
  const kubelet = new Kubelet(store, {
    dataDir,
    catalog: new ImageCatalog(options.images),
    claims,
    capacity: capacityOf(options),
    logger,
  });
  const exec = new ExecUpgrader(kubelet, logger);
  const token = randomBytes(24).toString('hex');
  const tls = ensureServingCertificate(dataDir);
  const server = createApiServer({ store, kubelet }, exec, token, tls, logger);

  server.listen(options.port ?? 0, '127.0.0.1');
  await once(server, 'listening');
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const kubeconfigPath = join(dataDir, 'kubeconfig');
  writeKubeconfig(kubeconfigPath, url, tls.cert, token, namespace);
  logger.info({ url, dataDir, kubeconfig: kubeconfigPath }, 'kubesim-started');

  return {
    url,
    caCertificate: tls.cert.toString('utf8'),
    token,
    kubeconfigPath,
    async close() {
      exec.close();
      await kubelet.close();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
      logger.info({ url }, 'kubesim-stopped');
    },
    killPod: (ns, name) => kubelet.killPod(ns, name),
    dropExecStreams: (ns, name) => exec.dropStreams(ns, name),
  };
}
