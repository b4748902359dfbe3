import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { baseTypeImage, imageFromGet } from './images.ts';

const mockImage = { ref: 'concourse/mock-resource', env: [], privileged: false };

describe('the image a get produced', () => {
  it('maps base resource types to concourse/<type>-resource', () => {
    assert.equal(baseTypeImage('git'), 'concourse/git-resource');
  });

  it('names a registry image by the digest of its version, else by its tag', () => {
    const source = { repository: 'example/app', tag: '1.2' };
    const digest = `sha256:${'a'.repeat(64)}`;
    assert.equal(
      imageFromGet({ type: 'registry-image', source, version: { tag: '1.2', digest } }).ref,
      `example/app@${digest}`,
    );
    assert.equal(
      imageFromGet({ type: 'docker-image', source, version: {} }).ref,
      'example/app:1.2',
    );
    assert.equal(
      imageFromGet({ type: 'my-registry', baseType: 'registry-image', source, version: { digest } })
        .ref,
      `example/app@${digest}`,
    );
    assert.throws(
      () => imageFromGet({ type: 'registry-image', source: {}, version: { digest } }),
      /image of type registry-image needs source.repository/,
    );
  });

  it('makes the mock image with MIRRORED_VERSION of the got version, inherited down a chain', () => {
    const got = imageFromGet({
      type: 'mock',
      source: { mirror_self: true },
      version: { version: 'v7' },
      runsIn: mockImage,
    });
    assert.deepEqual(got.env, ['MIRRORED_VERSION=v7']);
    const inherited = imageFromGet({
      type: 'level-2',
      source: { mirror_self: true },
      runsIn: { ...mockImage, env: ['MIRRORED_VERSION=N'] },
    });
    assert.deepEqual(inherited.env, ['MIRRORED_VERSION=N']);
  });

  it('refuses a mock get without mirror_self and a type that makes no image', () => {
    assert.throws(
      () =>
        imageFromGet({ type: 'mock', source: {}, version: { version: 'v' }, runsIn: mockImage }),
      /Is the image in rootfs format\?/,
    );
    assert.throws(
      () => imageFromGet({ type: 'git', source: {}, version: { ref: 'abc' } }),
      /cannot use a resource of type git as an image/,
    );
  });
});
