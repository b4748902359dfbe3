// Turns parsed flags into running services. Each `jetbridge <service>` command and the quickstart
// share these builders, so one process or four run the same code.
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { connectBus, type Bus } from '@jetbridge/bus';
import {
  createPool,
  ensureDatabase,
  migrate,
  Wakeups,
  type Pool,
  type PostgresSettings,
} from '@jetbridge/db';
import { createLogger, createRegistry, serveMetrics, type Logger } from '@jetbridge/telemetry';
import type { ReaperSettings } from '@jetbridge/reaper';
import type { Registry } from 'prom-client';
import { duration, integer } from './flags.ts';

export interface Stoppable {
  stop(): Promise<void>;
}

export type Flags = Record<string, unknown>;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
// Repeatable flags may also come from one environment variable, comma-separated as in Concourse.
const list = (v: unknown): string[] =>
  (Array.isArray(v) ? (v as string[]) : typeof v === 'string' ? [v] : [])
    .flatMap((entry) => entry.split(','))
    .filter((entry) => entry !== '');

export function postgresSettings(flags: Flags): PostgresSettings {
  return {
    host: str(flags.postgresHost) ?? '127.0.0.1',
    port: Number(flags.postgresPort ?? 5432),
    user: str(flags.postgresUser),
    password: str(flags.postgresPassword),
    database: str(flags.postgresDatabase) ?? 'atc',
  };
}

export interface Database {
  settings: PostgresSettings;
  pool: Pool;
  wakeups: Wakeups;
  close(): Promise<void>;
}

export async function openDatabase(settings: PostgresSettings, logger: Logger): Promise<Database> {
  await ensureDatabase(settings);
  await migrate(settings, logger);
  const pool = createPool(settings);
  const wakeups = new Wakeups(pool, settings);
  await wakeups.start();
  return {
    settings,
    pool,
    wakeups,
    async close() {
      await wakeups.close();
      await pool.end();
    },
  };
}

export async function openBus(flags: Flags, logger: Logger, name: string): Promise<Bus> {
  return connectBus({
    natsUrl: str(flags.natsUrl),
    namespace: str(flags.natsNamespace),
    name,
    onInvalid: (subject, err) =>
      logger.warn({ subject, err: (err as Error).message }, 'invalid-bus-message-dropped'),
  });
}

export function replicaId(service: string): string {
  return `${service}-${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

export function parseLocalUsers(values: string[]) {
  return values.map((value) => {
    const at = value.indexOf(':');
    if (at <= 0) throw new Error(`--add-local-user: expected user:password, got "${value}"`);
    return { username: value.slice(0, at), password: value.slice(at + 1) };
  });
}

export async function startWebService(
  flags: Flags,
  deps: { db: Database; bus: Bus; logger: Logger; registry: Registry },
): Promise<Stoppable & { port: number }> {
  const { startWeb, authSettingsFromFlags, RecentBuildEvents } = await import('@jetbridge/web');
  const bindPort = integer(String(flags.bindPort ?? '8080'), '--bind-port');
  const externalUrl = (str(flags.externalUrl) ?? `http://localhost:${bindPort}`).replace(
    /\/+$/,
    '',
  );
  const web = await startWeb({
    settings: {
      bindIp: str(flags.bindIp) ?? '0.0.0.0',
      bindPort,
      externalUrl,
      clusterName: str(flags.clusterName) ?? '',
      namespace: str(flags.kubernetesNamespace) ?? 'default',
      localUsers: parseLocalUsers(list(flags.addLocalUser)),
      mainTeamLocalUsers: list(flags.mainTeamLocalUser),
      authDurationMs: duration(String(flags.authDuration ?? '24h'), '--auth-duration'),
      buildLeaseMs: duration(String(flags.buildLease ?? '30s'), '--build-lease'),
      auth: await authSettingsFromFlags({
        sessionSigningKey: str(flags.sessionSigningKey),
        mainTeamLocalUsers: list(flags.mainTeamLocalUser),
        mainTeamConfig: str(flags.mainTeamConfig),
        mainTeamOidcUsers: list(flags.mainTeamOidcUser),
        mainTeamOidcGroups: list(flags.mainTeamOidcGroup),
        mainTeamGithubUsers: list(flags.mainTeamGithubUser),
        mainTeamGithubOrgs: list(flags.mainTeamGithubOrg),
        mainTeamGithubTeams: list(flags.mainTeamGithubTeam),
        oidcDisplayName: str(flags.oidcDisplayName),
        oidcIssuer: str(flags.oidcIssuer),
        oidcClientId: str(flags.oidcClientId),
        oidcClientSecret: str(flags.oidcClientSecret),
        oidcScopes: list(flags.oidcScope),
        oidcGroupsKey: str(flags.oidcGroupsKey),
        oidcUserNameKey: str(flags.oidcUserNameKey),
        oidcCaCerts: list(flags.oidcCaCert),
        oidcSkipSslValidation: flags.oidcSkipSslValidation === true,
        githubClientId: str(flags.githubClientId),
        githubClientSecret: str(flags.githubClientSecret),
        githubHost: str(flags.githubHost),
      }),
    },
    pool: deps.db.pool,
    wakeups: deps.db.wakeups,
    bus: deps.bus,
    logger: deps.logger,
    registry: deps.registry,
    replicaId: replicaId('web'),
    recentEvents: new RecentBuildEvents(),
  });
  return { port: web.port, stop: () => web.close() };
}

