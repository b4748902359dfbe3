import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const cli = join(import.meta.dirname, 'cli.ts');

describe('the fly command for machines without fly', () => {
  it('prints what fly prints and exits with its status, reading targets from ~/.flyrc', () => {
    const home = mkdtempSync(join(tmpdir(), 'jb-fly-cli-'));
    try {
      const run = (...args: string[]) =>
        spawnSync(process.execPath, [cli, ...args], {
          env: { ...process.env, HOME: home },
          encoding: 'utf8',
          input: '',
          timeout: 30_000,
        });
      const unknown = run('-t', 'nowhere', 'pipelines');
      assert.equal(unknown.status, 1);
      assert.equal(unknown.stderr, 'error: unknown target: nowhere\n');
      // The same through bin/fly, the command the README puts on PATH.
      const wrapped = spawnSync(join(import.meta.dirname, 'bin', 'fly'), ['-t', 'x', 'pipelines'], {
        env: { ...process.env, HOME: home },
        encoding: 'utf8',
        input: '',
        timeout: 30_000,
      });
      assert.equal(wrapped.status, 1);
      assert.equal(wrapped.stderr, 'error: unknown target: x\n');

      writeFileSync(
        join(home, '.flyrc'),
        'targets:\n  closed:\n    api: http://127.0.0.1:9\n    team: main\n',
      );
      const targets = run('targets');
      assert.equal(targets.status, 0);
      assert.match(targets.stdout, /closed\s+http:\/\/127\.0\.0\.1:9\s+main/);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('ends quietly when its reader stops early', () => {
    const home = mkdtempSync(join(tmpdir(), 'jb-fly-cli-'));
    try {
      const targets = Array.from({ length: 3000 }, (_, i) => `  t${i}:\n    api: http://h${i}:9\n`);
      writeFileSync(join(home, '.flyrc'), `targets:\n${targets.join('')}`);
      const run = spawnSync(
        'sh',
        ['-c', `"${process.execPath}" "${cli}" targets | head -c 10 >/dev/null`],
        { env: { ...process.env, HOME: home }, encoding: 'utf8', timeout: 30_000 },
      );
      assert.equal(run.status, 0);
      assert.equal(run.stderr, '');
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('waits for a piped standard input whose writer is slower than fly starts', () => {
    const home = mkdtempSync(join(tmpdir(), 'jb-fly-cli-'));
    try {
      writeFileSync(join(home, '.flyrc'), 'targets:\n  x:\n    api: http://127.0.0.1:9\n');
      // The producer itself is slow: its first byte comes after fly has started reading.
      const run = spawnSync(
        'sh',
        ['-c', `(sleep 0.3; echo later) | "${process.execPath}" "${cli}" targets`],
        { env: { ...process.env, HOME: home }, encoding: 'utf8', timeout: 30_000 },
      );
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, /^x\s+http:\/\/127\.0\.0\.1:9/m);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('stops `watch` on Ctrl-C with status 130 and nothing but the log it had', async () => {
    const home = mkdtempSync(join(tmpdir(), 'jb-fly-cli-'));
    // A build whose event stream never ends.
    const server = createServer((req, res) => {
      if (req.url?.startsWith('/api/v1/builds/7/events')) {
        res.writeHead(200, { 'Content-Type': 'text/event-stream' });
        res.write(
          'id: 0\nevent: event\ndata: {"data":{"origin":{"id":"x","source":"stdout"},' +
            '"payload":"holding\\n","time":1},"event":"log","version":"5.1"}\n\n',
        );
        return;
      }
      if (req.url === '/api/v1/info') {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end('{"version":"8.2.4","worker_version":"2.5","external_url":"http://x"}');
        return;
      }
      if (req.url?.startsWith('/api/v1/builds/7')) {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(
          '{"id":7,"team_name":"main","name":"1","status":"started","api_url":"/api/v1/builds/7"}',
        );
        return;
      }
      res.writeHead(404).end();
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    try {
      writeFileSync(
        join(home, '.flyrc'),
        `targets:\n  t:\n    api: http://127.0.0.1:${port}\n    team: main\n` +
          '    token: {type: bearer, value: x}\n',
      );
      const child = spawn(process.execPath, [cli, '-t', 't', 'watch', '-b', '7'], {
        env: { ...process.env, HOME: home },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      child.stdin.end();
      let output = '';
      const closed = once(child, 'close');
      const holding = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no log line: ${output}`)), 20_000);
        const take = (d: Buffer) => {
          output += d.toString();
          if (output.includes('holding')) {
            clearTimeout(timer);
            resolve();
          }
        };
        child.stdout.on('data', take);
        child.stderr.on('data', take);
      });
      await holding;
      child.kill('SIGINT');
      const [code] = await closed;
      assert.equal(code, 130, output);
      assert.doesNotMatch(output, /failed to parse next event/);
    } finally {
      server.closeAllConnections();
      server.close();
      rmSync(home, { recursive: true, force: true });
    }
  });
});
