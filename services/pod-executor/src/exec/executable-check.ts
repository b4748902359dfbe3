// A process that exits 127 either was not found or exited 127 itself; a second exec in the pod
// tells the two apart, and runs only in that case. "Found" means what the supervisor and the
// intercept script mean by it: an executable file, not a shell builtin.
import type { KubeClient } from '../kube/kube-client.ts';
import { mainContainer } from '../pods/pod-spec.ts';
import { presentFunction } from './supervisor.ts';

export async function isExecutableMissing(
  client: KubeClient,
  podName: string,
  path: string,
  dir: string,
): Promise<boolean> {
  try {
    const check = await client.exec(podName, {
      container: mainContainer,
      command: [
        'sh',
        '-c',
        `cd "$1" 2>/dev/null; search_path=$PATH\n${presentFunction}\npresent "$0"`,
        path,
        dir,
      ],
      stdin: false,
    });
    return (await check.exitCode) !== 0;
  } catch {
    return true;
  }
}
