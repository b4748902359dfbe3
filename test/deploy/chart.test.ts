// The Helm chart as `helm template` renders it: every container of the JetBridge image starts with
// arguments and CONCOURSE_* variables the binary's own parser accepts, for each values file in
// deploy/chart/ci, and the chart wires claims, RBAC, autoscaling and metrics as documented.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseServiceArgv, ArgvRejectedError } from './support/jetbridge-argv.ts';
import { chartCopy, findHelm, lintChart, renderChart, type Manifest } from './support/helm.ts';
import { jetbridgeContainers, type JetbridgeContainer } from './support/containers.ts';

const helm = findHelm();
const valuesFiles = [
  'default-values.yaml',
  'external-values.yaml',
  'claims-values.yaml',
  'hpa-values.yaml',
];

function byKind(docs: Manifest[], kind: string): Manifest[] {
  return docs.filter((d) => d.kind === kind);
}

function service(containers: JetbridgeContainer[], subcommand: string): JetbridgeContainer {
  const found = containers.find((c) => c.args[0] === subcommand);
  assert.ok(found, `no container runs jetbridge ${subcommand}`);
  return found;
}

function flagValues(c: JetbridgeContainer, flag: string): string[] {
  return c.args.filter((a) => a.startsWith(`${flag}=`)).map((a) => a.slice(flag.length + 1));
}

