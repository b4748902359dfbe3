import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, describe, it } from 'node:test';
import { silentLogger } from '../logger.ts';
import { Spawner, type SandboxProcess } from './spawner.ts';

const all = { stdin: true, stdout: true, stderr: true, env: { PATH: '/usr/bin:/bin' } };

function collect(child: SandboxProcess): Promise<{ out: string; err: string; code: unknown }> {
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  return once(child, 'close').then(([code, signal]) => ({ out, err, code: signal ?? code }));
}

describe('spawner', () => {
  const spawner = new Spawner(silentLogger);
  after(() => spawner.close());

  it('gives a process its stdin to the end, and keeps stdout, stderr and the status apart', async () => {
    const child = await spawner.spawn('/bin/sh', ['-c', 'cat; echo oops >&2; exit 3'], all);
    assert.ok(child.pid > 0);
    const result = collect(child);
    child.stdin!.write('line one\n');
    child.stdin!.end('line two\n');
    assert.deepEqual(await result, { out: 'line one\nline two\n', err: 'oops\n', code: 3 });
  });

  it('closes processes with no output at all, and many started at once', async () => {
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        spawner.spawn('/bin/sh', ['-c', i % 2 ? 'true' : `echo ${i}`], all).then(collect),
      ),
    );
    results.forEach((result, i) => assert.equal(result.out, i % 2 ? '' : `${i}\n`));
  });

  it('reports a signal, and leaves unread output no obstacle to close', async () => {
    const child = await spawner.spawn('/bin/sh', ['-c', 'echo unread; kill -TERM $$'], {
      ...all,
      stdin: false,
    });
    const [code, signal] = (await once(child, 'close')) as [number | null, string | null];
    assert.deepEqual([code, signal], [null, 'SIGTERM']);
  });

  it('starts each process as the leader of its own process group', async () => {
    const child = await spawner.spawn(
      '/bin/sh',
      ['-c', 'ps -o pgid= -p $$ 2>/dev/null || cut -d" " -f5 /proc/$$/stat'],
      all,
    );
    const { out } = await collect(child);
    assert.equal(out.trim(), String(child.pid));
  });

  it('fails a spawn whose program does not exist', async () => {
    await assert.rejects(spawner.spawn('/no/such/program', [], all), /ENOENT/);
  });

  it('reports the processes of a helper that died as killed, and starts a new helper', async () => {
    const child = await spawner.spawn('/bin/sh', ['-c', 'sleep 30'], { ...all, stdin: false });
    const closed = once(child, 'close');
    const helperPid = Number(
      (await collect(await spawner.spawn('/bin/sh', ['-c', 'echo $PPID'], all))).out,
    );
    process.kill(helperPid, 'SIGKILL');
    assert.deepEqual(await closed, [null, 'SIGKILL']);
    const next = await spawner.spawn('/bin/echo', ['again'], all);
    assert.equal((await collect(next)).out, 'again\n');
  });
});
