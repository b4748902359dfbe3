// Follows the supervisor's output files until the command's exit status is known, re-attaching
// when the exec stream breaks. Gives the exit status, or null when it could not be recovered.
import type { Logger } from '@jetbridge/telemetry';
import { ExecFailedError } from '../kube/errors.ts';
import type { KubeClient } from '../kube/kube-client.ts';
import { mainContainer } from '../pods/pod-spec.ts';
import type { OutputPublisher } from './output-publisher.ts';
import { runExec } from './run-exec.ts';
import { untilStopped } from './step-stop.ts';
import { followCommand, statusCommand } from './supervisor.ts';

const maxReattach = 5;

export async function readExitStatus(client: KubeClient, pod: string): Promise<number | null> {
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      const result = await runExec(client, pod, statusCommand(), {
        maxBytes: 64,
        timeoutMs: 10_000,
      });
      const text = result.stdout.toString('utf8').trim();
      if (result.exitCode === 0 && /^\d+$/.test(text)) return Number(text);
    } catch {
      // the pod may be gone; the caller reports what happened to it
    }
  }
  return null;
}

export async function followOutput(opts: {
  client: KubeClient;
  pod: string;
  publisher: OutputPublisher;
  logger: Logger;
  signal: AbortSignal;
}): Promise<{ exitStatus: number | null; interrupted: boolean }> {
  const { client, pod, publisher, logger, signal } = opts;
  for (let attempt = 0; ; attempt += 1) {
    try {
      const channel = await untilStopped(
        client.exec(pod, {
          container: mainContainer,
          command: followCommand(publisher.offsets),
          stdin: false,
          onStdout: (chunk) => publisher.write('stdout', chunk),
          onStderr: (chunk) => publisher.write('stderr', chunk),
        }),
        signal,
      );
      const onStop = (): void => channel.terminate();
      signal.addEventListener('abort', onStop, { once: true });
      let exitStatus: number;
      try {
        exitStatus = await untilStopped(channel.exitCode, signal);
      } finally {
        signal.removeEventListener('abort', onStop);
      }
      // Only success is taken from the follow exec's own exit code: a follow killed with its pod
      // also exits non-zero, so any other status is read from the status file.
      if (exitStatus === 0) return { exitStatus, interrupted: false };
      return { exitStatus: await readExitStatus(client, pod), interrupted: false };
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      logger.warn({ err, attempt, offsets: publisher.offsets }, 'exec-stream-interrupted');
      if (attempt >= maxReattach || err instanceof ExecFailedError) {
        return { exitStatus: await readExitStatus(client, pod), interrupted: true };
      }
      await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
    }
  }
}
