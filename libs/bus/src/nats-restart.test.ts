// Publishing to JetStream across a NATS server restart: a publish made while the server is down
// completes once it is back, instead of failing the step whose output it carries.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { NatsTransport } from './nats-transport.ts';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function startServer(port: number, storeDir: string): Promise<ChildProcess> {
  const child = spawn('nats-server', [
    '-js',
    '-a',
    '127.0.0.1',
    '-p',
    String(port),
    '-sd',
    storeDir,
  ]);
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`nats-server not ready:\n${output}`)), 20_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Server is ready')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
  });
}

function stopServer(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

describe('NATS transport across a server restart', () => {
  const storeDir = mkdtempSync(join(tmpdir(), 'jb-bus-nats-'));
  let server: ChildProcess | undefined;
  let transport: NatsTransport | undefined;

  after(async () => {
    await transport?.close().catch(() => {});
    if (server) await stopServer(server);
    rmSync(storeDir, { recursive: true, force: true });
  });

  it('completes a step event append made while the server was down', async () => {
    const port = await freePort();
    server = await startServer(port, storeDir);
    transport = await NatsTransport.connect({ url: `nats://127.0.0.1:${port}`, namespace: 'r' });
    const subject = 'jetbridge.events.1';
    await transport.append(
      subject,
      { data: new TextEncoder().encode('before'), headers: {} },
      'before',
    );

    await stopServer(server);
    const appending = transport.append(
      subject,
      {
        data: new TextEncoder().encode('during'),
        headers: {},
      },
      'during',
    );
    server = await startServer(port, storeDir);
    await appending;

    const seen: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only saw ${seen.join(', ')}`)), 20_000);
      const replay = transport!.replay(subject, 0, async (msg) => {
        seen.push(new TextDecoder().decode(msg.data));
        if (seen.length === 2) {
          clearTimeout(timer);
          void replay.stop().then(resolve);
        }
      });
    });
    assert.deepEqual(seen, ['before', 'during']);
  });
});
