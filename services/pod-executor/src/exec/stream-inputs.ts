// Copies an input out of an earlier step's pod into this one: `tar c` there piped into `tar x`
// here, one chunk at a time, so memory stays flat whatever the size of the artifact.
import type { StepJob } from '@jetbridge/bus';
import type { Logger } from '@jetbridge/telemetry';
import type { ArtifactStoreClient } from '../artifacts/store-client.ts';
import { extractStoredInput } from '../artifacts/stored-input.ts';
import { archiveCommand, extractCommand } from '../artifacts/tar-exec.ts';
import type { KubeClient } from '../kube/kube-client.ts';
import { mainContainer } from '../pods/pod-spec.ts';
import { inputExtractPath } from '../pods/volumes.ts';

export class InputStreamError extends Error {
  override name = 'InputStreamError';
}

export async function streamPodInput(
  client: KubeClient,
  from: { podName: string; path: string },
  to: { podName: string; path: string },
): Promise<void> {
  const stderr: Buffer[] = [];
  const target = await client.exec(to.podName, {
    container: mainContainer,
    command: extractCommand(to.path),
    stdin: true,
    onStderr: (chunk) => stderr.push(chunk),
  });
  let writing: Promise<void> = Promise.resolve();
  let writeFailure: unknown = null;
  const source = await client.exec(from.podName, {
    container: mainContainer,
    command: archiveCommand(from.path),
    stdin: false,
    onStdout: (chunk) => {
      source.pause();
      writing = writing
        .then(() => target.write(chunk))
        .catch((err: unknown) => {
          writeFailure ??= err;
        })
        .finally(() => source.resume());
    },
    onStderr: (chunk) => stderr.push(chunk),
  });
  try {
    const sourceCode = await source.exitCode;
    await writing;
    if (writeFailure) throw writeFailure;
    if (sourceCode !== 0) {
      throw new InputStreamError(
        `tar in ${from.podName} exited ${sourceCode}: ${Buffer.concat(stderr)}`,
      );
    }
    target.closeStdin();
    const targetCode = await target.exitCode;
    if (targetCode !== 0) {
      throw new InputStreamError(
        `tar in ${to.podName} exited ${targetCode}: ${Buffer.concat(stderr)}`,
      );
    }
  } finally {
    source.terminate();
    target.terminate();
  }
}

export async function streamInputs(
  client: KubeClient,
  job: StepJob,
  logger: Logger,
  store: ArtifactStoreClient,
  inputsOnClaim: boolean,
): Promise<void> {
  for (const [index, input] of job.inputs.entries()) {
    const to = inputExtractPath(job, index);
    if (input.source.kind === 'artifact') {
      // With the artifact claim, the pod's init container has extracted it already.
      if (inputsOnClaim) continue;
      await extractStoredInput(client, store, job, input.source.key, to);
      logger.info({ input: input.name, key: input.source.key }, 'input-extracted');
      continue;
    }
    await streamPodInput(client, input.source, { podName: job.podName, path: to });
    logger.info({ input: input.name, from: input.source.podName }, 'input-streamed');
  }
}
