import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import {
  followCommand,
  notStartedStatus,
  parseProbe,
  probeCommand,
  signalCommand,
  startCommand,
  stdinIncompleteStatus,
} from './supervisor.ts';

// Runs the scripts with busybox as the only tools on PATH, as in an alpine or busybox image.
let root: string;
let bin: string;

before(() => {
  root = mkdtempSync(join(tmpdir(), 'jb-supervisor-'));
  bin = join(root, 'bin');
  mkdirSync(bin);
  for (const applet of execFileSync('/bin/busybox', ['--list'], { encoding: 'utf8' }).split('\n')) {
    if (applet) symlinkSync('/bin/busybox', join(bin, applet));
  }
});

after(() => rmSync(root, { recursive: true, force: true }));

interface Run {
  code: number;
  stdout: Buffer;
  stderr: Buffer;
}

function run(command: string[], stdin = ''): Promise<Run> {
  const [, ...rest] = command;
  const child = spawn(join(bin, 'sh'), rest, { env: { PATH: bin }, cwd: root });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (d: Buffer) => out.push(d));
  child.stderr.on('data', (d: Buffer) => err.push(d));
  child.stdin.on('error', () => {});
  child.stdin.end(stdin);
  return new Promise((resolve) => {
    child.on('close', (code) =>
      resolve({ code: code ?? -1, stdout: Buffer.concat(out), stderr: Buffer.concat(err) }),
    );
  });
}

function newState(): string {
  const dir = mkdtempSync(join(root, 'state-'));
  return dir;
}

describe('supervisor under busybox sh', () => {
  it('runs the command once, keeping output and exit status in files', async () => {
    const state = newState();
    const script = 'printf "a\\rb"; echo err >&2; echo once >> runs; exit 3';
    const start = startCommand(
      { dir: state, stdinBytes: 0, token: 't1', path: 'sh', args: ['-c', script] },
      state,
    );
    const first = await run(start);
    assert.deepEqual(
      [first.code, first.stdout.toString(), first.stderr.toString()],
      [3, 'a\rb', 'err\n'],
    );
    const second = await run(start);
    assert.deepEqual(
      [second.code, second.stdout.length, second.stderr.length],
      [notStartedStatus, 0, 0],
      'a second start runs nothing and says so',
    );
    assert.equal(readFileSync(join(state, 'stdout'), 'utf8'), 'a\rb');
    assert.equal(readFileSync(join(state, 'stderr'), 'utf8'), 'err\n');
    assert.equal(readFileSync(join(state, 'status'), 'utf8'), '3\n');
    assert.equal(readFileSync(join(state, 'runs'), 'utf8'), 'once\n');
    const followed = await run(followCommand({ stdout: 0, stderr: 0 }, state));
    assert.equal(followed.code, 3, 'the follow exits with the command status');
  });

  it('gives the command its whole stdin', async () => {
    const state = newState();
    const input = JSON.stringify({ source: { x: 'y'.repeat(100_000) } });
    const start = startCommand(
      { dir: state, stdinBytes: Buffer.byteLength(input), token: 't', path: 'wc', args: ['-c'] },
      state,
    );
    await run(start, input);
    assert.equal(Number(readFileSync(join(state, 'stdout'), 'utf8').trim()), input.length);
  });

  it('does not start the command when stdin arrived incomplete', async () => {
    const state = newState();
    const start = startCommand(
      { dir: state, stdinBytes: 10, token: 't', path: 'echo', args: ['ran'] },
      state,
    );
    const result = await run(start, 'short');
    assert.equal(result.code, stdinIncompleteStatus);
    assert.equal(result.stderr.toString(), 'stdin incomplete: 5 of 10 bytes\n');
    assert.equal(existsSync(join(state, 'started')), false);
  });

  it('streams both files from an offset until the status exists', async () => {
    const state = newState();
    const line = 'x'.repeat(200_000);
    const script = `echo start; head -c 200000 /dev/zero | tr '\\0' x; echo; echo to-stderr >&2; printf "no newline"`;
    await run(
      startCommand(
        { dir: state, stdinBytes: 0, token: 't', path: 'sh', args: ['-c', script] },
        state,
      ),
    );
    const all = await run(followCommand({ stdout: 0, stderr: 0 }, state));
    assert.equal(all.code, 0);
    assert.equal(all.stdout.toString(), `start\n${line}\nno newline`);
    assert.equal(all.stderr.toString(), 'to-stderr\n');
    const rest = await run(followCommand({ stdout: 6, stderr: 3 }, state));
    assert.equal(rest.stdout.toString(), `${line}\nno newline`);
    assert.equal(rest.stderr.toString(), 'stderr\n');
  });

  it('carries the output live on its own exec, byte for byte what the files keep', async () => {
    const state = newState();
    const script = `i=0; while [ $i -lt 300 ]; do head -c 3000 /dev/urandom; echo "line $i" >&2; i=$((i + 1)); done`;
    const result = await run(
      startCommand(
        { dir: state, stdinBytes: 0, token: 't', path: 'sh', args: ['-c', script] },
        state,
      ),
    );
    assert.equal(result.code, 0);
    assert.equal(result.stdout.length, 900_000);
    assert.ok(result.stdout.equals(readFileSync(join(state, 'stdout'))));
    assert.ok(result.stderr.equals(readFileSync(join(state, 'stderr'))));
    assert.equal(readFileSync(join(state, 'status'), 'utf8'), '0\n');
  });

  it('keeps the command running and the files whole when its exec stream breaks', async () => {
    const state = newState();
    const script =
      'i=0; while [ $i -lt 2000 ]; do echo "line $i"; i=$((i + 1)); done; echo end >&2';
    const start = startCommand(
      { dir: state, stdinBytes: 0, token: 't', path: 'sh', args: ['-c', script] },
      state,
    );
    const child = spawn(join(bin, 'sh'), start.slice(1), { env: { PATH: bin }, cwd: root });
    child.stdin.end();
    child.stdout.destroy();
    child.stderr.destroy();
    const [code] = (await once(child, 'exit')) as [number];
    assert.equal(code, 0);
    const lines = readFileSync(join(state, 'stdout'), 'utf8').trimEnd().split('\n');
    assert.equal(lines.length, 2000);
    assert.equal(lines.at(-1), 'line 1999');
    assert.equal(readFileSync(join(state, 'stderr'), 'utf8'), 'end\n');
    assert.equal(readFileSync(join(state, 'status'), 'utf8'), '0\n');
  });

  it('ends, with the status written, when a process outside its session keeps the output open', async () => {
    const state = newState();
    const script = 'setsid sh -c "sleep 30; echo late" & echo done';
    const startedAt = Date.now();
    const result = await run(
      startCommand(
        { dir: state, stdinBytes: 0, token: 't', path: 'sh', args: ['-c', script] },
        state,
      ),
    );
    assert.ok(Date.now() - startedAt < 10_000, 'cut after the drain time, not after the sleep');
    assert.deepEqual([result.code, result.stdout.toString()], [0, 'done\n']);
    assert.equal(readFileSync(join(state, 'status'), 'utf8'), '0\n');
  });

  it('kills what the command left running once it exits, so its files stay as it left them', async () => {
    const state = newState();
    const script =
      '(echo $$ > left.pid; exec sleep 30) & while [ ! -s left.pid ]; do :; done; echo done';
    const result = await run(
      startCommand(
        { dir: state, stdinBytes: 0, token: 't', path: 'sh', args: ['-c', script] },
        state,
      ),
    );
    assert.deepEqual([result.code, result.stdout.toString()], [0, 'done\n']);
    const left = Number(readFileSync(join(state, 'left.pid'), 'utf8'));
    assert.throws(() => process.kill(left, 0), /ESRCH/, 'the leftover process is gone');
  });

  it('follows output while the command is still running', async () => {
    const state = newState();
    const script = 'echo one; while [ ! -e go ]; do sleep 0.05; done; echo two';
    const starting = run(
      startCommand(
        { dir: state, stdinBytes: 0, token: 't', path: 'sh', args: ['-c', script] },
        state,
      ),
    );
    const following = run(followCommand({ stdout: 0, stderr: 0 }, state));
    await run(['sh', '-c', `while [ ! -s ${state}/stdout ]; do sleep 0.05; done; : > ${state}/go`]);
    await starting;
    assert.equal((await following).stdout.toString(), 'one\ntwo\n');
  });

  it('reports a missing shell feature as a plain exit status', async () => {
    const state = newState();
    await run(
      startCommand(
        { dir: state, stdinBytes: 0, token: 't', path: 'no-such-binary', args: [] },
        state,
      ),
    );
    assert.equal(readFileSync(join(state, 'status'), 'utf8'), '127\n');
  });

  it('tells how far an earlier executor got', async () => {
    const state = newState();
    assert.deepEqual(parseProbe((await run(probeCommand(state))).stdout.toString()), {
      hasShell: true,
      started: false,
      finished: false,
    });
    await run(
      startCommand({ dir: state, stdinBytes: 0, token: 't', path: 'true', args: [] }, state),
    );
    assert.deepEqual(parseProbe((await run(probeCommand(state))).stdout.toString()), {
      hasShell: true,
      started: true,
      finished: true,
    });
  });
});

