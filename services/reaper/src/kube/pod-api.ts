// The pod calls the reaper makes, counted so a sweep can prove it lists once and deletes in
// batches rather than pod by pod.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import { PooledKubeConfig } from '@jetbridge/k8s/kube-config';

/** Handles per delete-collection call: keeps the label selector well under URL length limits. */
export const deleteBatchSize = 200;

function statusOf(err: unknown): number | undefined {
  return (err as { code?: number }).code;
}

export class PodApi {
  readonly #api: CoreV1Api;
  readonly #config: PooledKubeConfig;
  readonly #namespace: string;
  /** false once the API refused delete-collection (RBAC without `deletecollection`) */
  #canDeleteCollection = true;
  calls = 0;

  constructor(kubeconfigPath: string | null, namespace: string) {
    const config = new PooledKubeConfig();
    if (kubeconfigPath) config.loadFromFile(kubeconfigPath);
    else config.loadFromCluster();
    this.#api = config.makeApiClient(CoreV1Api);
    this.#config = config;
    this.#namespace = namespace;
  }

  /** Closes the API connections kept for reuse. */
  close(): Promise<void> {
    return this.#config.close();
  }

  /**
   * Lists the pods carrying `labelKey` in one request. The body is parsed as plain JSON: the
   * generated client's per-field deserialisation costs seconds for thousands of pods.
   */
  async listWorkerPods(labelKey: string): Promise<V1Pod[]> {
    this.calls += 1;
    const cluster = this.#config.getCurrentCluster();
    if (!cluster) throw new Error('the kubeconfig names no current cluster');
    const url = new URL(`${cluster.server}/api/v1/namespaces/${this.#namespace}/pods`);
    url.searchParams.set('labelSelector', labelKey);
    const options: RequestOptions = { method: 'GET', headers: { Accept: 'application/json' } };
    await this.#config.applyToHTTPSOptions(options);
    const body = await getText(url, options);
    return (JSON.parse(body) as { items?: V1Pod[] }).items ?? [];
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

/** A GET whose non-2xx answer becomes an error carrying `code`, like the generated client's. */
function getText(url: URL, options: RequestOptions): Promise<string> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const code = res.statusCode ?? 0;
        if (code >= 200 && code < 300) return resolve(text);
        reject(
          Object.assign(new Error(`listing pods: HTTP ${code}: ${text.slice(0, 200)}`), { code }),
        );
      });
    });
    req.setTimeout(60_000, () => req.destroy(new Error('listing pods timed out after 60 s')));
    req.on('error', reject);
    req.end();
  });
}
