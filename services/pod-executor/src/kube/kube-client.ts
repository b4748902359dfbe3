// The executor's handle on the cluster: the API client for pods and events, and exec.
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { ExecChannel, type ExecRequest } from './exec-channel.ts';

export class KubeClient {
  readonly kc: KubeConfig;
  readonly core: CoreV1Api;
  readonly namespace: string;

  constructor(kubeconfigPath: string | null, namespace: string) {
    this.kc = new KubeConfig();
    if (kubeconfigPath === null) this.kc.loadFromCluster();
    else this.kc.loadFromFile(kubeconfigPath);
    this.core = this.kc.makeApiClient(CoreV1Api);
    this.namespace = namespace;
  }

  exec(pod: string, request: Omit<ExecRequest, 'namespace' | 'pod'>): Promise<ExecChannel> {
    return ExecChannel.open(this.kc, { ...request, namespace: this.namespace, pod });
  }
}
