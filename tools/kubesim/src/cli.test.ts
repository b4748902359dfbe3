import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runKubectl } from './testing.ts';

describe('kubesim command', () => {
  it('prints the kubeconfig path, serves kubectl and stops on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kubesim-cli-'));
    const child = spawn(process.execPath, [
      join(import.meta.dirname, 'main.ts'),
      '--data-dir',
      dataDir,
    ]);
    try {
      const [firstChunk] = (await once(child.stdout, 'data')) as [Buffer];
      const kubeconfig = firstChunk.toString().trim();
      assert.equal(kubeconfig, join(dataDir, 'kubeconfig'));

      const result = await runKubectl(kubeconfig, ['get', 'namespaces', '-o', 'name']);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, 'namespace/default\n');

      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      assert.equal(code, 0);
    } finally {
      child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses to start without a data dir', async () => {
    const child = spawn(process.execPath, [join(import.meta.dirname, 'main.ts')]);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = await once(child, 'exit');
    assert.equal(code, 1);
    assert.match(stderr, /--data-dir is required/);
  });
});
