// kubectl against a running JetBridge's cluster, for the execution tests.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { RunningJetBridge } from '../support/jetbridge.ts';

const run = promisify(execFile);

export async function kubectl(jb: RunningJetBridge, ...args: string[]): Promise<string> {
  const { stdout } = await run(
    'kubectl',
    ['--kubeconfig', jb.kubeconfig, '-n', jb.namespace, ...args],
    { timeout: 90_000 },
  );
  return stdout;
}

/** Names of the step pods (any state) whose name starts with `prefix`. */
export async function podsOfBuild(jb: RunningJetBridge, prefix: string): Promise<string[]> {
  const listed = await kubectl(jb, 'get', 'pods', '-l', 'concourse.ci/worker', '-o', 'name');
  return listed
    .split('\n')
    .map((line) => line.replace(/^pod\//, '').trim())
    .filter((name) => name.startsWith(prefix));
}
