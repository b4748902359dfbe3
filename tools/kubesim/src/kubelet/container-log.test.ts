import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ContainerLog } from './container-log.ts';

describe('container logs', () => {
  it('returns the last lines for tailLines, with or without a final newline', () => {
    const log = new ContainerLog();
    log.append(Buffer.from('one\ntwo\n'));
    log.append(Buffer.from('three\n'));
    assert.equal(log.contents(2).toString(), 'two\nthree\n');
    assert.equal(log.contents(10).toString(), 'one\ntwo\nthree\n');
    assert.equal(log.contents(0).toString(), '');
    log.append(Buffer.from('partial'));
    assert.equal(log.contents(1).toString(), 'partial');
  });

  it('follows new output until the container stops', () => {
    const log = new ContainerLog();
    const seen: string[] = [];
    let isClosed = false;
    log.follow(
      (chunk) => seen.push(chunk.toString()),
      () => (isClosed = true),
    );
    log.append(Buffer.from('a'));
    log.append(Buffer.from('b'));
    log.close();
    assert.deepEqual(seen, ['a', 'b']);
    assert.equal(isClosed, true);
  });
});
