// A quickstart whose port is taken says so in one line and leaves nothing running behind it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { jetbridgeBin } from '../support/paths.ts';
import { ManagedProcess } from '../support/processes.ts';

describe('quickstart on a port already in use', { timeout: 300_000 }, () => {
  let dataDir: string;
  let taken: Server;
  let port: number;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'jb-port-in-use-'));
    taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '0.0.0.0', resolve));
    port = (taken.address() as { port: number }).port;
  });
  after(async () => {
    taken?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('exits 1 with one clear line, and stops the Postgres and kubesim it started', async () => {
    const proc = new ManagedProcess('quickstart', process.execPath, [
      jetbridgeBin,
      'quickstart',
      '--bind-port',
      String(port),
      '--data-dir',
      dataDir,
    ]);
    const code = await Promise.race([
      proc.exited,
      new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 240_000).unref()),
    ]);
    if (code === 'timeout') await proc.kill();
    assert.equal(code, 1, proc.output);
    assert.match(
      proc.output,
      new RegExp(`error: web cannot listen on .*:${port} is already in use`),
    );
    assert.doesNotMatch(proc.output, /Unhandled 'error' event|at .*\.js:\d+/);
    // Nothing started for this data folder is left running.
    const left = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.includes(dataDir));
    assert.deepEqual(left, []);
  });
});
