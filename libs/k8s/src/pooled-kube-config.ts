// A KubeConfig whose API requests share their connections. The client library makes a new
// connection pool for every request, so each call to the API server (create a pod, read it, list
// events) pays a TCP connect and a TLS handshake on both ends. Here the first pool made for a
// cluster and user is kept and handed to later requests, and replaced now and then so a rotated
// certificate or CA file is read again.
import { KubeConfig, type RequestContext } from '@kubernetes/client-node';

/** How long one pool serves before a new one is made from the files as they are then. */
const poolLifetimeMs = 10 * 60 * 1000;

type Dispatcher = NonNullable<ReturnType<RequestContext['getDispatcher']>>;

function closeQuietly(dispatcher: Dispatcher): void {
  dispatcher.close().catch(() => {});
}

export class PooledKubeConfig extends KubeConfig {
  #pool: { key: string; dispatcher: Dispatcher; madeAt: number } | null = null;

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    const fresh = context.getDispatcher();
    if (!fresh) return;
    const key = this.#key();
    const pool = this.#pool;
    if (pool && pool.key === key && Date.now() - pool.madeAt < poolLifetimeMs) {
      // The new pool never connected: closing it costs nothing.
      closeQuietly(fresh);
      context.setDispatcher(pool.dispatcher);
      return;
    }
    // Requests still on the old pool finish before it closes.
    if (pool) closeQuietly(pool.dispatcher);
    this.#pool = { key, dispatcher: fresh, madeAt: Date.now() };
  }

  /** What the pool's connections depend on: the cluster, the user and where their TLS files are. */
  #key(): string {
    const cluster = this.getCurrentCluster();
    const user = this.getCurrentUser();
    return JSON.stringify([
      cluster?.name,
      cluster?.server,
      cluster?.caFile,
      cluster?.caData,
      cluster?.skipTLSVerify,
      cluster?.tlsServerName,
      cluster?.proxyUrl,
      user?.name,
      user?.certFile,
      user?.certData,
      user?.keyFile,
      user?.keyData,
    ]);
  }

  /** Closes the kept pool; further requests make a new one. */
  async close(): Promise<void> {
    const pool = this.#pool;
    this.#pool = null;
    await pool?.dispatcher.close().catch(() => {});
  }
}
