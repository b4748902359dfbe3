// The scheduler's decision for a single node: claims must exist and requests must fit the node.
import type { Container, PodSpec } from './pod-types.ts';
import { parseQuantity } from './quantity.ts';

function requested(containers: Container[], resource: string): number {
  return containers.reduce(
    (sum, c) => sum + (parseQuantity(c.resources?.requests?.[resource] ?? '0') ?? 0),
    0,
  );
}

// Returns why the pod cannot be scheduled, or undefined when it fits.
export function admitPod(
  spec: PodSpec,
  claims: string[],
  capacity: { cpu: number; memory: number },
): string | undefined {
  for (const volume of spec.volumes ?? []) {
    const claim = volume.persistentVolumeClaim?.claimName;
    if (claim !== undefined && !claims.includes(claim)) {
      return `0/1 nodes are available: persistentvolumeclaim "${claim}" not found. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.`;
    }
  }
  const insufficient: string[] = [];
  for (const resource of ['cpu', 'memory'] as const) {
    const need = Math.max(
      requested(spec.containers, resource),
      ...(spec.initContainers ?? []).map((c) => requested([c], resource)),
    );
    if (need > capacity[resource]) insufficient.push(`1 Insufficient ${resource}`);
  }
  if (insufficient.length === 0) return undefined;
  return `0/1 nodes are available: ${insufficient.join(', ')}. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.`;
}
