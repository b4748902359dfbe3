import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fatalLine, infoLine, runScript } from './run-script.test-helper.ts';

const bin = new URL('../bin/', import.meta.url);

function putFrom(request: unknown, env: Record<string, string | undefined> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'mock-out-'));
  return { dir, ...runScript(bin, 'out', request, [dir], env) };
}

describe('mock out', () => {
  it('pushes the version from params with the source metadata', () => {
    const result = putFrom({
      source: { metadata: [{ name: 'm', value: 'v' }] },
      params: { version: 'v_x' },
    });
    assert.equal(result.status, 0);
    assert.equal(
      result.stdout,
      '{"version":{"version":"v_x"},"metadata":[{"name":"m","value":"v"}]}\n',
    );
    assert.equal(result.stderr, infoLine('pushing version: v_x'));
  });

  it('reads the version from a file byte for byte, trailing newline included', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mock-out-'));
    writeFileSync(join(dir, 'v.txt'), 'from-file\n');
    const result = runScript(bin, 'out', { source: {}, params: { file: 'v.txt' } }, [dir]);
    assert.equal(result.stdout, '{"version":{"version":"from-file\\n"},"metadata":null}\n');
  });

  it('prefers params.version over params.file', () => {
    const result = putFrom({ source: {}, params: { version: 'p', file: 'missing' } });
    assert.equal(result.stdout, '{"version":{"version":"p"},"metadata":null}\n');
  });

  it('fails when no version is specified', () => {
    const result = putFrom({ source: {} });
    assert.equal(result.status, 1);
    assert.equal(result.stderr, fatalLine('no version specified'));
  });

  it('fails when the version file cannot be read', () => {
    const result = putFrom({ source: {}, params: { file: 'nope' } });
    assert.equal(result.status, 1);
    assert.equal(
      result.stderr,
      fatalLine(
        `error reading version from file nope: open ${join(result.dir, 'nope')}: no such file or directory`,
      ),
    );
  });

  it('pushes from a privileged container', () => {
    const result = putFrom(
      { source: {}, params: { version: 'v1' } },
      { JETBRIDGE_PRIVILEGED: 'true' },
    );
    assert.equal(
      result.stdout,
      '{"version":{"version":"v1","privileged":"true"},"metadata":null}\n',
    );
    assert.equal(
      result.stderr,
      infoLine('pushing in a privileged container') + infoLine('pushing version: v1'),
    );
  });

  it('prints the environment to stderr with print_env', () => {
    const result = putFrom(
      { source: {}, params: { version: 'v1', print_env: true } },
      { BUILD_ID: '42' },
    );
    assert.match(result.stderr, /env: BUILD_ID=42 /);
    assert.equal(result.stdout, '{"version":{"version":"v1"},"metadata":null}\n');
  });

  it('fails on params that are not mock params before doing anything', () => {
    const result = putFrom({ source: {}, params: { repository: 'repo' } });
    assert.equal(result.status, 1);
    assert.equal(result.stderr, fatalLine('invalid payload: json: unknown field "repository"'));
  });

  it('fails when the source path is missing or empty', () => {
    assert.equal(
      runScript(bin, 'out', { source: {}, params: { version: 'v' } }).stderr,
      fatalLine('source path not specified'),
    );
    assert.equal(
      runScript(bin, 'out', { source: {}, params: { version: 'v' } }, ['']).stderr,
      fatalLine('source path is empty'),
    );
  });
});
