// mirror_self: copies this container's root filesystem into `<dest>/rootfs` so a later step can
// run on the mock image itself, and writes the image metadata that carries MIRRORED_VERSION.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { goErrorText } from './go-errors.ts';
import { goJson } from './go-json.ts';
import { fatal } from './logrus.ts';

// Never copied: the destination lives under tmp, and the others are kernel file systems.
const skipped = new Set(['tmp', 'dev', 'proc', 'sys']);

export function mirrorRoot(
  dest: string,
  version: string,
  root = process.env.JETBRIDGE_MIRROR_ROOT ?? '/',
): void {
  const rootfs = join(dest, 'rootfs');
  try {
    mkdirSync(rootfs, { recursive: true });
  } catch (err) {
    fatal(`failed to create rootfs dir: ${goErrorText(err)}`);
  }

  for (const entry of readdirSync(root).sort()) {
    const target = join(rootfs, entry);
    const source = join(root, entry);
    if (skipped.has(entry)) {
      mkdirSync(target, { recursive: true, mode: statSync(source).mode & 0o7777 });
      continue;
    }
    const copy = spawnSync('cp', ['-a', source, target], { stdio: ['ignore', 2, 2] });
    if (copy.status !== 0) {
      fatal(`failed to copy from ${source} to ${target}: exit status ${copy.status ?? 1}`);
    }
  }

  const metadata = goJson({ env: [`MIRRORED_VERSION=${version}`], user: 'root' }, false);
  writeFileSync(join(dest, 'metadata.json'), `${metadata}\n`);
}
