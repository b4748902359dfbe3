// A stand-in for concourse/registry-image-resource and concourse/docker-image-resource in kubesim,
// which pulls no images: check reports the tag with a digest derived from repository and tag, in
// reports that version back. A pod image `<repository>@<digest>` then names the same catalog image
// as `<repository>:<tag>`. On a real cluster the real resource images run instead.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dockerImage = process.env.JETBRIDGE_IMAGE_RESOURCE_FLAVOR === 'docker-image';

function request() {
  const text = readFileSync(0, 'utf8');
  try {
    return JSON.parse(text);
  } catch (err) {
    fail(`invalid payload: ${err.message}`);
  }
}

function fail(message) {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

function repositoryOf(source) {
  const repository = source?.repository;
  if (typeof repository !== 'string' || repository === '') fail('repository is required');
  return repository;
}

function tagOf(source) {
  return typeof source?.tag === 'string' && source.tag !== '' ? source.tag : 'latest';
}

export function check() {
  const { source } = request();
  const repository = repositoryOf(source);
  const tag = tagOf(source);
  const digest = `sha256:${createHash('sha256').update(`${repository}:${tag}`).digest('hex')}`;
  const version = dockerImage ? { digest } : { tag, digest };
  process.stdout.write(`${JSON.stringify([version])}\n`);
}

export function fetch() {
  const dest = process.argv[2];
  if (!dest) fail('destination path not specified');
  const { source, version } = request();
  const repository = repositoryOf(source);
  const tag = version?.tag ?? tagOf(source);
  mkdirSync(dest, { recursive: true });
  writeFileSync(join(dest, 'repository'), repository);
  writeFileSync(join(dest, 'tag'), tag);
  writeFileSync(join(dest, 'digest'), version?.digest ?? '');
  process.stderr.write(`fetching ${repository}@${version?.digest ?? tag}\n`);
  const metadata = [
    { name: 'repository', value: repository },
    { name: 'tag', value: tag },
  ];
  process.stdout.write(`${JSON.stringify({ version, metadata })}\n`);
}
