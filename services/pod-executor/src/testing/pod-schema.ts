// Validates a pod offline against the official core/v1 schemas: the kubernetes-models validator
// (types, required fields, enums) plus an unknown-field check driven by @kubernetes/client-node's
// generated models (both come from the Kubernetes OpenAPI document), plus the name rules the API
// server applies on create (DNS labels, label syntax, qualified keys, unique volume names).
import * as k8s from '@kubernetes/client-node';
import { Pod } from 'kubernetes-models/v1/Pod';

interface AttributeType {
  baseName: string;
  type: string;
}
type ModelClass = { getAttributeTypeMap(): AttributeType[] };

const models = k8s as unknown as Record<string, ModelClass | undefined>;
const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dnsSubdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const labelValueSyntax = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const qualifiedName = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const quantity = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+|Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)?$/;

function unknownFields(value: unknown, type: string, path: string, errors: string[]): void {
  if (value === null || value === undefined) return;
  const array = /^Array<(.+)>$/.exec(type);
  if (array) {
    if (!Array.isArray(value)) return;
    value.forEach((item, i) => unknownFields(item, array[1]!, `${path}/${i}`, errors));
    return;
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) {
    for (const [key, item] of Object.entries(value as object))
      unknownFields(item, map[1]!, `${path}/${key}`, errors);
    return;
  }
  const model = models[type];
  if (!model || typeof model.getAttributeTypeMap !== 'function') return;
  if (typeof value !== 'object' || Array.isArray(value)) return;
  const attributes = new Map(model.getAttributeTypeMap().map((a) => [a.baseName, a.type]));
  for (const [key, item] of Object.entries(value)) {
    const attributeType = attributes.get(key);
    if (attributeType === undefined) errors.push(`${path}/${key}: unknown field in ${type}`);
    else unknownFields(item, attributeType, `${path}/${key}`, errors);
  }
}

function qualifiedKeyErrors(key: string): boolean {
  const slash = key.lastIndexOf('/');
  const name = slash < 0 ? key : key.slice(slash + 1);
  const prefix = slash < 0 ? null : key.slice(0, slash);
  if (prefix !== null && (prefix.length > 253 || !dnsSubdomain.test(prefix))) return true;
  return name.length > 63 || !qualifiedName.test(name);
}

function nameErrors(pod: k8s.V1Pod, errors: string[]): void {
  const name = pod.metadata?.name ?? '';
  if (name.length > 63 || !dnsLabel.test(name))
    errors.push(`metadata.name ${name}: not a DNS label`);
  for (const [key, value] of Object.entries(pod.metadata?.labels ?? {})) {
    if (qualifiedKeyErrors(key)) errors.push(`label key ${key}: not a qualified name`);
    if (value.length > 63 || !labelValueSyntax.test(value))
      errors.push(`label ${key}=${value}: not a label value`);
  }
  let annotationBytes = 0;
  for (const [key, value] of Object.entries(pod.metadata?.annotations ?? {})) {
    if (qualifiedKeyErrors(key)) errors.push(`annotation key ${key}: not a qualified name`);
    annotationBytes += Buffer.byteLength(key) + Buffer.byteLength(value);
  }
  if (annotationBytes > 256 * 1024) errors.push('annotations exceed 256 KiB');

  const spec = pod.spec;
  const volumes = new Set<string>();
  for (const volume of spec?.volumes ?? []) {
    if (!dnsLabel.test(volume.name) || volume.name.length > 63)
      errors.push(`volume ${volume.name}: not a DNS label`);
    if (volumes.has(volume.name)) errors.push(`volume ${volume.name}: duplicate`);
    volumes.add(volume.name);
  }
  const containers = [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])];
  const containerNames = new Set<string>();
  for (const container of containers) {
    if (!dnsLabel.test(container.name)) errors.push(`container ${container.name}: not a DNS label`);
    if (containerNames.has(container.name)) errors.push(`container ${container.name}: duplicate`);
    containerNames.add(container.name);
    if (!container.image) errors.push(`container ${container.name}: no image`);
    const paths = new Set<string>();
    for (const mount of container.volumeMounts ?? []) {
      if (!volumes.has(mount.name))
        errors.push(`mount ${mount.mountPath}: no volume ${mount.name}`);
      if (paths.has(mount.mountPath)) errors.push(`mount ${mount.mountPath}: duplicate path`);
      if (!mount.mountPath.startsWith('/')) errors.push(`mount ${mount.mountPath}: not absolute`);
      if (
        mount.subPath &&
        (mount.subPath.startsWith('/') || mount.subPath.split('/').includes('..'))
      )
        errors.push(`mount ${mount.mountPath}: subPath ${mount.subPath} escapes the volume`);
      paths.add(mount.mountPath);
    }
    for (const env of container.env ?? []) {
      if (env.name === '' || env.name.includes('=')) errors.push(`env ${env.name}: invalid name`);
    }
    for (const [kind, amounts] of Object.entries(container.resources ?? {})) {
      for (const [resource, amount] of Object.entries((amounts ?? {}) as Record<string, unknown>)) {
        if (!quantity.test(String(amount)))
          errors.push(`${kind}.${resource} ${amount}: not a quantity`);
      }
    }
  }
  for (const secret of spec?.imagePullSecrets ?? []) {
    if (!secret.name || !dnsSubdomain.test(secret.name))
      errors.push(`imagePullSecret ${secret.name}: not a DNS subdomain`);
  }
  if (spec?.serviceAccountName !== undefined && !dnsSubdomain.test(spec.serviceAccountName))
    errors.push(`serviceAccountName ${spec.serviceAccountName}: not a DNS subdomain`);
}

/** Every reason the API server would refuse this pod; empty when it is valid. */
export function podSchemaErrors(pod: k8s.V1Pod): string[] {
  const errors: string[] = [];
  try {
    new Pod(pod as ConstructorParameters<typeof Pod>[0]).validate();
  } catch (err) {
    errors.push((err as Error).message);
  }
  unknownFields(pod, 'V1Pod', '', errors);
  nameErrors(pod, errors);
  return errors;
}
