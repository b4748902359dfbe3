import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { killGroup, terminateGroup } from './process-group.ts';

const started: ChildProcess[] = [];
const strays: number[] = [];

// A process group of its own, as the spawn helper starts every sandbox; resolves once the
// script has printed `ready` (and whatever it prints before that).
async function startGroup(file: string, args: string[]): Promise<{ leader: number; said: string }> {
  const child = spawn(file, args, { detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
  started.push(child);
  let said = '';
  for await (const chunk of child.stdout!) {
    said += String(chunk);
    if (said.includes('ready\n')) break;
  }
  return { leader: child.pid!, said };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// Resolves once `pid` leads the group `pgid`: setsid runs a moment after the fork.
async function groupOf(pid: number, pgid: number): Promise<void> {
  for (const deadline = Date.now() + 5_000; Date.now() < deadline;) {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) === pgid) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`process ${pid} never moved to group ${pgid}`);
}

describe('process groups', () => {
  after(() => {
    for (const child of started) if (child.exitCode === null) killGroup(child.pid!);
    for (const pid of strays) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  });

  it('gives SIGTERM to the leader and every process below it in its group', async () => {
    const { leader } = await startGroup('sh', [
      '-c',
      'sleep 300 & sh -c "sleep 300 & echo ready; wait" & wait',
    ]);
    const exited = once(started.at(-1)!, 'exit');
    // sh, sleep, the inner sh and its sleep
    assert.equal(terminateGroup(leader), 4);
    const [, signal] = await exited;
    assert.equal(signal, 'SIGTERM');
  });

  it('leaves out a descendant that moved to a process group of its own', async () => {
    const { leader, said } = await startGroup('sh', [
      '-c',
      'setsid sleep 300 & echo $!; sleep 300 & echo ready; wait',
    ]);
    const own = Number(said.split('\n')[0]);
    strays.push(own);
    await groupOf(own, own);
    assert.equal(terminateGroup(leader), 2);
    await once(started.at(-1)!, 'exit');
    assert.ok(isAlive(own), 'the process in its own group was not signalled');
  });

  it('finds the children of a process with several threads', async () => {
    const { leader } = await startGroup(process.execPath, [
      '-e',
      `require('node:child_process').spawn('sleep', ['300'], { stdio: 'ignore' });
       setTimeout(() => console.log('ready'), 200); setInterval(() => {}, 1000);`,
    ]);
    assert.equal(terminateGroup(leader), 2);
  });

  it('signals nothing in a group that is gone', async () => {
    const child = spawn('true', [], { detached: true, stdio: 'ignore' });
    await once(child, 'exit');
    assert.equal(terminateGroup(child.pid!), 0);
  });
});
