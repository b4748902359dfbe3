// The `read-file` rpc: a file from a step pod (task configs, load_var), bounded in size.
import { readFile, type Bus } from '@jetbridge/bus';
import type { Stoppable } from '@jetbridge/bus';
import { runExec } from './exec/run-exec.ts';
import type { KubeClient } from './kube/kube-client.ts';

export function serveReadFile(bus: Bus, client: KubeClient): Stoppable {
  return bus.serve('podExecutor', 'read-file', readFile, async (req) => {
    try {
      const result = await runExec(client, req.podName, ['cat', req.path], {
        maxBytes: req.maxBytes,
        timeoutMs: 20_000,
      });
      if (result.truncated) {
        return {
          v: 1,
          ok: false,
          error: `${req.path} is larger than ${req.maxBytes} bytes`,
        } as const;
      }
      if (result.exitCode !== 0) {
        const why = result.stderr.toString('utf8').trim() || `cat exited ${result.exitCode}`;
        return { v: 1, ok: false, error: why } as const;
      }
      return { v: 1, ok: true, content: result.stdout.toString('base64') } as const;
    } catch (err) {
      return { v: 1, ok: false, error: err instanceof Error ? err.message : String(err) } as const;
    }
  });
}
