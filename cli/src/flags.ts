// The flags every command shares. Names and environment variables follow Concourse's
// (`--postgres-host` / `CONCOURSE_POSTGRES_HOST`), so an existing deployment's settings carry over.
import { Option, type Command } from 'commander';
import { parseDuration } from './durations.ts';

export function envName(flag: string): string {
  return `CONCOURSE_${flag.replace(/^--/, '').replaceAll('-', '_').toUpperCase()}`;
}

/** An option whose value may also come from its CONCOURSE_* environment variable. */
export function option(flags: string, description: string, defaultValue?: string): Option {
  const long = flags.split(/[ ,]+/).find((f) => f.startsWith('--'))!;
  const opt = new Option(flags, description).env(envName(long));
  return defaultValue === undefined ? opt : opt.default(defaultValue);
}

export function repeatable(flags: string, description: string): Option {
  const long = flags.split(/[ ,]+/).find((f) => f.startsWith('--'))!;
  return new Option(flags, description)
    .env(envName(long))
    .argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value])
    .default([]);
}

/**
 * With `embedded`, a command that starts its own Postgres unless a host or port is named shows that
 * as the default instead of an address it would not use.
 */
export function addPostgresFlags(cmd: Command, { embedded = false } = {}): Command {
  const host = embedded
    ? option(
        '--postgres-host <host>',
        'Postgres host (default: an embedded Postgres in --data-dir)',
      )
    : option('--postgres-host <host>', 'Postgres host', '127.0.0.1');
  const port = embedded
    ? option(
        '--postgres-port <port>',
        'Postgres port (default: 5432 when --postgres-host is given)',
      )
    : option('--postgres-port <port>', 'Postgres port', '5432');
  return cmd
    .addOption(host)
    .addOption(port)
    .addOption(option('--postgres-user <user>', 'Postgres user', 'postgres'))
    .addOption(option('--postgres-password <password>', 'Postgres password'))
    .addOption(option('--postgres-database <name>', 'Postgres database', 'atc'));
}

export function addNatsFlags(cmd: Command, required: boolean): Command {
  const opt = option(
    '--nats-url <url>',
    required
      ? 'NATS server with JetStream'
      : 'NATS server with JetStream (default: in-process bus)',
  );
  return cmd
    .addOption(required ? opt.default('nats://127.0.0.1:4222') : opt)
    .addOption(
      option(
        '--nats-namespace <prefix>',
        'prefix of subjects and streams, so several installations can share one NATS server',
      ),
    );
}

export function addCommonFlags(cmd: Command): Command {
  return cmd
    .addOption(
      option('--log-level <level>', 'debug, info, warn or error', 'info').choices([
        'debug',
        'info',
        'warn',
        'error',
      ]),
    )
    .addOption(option('--metrics-bind-port <port>', 'port of /metrics for this service'));
}

export function addKubernetesClusterFlags(cmd: Command, namespaceRequired = true): Command {
  const ns = option(
    '--kubernetes-namespace <namespace>',
    'namespace of step pods (the worker is named k8s-<namespace>)',
  );
  return cmd
    .addOption(namespaceRequired ? ns.makeOptionMandatory() : ns.default('default'))
    .addOption(
      option(
        '--kubernetes-kubeconfig <path>',
        'kubeconfig of the cluster; without it the in-cluster service account is used',
      ),
    );
}

export function addPodExecutorFlags(cmd: Command): Command {
  return cmd
    .addOption(
      option('--kubernetes-pod-startup-timeout <duration>', 'max time to reach Running', '5m'),
    )
    .addOption(option('--kubernetes-cache-pvc <claim>', 'claim for the shared task cache'))
    .addOption(option('--kubernetes-artifact-store-claim <claim>', 'claim for artifact passing'))
    .addOption(
      option(
        '--kubernetes-artifact-helper-image <image>',
        'init and sidecar image; needs tar',
        'alpine:latest',
      ),
    )
    .addOption(
      option(
        '--kubernetes-toolbox-image <image>',
        'image whose statically linked /bin/busybox runs steps of images without sh',
        'busybox:stable-musl',
      ),
    )
    .addOption(repeatable('--kubernetes-image-pull-secret <secret>', 'pull secret of step pods'))
    .addOption(option('--kubernetes-service-account <name>', 'service account of step pods'))
    .addOption(
      option(
        '--kubernetes-image-registry-prefix <prefix>',
        'registry for custom resource type images',
      ),
    )
    .addOption(
      option('--kubernetes-image-registry-secret <secret>', 'pull secret for that registry'),
    )
    .addOption(option('--max-in-flight-steps <n>', 'steps one executor runs at once', '32'))
    .addOption(
      option(
        '--step-job-ack-wait <duration>',
        'how long a step stays with an executor that stopped answering before another takes it over',
        '30s',
      ),
    );
}

