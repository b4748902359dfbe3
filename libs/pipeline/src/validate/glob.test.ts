import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileGlob } from './glob.ts';

const matches = (glob: string, name: string) => compileGlob(glob)!.test(name);

describe('compileGlob', () => {
  it('matches a plain job name only exactly, dots and dashes included', () => {
    assert.ok(matches('unit-test.v2', 'unit-test.v2'));
    assert.ok(!matches('unit-test.v2', 'unit-test-v2'));
    assert.ok(!matches('unit', 'unit-test'));
    assert.ok(matches('x}y,z', 'x}y,z'));
  });

  it('matches wildcards, classes, alternatives and escapes', () => {
    assert.ok(matches('unit-*', 'unit-test'));
    assert.ok(matches('b?ild', 'build'));
    assert.ok(matches('[ab]c', 'bc'));
    assert.ok(!matches('[!ab]c', 'bc'));
    assert.ok(matches('{deploy,smoke}-tests', 'smoke-tests'));
    assert.ok(matches('a\\*', 'a*'));
    assert.ok(!matches('a\\*', 'ab'));
  });

  it('returns null for a malformed glob', () => {
    assert.equal(compileGlob('[ab'), null);
    assert.equal(compileGlob('{a,b'), null);
    assert.equal(compileGlob('a\\'), null);
  });
});
