// docker-compose.yml: every JetBridge container's command and CONCOURSE_* environment are accepted
// by the binary's parser, and the services start in an order that works.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { parseServiceArgv, ArgvRejectedError } from './support/jetbridge-argv.ts';

interface ComposeService {
  image?: string;
  command?: string[] | string;
  environment?: Record<string, string | number>;
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
}

const path = new URL('../../docker-compose.yml', import.meta.url);

// Compose substitutes ${NAME:-default} from the caller's environment; the defaults are what a
// plain `docker compose up` runs with.
function withDefaults(text: string): string {
  return text.replace(/\$\{[A-Z0-9_]+:-([^}]*)\}/g, '$1');
}

const compose = parse(withDefaults(readFileSync(path, 'utf8')), { merge: true }) as {
  services: Record<string, ComposeService>;
};
const services = compose.services;
const jetbridge = Object.entries(services).filter(([, s]) => s.image?.startsWith('jetbridge:'));

function argv(service: ComposeService): string[] {
  assert.ok(Array.isArray(service.command), 'commands are lists, so no shell splits them');
  return service.command.map(String);
}

function environment(service: ComposeService): Record<string, string> {
  return Object.fromEntries(
    Object.entries(service.environment ?? {}).map(([k, v]) => [k, String(v)]),
  );
}

describe('docker-compose.yml', () => {
  it('runs every service and the migrations from the image build.sh builds', () => {
    assert.deepEqual(jetbridge.map(([, s]) => argv(s)[0]).sort(), [
      'artifacts',
      'migrate',
      'pod-executor',
      'reaper',
      'web',
    ]);
  });

  it('starts every container with flags the binary accepts', () => {
    const rejected: string[] = [];
    for (const [name, service] of jetbridge) {
      try {
        parseServiceArgv(argv(service), environment(service));
      } catch (err) {
        if (!(err instanceof ArgvRejectedError)) throw err;
        rejected.push(`${name}: ${err.message}`);
      }
    }
    assert.deepEqual(rejected, []);
  });

  it('runs NATS with JetStream', () => {
    assert.ok(argv(services.nats!).includes('-js'));
  });

  it('migrates once Postgres is ready, and starts what uses the database after that', () => {
    assert.equal(services.migrate!.depends_on?.postgres?.condition, 'service_healthy');
    for (const name of ['web', 'artifacts', 'reaper']) {
      assert.equal(
        services[name]!.depends_on?.migrate?.condition,
        'service_completed_successfully',
        name,
      );
    }
  });

  it('mounts a kubeconfig where the executor and the reaper are told to read it', () => {
    for (const name of ['pod-executor', 'reaper']) {
      const service = services[name]!;
      const { options } = parseServiceArgv(argv(service), environment(service));
      const kubeconfig = String(options.kubernetesKubeconfig);
      const mount = (service.volumes ?? []).find((v) => v.split(':')[1] === kubeconfig);
      assert.ok(mount, `${name} reads ${kubeconfig}, which nothing mounts`);
      assert.match(mount, /:ro$/);
    }
  });

  it('gives the services that share the database the same connection', () => {
    const settings = jetbridge
      .filter(([name]) => name !== 'pod-executor')
      .map(([, s]) => parseServiceArgv(argv(s), environment(s)).options)
      .map((o) =>
        [o.postgresHost, o.postgresUser, o.postgresDatabase, o.postgresPassword].join(' '),
      );
    assert.equal(new Set(settings).size, 1);
    const pg = services.postgres!.environment!;
    assert.equal(
      settings[0],
      `postgres ${pg.POSTGRES_USER} ${pg.POSTGRES_DB} ${pg.POSTGRES_PASSWORD}`,
    );
  });
});
