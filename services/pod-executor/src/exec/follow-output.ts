// Follows the supervisor's output files until the command's exit status is known, re-attaching
// when the exec stream breaks. Gives the exit status, or null when it could not be recovered.
import type { Logger } from '@jetbridge/telemetry';
import { ExecFailedError } from '../kube/errors.ts';
import type { ExecChannel } from '../kube/exec-channel.ts';
import type { KubeClient } from '../kube/kube-client.ts';
import { mainContainer } from '../pods/pod-spec.ts';
import type { OutputPublisher } from './output-publisher.ts';
import { runExec } from './run-exec.ts';
import { untilStopped } from './step-stop.ts';
import {
  followCommand,
  notStartedStatus,
  statusCommand,
  stdinIncompleteStatus,
} from './supervisor.ts';

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
  // the exec that started the command, carrying its output live
  live?: ExecChannel;
}): Promise<{ exitStatus: number | null; interrupted: boolean }> {
  const { client, pod, publisher, logger, signal } = opts;
  if (opts.live) {
    const exitStatus = await liveExitStatus(opts.live, opts);
    if (exitStatus !== undefined) return { exitStatus, interrupted: false };
  }
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
      const exitStatus = await untilExited(channel, publisher, signal);
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

// Waits for an exec's exit code, holding the exec back while the bus is behind; a stop ends it.
async function untilExited(
  channel: ExecChannel,
  publisher: OutputPublisher,
  signal: AbortSignal,
): Promise<number> {
  const onStop = (): void => channel.terminate();
  signal.addEventListener('abort', onStop, { once: true });
  publisher.controlFlow({ pause: () => channel.pause(), resume: () => channel.resume() });
  try {
    return await untilStopped(channel.exitCode, signal);
  } finally {
    publisher.controlFlow(undefined);
    signal.removeEventListener('abort', onStop);
  }
}

// The exit status from the exec that started the command: a success is taken as it is, any other
// status is read from the status file (the exec itself may have been killed). Undefined when the
// output must be followed from the files instead: the exec broke, or another exec started the
// command.
async function liveExitStatus(
  live: ExecChannel,
  opts: {
    client: KubeClient;
    pod: string;
    publisher: OutputPublisher;
    logger: Logger;
    signal: AbortSignal;
  },
): Promise<number | undefined> {
  let code: number;
  try {
    code = await untilExited(live, opts.publisher, opts.signal);
  } catch (err) {
    if (opts.signal.aborted) throw opts.signal.reason;
    opts.logger.warn({ err, offsets: opts.publisher.offsets }, 'exec-stream-interrupted');
    return undefined;
  }
  if (code === 0) return 0;
  if (code === stdinIncompleteStatus) throw new Error("the step's stdin did not arrive whole");
  if (code === notStartedStatus) return undefined;
  return (await readExitStatus(opts.client, opts.pod)) ?? undefined;
}
