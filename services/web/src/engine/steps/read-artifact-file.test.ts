import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import tar from 'tar-stream';
import { artifactLocate, Bus, MemoryTransport } from '@jetbridge/bus';
import { ArtifactRepository } from '../plan/artifacts.ts';
import type { BuildRun, Scope } from '../plan/run-context.ts';
import { readArtifactFile } from './read-artifact-file.ts';

async function tarOf(files: Record<string, string>): Promise<Buffer> {
  const pack = tar.pack();
  pack.entry({ name: './', type: 'directory' });
  for (const [name, content] of Object.entries(files)) pack.entry({ name }, content);
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('reading a file of a stored artifact', () => {
  let bus: Bus;
  let server: Server;
  let scope: Scope;
  let run: BuildRun;

  before(async () => {
    const stored = await tarOf({
      './ci/other.yml': 'other\n',
      './ci/task.yml': 'platform: linux\n',
      './big': 'x'.repeat(5 * 1024 * 1024),
    });
    server = createServer((req, res) => {
      if (req.url === '/artifacts/rc-1') res.writeHead(200).end(stored);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    bus = new Bus(new MemoryTransport());
    bus.serve('artifacts', 'locate', artifactLocate, async () => ({ v: 1 as const, url }));
    const artifacts = new ArtifactRepository();
    artifacts.register('cached', { kind: 'artifact', key: 'rc-1' });
    artifacts.register('gone', { kind: 'artifact', key: 'rc-2' });
    scope = { artifacts } as unknown as Scope;
    run = { ctx: { bus } } as unknown as BuildRun;
  });

  after(async () => {
    await bus.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('reads the member out of the tar a resource cache hit registered', async () => {
    assert.equal(await readArtifactFile(run, scope, 'cached/ci/task.yml'), 'platform: linux\n');
  });

  it('says what is missing, too large or not stored', async () => {
    await assert.rejects(
      readArtifactFile(run, scope, 'cached/ci/nope.yml'),
      /failed to read cached\/ci\/nope.yml: no such file ci\/nope.yml in the stored artifact/,
    );
    await assert.rejects(readArtifactFile(run, scope, 'cached/big'), /larger than 4194304 bytes/);
    await assert.rejects(
      readArtifactFile(run, scope, 'gone/task.yml'),
      /the artifact store answered 404 for rc-2/,
    );
  });
});
