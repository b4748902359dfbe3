// Host directories behind a pod's volumes: emptyDir per pod, claims shared under dataDir/claims.
import { mkdir } from 'node:fs/promises';
import { join, normalize } from 'node:path';
import type { Container, Volume } from './pod-types.ts';
import type { Mount } from './sandbox.ts';

export class VolumeError extends Error {
  override name = 'VolumeError';
}

export function volumeDir(dataDir: string, podDir: string, volume: Volume): string {
  if (volume.persistentVolumeClaim)
    return join(dataDir, 'claims', volume.persistentVolumeClaim.claimName);
  return join(podDir, 'volumes', volume.name);
}

export async function containerMounts(
  dataDir: string,
  podDir: string,
  volumes: Volume[],
  container: Container,
): Promise<Mount[]> {
  const mounts: Mount[] = [];
  for (const mount of container.volumeMounts ?? []) {
    const volume = volumes.find((v) => v.name === mount.name);
    if (!volume) throw new VolumeError(`volume "${mount.name}" not found`);
    const subPath = normalize(mount.subPath ?? '.');
    if (subPath.startsWith('..') || subPath.startsWith('/')) {
      throw new VolumeError(`subPath "${mount.subPath}" must be a relative path inside the volume`);
    }
    const source = join(volumeDir(dataDir, podDir, volume), subPath);
    await mkdir(source, { recursive: true });
    const readOnly = Boolean(mount.readOnly || volume.persistentVolumeClaim?.readOnly);
    mounts.push({ source, target: normalize(mount.mountPath), readOnly });
  }
  return mounts;
}
