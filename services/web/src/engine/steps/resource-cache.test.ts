import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resourceCacheKey, type ResourceCacheIdentity } from './resource-cache.ts';

const identity: ResourceCacheIdentity = {
  type: 'git',
  image: { ref: 'concourse/git-resource', env: [], privileged: false },
  source: { uri: 'https://example.com/repo.git', branch: 'main' },
  params: { depth: 1 },
  version: { ref: 'abc123' },
};

describe('resource cache keys', () => {
  it('are store keys the artifact store accepts', () => {
    assert.match(resourceCacheKey(identity), /^rc-[a-f0-9]{64}$/);
  });

  it('do not depend on the order of keys in source, params or version', () => {
    const reordered = {
      ...identity,
      source: { branch: 'main', uri: 'https://example.com/repo.git' },
    };
    assert.equal(resourceCacheKey(reordered), resourceCacheKey(identity));
  });

  it('treat absent and empty params alike, as the script sees no params in both', () => {
    const none = { ...identity, params: undefined };
    assert.equal(resourceCacheKey({ ...identity, params: {} }), resourceCacheKey(none));
  });

  it('differ for a different version, source, params, type or image', () => {
    const key = resourceCacheKey(identity);
    const variants: ResourceCacheIdentity[] = [
      { ...identity, version: { ref: 'def456' } },
      { ...identity, source: { ...identity.source, branch: 'dev' } },
      { ...identity, params: { depth: 2 } },
      { ...identity, type: 'git-fork' },
      { ...identity, image: { ...identity.image, ref: 'registry.example/git:2' } },
      { ...identity, image: { ...identity.image, env: ['MIRRORED_VERSION=1'] } },
      { ...identity, image: { ...identity.image, privileged: true } },
    ];
    for (const variant of variants) assert.notEqual(resourceCacheKey(variant), key);
  });
});
