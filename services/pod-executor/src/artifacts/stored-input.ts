// An input that lives in the artifact store (a `fly execute -i` upload): its tar is streamed from
// the store into the step pod without touching the executor's disk or holding it in memory.
import type { StepJob } from '@jetbridge/bus';
import type { KubeClient } from '../kube/kube-client.ts';
import type { ArtifactStoreClient } from './store-client.ts';
import { extractIntoPod } from './tar-exec.ts';

export async function extractStoredInput(
  client: KubeClient,
  store: ArtifactStoreClient,
  job: StepJob,
  key: string,
  path: string,
): Promise<void> {
  await extractIntoPod(client, job.podName, path, await store.download(key));
}
