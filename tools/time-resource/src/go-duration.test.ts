import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatGoDuration, parseGoDuration } from './go-duration.ts';

describe('Go durations', () => {
  it('parses and prints the way Go does', () => {
    const cases: [string, string][] = [
      ['90s', '1m30s'],
      ['1h30m', '1h30m0s'],
      ['5m', '5m0s'],
      ['1.5s', '1.5s'],
      ['500ms', '500ms'],
      ['2µs', '2µs'],
      ['0', '0s'],
      ['-1.5h', '-1h30m0s'],
    ];
    for (const [text, printed] of cases)
      assert.equal(formatGoDuration(parseGoDuration(text)), printed);
  });

  it('rejects what Go rejects with its messages', () => {
    assert.throws(() => parseGoDuration(''), { message: 'time: invalid duration ""' });
    assert.throws(() => parseGoDuration('5'), { message: 'time: missing unit in duration "5"' });
    assert.throws(() => parseGoDuration('5x'), {
      message: 'time: unknown unit "x" in duration "5x"',
    });
    assert.throws(() => parseGoDuration('.s'), { message: 'time: invalid duration ".s"' });
  });
});