export async function startPodExecutorService(
  flags: Flags,
  deps: { bus: Bus; logger: Logger; registry: Registry },
): Promise<Stoppable> {
  const { startPodExecutor } = await import('@jetbridge/pod-executor');
  return startPodExecutor({
    settings: {
      namespace: String(flags.kubernetesNamespace),
      kubeconfigPath: str(flags.kubernetesKubeconfig) ?? null,
      podStartupTimeoutMs: duration(
        String(flags.kubernetesPodStartupTimeout ?? '5m'),
        '--kubernetes-pod-startup-timeout',
      ),
      maxInFlight: integer(String(flags.maxInFlightSteps ?? '32'), '--max-in-flight-steps'),
      stepJobAckWaitMs: duration(String(flags.stepJobAckWait ?? '30s'), '--step-job-ack-wait'),
      imagePullSecrets: list(flags.kubernetesImagePullSecret),
      serviceAccount: str(flags.kubernetesServiceAccount) ?? null,
      imageRegistryPrefix: str(flags.kubernetesImageRegistryPrefix) ?? null,
      imageRegistrySecret: str(flags.kubernetesImageRegistrySecret) ?? null,
      cacheClaim: str(flags.kubernetesCachePvc) ?? null,
      artifactStoreClaim: str(flags.kubernetesArtifactStoreClaim) ?? null,
      artifactHelperImage: str(flags.kubernetesArtifactHelperImage) ?? 'alpine:latest',
      toolboxImage: str(flags.kubernetesToolboxImage) ?? 'busybox:stable-musl',
    },
    bus: deps.bus,
    logger: deps.logger,
    registry: deps.registry,
  });
}

/** The reaper's settings from its flags; throws on values it cannot run with. */
export function reaperSettings(flags: Flags): ReaperSettings {
  const heartbeatIntervalMs = duration(
    String(flags.heartbeatInterval ?? '15s'),
    '--heartbeat-interval',
  );
  // Concourse registers a worker for twice its heartbeat interval.
  const workerTtlMs = flags.workerTtl
    ? duration(String(flags.workerTtl), '--worker-ttl')
    : 2 * heartbeatIntervalMs;
  if (heartbeatIntervalMs <= 0 || workerTtlMs <= heartbeatIntervalMs) {
    throw new Error(
      '--worker-ttl must be longer than --heartbeat-interval (and both above zero), ' +
        'or the worker row goes stalled between two heartbeats',
    );
  }
  const count = (name: string, flag: string) => integer(String(flags[name] ?? '0'), flag);
  return {
    namespace: String(flags.kubernetesNamespace),
    kubeconfigPath: str(flags.kubernetesKubeconfig) ?? null,
    gcIntervalMs: duration(String(flags.gcInterval ?? '30s'), '--gc-interval'),
    heartbeatIntervalMs,
    workerTtlMs,
    interceptGraceMs: duration(
      String(flags.gcHijackGracePeriod ?? '5m'),
      '--gc-hijack-grace-period',
    ),
    buildLogRetention: {
      defaultBuilds: count('defaultBuildLogsToRetain', '--default-build-logs-to-retain'),
      maxBuilds: count('maxBuildLogsToRetain', '--max-build-logs-to-retain'),
      defaultDays: count('defaultDaysToRetainBuildLogs', '--default-days-to-retain-build-logs'),
      maxDays: count('maxDaysToRetainBuildLogs', '--max-days-to-retain-build-logs'),
    },
  };
}

export async function startReaperService(
  flags: Flags,
  deps: { db: Database; bus: Bus; logger: Logger; registry: Registry },
): Promise<Stoppable> {
  const { startReaper } = await import('@jetbridge/reaper');
  return startReaper({
    settings: reaperSettings(flags),
    pool: deps.db.pool,
    bus: deps.bus,
    logger: deps.logger,
    registry: deps.registry,
  });
}

export async function startArtifactsService(
  flags: Flags,
  deps: { db: Database; bus: Bus; logger: Logger; registry: Registry },
): Promise<Stoppable> {
  const { startArtifacts } = await import('@jetbridge/artifacts');
  return startArtifacts({
    settings: {
      storeDir: String(flags.artifactStoreDir ?? '/artifacts'),
      bindPort: integer(String(flags.artifactsBindPort ?? '7788'), '--artifacts-bind-port'),
      maxUploadBytes: integer(String(flags.maxArtifactSize), '--max-artifact-size'),
      ...(str(flags.cacheClaimDir) ? { cacheDir: String(flags.cacheClaimDir) } : {}),
    },
    pool: deps.db.pool,
    bus: deps.bus,
    logger: deps.logger,
    registry: deps.registry,
  });
}

/** Serves /metrics on its own port for services that have no HTTP API of their own. */
export async function maybeServeMetrics(flags: Flags, registry: Registry): Promise<Stoppable> {
  const port = str(flags.metricsBindPort);
  if (!port) return { stop: async () => {} };
  const { server } = await serveMetrics([registry], integer(port, '--metrics-bind-port'));
  return { stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

export function newLogger(component: string, flags: Flags): Logger {
  return createLogger(component, (str(flags.logLevel) ?? 'info') as 'info');
}

export { createRegistry };

/** Stops everything on SIGINT/SIGTERM, in reverse order of starting. */
export function stopOnSignals(logger: Logger, parts: Stoppable[]): Promise<void> {
  return new Promise((resolve) => {
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) process.exit(1);
      stopping = true;
      logger.info({ signal }, 'shutting-down');
      for (const part of [...parts].reverse()) await part.stop().catch(() => {});
      resolve();
    };
    process.once('SIGINT', () => void stop('SIGINT'));
    process.once('SIGTERM', () => void stop('SIGTERM'));
  });
}
