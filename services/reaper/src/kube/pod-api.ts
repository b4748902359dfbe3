// The two pod calls the reaper makes, counted so a sweep can prove it lists once and never
// fetches pods one by one.
import { CoreV1Api, KubeConfig, type V1Pod } from '@kubernetes/client-node';

export class PodApi {
  readonly #api: CoreV1Api;
  readonly #namespace: string;
  calls = 0;

  constructor(kubeconfigPath: string | null, namespace: string) {
    const config = new KubeConfig();
    if (kubeconfigPath) config.loadFromFile(kubeconfigPath);
    else config.loadFromCluster();
    this.#api = config.makeApiClient(CoreV1Api);
    this.#namespace = namespace;
  }

  async listWorkerPods(labelKey: string): Promise<V1Pod[]> {
    this.calls += 1;
    const list = await this.#api.listNamespacedPod({
      namespace: this.#namespace,
      labelSelector: labelKey,
    });
    return list.items;
  }

  /** Deletes a pod; one that is already gone counts as deleted. */
  async deletePod(name: string): Promise<void> {
    this.calls += 1;
    try {
      await this.#api.deleteNamespacedPod({ name, namespace: this.#namespace });
    } catch (err) {
      if ((err as { code?: number }).code !== 404) throw err;
    }
  }
}
