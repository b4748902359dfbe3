import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ImagePlan } from '@jetbridge/pipeline';
import { imageResourceImage, resourceImage } from './images.ts';

function customType(
  name: string,
  type: string,
  source: Record<string, unknown>,
  parent: ImagePlan,
): ImagePlan {
  return {
    check_plan: {
      id: `${name}/image-check`,
      check: { name, type, source, image: parent, resource_type: name },
    },
    get_plan: {
      id: `${name}/image-get`,
      get: { name, type, source, image: parent, version_from: `${name}/image-check` },
    },
  };
}

describe('step images', () => {
  it('maps base resource types to concourse/<type>-resource', async () => {
    assert.deepEqual(await resourceImage({ base_type: 'git' }, 'git'), {
      ref: 'concourse/git-resource',
      env: [],
      privileged: false,
    });
  });

  it('runs resources of a mock mirror_self type on the mock image with its version', async () => {
    const image = customType(
      'my-type',
      'mock',
      { mirror_self: true, initial_version: 'custom-type-version' },
      { base_type: 'mock' },
    );
    const resolved = await resourceImage(image, 'my-type');
    assert.deepEqual(resolved.env, ['MIRRORED_VERSION=custom-type-version']);
    assert.equal(resolved.ref, 'concourse/mock-resource');
  });

  it('uses the version the type check saved, and passes it down a chain of mock types', async () => {
    const inner = customType('level-1', 'mock', { mirror_self: true }, { base_type: 'mock' });
    const outer = customType('level-2', 'level-1', { mirror_self: true }, inner);
    const versions: Record<string, Record<string, string>> = { 'level-1': { version: 'N' } };
    const resolved = await resourceImage(outer, 'level-2', async (name) => versions[name]);
    assert.deepEqual(resolved.env, ['MIRRORED_VERSION=N']);
  });

  it('runs a registry-image type from its repository and tag', async () => {
    const image = {
      ...customType(
        'rt',
        'registry-image',
        { repository: 'example/rt', tag: '1.2' },
        { base_type: 'registry-image' },
      ),
      privileged: true,
    };
    assert.deepEqual(await resourceImage(image, 'rt'), {
      ref: 'example/rt:1.2',
      env: [],
      privileged: true,
    });
  });

  it('turns task image_resources into image references', async () => {
    assert.equal(
      (await imageResourceImage({ type: 'registry-image', source: { repository: 'busybox' } })).ref,
      'busybox:latest',
    );
    assert.deepEqual(
      (
        await imageResourceImage({
          type: 'mock',
          source: { mirror_self: true },
          version: { version: 'hello-version' },
        })
      ).env,
      ['MIRRORED_VERSION=hello-version'],
    );
    await assert.rejects(
      imageResourceImage({ type: 'git', source: {} }),
      /cannot use a resource of type git/,
    );
  });

  it("resolves a task image_resource of the pipeline's custom type through that type", async () => {
    const types = [
      { name: 'custom', type: 'mock', source: { mirror_self: true, initial_version: 'type-v' } },
    ];
    const typeVersion = async (name: string) =>
      name === 'custom' ? { version: 'type-v' } : undefined;
    assert.deepEqual(
      await imageResourceImage(
        { type: 'custom', source: { mirror_self: true, initial_version: 'image-version' } },
        types,
        typeVersion,
      ),
      {
        ref: 'concourse/mock-resource',
        env: ['MIRRORED_VERSION=image-version'],
        privileged: false,
      },
    );
    assert.deepEqual(
      (
        await imageResourceImage(
          { type: 'custom', source: { mirror_self: true } },
          types,
          typeVersion,
        )
      ).env,
      ['MIRRORED_VERSION=type-v'],
    );
  });
});