describe('stopping a supervised command', () => {
  it('sends SIGTERM through the stop file, then SIGKILL after the grace period', async () => {
    const polite = newState();
    const trapping = 'trap "echo term > got-term; exit 0" TERM; while :; do sleep 0.05; done';
    const startPolite = run(
      startCommand(
        { dir: polite, stdinBytes: 0, token: 't', path: 'sh', args: ['-c', trapping] },
        polite,
      ),
    );
    const stubborn = newState();
    const ignoring = 'trap "" TERM; while :; do sleep 0.05; done';
    const startStubborn = run(
      startCommand(
        { dir: stubborn, stdinBytes: 0, token: 't', path: 'sh', args: ['-c', ignoring] },
        stubborn,
      ),
    );
    for (const state of [polite, stubborn]) {
      const deadline = Date.now() + 5000;
      while (!existsSync(join(state, 'pid')) && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const startedAt = Date.now();
    await Promise.all([run(signalCommand(1, polite)), run(signalCommand(1, stubborn))]);
    await Promise.all([startPolite, startStubborn]);
    assert.ok(Date.now() - startedAt < 5000);
    assert.equal(readFileSync(join(polite, 'got-term'), 'utf8'), 'term\n');
    assert.equal(readFileSync(join(polite, 'status'), 'utf8'), '0\n');
    assert.equal(readFileSync(join(stubborn, 'status'), 'utf8'), '137\n');
  });

  it('does nothing when no command was started', async () => {
    const state = newState();
    assert.equal((await run(signalCommand(1, state))).code, 0);
    assert.equal(existsSync(join(state, 'stop')), false);
  });
});
