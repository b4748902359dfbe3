// What `npm test -- ...` hands to node and what it takes as tests to run.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { splitTestArgs } from './test-args.ts';

describe('npm test arguments', () => {
  it('keeps an option value that is also a path as the value', () => {
    assert.deepEqual(splitTestArgs(['--test-name-pattern', 'test', 'cli']), {
      nodeArgs: ['--test-name-pattern', 'test'],
      paths: ['cli'],
    });
    assert.deepEqual(
      splitTestArgs([
        '--test-reporter',
        'junit',
        '--test-reporter-destination',
        'README.md',
        'services/web',
      ]),
      {
        nodeArgs: ['--test-reporter', 'junit', '--test-reporter-destination', 'README.md'],
        paths: ['services/web'],
      },
    );
  });

  it('takes a word after a flag without a value as tests to run', () => {
    assert.deepEqual(splitTestArgs(['--test-only', 'servics/web']), {
      nodeArgs: ['--test-only'],
      paths: ['servics/web'],
    });
  });

  it('passes options written with = and short options with values', () => {
    assert.deepEqual(splitTestArgs(['--test-name-pattern=kubesim', '-r', './preload.cjs']), {
      nodeArgs: ['--test-name-pattern=kubesim', '-r', './preload.cjs'],
      paths: [],
    });
  });
});
