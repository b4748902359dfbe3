// Helpers for kubesim's own tests: a kubesim per test file, kubectl runs, bounded waits on pods.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig, Watch, type V1Pod } from '@kubernetes/client-node';
import { startKubesim, type Kubesim, type KubesimOptions } from './kubesim.ts';

export interface TestCluster {
  sim: Kubesim;
  dataDir: string;
  kc: KubeConfig;
  api: CoreV1Api;
  namespace: string;
  close(): Promise<void>;
}

export async function startTestCluster(
  options: Partial<KubesimOptions> = {},
): Promise<TestCluster> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kubesim-test-'));
  const sim = await startKubesim({ dataDir, ...options });
  const kc = new KubeConfig();
  kc.loadFromFile(sim.kubeconfigPath);
  return {
    sim,
    dataDir,
    kc,
    api: kc.makeApiClient(CoreV1Api),
    namespace: options.namespace ?? 'default',
    async close() {
      await sim.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runKubectl(
  kubeconfig: string,
  args: string[],
  input?: string,
): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = execFile(
      'kubectl',
      ['--kubeconfig', kubeconfig, ...args],
      { timeout: 20_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    if (input !== undefined) child.stdin!.end(input);
    else child.stdin!.end();
  });
}

// Watches one pod until `isDone` holds for it (or for its DELETED event when `isDone` is
// 'deleted'), failing after `timeoutMs`.
export async function waitForPod(
  cluster: TestCluster,
  name: string,
  isDone: ((pod: V1Pod) => boolean) | 'deleted',
  timeoutMs = 10_000,
  fromVersion?: string,
): Promise<V1Pod> {
  let abort: AbortController | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    return await new Promise<V1Pod>((resolve, reject) => {
      timer = setTimeout(
        () => reject(new Error(`pod ${name} did not reach the expected state in ${timeoutMs}ms`)),
        timeoutMs,
      );
      new Watch(cluster.kc)
        .watch(
          `/api/v1/namespaces/${cluster.namespace}/pods`,
          { fieldSelector: `metadata.name=${name}`, resourceVersion: fromVersion },
          (type, pod: V1Pod) => {
            if (isDone === 'deleted' ? type === 'DELETED' : isDone(pod)) resolve(pod);
          },
          (err: unknown) => {
            if (err) reject(err);
          },
        )
        .then((controller) => {
          abort = controller;
        }, reject);
    });
  } finally {
    clearTimeout(timer);
    abort?.abort();
  }
}

export function isPhase(...phases: string[]): (pod: V1Pod) => boolean {
  return (pod) => phases.includes(pod.status?.phase ?? '');
}

export function sleeperPod(
  name: string,
  image = 'ubuntu',
  labels: Record<string, string> = {},
): V1Pod {
  return {
    metadata: { name, labels },
    spec: {
      restartPolicy: 'Never',
      terminationGracePeriodSeconds: 1,
      containers: [{ name: 'main', image, command: ['sleep', '3600'] }],
    },
  };
}
