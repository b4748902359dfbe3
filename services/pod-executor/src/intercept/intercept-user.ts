// The user a `fly intercept` process asks to run as. Kubernetes exec has no user option: a process
// runs as the container's user. Another user is reached through the image's `su`, which only a
// container running as root can use; anything else is refused with the reason, never run as the
// container's user in silence.
import type { InterceptOpen } from '@jetbridge/bus';
import type { KubeClient } from '../kube/kube-client.ts';
import { presentFunction, withUsualPath } from '../exec/supervisor.ts';
import { mainContainer } from '../pods/pod-spec.ts';

export type UserPlan =
  { kind: 'as-container' } | { kind: 'switch'; user: string } | { kind: 'refused'; error: string };

// Prints: uid, user name, whether `su` exists, whether the user exists in the image.
const probeScript =
  'id -u; id -un 2>/dev/null || echo; ' +
  'if command -v su >/dev/null 2>&1; then echo su; else echo no-su; fi; ' +
  'if id -u "$0" >/dev/null 2>&1; then echo known; else echo unknown; fi';

/** What the container tells about its user, or null when it could not be asked. */
export interface UserFacts {
  uid: string;
  name: string;
  hasSu: boolean;
  /** the requested user exists in the image */
  isKnown: boolean;
}

async function probe(client: KubeClient, podName: string, user: string): Promise<UserFacts | null> {
  const chunks: Buffer[] = [];
  try {
    const check = await client.exec(podName, {
      container: mainContainer,
      command: ['sh', '-c', withUsualPath(probeScript), user],
      stdin: false,
      onStdout: (chunk) => chunks.push(chunk),
    });
    if ((await check.exitCode) !== 0) return null;
  } catch {
    return null;
  }
  const [uid = '', name = '', su = '', known = ''] = Buffer.concat(chunks)
    .toString('utf8')
    .split('\n')
    .map((line) => line.trim());
  return { uid, name, hasSu: su === 'su', isKnown: known === 'known' };
}

/** How to honour `user` given what the container said about itself. */
export function decideUser(user: string, facts: UserFacts | null): UserPlan {
  const refuse = (why: string): UserPlan => ({
    kind: 'refused',
    error: `cannot run as user '${user}': ${why}`,
  });
  if (!facts) return refuse('the container has no sh to tell which user it runs as');
  if (user === facts.uid || user === facts.name) return { kind: 'as-container' };
  if (!facts.isKnown) return refuse("the container's image has no such user");
  if (facts.uid !== '0') {
    const runsAs = facts.name ? `'${facts.name}' (uid ${facts.uid})` : `uid ${facts.uid}`;
    return refuse(
      `the container runs as ${runsAs} and only root can switch users; intercept without a user`,
    );
  }
  if (!facts.hasSu) return refuse("the container's image has no su to switch users with");
  return { kind: 'switch', user };
}

/** How to honour `user`: as the container runs, through `su`, or not at all (and why). */
export async function planUser(
  client: KubeClient,
  podName: string,
  user: string | undefined,
): Promise<UserPlan> {
  if (!user) return { kind: 'as-container' };
  return decideUser(user, await probe(client, podName, user));
}

/** A word the shell reads back as exactly `text`. */
function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/**
 * The exec command of an intercept process, run in the session's directory with its environment;
 * a missing executable exits 127. To switch users the whole command goes quoted into `su -c` (with
 * `env` applying the environment): su would read the process's own arguments (`sh -c ...`) as
 * options of its own.
 */
export function interceptCommand(process: InterceptOpen['process'], plan: UserPlan): string[] {
  const operands = [process.dir ?? '.', ...process.env, process.path, ...process.args];
  if (plan.kind === 'switch') {
    const command = `exec env ${operands.slice(1).map(shellQuote).join(' ')}`;
    const script = process.dir ? `cd ${shellQuote(process.dir)} || exit 1; ${command}` : command;
    return ['su', '-s', '/bin/sh', '-c', script, plan.user];
  }
  if (process.env.length === 0 && !process.dir) return [process.path, ...process.args];
  // The session's environment is exported, then a process that is not there exits 127 without a
  // word (the executor reports it missing, as fly expects), instead of `env`'s complaint.
  return [
    'sh',
    '-c',
    `cd "$0" || exit 1
n=$1; shift
while [ "$n" -gt 0 ]; do export "$1"; shift; n=$((n - 1)); done
search_path=$PATH
${presentFunction}
present "$1" || exit 127
exec "$@"`,
    process.dir ?? '.',
    String(process.env.length),
    ...process.env,
    process.path,
    ...process.args,
  ];
}
