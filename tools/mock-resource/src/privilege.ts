// Whether the step runs privileged. Upstream mock infers it from the user namespace; pods in
// kubesim have none, so the executor's JETBRIDGE_PRIVILEGED wins (see the package README).
import { readFileSync } from 'node:fs';
import { goErrorText } from './go-errors.ts';
import { fatal } from './logrus.ts';

export class PrivilegeCheckError extends Error {
  override name = 'PrivilegeCheckError';
}

/** True when /proc/self/uid_map maps uid 0 inside to uid 0 outside (no user namespace). */
export function hasNoUserNamespace(uidMapPath = '/proc/self/uid_map'): boolean {
  let text: string;
  try {
    text = readFileSync(uidMapPath, 'utf8');
  } catch (err) {
    throw new PrivilegeCheckError(goErrorText(err));
  }
  return text.split('\n').some((line) => {
    const [inside, outside] = line.trim().split(/\s+/);
    return inside === '0' && outside === '0';
  });
}

export function isPrivileged(env: NodeJS.ProcessEnv = process.env): boolean {
  const flag = env.JETBRIDGE_PRIVILEGED;
  if (flag !== undefined) return flag === 'true';
  // Without the flag the uid_map is still read, so an unreadable one fails as upstream does, but
  // "no user namespace" proves nothing here: every kubesim pod has none.
  hasNoUserNamespace(env.JETBRIDGE_UID_MAP_PATH);
  return false;
}

/** The privilege of this container, or a fatal `could not check privilege` line and exit 1. */
export function privilegedOrExit(): boolean {
  try {
    return isPrivileged();
  } catch (err) {
    if (err instanceof PrivilegeCheckError) fatal(`could not check privilege: ${err.message}`);
    throw err;
  }
}
