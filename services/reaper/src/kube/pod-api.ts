// The pod calls the reaper makes, counted so a sweep can prove it lists once and deletes in
// batches rather than pod by pod.
import { CoreV1Api, KubeConfig, type V1Pod } from '@kubernetes/client-node';

/** Handles per delete-collection call: keeps the label selector well under URL length limits. */
export const deleteBatchSize = 200;

function statusOf(err: unknown): number | undefined {
  return (err as { code?: number }).code;
}

export class PodApi {
  readonly #api: CoreV1Api;
  readonly #namespace: string;
  /** false once the API refused delete-collection (RBAC without `deletecollection`) */
  #canDeleteCollection = true;
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
      if (statusOf(err) !== 404) throw err;
    }
  }

  /**
   * Deletes pods by their handle label, `deleteBatchSize` handles per call. Without permission to
   * delete collections it falls back to one call per pod, by name.
   */
  async deletePods(pods: { name: string; handle: string }[], handleKey: string): Promise<void> {
    for (let at = 0; at < pods.length; at += deleteBatchSize) {
      const batch = pods.slice(at, at + deleteBatchSize);
      if (this.#canDeleteCollection && (await this.#deleteCollection(batch, handleKey))) continue;
      for (const pod of batch) await this.deletePod(pod.name);
    }
  }

  async #deleteCollection(batch: { handle: string }[], handleKey: string): Promise<boolean> {
    this.calls += 1;
    try {
      await this.#api.deleteCollectionNamespacedPod({
        namespace: this.#namespace,
        labelSelector: `${handleKey} in (${batch.map((p) => p.handle).join(',')})`,
      });
      return true;
    } catch (err) {
      if (statusOf(err) !== 403 && statusOf(err) !== 405) throw err;
      this.#canDeleteCollection = false;
      return false;
    }
  }
}