describe('the chart rendered by helm', { skip: helm ? false : 'helm is not installed' }, () => {
  const rendered = new Map<string, Manifest[]>();
  let copy: { dir: string; close(): void };

  before(() => {
    copy = chartCopy();
    for (const file of valuesFiles) rendered.set(file, renderChart(helm!, copy.dir, file));
  });
  after(() => copy?.close());

  const docs = (file: string) => rendered.get(file)!;

  for (const file of valuesFiles) {
    it(`starts every container with flags the binary accepts (${file})`, () => {
      const containers = jetbridgeContainers(docs(file));
      assert.ok(containers.length >= 5);
      const rejected: string[] = [];
      for (const c of containers) {
        assert.equal(
          c.command,
          undefined,
          `${c.workload} overrides the image's jetbridge entrypoint`,
        );
        try {
          parseServiceArgv(c.args, c.env);
        } catch (err) {
          if (!(err instanceof ArgvRejectedError)) throw err;
          rejected.push(`${c.kind} ${c.workload}: ${err.message}`);
        }
      }
      assert.deepEqual(rejected, []);
    });
  }

  for (const file of ['default-values.yaml', 'claims-values.yaml']) {
    it(`passes helm lint (${file})`, () => {
      assert.match(lintChart(helm!, copy.dir, file), /0 chart\(s\) failed/);
    });
  }

  it('runs every service, and the migrations as a hook before upgrades', () => {
    const containers = jetbridgeContainers(docs('default-values.yaml'));
    assert.deepEqual(containers.map((c) => c.args[0]).sort(), [
      'artifacts',
      'migrate',
      'pod-executor',
      'reaper',
      'web',
    ]);
    const job = byKind(docs('default-values.yaml'), 'Job')[0]!;
    assert.equal(job.metadata.annotations?.['helm.sh/hook'], 'post-install,pre-upgrade');
  });

  it('refuses to render a flag the binary does not know', () => {
    const web = service(jetbridgeContainers(docs('default-values.yaml')), 'web');
    assert.throws(
      () => parseServiceArgv([...web.args, '--no-such-flag=1'], web.env),
      ArgvRejectedError,
    );
    assert.throws(
      () => parseServiceArgv(['pod-executor'], { CONCOURSE_NATS_URL: 'nats://x:4222' }),
      /kubernetes-namespace/,
    );
  });

  it('connects the services to the bundled Postgres and NATS, which share the password Secret', () => {
    const all = docs('default-values.yaml');
    const web = service(jetbridgeContainers(all), 'web');
    assert.equal(web.env.CONCOURSE_POSTGRES_HOST, 'ci-release-postgresql.ci.svc');
    assert.equal(web.env.CONCOURSE_NATS_URL, 'nats://ci-release-nats.ci.svc:4222');
    assert.match(web.env.CONCOURSE_POSTGRES_PASSWORD ?? '', /^[A-Za-z0-9]{32}$/);

    const standIn = all.find((d) => d.metadata.name === 'stand-in-postgresql')!;
    const data = standIn.data as Record<string, string>;
    assert.equal(data.existingSecret, 'ci-release-jetbridge-postgres');
    const secret = all.find((d) => d.kind === 'Secret' && d.metadata.name === data.existingSecret)!;
    assert.ok(data.adminPasswordKey! in (secret.data as Record<string, string>));
  });

  it('connects the services to the external Postgres and NATS when the bundled ones are off', () => {
    const all = docs('external-values.yaml');
    assert.equal(
      all.find((d) => d.metadata.name === 'stand-in-postgresql'),
      undefined,
    );
    for (const c of jetbridgeContainers(all).filter((c) => c.args[0] !== 'pod-executor')) {
      const parsed = parseServiceArgv(c.args, c.env).options;
      assert.equal(parsed.postgresHost, 'db.example.internal', c.workload);
      assert.equal(parsed.postgresPort, '6432');
      assert.equal(parsed.postgresUser, 'jetbridge');
      assert.equal(parsed.postgresDatabase, 'concourse');
      assert.equal(parsed.postgresPassword, 's3cret');
    }
    const executor = service(jetbridgeContainers(all), 'pod-executor');
    assert.equal(
      parseServiceArgv(executor.args, executor.env).options.natsUrl,
      'nats://nats.example.internal:4222',
    );
  });

  it('creates both claims and hands them to step pods and to every artifacts replica', () => {
    const all = docs('default-values.yaml');
    const claims = byKind(all, 'PersistentVolumeClaim');
    assert.deepEqual(claims.map((c) => c.metadata.name).sort(), [
      'ci-release-jetbridge-artifacts',
      'ci-release-jetbridge-cache',
    ]);
    for (const claim of claims) {
      assert.deepEqual((claim.spec as { accessModes: string[] }).accessModes, ['ReadWriteMany']);
    }
    const containers = jetbridgeContainers(all);
    const executor = service(containers, 'pod-executor');
    assert.deepEqual(flagValues(executor, '--kubernetes-artifact-store-claim'), [
      'ci-release-jetbridge-artifacts',
    ]);
    assert.deepEqual(flagValues(executor, '--kubernetes-cache-pvc'), [
      'ci-release-jetbridge-cache',
    ]);
    const artifacts = service(containers, 'artifacts');
    const volumes = artifacts.podSpec.volumes ?? [];
    assert.ok(
      volumes.some((v) => v.persistentVolumeClaim?.claimName === 'ci-release-jetbridge-artifacts'),
    );
  });

  it('uses existing claims and runs artifacts beside step pods in their own namespace', () => {
    const all = docs('claims-values.yaml');
    assert.deepEqual(byKind(all, 'PersistentVolumeClaim'), []);
    const containers = jetbridgeContainers(all);
    const executor = service(containers, 'pod-executor');
    assert.deepEqual(flagValues(executor, '--kubernetes-artifact-store-claim'), [
      'shared-artifacts',
    ]);
    assert.deepEqual(flagValues(executor, '--kubernetes-cache-pvc'), ['shared-cache']);
    assert.deepEqual(flagValues(executor, '--kubernetes-toolbox-image'), [
      'registry.example.com/tools/busybox:stable-musl',
    ]);
    assert.deepEqual(flagValues(executor, '--kubernetes-image-pull-secret'), [
      'step-pull-a',
      'step-pull-b',
    ]);
    assert.equal(service(containers, 'artifacts').namespace, 'jetbridge-steps');
    assert.equal(service(containers, 'web').namespace, 'ci');
  });

  it('lets the executor and the reaper manage step pods in the step namespace, and nothing more', () => {
    const all = docs('claims-values.yaml');
    const roles = byKind(all, 'Role');
    assert.equal(roles.length, 2);
    for (const role of roles) {
      assert.equal(role.metadata.namespace, 'jetbridge-steps');
      assert.deepEqual(role.rules, [
        {
          apiGroups: [''],
          resources: ['pods'],
          verbs: ['get', 'list', 'watch', 'create', 'delete', 'deletecollection'],
        },
        { apiGroups: [''], resources: ['pods/exec'], verbs: ['create', 'get'] },
        { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
        { apiGroups: [''], resources: ['events'], verbs: ['list'] },
      ]);
    }
    const containers = jetbridgeContainers(all);
    for (const name of ['pod-executor', 'reaper']) {
      const account = service(containers, name).podSpec.serviceAccountName;
      const binding = byKind(all, 'RoleBinding').find((b) => b.metadata.name === account)!;
      assert.deepEqual(binding.subjects, [
        { kind: 'ServiceAccount', name: account, namespace: 'ci' },
      ]);
    }
  });

  it('scales every service with an autoscaler that owns its replica count', () => {
    const all = docs('hpa-values.yaml');
    const targets = byKind(all, 'HorizontalPodAutoscaler').map(
      (h) => (h.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name,
    );
    const deployments = byKind(all, 'Deployment');
    assert.deepEqual(targets.sort(), deployments.map((d) => d.metadata.name).sort());
    for (const d of deployments)
      assert.equal((d.spec as { replicas?: number }).replicas, undefined);
    assert.equal(byKind(docs('default-values.yaml'), 'HorizontalPodAutoscaler').length, 0);
  });

  it('exposes /metrics of every service to annotation scraping and to ServiceMonitors', () => {
    const all = docs('claims-values.yaml');
    for (const c of jetbridgeContainers(all).filter((c) => c.kind === 'Deployment')) {
      assert.equal(c.podAnnotations['prometheus.io/path'], '/metrics');
      const port = Number(c.podAnnotations['prometheus.io/port']);
      assert.ok(
        c.ports.some((p) => p.containerPort === port),
        `${c.workload} scrapes a closed port`,
      );
    }
    const monitors = byKind(all, 'ServiceMonitor');
    assert.equal(monitors.length, 4);
    for (const m of monitors) {
      const spec = m.spec as {
        endpoints: { port: string }[];
        selector: { matchLabels: Record<string, string> };
      };
      const target = byKind(all, 'Service').find(
        (s) =>
          s.metadata.namespace === m.metadata.namespace &&
          Object.entries(spec.selector.matchLabels).every(([k, v]) => s.metadata.labels?.[k] === v),
      );
      assert.ok(target, `${m.metadata.name} selects no Service`);
      const ports = (target.spec as { ports: { name: string }[] }).ports.map((p) => p.name);
      assert.ok(
        ports.includes(spec.endpoints[0]!.port),
        `${m.metadata.name} names a port its Service lacks`,
      );
    }
  });

  it('mounts one session signing key Secret in every web replica', () => {
    const all = docs('default-values.yaml');
    const web = service(jetbridgeContainers(all), 'web');
    const volume = (web.podSpec.volumes ?? []).find((v) => v.name === 'session') as
      { secret: { secretName: string } } | undefined;
    assert.ok(volume);
    const secret = all.find(
      (d) => d.kind === 'Secret' && d.metadata.name === volume.secret.secretName,
    )!;
    const key = Buffer.from(
      (secret.data as Record<string, string>)['session-signing-key']!,
      'base64',
    );
    assert.match(key.toString('utf8'), /^-----BEGIN RSA PRIVATE KEY-----/);

    const managed = docs('claims-values.yaml');
    const mounted = (service(jetbridgeContainers(managed), 'web').podSpec.volumes ?? []).find(
      (v) => v.name === 'session',
    ) as { secret: { secretName: string } } | undefined;
    assert.equal(mounted?.secret.secretName, 'jetbridge-session');
    assert.equal(
      managed.filter((d) => d.metadata.name === 'ci-release-jetbridge-web-session').length,
      0,
    );
  });

  it('refuses several artifacts replicas without a shared artifact store claim', () => {
    assert.throws(
      () =>
        renderChart(helm!, copy.dir, 'hpa-values.yaml', [
          '--set',
          'global.persistence.artifactStore.enabled=false',
        ]),
      /more than one replica needs global.persistence.artifactStore/,
    );
    const single = renderChart(helm!, copy.dir, 'external-values.yaml', [
      '--set',
      'global.persistence.artifactStore.enabled=false',
      '--set',
      'artifacts.replicaCount=1',
    ]);
    const executor = service(jetbridgeContainers(single), 'pod-executor');
    assert.deepEqual(flagValues(executor, '--kubernetes-artifact-store-claim'), []);
  });
});
