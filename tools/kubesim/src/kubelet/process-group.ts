// Signals for a container's process group. SIGTERM skips the bwrap supervisors so that the
// container's own processes get their grace period instead of dying with their parent.
import { readdirSync, readFileSync } from 'node:fs';
import { constants } from 'node:os';

function groupMembers(pgid: number): { pid: number; comm: string }[] {
  const members: { pid: number; comm: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const fields = stat.slice(close + 2).split(' ');
      if (Number(fields[2]) === pgid) members.push({ pid: Number(entry), comm });
    } catch {
      // the process exited while we looked
    }
  }
  return members;
}

function signal(pid: number, sig: NodeJS.Signals): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch {
    return false;
  }
}

// Returns how many processes got SIGTERM: none while bwrap is still setting up the sandbox.
export function terminateGroup(pgid: number): number {
  let signalled = 0;
  for (const member of groupMembers(pgid)) {
    if (member.comm !== 'bwrap' && signal(member.pid, 'SIGTERM')) signalled++;
  }
  return signalled;
}

export function killGroup(pgid: number): void {
  signal(-pgid, 'SIGKILL');
}

export function exitCodeOf(code: number | null, sig: NodeJS.Signals | null): number {
  if (code !== null) return code;
  return 128 + (sig ? (constants.signals[sig] ?? 9) : 9);
}
