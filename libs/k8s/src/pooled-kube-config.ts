// A KubeConfig whose API requests share their connections. The client library makes a new
// connection pool for every request, so each call to the API server (create a pod, read it, list
// events) pays a TCP connect and a TLS handshake on both ends. Here the first pool made for a
// cluster and user is kept and handed to later requests while the TLS material it was made with
// stays the same: a CA or certificate file rewritten in place gets a new pool at the next request.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { KubeConfig, type RequestContext } from '@kubernetes/client-node';

/** How long one pool serves at most; a new one is then made from the files as they are. */
const poolLifetimeMs = 10 * 60 * 1000;
/** A replaced pool is closed this much later, so requests already handed it still go out. */
const closeReplacedAfterMs = 60 * 1000;

type Dispatcher = NonNullable<ReturnType<RequestContext['getDispatcher']>>;

function closeQuietly(dispatcher: Dispatcher): void {
  dispatcher.close().catch(() => {});
}

function closeLater(dispatcher: Dispatcher): void {
  setTimeout(() => closeQuietly(dispatcher), closeReplacedAfterMs).unref();
}

/** The contents of a TLS file, or why it cannot be read (then the request fails on its own). */
function contentsOf(path: string | undefined): string | undefined {
  if (!path) return undefined;
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch (err) {
    return `unreadable: ${(err as NodeJS.ErrnoException).code ?? 'error'}`;
  }
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
    if (pool) closeLater(pool.dispatcher);
    this.#pool = { key, dispatcher: fresh, madeAt: Date.now() };
  }

  /** What the pool's connections depend on: the cluster, the user and their TLS material. */
  #key(): string {
    const cluster = this.getCurrentCluster();
    const user = this.getCurrentUser();
    return JSON.stringify([
      cluster?.name,
      cluster?.server,
      cluster?.caFile,
      contentsOf(cluster?.caFile),
      cluster?.caData,
      cluster?.skipTLSVerify,
      cluster?.tlsServerName,
      cluster?.proxyUrl,
      user?.name,
      user?.certFile,
      contentsOf(user?.certFile),
      user?.certData,
      user?.keyFile,
      contentsOf(user?.keyFile),
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
