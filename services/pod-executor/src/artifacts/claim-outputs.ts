// Claim mode, after the step's command ended: each output tarred onto the claim by the sidecar,
// under the key web derives for the next step's input.
import { archivedOutputKey, type StepJob } from '@jetbridge/bus';
import type { Logger } from '@jetbridge/telemetry';
import type { KubeClient } from '../kube/kube-client.ts';
import { resolveStepPath } from '../pods/volumes.ts';
import { archiveScript, claimMountPath, helperContainer } from './claim-helper.ts';

export class OutputArchiveError extends Error {
  override name = 'OutputArchiveError';
}

export async function archiveOutputsToClaim(
  client: KubeClient,
  job: StepJob,
  logger: Logger,
): Promise<void> {
  for (const output of job.outputs) {
    const key = archivedOutputKey(job.handle, output.name);
    const path = resolveStepPath(job.workingDir, output.path);
    const stderr: Buffer[] = [];
    const channel = await client.exec(job.podName, {
      container: helperContainer,
      command: ['sh', '-c', archiveScript, 'jetbridge-archive', claimMountPath, key, path],
      stdin: false,
      onStderr: (chunk) => stderr.push(chunk),
    });
    const code = await channel.exitCode.finally(() => channel.terminate());
    if (code !== 0) {
      const why = Buffer.concat(stderr).toString('utf8').trim() || `tar exited ${code}`;
      throw new OutputArchiveError(`archiving output ${output.name} failed: ${why}`);
    }
    logger.info({ output: output.name, key }, 'output-archived-to-claim');
  }
}
