import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MalformedConfigError } from '../errors.ts';
import { parsePipeline } from './parse-pipeline.ts';

/** Every hostile input must fail with a clear message well within a second. */
function assertRejectedQuickly(input: string | Uint8Array, pattern: RegExp): void {
  const started = performance.now();
  assert.throws(
    () => parsePipeline(input),
    (e: unknown) => e instanceof MalformedConfigError && pattern.test(e.message),
  );
  assert.ok(performance.now() - started < 2000, 'took longer than 2s');
}

describe('hostile pipeline input', () => {
  it('rejects a 10 MB document by size', () => {
    const big = `jobs: []\nx: "${'a'.repeat(10 * 1024 * 1024)}"\n`;
    assertRejectedQuickly(big, /larger than the limit/);
  });

  it('rejects 10,000-deep flow nesting', () => {
    assertRejectedQuickly(`jobs: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`, /nests deeper/);
  });

  it('rejects 10,000-deep block nesting', () => {
    assertRejectedQuickly(`jobs:\n${'- '.repeat(10_000)}x\n`, /nests/);
  });

  it('rejects a billion laughs alias bomb', () => {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    const names = 'abcdefghi';
    for (let i = 1; i < names.length; i++) {
      const prev = names[i - 1]!;
      lines.push(`${names[i]}: &${names[i]} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    lines.push('jobs: *i');
    assertRejectedQuickly(lines.join('\n'), /alias/);
  });

  it('rejects invalid UTF-8 bytes', () => {
    const bytes = new Uint8Array([...Buffer.from('jobs:\n- name: '), 0xff, 0xfe, 0x0a]);
    assertRejectedQuickly(bytes, /invalid UTF-8/);
  });

  it('rejects a top-level list', () => {
    assertRejectedQuickly('- a\n- b\n', /top level of a pipeline must be a mapping, got array/);
  });

  it('rejects a top-level scalar', () => {
    assertRejectedQuickly('just text\n', /must be a mapping, got string/);
  });
});
