// The containers a rendered chart runs from the JetBridge image, each with the argument list and
// the environment it would start with: envFrom and valueFrom resolved against the ConfigMaps and
// Secrets rendered beside it, in its own namespace, as the kubelet resolves them.
import type { Manifest } from './helm.ts';

export interface JetbridgeContainer {
  workload: string;
  kind: string;
  namespace: string;
  container: string;
  command: string[] | undefined;
  args: string[];
  env: Record<string, string>;
  ports: { name?: string; containerPort: number }[];
  podAnnotations: Record<string, string>;
  podSpec: PodSpec;
}

interface EnvSource {
  configMapRef?: { name: string };
  secretRef?: { name: string };
}

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name: string; key: string };
    configMapKeyRef?: { name: string; key: string };
  };
}

interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: EnvVar[];
  envFrom?: EnvSource[];
  ports?: { name?: string; containerPort: number }[];
}

export interface PodSpec {
  serviceAccountName?: string;
  containers: Container[];
  initContainers?: Container[];
  volumes?: { name: string; persistentVolumeClaim?: { claimName: string } }[];
}

interface PodTemplate {
  metadata?: { annotations?: Record<string, string> };
  spec: PodSpec;
}

const workloadKinds = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job']);

function keyedData(doc: Manifest): Record<string, string> {
  const data = (doc.data ?? {}) as Record<string, string>;
  if (doc.kind === 'ConfigMap') return { ...data };
  const decoded = Object.fromEntries(
    Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]),
  );
  return { ...decoded, ...((doc.stringData ?? {}) as Record<string, string>) };
}

function lookup(docs: Manifest[], kind: string, name: string, namespace: string) {
  const found = docs.find(
    (d) =>
      d.kind === kind && d.metadata.name === name && (d.metadata.namespace ?? '') === namespace,
  );
  if (!found) throw new Error(`${kind} ${namespace}/${name} is referenced but not rendered`);
  return keyedData(found);
}

function resolveEnv(docs: Manifest[], c: Container, namespace: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const source of c.envFrom ?? []) {
    if (source.configMapRef)
      Object.assign(env, lookup(docs, 'ConfigMap', source.configMapRef.name, namespace));
    if (source.secretRef)
      Object.assign(env, lookup(docs, 'Secret', source.secretRef.name, namespace));
  }
  for (const v of c.env ?? []) {
    const ref = v.valueFrom?.secretKeyRef ?? v.valueFrom?.configMapKeyRef;
    if (!ref) {
      env[v.name] = v.value ?? '';
      continue;
    }
    const kind = v.valueFrom?.secretKeyRef ? 'Secret' : 'ConfigMap';
    const data = lookup(docs, kind, ref.name, namespace);
    if (!(ref.key in data))
      throw new Error(`${kind} ${namespace}/${ref.name} has no key ${ref.key}`);
    env[v.name] = data[ref.key]!;
  }
  return env;
}

function podTemplate(doc: Manifest): PodTemplate {
  const spec = doc.spec as {
    template?: PodTemplate;
    jobTemplate?: { spec: { template: PodTemplate } };
  };
  return spec.template ?? spec.jobTemplate!.spec.template;
}

/** Every container whose image is `<repository>:<tag>` of the JetBridge image. */
export function jetbridgeContainers(
  docs: Manifest[],
  repository = 'jetbridge',
): JetbridgeContainer[] {
  const found: JetbridgeContainer[] = [];
  for (const doc of docs.filter((d) => workloadKinds.has(d.kind))) {
    const template = podTemplate(doc);
    const namespace = doc.metadata.namespace ?? '';
    const all = [...(template.spec.initContainers ?? []), ...template.spec.containers];
    for (const c of all.filter((c) => c.image.split(':')[0] === repository)) {
      found.push({
        workload: doc.metadata.name,
        kind: doc.kind,
        namespace,
        container: c.name,
        command: c.command,
        args: c.args ?? [],
        env: resolveEnv(docs, c, namespace),
        ports: c.ports ?? [],
        podAnnotations: template.metadata?.annotations ?? {},
        podSpec: template.spec,
      });
    }
  }
  return found;
}