export function addWebFlags(cmd: Command): Command {
  return cmd
    .addOption(option('--bind-ip <ip>', 'address the web server listens on', '0.0.0.0'))
    .addOption(option('--bind-port <port>', 'port the web server listens on', '8080'))
    .addOption(option('--external-url <url>', 'URL users reach JetBridge at'))
    .addOption(option('--cluster-name <name>', 'name shown in the UI'))
    .addOption(
      repeatable('--add-local-user <user:password>', 'local user (plain or bcrypt password)'),
    )
    .addOption(repeatable('--main-team-local-user <user>', 'local user who owns the main team'))
    .addOption(option('--main-team-config <path>', 'main team roles in `fly set-team -c` format'))
    .addOption(repeatable('--main-team-oidc-user <user>', 'OIDC user who owns the main team'))
    .addOption(repeatable('--main-team-oidc-group <group>', 'OIDC group that owns the main team'))
    .addOption(repeatable('--main-team-github-user <login>', 'GitHub user who owns the main team'))
    .addOption(repeatable('--main-team-github-org <org>', 'GitHub org that owns the main team'))
    .addOption(repeatable('--main-team-github-team <org:team>', 'GitHub team that owns main'))
    .addOption(option('--auth-duration <duration>', 'lifetime of access tokens', '24h'))
    .addOption(
      option(
        '--session-signing-key <path>',
        'key file signing browser sessions, the same for every replica (default: kept in the database)',
      ),
    )
    .addOption(option('--oidc-display-name <name>', 'name of the OIDC login button', 'OIDC'))
    .addOption(option('--oidc-issuer <url>', 'OpenID Connect issuer; enables the OIDC connector'))
    .addOption(option('--oidc-client-id <id>', 'client id registered with the OIDC provider'))
    .addOption(option('--oidc-client-secret <secret>', 'client secret for the OIDC provider'))
    .addOption(
      repeatable('--oidc-scope <scope>', 'scope to request (default profile, email, groups)'),
    )
    .addOption(option('--oidc-groups-key <claim>', 'claim holding the groups', 'groups'))
    .addOption(option('--oidc-user-name-key <claim>', 'claim naming the user', 'username'))
    .addOption(repeatable('--oidc-ca-cert <path>', 'CA certificate (PEM) of the OIDC provider'))
    .addOption(
      new Option('--oidc-skip-ssl-validation', 'accept any certificate from the OIDC provider').env(
        envName('--oidc-skip-ssl-validation'),
      ),
    )
    .addOption(
      option('--github-client-id <id>', 'GitHub OAuth app client id; enables GitHub login'),
    )
    .addOption(option('--github-client-secret <secret>', 'GitHub OAuth app client secret'))
    .addOption(option('--github-host <host>', 'GitHub Enterprise host (default github.com)'))
    .addOption(
      option('--build-lease <duration>', 'how long a replica owns a build without renewing', '30s'),
    );
}

export function addReaperFlags(cmd: Command): Command {
  return cmd
    .addOption(
      option(
        '--gc-interval <duration>',
        'interval of garbage collection: pods, artifact tars, cache directories, build logs',
        '30s',
      ),
    )
    .addOption(
      option(
        '--gc-hijack-grace-period <duration>',
        'how long finished step pods are kept for fly intercept',
        '5m',
      ),
    )
    .addOption(
      option('--heartbeat-interval <duration>', 'interval of the worker row heartbeat', '15s'),
    )
    .addOption(
      option(
        '--worker-ttl <duration>',
        'how long the worker row stays running without a heartbeat (default: twice the interval)',
      ),
    )
    .addOption(
      option(
        '--default-build-logs-to-retain <n>',
        'build logs a job keeps when its config names no build_log_retention builds (0: all)',
        '0',
      ),
    )
    .addOption(
      option('--max-build-logs-to-retain <n>', 'most build logs any job keeps (0: no limit)', '0'),
    )
    .addOption(
      option(
        '--default-days-to-retain-build-logs <n>',
        'days a job keeps build logs when its config names no build_log_retention days (0: ever)',
        '0',
      ),
    )
    .addOption(
      option(
        '--max-days-to-retain-build-logs <n>',
        'most days any job keeps build logs (0: no limit)',
        '0',
      ),
    );
}

/**
 * With `inProcess`, the artifact service runs inside a command that keeps its data in --data-dir and
 * needs no fixed port: the help says so instead of showing the standalone service's defaults.
 */
export function addArtifactsFlags(cmd: Command, { inProcess = false } = {}): Command {
  const storeDir = inProcess
    ? option(
        '--artifact-store-dir <path>',
        'where artifacts are kept (default: the artifact claim under --data-dir, or <data-dir>/artifacts)',
      )
    : option(
        '--artifact-store-dir <path>',
        'where the artifact store claim is mounted',
        '/artifacts',
      );
  const bindPort = inProcess
    ? option('--artifacts-bind-port <port>', 'port of the artifact service (default: a free port)')
    : option('--artifacts-bind-port <port>', 'port of the artifact service', '7788');
  return cmd
    .addOption(storeDir)
    .addOption(bindPort)
    .addOption(
      option('--max-artifact-size <bytes>', 'largest accepted upload', `${10 * 1024 ** 3}`),
    )
    .addOption(
      option(
        '--cache-claim-dir <path>',
        'where the task cache claim is mounted; enables GC of unreferenced cache directories',
      ),
    );
}

export function duration(value: string, flag: string): number {
  try {
    return parseDuration(value);
  } catch (err) {
    throw new Error(`${flag}: ${(err as Error).message}`, { cause: err });
  }
}

export function integer(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`${flag}: expected a whole number, got "${value}"`);
  return n;
}
