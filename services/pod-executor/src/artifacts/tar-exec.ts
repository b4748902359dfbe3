// Tars flowing in and out of a step pod's main container through exec, one chunk at a time:
// `tar xf -` reads a stream, `tar cf -` becomes one. Both run under busybox `sh` and `tar`.
import { Readable } from 'node:stream';
import type { KubeClient } from '../kube/kube-client.ts';
import { withUsualPath } from '../exec/supervisor.ts';
import { mainContainer } from '../pods/pod-spec.ts';

export class TarExecError extends Error {
  override name = 'TarExecError';
}

/** `tar xf -` into `path` of the main container (made first), reading the tar on stdin. */
export function extractCommand(path: string): string[] {
  return [
    'sh',
    '-c',
    withUsualPath('mkdir -p "$1" && cd "$1" && exec tar xf -'),
    'jetbridge-extract',
    path,
  ];
}

/** `tar cf -` of `path` of the main container, the tar on stdout. */
export function archiveCommand(path: string): string[] {
  return ['sh', '-c', withUsualPath('exec tar cf - -C "$1" .'), 'jetbridge-archive', path];
}

function stderrText(chunks: Buffer[]): string {
  return Buffer.concat(chunks).toString('utf8').trim().slice(0, 2000);
}

/** Extracts the tar `source` into `path` of the pod; fails if either side fails. */
export async function extractIntoPod(
  client: KubeClient,
  podName: string,
  path: string,
  source: Readable,
): Promise<void> {
  const stderr: Buffer[] = [];
  const target = await client.exec(podName, {
    container: mainContainer,
    command: extractCommand(path),
    stdin: true,
    onStderr: (chunk) => stderr.push(chunk),
  });
  try {
    for await (const chunk of source) await target.write(chunk as Buffer);
    target.closeStdin();
    const code = await target.exitCode;
    if (code !== 0) {
      throw new TarExecError(`extracting into ${path} of ${podName} failed: ${stderrText(stderr)}`);
    }
  } finally {
    target.terminate();
    source.destroy();
  }
}

/**
 * `tar cf -` of `path` in the pod, as a stream that errors (instead of ending) when tar fails, so
 * an archive that lost files never passes for complete.
 */
export async function archiveFromPod(
  client: KubeClient,
  podName: string,
  path: string,
): Promise<Readable> {
  const stderr: Buffer[] = [];
  // The channel exists only after the stream that its callbacks feed.
  const exec: { channel?: Awaited<ReturnType<KubeClient['exec']>> } = {};
  const stream = new Readable({
    read() {
      exec.channel?.resume();
    },
    destroy(err, done) {
      exec.channel?.terminate();
      done(err);
    },
  });
  const channel = await client.exec(podName, {
    container: mainContainer,
    command: archiveCommand(path),
    stdin: false,
    onStdout: (chunk) => {
      if (!stream.push(chunk)) exec.channel?.pause();
    },
    onStderr: (chunk) => stderr.push(chunk),
  });
  exec.channel = channel;
  channel.exitCode.then(
    (code) => {
      if (code === 0) stream.push(null);
      else
        stream.destroy(
          new TarExecError(`archiving ${path} of ${podName} failed: ${stderrText(stderr)}`),
        );
    },
    (err: unknown) => stream.destroy(err as Error),
  );
  return stream;
}
