// The executor's handle on the cluster: the API client for pods and events, and exec.
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { ExecFailedError } from './errors.ts';
import { ExecChannel, type ExecRequest } from './exec-channel.ts';
import { withRetry } from './retry.ts';

function isRefusalThatPasses(err: unknown): boolean {
  if (!(err instanceof ExecFailedError)) return false;
  if (err.statusCode === 429 || (err.statusCode ?? 0) >= 500) return true;
  return /container not found/i.test(err.message);
}

export class KubeClient {
  readonly kc: KubeConfig;
  readonly core: CoreV1Api;
  readonly namespace: string;

  /**
   * `kubeconfigPath` null: the pod's service account (token, CA and the API server's address from
   * the environment). `serviceAccountRoot` moves where its files are looked for, for tests.
   */
  constructor(kubeconfigPath: string | null, namespace: string, serviceAccountRoot = '') {
    this.kc = new KubeConfig();
    if (kubeconfigPath === null) this.kc.loadFromCluster(serviceAccountRoot);
    else this.kc.loadFromFile(kubeconfigPath);
    this.core = this.kc.makeApiClient(CoreV1Api);
    this.namespace = namespace;
  }

  // Opening an exec is retried when the refusal passes (throttling, a server error, a container
  // the kubelet does not report yet); nothing has run in the pod until the upgrade succeeds.
  exec(pod: string, request: Omit<ExecRequest, 'namespace' | 'pod'>): Promise<ExecChannel> {
    return withRetry(
      () => ExecChannel.open(this.kc, { ...request, namespace: this.namespace, pod }),
      {
        alsoRetry: isRefusalThatPasses,
      },
    );
  }
}
