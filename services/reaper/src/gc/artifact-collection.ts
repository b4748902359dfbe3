// The reaper's leader drives collection of the artifact store and the task cache claim: it asks
// one `artifacts` replica to `collect` (that service owns the claims and knows what a tar's key
// means). One request at a time; a tick that finds one in flight joins it.
import { artifactCollect, type Bus } from '@jetbridge/bus';
import type { Logger } from '@jetbridge/telemetry';
import { singleFlight } from '../single-flight.ts';

export interface ArtifactCollection {
  deletedTars: number;
  expiredUploads: number;
  expiredResourceCaches: number;
  clearedIncoming: number;
  removedCacheDirs: number;
}

/** A store can be large: the request may take long, but never forever. */
const timeoutMs = 10 * 60 * 1000;

export function artifactCollector(
  bus: Bus,
  logger: Logger,
): { run(): Promise<ArtifactCollection>; idle(): Promise<void> } {
  return singleFlight(async () => {
    const answer = await bus.request('artifacts', 'collect', artifactCollect, { v: 1 }, timeoutMs);
    if (!answer.ok) throw new Error(`the artifact service could not collect: ${answer.error}`);
    const { v: _v, ok: _ok, ...report } = answer;
    logger.debug(report, 'artifacts-collection-finished');
    return report;
  });
}
