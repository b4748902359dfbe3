import assert from 'node:assert/strict';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fatalLine, infoLine, runScript } from './run-script.test-helper.ts';

const bin = new URL('../bin/', import.meta.url);

function fetchInto(request: unknown, env: Record<string, string | undefined> = {}) {
  const dest = mkdtempSync(join(tmpdir(), 'mock-in-'));
  return { dest, ...runScript(bin, 'in', request, [dest], env) };
}

describe('mock in', () => {
  it('writes version and privileged files and echoes the version with source metadata', () => {
    const metadata = [{ name: 'commit', value: 'abc <1>' }];
    const result = fetchInto({ source: { metadata }, version: { version: 'v1' } });
    assert.equal(result.status, 0);
    assert.equal(
      result.stdout,
      '{"version":{"version":"v1"},"metadata":[{"name":"commit","value":"abc \\u003c1\\u003e"}]}\n',
    );
    assert.equal(result.stderr, infoLine('fetching version: v1'));
    assert.equal(readFileSync(join(result.dest, 'version'), 'utf8'), 'v1\n');
    assert.equal(readFileSync(join(result.dest, 'privileged'), 'utf8'), 'false\n');
  });

  it('reports a privileged container in the log and the privileged file', () => {
    const result = fetchInto(
      { source: { log: 'hi' }, version: { version: 'v2' } },
      {
        JETBRIDGE_PRIVILEGED: 'true',
      },
    );
    assert.equal(
      result.stderr,
      infoLine('hi') +
        infoLine('fetching in a privileged container') +
        infoLine('fetching version: v2'),
    );
    assert.equal(readFileSync(join(result.dest, 'privileged'), 'utf8'), 'true\n');
    assert.equal(result.stdout, '{"version":{"version":"v2"},"metadata":null}\n');
  });

  it('writes create_files with params overriding source, JSON for non-strings and vars markers', () => {
    const result = fetchInto({
      source: {
        create_files: {
          'a.txt': 'from source',
          'keep.txt': 'kept',
          'task.yml': { run: { path: 'echo', args: ['START_VAR.:x END_VAR'] }, a: 1, html: '<&>' },
          'num.yml': 42,
        },
      },
      params: { create_files_via_params: { 'a.txt': 'from params', 'deep/dir/b.txt': 'b' } },
      version: { version: 'v1' },
    });
    assert.equal(result.status, 0);
    const read = (p: string) => readFileSync(join(result.dest, p), 'utf8');
    assert.equal(read('a.txt'), 'from params');
    assert.equal(read('keep.txt'), 'kept');
    assert.equal(read('deep/dir/b.txt'), 'b');
    assert.equal(read('num.yml'), '42');
    assert.equal(
      read('task.yml'),
      '{"a":1,"html":"\\u003c\\u0026\\u003e","run":{"args":["((.:x ))"],"path":"echo"}}',
    );
    assert.equal(statSync(join(result.dest, 'deep/dir/b.txt')).mode & 0o777, 0o644);
  });

  it('lets create_files overwrite the version file', () => {
    const result = fetchInto({
      source: { create_files: { version: 'replaced' } },
      version: { version: 'v1' },
    });
    assert.equal(readFileSync(join(result.dest, 'version'), 'utf8'), 'replaced');
  });

  it('mirrors its root filesystem without tmp, dev, proc and sys, with MIRRORED_VERSION metadata', () => {
    const root = mkdtempSync(join(tmpdir(), 'mock-root-'));
    mkdirSync(join(root, 'etc'));
    writeFileSync(join(root, 'etc/os-release'), 'ID=mock\n');
    for (const dir of ['tmp', 'dev', 'proc', 'sys']) {
      mkdirSync(join(root, dir));
      writeFileSync(join(root, dir, 'skipped'), 'x');
    }
    const result = fetchInto(
      {
        source: {},
        params: { mirror_self_via_params: true },
        version: { version: 'hello-version' },
      },
      { JETBRIDGE_MIRROR_ROOT: root },
    );
    assert.equal(result.status, 0);
    assert.equal(
      result.stderr,
      infoLine('fetching version: hello-version') +
        infoLine('mirroring self image', ' \x1b[36mvia_params\x1b[0m=true'),
    );
    assert.equal(readFileSync(join(result.dest, 'rootfs/etc/os-release'), 'utf8'), 'ID=mock\n');
    for (const dir of ['tmp', 'dev', 'proc', 'sys']) {
      assert.deepEqual(readdirSync(join(result.dest, 'rootfs', dir)), []);
    }
    assert.equal(
      readFileSync(join(result.dest, 'metadata.json'), 'utf8'),
      '{"env":["MIRRORED_VERSION=hello-version"],"user":"root"}\n',
    );
  });

  it('fails without a destination argument', () => {
    const result = runScript(bin, 'in', { source: {}, version: { version: 'v1' } });
    assert.equal(result.status, 1);
    assert.equal(result.stderr, fatalLine('destination path not specified'));
  });

  it('rejects unknown params', () => {
    const result = fetchInto({ source: {}, params: { depth: 1 }, version: { version: 'v1' } });
    assert.equal(result.status, 1);
    assert.equal(result.stderr, fatalLine('invalid payload: json: unknown field "depth"'));
  });
});
