import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MalformedInstanceVarsError } from '../errors.ts';
import { instanceVarsFromQuery, instanceVarsToQuery } from './query.ts';

describe('instance vars in query strings', () => {
  it('encodes leaves as sorted vars.<path>=<json>', () => {
    assert.equal(
      instanceVarsToQuery({ n: 1, branch: 'feature/x' }).toString(),
      'vars.branch=%22feature%2Fx%22&vars.n=1',
    );
  });

  it('flattens nested maps and quotes segments with special characters', () => {
    const q = instanceVarsToQuery({ a: { 'b.c': true, d: [1, 2] } });
    assert.deepEqual(
      [...q.entries()],
      [
        ['vars.a."b.c"', 'true'],
        ['vars.a.d', '[1,2]'],
      ],
    );
  });

  it('round-trips through the query string', () => {
    const iv = { branch: 'main', nested: { 'x y': 1, deep: { z: null } }, list: ['a'] };
    assert.deepEqual(
      instanceVarsFromQuery(new URLSearchParams(instanceVarsToQuery(iv).toString())),
      iv,
    );
  });

  it('accepts a whole object in vars and merges patches', () => {
    const q = new URLSearchParams('vars=%7B%22a%22%3A1%7D&vars.b=2');
    assert.deepEqual(instanceVarsFromQuery(q), { a: 1, b: 2 });
  });

  it('returns null without vars parameters', () => {
    assert.equal(instanceVarsFromQuery(new URLSearchParams('limit=1')), null);
  });

  it('throws on values that are not JSON', () => {
    assert.throws(
      () => instanceVarsFromQuery(new URLSearchParams('vars.a=nope')),
      MalformedInstanceVarsError,
    );
  });
});
