// Validation of a created pod, failing with the Invalid Status the API server gives.
import { StatusError, type StatusCause } from './status-error.ts';
import type { KubeObject } from '../store/types.ts';

const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dnsSubdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const labelName = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const labelValue = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function invalid(causes: StatusCause[], field: string, value: unknown, message: string): void {
  causes.push({
    reason: 'FieldValueInvalid',
    message: `Invalid value: ${JSON.stringify(value)}: ${message}`,
    field,
  });
}

function validateLabels(labels: Record<string, string>, causes: StatusCause[]): void {
  for (const [key, value] of Object.entries(labels)) {
    const slash = key.lastIndexOf('/');
    const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
    const name = slash >= 0 ? key.slice(slash + 1) : key;
    const keyOk =
      labelName.test(name) &&
      name.length <= 63 &&
      (prefix === undefined || (dnsSubdomain.test(prefix) && prefix.length <= 253));
    if (!keyOk)
      invalid(
        causes,
        'metadata.labels',
        key,
        "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
      );
    if (typeof value !== 'string' || !labelValue.test(value) || value.length > 63) {
      invalid(
        causes,
        `metadata.labels`,
        value,
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character, at most 63 characters",
      );
    }
  }
}

export function validatePod(pod: KubeObject): void {
  const causes: StatusCause[] = [];
  const name = pod.metadata.name;
  if (!dnsSubdomain.test(name) || name.length > 63) {
    invalid(
      causes,
      'metadata.name',
      name,
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character, at most 63 characters",
    );
  }
  validateLabels(pod.metadata.labels ?? {}, causes);

  const spec = (pod.spec ?? {}) as {
    containers?: unknown;
    initContainers?: unknown;
    volumes?: unknown;
  };
  const containers = Array.isArray(spec.containers) ? spec.containers : [];
  if (containers.length === 0)
    causes.push({
      reason: 'FieldValueRequired',
      message: 'Required value',
      field: 'spec.containers',
    });
  const volumes = (Array.isArray(spec.volumes) ? spec.volumes : []) as { name?: string }[];
  const volumeNames = new Set<string>();
  for (const [i, volume] of volumes.entries()) {
    if (!volume.name || !dnsLabel.test(volume.name) || volume.name.length > 63)
      invalid(causes, `spec.volumes[${i}].name`, volume.name, 'must be a DNS label');
    else if (volumeNames.has(volume.name))
      causes.push({
        reason: 'FieldValueDuplicate',
        message: `Duplicate value: "${volume.name}"`,
        field: `spec.volumes[${i}].name`,
      });
    volumeNames.add(volume.name ?? '');
  }
  const containerNames = new Set<string>();
  const families = [
    ['containers', containers],
    ['initContainers', Array.isArray(spec.initContainers) ? spec.initContainers : []],
  ] as const;
  for (const [family, list] of families) {
    for (const [i, raw] of (list as Record<string, unknown>[]).entries()) {
      const path = `spec.${family}[${i}]`;
      const cname = raw.name as string | undefined;
      if (!cname || !dnsLabel.test(cname))
        invalid(causes, `${path}.name`, cname, 'must be a DNS label');
      else if (containerNames.has(cname))
        causes.push({
          reason: 'FieldValueDuplicate',
          message: `Duplicate value: "${cname}"`,
          field: `${path}.name`,
        });
      containerNames.add(cname ?? '');
      if (!raw.image)
        causes.push({
          reason: 'FieldValueRequired',
          message: 'Required value',
          field: `${path}.image`,
        });
      for (const [j, mount] of (
        (raw.volumeMounts ?? []) as { name?: string; mountPath?: string }[]
      ).entries()) {
        if (!volumeNames.has(mount.name ?? ''))
          causes.push({
            reason: 'FieldValueNotFound',
            message: `Not found: "${mount.name}"`,
            field: `${path}.volumeMounts[${j}].name`,
          });
        if (!mount.mountPath?.startsWith('/'))
          invalid(
            causes,
            `${path}.volumeMounts[${j}].mountPath`,
            mount.mountPath,
            'must be an absolute path',
          );
      }
    }
  }
  if (causes.length === 0) return;
  const summary = causes.map((c) => `${c.field}: ${c.message}`).join(', ');
  throw new StatusError('Invalid', `Pod "${name}" is invalid: ${summary}`, {
    name,
    kind: 'Pod',
    causes,
  });
}
