// What kubesim itself costs for one step: create a pod, wait until it runs, exec a command and read
// its first output. JetBridge's own overhead is measured against this.
import { Writable } from 'node:stream';
import { CoreV1Api, Exec, KubeConfig, Watch, type V1Pod } from '@kubernetes/client-node';

const boundMs = 60_000;

function waitRunning(kc: KubeConfig, namespace: string, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let request: AbortController | undefined;
    const timer = setTimeout(() => {
      request?.abort();
      reject(new Error(`pod ${name} not Running within ${boundMs} ms`));
    }, boundMs);
    void new Watch(kc)
      .watch(
        `/api/v1/namespaces/${namespace}/pods`,
        { fieldSelector: `metadata.name=${name}` },
        (_type: string, pod: V1Pod) => {
          if (pod.status?.phase !== 'Running') return;
          clearTimeout(timer);
          request?.abort();
          resolve();
        },
        (err: unknown) => {
          if (err && (err as Error).name !== 'AbortError') reject(err as Error);
        },
      )
      .then((controller) => {
        request = controller;
      }, reject);
  });
}

function execFirstOutput(kc: KubeConfig, namespace: string, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no exec output within ${boundMs} ms`)),
      boundMs,
    );
    const stdout = new Writable({
      write(_chunk, _encoding, done) {
        clearTimeout(timer);
        resolve();
        done();
      },
    });
    const stderr = new Writable({ write: (_c, _e, done) => done() });
    new Exec(kc)
      .exec(namespace, name, 'main', ['echo', 'first-line'], stdout, stderr, null, false)
      .catch(reject);
  });
}

/** Milliseconds from pod creation to the first byte of an exec's output, per sample. */
export async function measureKubesimStep(
  kubeconfigPath: string,
  namespace: string,
  image: string,
  samples: number,
): Promise<number[]> {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  const api = kc.makeApiClient(CoreV1Api);
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const name = `bench-baseline-${process.pid}-${i}`;
    const started = performance.now();
    await api.createNamespacedPod({
      namespace,
      body: {
        metadata: { name },
        spec: {
          restartPolicy: 'Never',
          containers: [{ name: 'main', image, command: ['sleep', '86400'] }],
        },
      },
    });
    await waitRunning(kc, namespace, name);
    await execFirstOutput(kc, namespace, name);
    times.push(performance.now() - started);
    await api.deleteNamespacedPod({ namespace, name, gracePeriodSeconds: 0 });
  }
  return times;
}
