// The executor's handle on the cluster: the API client for pods and events, and exec. An exec into
// a container that runs with the toolbox is wrapped here, so no caller needs to know the pod's form.
import { CoreV1Api, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { PooledKubeConfig } from '@jetbridge/k8s/kube-config';
import { ExecFailedError } from './errors.ts';
import { ExecChannel, type ExecRequest } from './exec-channel.ts';
import { withRetry } from './retry.ts';
import { toolboxCommand, toolboxContainerOf } from './toolbox-exec.ts';

// How many pods' forms are kept; the oldest is forgotten first, and read again if it is needed.
const knownPodsLimit = 10_000;

function isRefusalThatPasses(err: unknown): boolean {
  if (!(err instanceof ExecFailedError)) return false;
  if (err.statusCode === 429 || (err.statusCode ?? 0) >= 500) return true;
  return /container not found/i.test(err.message);
}

export class KubeClient {
  readonly kc: KubeConfig;
  readonly #pooled: PooledKubeConfig;
  readonly core: CoreV1Api;
  readonly namespace: string;
  // pod name -> the container that runs with the toolbox (null: none)
  #toolboxContainers = new Map<string, Promise<string | null>>();

  /**
   * `kubeconfigPath` null: the pod's service account (token, CA and the API server's address from
   * the environment). `serviceAccountRoot` moves where its files are looked for, for tests.
   */
  constructor(kubeconfigPath: string | null, namespace: string, serviceAccountRoot = '') {
    this.#pooled = new PooledKubeConfig();
    this.kc = this.#pooled;
    if (kubeconfigPath === null) this.kc.loadFromCluster(serviceAccountRoot);
    else this.kc.loadFromFile(kubeconfigPath);
    this.core = this.kc.makeApiClient(CoreV1Api);
    this.namespace = namespace;
  }

  /** Closes the API connections kept for reuse. */
  close(): Promise<void> {
    return this.#pooled.close();
  }

  // Opening an exec is retried when the refusal passes (throttling, a server error, a container
  // the kubelet does not report yet); nothing has run in the pod until the upgrade succeeds.
  async exec(pod: string, request: Omit<ExecRequest, 'namespace' | 'pod'>): Promise<ExecChannel> {
    const command = (await this.runsWithToolbox(pod, request.container))
      ? toolboxCommand(request.command)
      : request.command;
    return withRetry(
      () => ExecChannel.open(this.kc, { ...request, command, namespace: this.namespace, pod }),
      {
        alsoRetry: isRefusalThatPasses,
      },
    );
  }

  /** Keeps the form of a pod this executor runs, so that its execs need no read of the pod. */
  rememberPod(pod: V1Pod): void {
    const name = pod.metadata?.name;
    if (name) this.#remember(name, Promise.resolve(toolboxContainerOf(pod)));
  }

  /** Whether execs into `container` of `pod` run under the toolbox's `sh`. */
  async runsWithToolbox(pod: string, container: string): Promise<boolean> {
    return (await this.#toolboxContainer(pod)) === container;
  }

  #remember(pod: string, form: Promise<string | null>): void {
    this.#toolboxContainers.delete(pod);
    this.#toolboxContainers.set(pod, form);
    if (this.#toolboxContainers.size > knownPodsLimit) {
      const oldest = this.#toolboxContainers.keys().next().value;
      if (oldest !== undefined) this.#toolboxContainers.delete(oldest);
    }
  }

  // A pod this executor did not start (an intercept, a file read, an input from another executor's
  // step) is read once. One that cannot be read is taken as ordinary: the exec then fails on its own.
  #toolboxContainer(pod: string): Promise<string | null> {
    const known = this.#toolboxContainers.get(pod);
    if (known) return known;
    const reading: Promise<string | null> = withRetry(() =>
      this.core.readNamespacedPod({ name: pod, namespace: this.namespace }),
    ).then(toolboxContainerOf, () => {
      if (this.#toolboxContainers.get(pod) === reading) this.#toolboxContainers.delete(pod);
      return null;
    });
    this.#remember(pod, reading);
    return reading;
  }
}
