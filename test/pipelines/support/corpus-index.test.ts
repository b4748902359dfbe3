import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { varFlagsFromColumn } from './corpus-index.ts';

describe('the INDEX vars column as fly flags', () => {
  it('turns vars files into -l flags under the corpus folder', () => {
    assert.deepEqual(varFlagsFromColumn('-l vars/a.yml -l vars/b.yml (typed values)', '/corpus'), [
      '-l',
      '/corpus/vars/a.yml',
      '-l',
      '/corpus/vars/b.yml',
    ]);
  });

  it('gives placeholders a concrete value and keeps given ones', () => {
    assert.deepEqual(varFlagsFromColumn('-v hash=<unique> -v n=9000', '/c'), [
      '-v',
      'hash=hash-unique',
      '-v',
      'n=9000',
    ]);
  });

  it('keeps instance vars as -i flags', () => {
    assert.deepEqual(
      varFlagsFromColumn('x (given by a parent); -i branch=main when set by hand', '/c'),
      ['-i', 'branch=main'],
    );
  });

  it('asks for nothing when the pipeline only needs run-time secrets', () => {
    assert.deepEqual(varFlagsFromColumn('yes (2): docker.password, docker.username', '/c'), []);
    assert.deepEqual(varFlagsFromColumn('none', '/c'), []);
  });
});
