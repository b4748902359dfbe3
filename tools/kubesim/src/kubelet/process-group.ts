// Signals for a container's process group. SIGTERM skips the bwrap supervisors so that the
// container's own processes get their grace period instead of dying with their parent.
import { readdirSync, readFileSync } from 'node:fs';
import { constants } from 'node:os';

interface Member {
  pid: number;
  comm: string;
}

interface Stat {
  comm: string;
  pgid: number;
  threads: number;
}

function readStat(pid: number): Stat | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    // the fields after the command name, from the state (field 3) on
    const fields = stat.slice(close + 2).split(' ');
    return {
      comm: stat.slice(stat.indexOf('(') + 1, close),
      pgid: Number(fields[2]),
      threads: Number(fields[17]),
    };
  } catch {
    return undefined; // the process exited while we looked
  }
}

// A thread's children are listed under that thread: a process with one thread has one list.
function childrenOf(pid: number, threads: number): number[] {
  try {
    const tasks = threads > 1 ? readdirSync(`/proc/${pid}/task`) : [String(pid)];
    const children: number[] = [];
    for (const task of tasks) {
      const text = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8');
      for (const child of text.split(' ')) if (child) children.push(Number(child));
    }
    return children;
  } catch {
    return [];
  }
}

// Every process of a container starts below its group leader (the outer bwrap) and stays inside
// the sandbox's pid namespace, so walking the leader's descendants finds the group reading only
// the pod's own processes: deleting a thousand pods no longer reads every process on the host
// once per pod. A descendant that moved to a group of its own is left out, with its subtree.
function groupMembers(pgid: number): Member[] {
  const members: Member[] = [];
  const pending = [pgid];
  for (let pid = pending.pop(); pid !== undefined; pid = pending.pop()) {
    const stat = readStat(pid);
    if (!stat || stat.pgid !== pgid) continue;
    members.push({ pid, comm: stat.comm });
    pending.push(...childrenOf(pid, stat.threads));
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
