// A short exec whose whole output is wanted (probes, status reads, cat): bounded in size and time.
import type { KubeClient } from '../kube/kube-client.ts';
import { mainContainer } from '../pods/pod-spec.ts';

export interface ExecOutput {
  exitCode: number;
  stdout: Buffer;
  stderr: Buffer;
  /** stdout passed `maxBytes` and was cut there. */
  truncated: boolean;
}

export async function runExec(
  client: KubeClient,
  pod: string,
  command: string[],
  opts: { maxBytes?: number; timeoutMs?: number; stdin?: Buffer } = {},
): Promise<ExecOutput> {
  const maxBytes = opts.maxBytes ?? 1024 * 1024;
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let outBytes = 0;
  let errBytes = 0;
  let truncated = false;
  const channel = await client.exec(pod, {
    container: mainContainer,
    command,
    stdin: opts.stdin !== undefined,
    onStdout: (chunk) => {
      if (outBytes + chunk.length > maxBytes) {
        truncated = true;
        out.push(chunk.subarray(0, maxBytes - outBytes));
        outBytes = maxBytes;
        channel.terminate();
        return;
      }
      out.push(chunk);
      outBytes += chunk.length;
    },
    onStderr: (chunk) => {
      if (errBytes < 64 * 1024) err.push(chunk);
      errBytes += chunk.length;
    },
  });
  if (opts.stdin !== undefined) {
    if (opts.stdin.length > 0) await channel.write(opts.stdin);
    channel.closeStdin();
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      channel.terminate();
      reject(
        new Error(`exec ${command[0]} in ${pod} took longer than ${opts.timeoutMs ?? 30_000} ms`),
      );
    }, opts.timeoutMs ?? 30_000);
  });
  try {
    const exitCode = await Promise.race([channel.exitCode, timeout]).catch((e: unknown) => {
      if (truncated) return 0;
      throw e;
    });
    return { exitCode, stdout: Buffer.concat(out), stderr: Buffer.concat(err), truncated };
  } finally {
    clearTimeout(timer);
  }
}
