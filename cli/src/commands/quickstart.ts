// `jetbridge quickstart`: every service in one process, with an embedded PostgreSQL, the in-process
// bus and kubesim unless real ones are named.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { startTracing, stopTracing } from '@jetbridge/telemetry';
import {
  addArtifactsFlags,
  addNatsFlags,
  addPodExecutorFlags,
  addPostgresFlags,
  addReaperFlags,
  addWebFlags,
  option,
} from '../flags.ts';
import { startEmbeddedPostgres } from '../embedded-postgres.ts';
import {
  createRegistry,
  newLogger,
  openBus,
  openDatabase,
  postgresSettings,
  startArtifactsService,
  startPodExecutorService,
  startReaperService,
  startWebService,
  stopOnSignals,
  type Flags,
  type Stoppable,
} from '../runtime.ts';

export function defaultDataDir(): string {
  if (process.env.JETBRIDGE_DATA_DIR) return resolve(process.env.JETBRIDGE_DATA_DIR);
  // As root the embedded Postgres runs as another user, who must be able to reach the folder.
  if (process.getuid?.() === 0) return '/var/lib/jetbridge';
  return join(homedir(), '.local', 'share', 'jetbridge');
}

export function quickstartCommand(): Command {
  const cmd = new Command('quickstart').description(
    'every service in one process: embedded Postgres, in-process bus, kubesim',
  );
  addWebFlags(cmd);
  addPostgresFlags(cmd, { embedded: true });
  addNatsFlags(cmd, false);
  addPodExecutorFlags(cmd);
  addReaperFlags(cmd);
  addArtifactsFlags(cmd, { inProcess: true });
  cmd
    .addOption(option('--data-dir <path>', 'where the quickstart keeps its data', defaultDataDir()))
    .addOption(option('--kubernetes-namespace <namespace>', 'namespace of step pods', 'default'))
    .addOption(option('--kubernetes-kubeconfig <path>', 'a real cluster to run steps on'))
    .addOption(option('--log-level <level>', 'debug, info, warn or error', 'info'));
  return cmd.action(async (flags: Flags, command: Command) => {
    const given = (name: string) =>
      !['default', undefined].includes(command.getOptionValueSource(name));
    const dataDir = resolve(String(flags.dataDir));
    const logger = newLogger('quickstart', flags);
    startTracing('jetbridge-quickstart');
    const parts: Stoppable[] = [{ stop: stopTracing }];

    // What started before a failure is stopped again: no embedded Postgres or kubesim is left behind.
    let web: Awaited<ReturnType<typeof startWebService>>;
    try {
      let settings = postgresSettings(flags);
      if (!given('postgresHost') && !given('postgresPort')) {
        const pg = await startEmbeddedPostgres(dataDir, logger);
        parts.push(pg);
        settings = { ...pg.settings, database: String(flags.postgresDatabase ?? 'atc') };
      }

      // Task caches outlive builds, as they do on a worker: with kubesim they get a claim of their
      // own under the data folder unless one is named (`--kubernetes-cache-pvc=` turns them off).
      if (!flags.kubernetesKubeconfig && !given('kubernetesCachePvc')) {
        flags.kubernetesCachePvc = 'task-caches';
      }
      if (!flags.kubernetesKubeconfig) {
        const { startKubesim } = await import('@jetbridge/kubesim');
        const sim = await startKubesim({
          dataDir: join(dataDir, 'kubesim'),
          namespace: String(flags.kubernetesNamespace),
          claims: [flags.kubernetesCachePvc, flags.kubernetesArtifactStoreClaim].filter(
            (c): c is string => typeof c === 'string' && c !== '',
          ),
          logger: newLogger('kubesim', flags),
        });
        parts.push({ stop: () => sim.close() });
        flags.kubernetesKubeconfig = sim.kubeconfigPath;
      }
      // With kubesim, the artifact claim is a directory of its own: the store must be that directory.
      const claim = flags.kubernetesArtifactStoreClaim;
      if (!given('artifactStoreDir')) {
        flags.artifactStoreDir =
          typeof claim === 'string' && claim !== '' && !given('kubernetesKubeconfig')
            ? join(dataDir, 'kubesim', 'claims', claim)
            : join(dataDir, 'artifacts');
      }
      const cachePvc = flags.kubernetesCachePvc;
      if (!given('cacheClaimDir') && typeof cachePvc === 'string' && cachePvc !== '') {
        if (!given('kubernetesKubeconfig')) {
          flags.cacheClaimDir = join(dataDir, 'kubesim', 'claims', cachePvc);
        }
      }
      // Everything is in one process: the artifact service needs no fixed port, so several
      // quickstarts can run side by side.
      if (!given('artifactsBindPort')) flags.artifactsBindPort = '0';
      if (!given('addLocalUser')) flags.addLocalUser = ['test:test'];
      // The default owner of main only when no --main-team-* flag names one (a config file excludes it).
      const mainTeamFlags = [
        'mainTeamLocalUser',
        'mainTeamConfig',
        'mainTeamOidcUser',
        'mainTeamOidcGroup',
        'mainTeamGithubUser',
        'mainTeamGithubOrg',
        'mainTeamGithubTeam',
      ];
      // Main's owners: the users added (`--add-local-user name:password`), or the default `test`.
      if (!mainTeamFlags.some((flag) => given(flag))) {
        flags.mainTeamLocalUser = (flags.addLocalUser as string[]).map(
          (user) => user.split(':')[0]!,
        );
      }

      const registry = createRegistry('jetbridge');
      const db = await openDatabase(settings, logger);
      parts.push({ stop: () => db.close() });
      const bus = await openBus(flags, logger, 'quickstart');
      parts.push({ stop: () => bus.close() });
      // The in-process bus starts empty and numbers its events from one again: builds that were
      // running follow it from its start.
      if (!given('natsUrl')) {
        await db.pool.query(
          `UPDATE builds SET events_cursor = 0
           WHERE events_cursor > 0 AND status NOT IN ('succeeded', 'failed', 'errored', 'aborted')`,
        );
      }

      parts.push(
        await startArtifactsService(flags, {
          db,
          bus,
          logger: newLogger('artifacts', flags),
          registry,
        }),
      );
      parts.push(
        await startPodExecutorService(flags, {
          bus,
          logger: newLogger('pod-executor', flags),
          registry,
        }),
      );
      parts.push(
        await startReaperService(flags, {
          db,
          bus,
          logger: newLogger('reaper', flags),
          registry,
        }),
      );
      web = await startWebService(flags, {
        db,
        bus,
        logger: newLogger('web', flags),
        registry,
      });
      parts.push(web);
    } catch (err) {
      for (const part of [...parts].reverse()) await part.stop().catch(() => {});
      throw err;
    }

    const url = String(flags.externalUrl ?? `http://localhost:${web.port}`).replace(/\/+$/, '');
    const user = (flags.addLocalUser as string[])[0]?.split(':') ?? ['test', 'test'];
    // A password given as a bcrypt hash is not what one types to log in.
    const password = user.slice(1).join(':');
    const typed = /^\$2[aby]?\$\d\d\$/.test(password) ? '<your password>' : password;
    process.stdout.write(
      [
        '',
        `JetBridge is running at ${url}`,
        `  data:     ${dataDir}`,
        `  log in:   fly -t local login -c ${url} -u ${user[0]} -p ${typed}`,
        `  kubectl:  export KUBECONFIG=${String(flags.kubernetesKubeconfig)}`,
        '',
        '',
      ].join('\n'),
    );
    await stopOnSignals(logger, parts);
  });
}
