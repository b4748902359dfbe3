// The `archive-output` rpc: a step pod's output directory tarred into the artifact store, for
// `fly execute -o` downloads. The tar is stored only if tar finished cleanly.
import { archiveOutput, type Bus, type Stoppable } from '@jetbridge/bus';
import type { Logger } from '@jetbridge/telemetry';
import type { KubeClient } from '../kube/kube-client.ts';
import type { ArtifactStoreClient } from './store-client.ts';
import { archiveFromPod } from './tar-exec.ts';

export function serveArchiveOutput(
  bus: Bus,
  client: KubeClient,
  store: ArtifactStoreClient,
  logger: Logger,
): Stoppable {
  return bus.serve('podExecutor', 'archive-output', archiveOutput, async (req) => {
    let tarFailure: Error | undefined;
    try {
      const tar = await archiveFromPod(client, req.podName, req.path);
      tar.on('error', (err) => (tarFailure ??= err));
      try {
        const { bytes } = await store.upload(req.key, tar);
        logger.info({ pod: req.podName, key: req.key, bytes }, 'output-archived');
        return { v: 1, ok: true, bytes } as const;
      } finally {
        tar.destroy();
      }
    } catch (err) {
      // The upload fails because the tar failed: the tar's reason is the one worth telling.
      const cause = tarFailure ?? err;
      const error = cause instanceof Error ? cause.message : String(cause);
      logger.warn({ pod: req.podName, key: req.key, err: error }, 'output-archive-failed');
      return { v: 1, ok: false, error } as const;
    }
  });
}
