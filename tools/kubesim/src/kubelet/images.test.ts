import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ImageCatalog, repositoryOf } from './images.ts';

describe('image catalog', () => {
  it('normalises registry, library prefix, tag and digest away', () => {
    assert.equal(repositoryOf('docker.io/library/alpine:3.20'), 'alpine');
    assert.equal(repositoryOf('library/busybox'), 'busybox');
    assert.equal(
      repositoryOf('registry.local:5000/concourse/mock-resource:1'),
      'concourse/mock-resource',
    );
    assert.equal(repositoryOf(`ubuntu@sha256:${'a'.repeat(64)}`), 'ubuntu');
  });

  it('rejects references with capitals or spaces', () => {
    assert.equal(repositoryOf('Ubuntu'), undefined);
    assert.equal(repositoryOf('my image'), undefined);
    assert.equal(repositoryOf('MyOrg/app'), undefined);
  });

  it('maps alpine and busybox to the busybox root and unknown images to the host', () => {
    const catalog = new ImageCatalog();
    assert.deepEqual(catalog.lookup('alpine:latest'), { ok: true, spec: { kind: 'busybox' } });
    assert.deepEqual(catalog.lookup('docker.io/busybox'), { ok: true, spec: { kind: 'busybox' } });
    assert.deepEqual(catalog.lookup('golang:1.22'), { ok: true, spec: { kind: 'host' } });
    assert.deepEqual(catalog.lookup('example/does-not-exist:1'), {
      ok: true,
      spec: { kind: 'unpullable' },
    });
    assert.deepEqual(catalog.lookup('Bad Image'), { ok: false, reason: 'InvalidImageName' });
  });

  it('refuses resource images it has no implementation of, saying so', () => {
    const catalog = new ImageCatalog();
    const git = catalog.lookup('concourse/git-resource:1.17');
    assert.equal(git.ok && git.spec.kind, 'unpullable');
    assert.match(
      git.ok && git.spec.kind === 'unpullable' ? (git.spec.reason ?? '') : '',
      /kubesim does not run concourse\/git-resource: .* need a real cluster/,
    );
    for (const image of ['concourse/mock-resource', 'concourse/time-resource:1']) {
      assert.equal(
        catalog.lookup(image).ok && (catalog.lookup(image) as { spec: { kind: string } }).spec.kind,
        'host',
      );
    }
  });

  it('maps the musl busybox tags to the busybox root', () => {
    const catalog = new ImageCatalog();
    for (const image of ['busybox:stable-musl', 'docker.io/library/busybox:musl']) {
      assert.deepEqual(catalog.lookup(image), { ok: true, spec: { kind: 'busybox' } });
    }
  });

  it('maps distroless repositories to a shell-less root, nodejs ones with Node.js', () => {
    const catalog = new ImageCatalog();
    for (const image of ['gcr.io/distroless/base', 'gcr.io/distroless/static-debian12:nonroot']) {
      assert.deepEqual(catalog.lookup(image), { ok: true, spec: { kind: 'shell-less' } });
    }
    assert.deepEqual(catalog.lookup('gcr.io/distroless/nodejs22-debian12'), {
      ok: true,
      spec: { kind: 'shell-less', programs: { '/nodejs/bin/node': process.execPath } },
    });
    assert.deepEqual(catalog.lookup('example.com/distroless-like/app'), {
      ok: true,
      spec: { kind: 'host' },
    });
  });

  it('gives resource images the project resource scripts', () => {
    const lookup = new ImageCatalog().lookup('concourse/time-resource:latest');
    assert.ok(lookup.ok && lookup.spec.kind === 'host');
    assert.match(
      String(lookup.ok && 'resourceDir' in lookup.spec && lookup.spec.resourceDir),
      /tools\/time-resource\/bin$/,
    );
  });

  it('runs registry image checks with the stand-in scripts and pulls the digests they report', () => {
    const catalog = new ImageCatalog();
    const docker = catalog.lookup('concourse/docker-image-resource');
    assert.ok(docker.ok && docker.spec.kind === 'host');
    assert.match(String(docker.spec.resourceDir), /tools\/registry-image-resource\/bin$/);
    assert.deepEqual(docker.spec.env, { JETBRIDGE_IMAGE_RESOURCE_FLAVOR: 'docker-image' });
    assert.deepEqual(catalog.lookup(`busybox@sha256:${'3'.repeat(64)}`), {
      ok: true,
      spec: { kind: 'busybox' },
    });
  });

  it('lets extra entries override the built-in ones', () => {
    const catalog = new ImageCatalog({ 'my/image': { kind: 'unpullable' } });
    assert.deepEqual(catalog.lookup('my/image:2'), { ok: true, spec: { kind: 'unpullable' } });
  });
});
