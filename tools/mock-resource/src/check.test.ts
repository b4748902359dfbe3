import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fatalLine, infoLine, runScript } from './run-script.test-helper.ts';

const bin = new URL('../bin/', import.meta.url);
const check = (request: unknown, env: Record<string, string | undefined> = {}) =>
  runScript(bin, 'check', request, [], env);

describe('mock check', () => {
  it('emits the default initial version on a first check', () => {
    const result = check({ source: {} });
    assert.equal(result.stdout, '[{"version":"mock"}]\n');
    assert.equal(result.stderr, '');
    assert.equal(result.status, 0);
  });

  it('emits initial_version, else MIRRORED_VERSION, on a first check', () => {
    assert.equal(check({ source: { initial_version: 'v1' } }).stdout, '[{"version":"v1"}]\n');
    const mirrored = check({ source: null }, { MIRRORED_VERSION: 'custom-type-version' });
    assert.equal(mirrored.stdout, '[{"version":"custom-type-version"}]\n');
  });

  it('emits nothing on a first check with no_initial_version', () => {
    assert.equal(check({ source: { no_initial_version: true } }).stdout, '[]\n');
  });

  it('echoes the given version, including its privileged key', () => {
    const result = check({ source: {}, version: { version: 'foo', privileged: 'true' } });
    assert.equal(result.stdout, '[{"version":"foo","privileged":"true"}]\n');
  });

  it('emits force_version whatever the request says', () => {
    const result = check({ source: { force_version: 'f1' }, version: { version: 'old' } });
    assert.equal(result.stdout, '[{"version":"f1"}]\n');
  });

  it('marks versions privileged when the executor says the step is privileged', () => {
    const result = check({ source: {} }, { JETBRIDGE_PRIVILEGED: 'true' });
    assert.equal(result.stdout, '[{"version":"mock","privileged":"true"}]\n');
  });

  it('logs the log field at info level', () => {
    assert.equal(
      check({ source: { log: 'hello from defaults' } }).stderr,
      infoLine('hello from defaults'),
    );
  });

  it('fails with the check_failure message', () => {
    const result = check({ source: { check_failure: 'super broken' } });
    assert.equal(result.status, 1);
    assert.equal(result.stdout, '');
    assert.equal(result.stderr, fatalLine('intentionally failing to check: super broken'));
  });

  it('rejects a malformed check_delay', () => {
    const result = check({ source: { check_delay: '5' } });
    assert.equal(result.status, 1);
    assert.equal(
      result.stderr,
      fatalLine('malformed check_delay duration (5): time: missing unit in duration "5"'),
    );
  });

  it('rejects unknown keys at any depth with Go decoder text', () => {
    const top = check({ source: {}, params: {} });
    assert.equal(top.status, 1);
    assert.equal(top.stderr, fatalLine('invalid payload: json: unknown field "params"'));
    const inVersion = check({ source: {}, version: { ref: 'x' } });
    assert.equal(inVersion.stderr, fatalLine('invalid payload: json: unknown field "ref"'));
  });

  it('rejects values of the wrong type with Go decoder text', () => {
    const result = check({ source: { initial_version: 5 } });
    assert.equal(
      result.stderr,
      fatalLine(
        'invalid payload: json: cannot unmarshal number into Go struct field Source.source.initial_version of type string',
      ),
    );
  });

  it('fails on empty stdin', () => {
    assert.equal(check('').stderr, fatalLine('invalid payload: EOF'));
  });

  it('fails when the privilege cannot be checked', () => {
    const result = runScript(bin, 'check', { source: {} }, [], {
      JETBRIDGE_UID_MAP_PATH: '/nonexistent/uid_map',
      JETBRIDGE_PRIVILEGED: undefined,
    });
    assert.equal(result.status, 1);
    assert.equal(
      result.stderr,
      fatalLine('could not check privilege: open /nonexistent/uid_map: no such file or directory'),
    );
  });
});

describe('mock privilege without the executor flag', () => {
  it('reports unprivileged even when there is no user namespace', () => {
    const result = runScript(bin, 'check', { source: {} }, [], { JETBRIDGE_PRIVILEGED: undefined });
    assert.equal(result.stdout, '[{"version":"mock"}]\n');
  });
});
