// `jetbridge web | pod-executor | artifacts | reaper | migrate`: one service per process.
import { Command } from 'commander';
import { migrate, ensureDatabase } from '@jetbridge/db';
import { startTracing, stopTracing } from '@jetbridge/telemetry';
import {
  addArtifactsFlags,
  addCommonFlags,
  addKubernetesClusterFlags,
  addNatsFlags,
  addPodExecutorFlags,
  addPostgresFlags,
  addReaperFlags,
  addWebFlags,
  option,
} from '../flags.ts';
import {
  createRegistry,
  maybeServeMetrics,
  newLogger,
  openBus,
  openDatabase,
  postgresSettings,
  reaperSettings,
  startArtifactsService,
  startPodExecutorService,
  startReaperService,
  startWebService,
  stopOnSignals,
  type Flags,
} from '../runtime.ts';

export function webCommand(): Command {
  const cmd = new Command('web').description('API, scheduler and build engine');
  addCommonFlags(addNatsFlags(addPostgresFlags(addWebFlags(cmd)), true));
  cmd.addOption(
    option(
      '--kubernetes-namespace <namespace>',
      "namespace of step pods, as the executor's (names the worker of builds and containers)",
      'default',
    ),
  );
  return cmd.action(async (flags: Flags) => {
    startTracing('jetbridge-web');
    const logger = newLogger('web', flags);
    const registry = createRegistry('web');
    const db = await openDatabase(postgresSettings(flags), logger);
    const bus = await openBus(flags, logger, 'web');
    const web = await startWebService(flags, { db, bus, logger, registry });
    await stopOnSignals(logger, [
      { stop: () => db.close() },
      { stop: () => bus.close() },
      web,
      { stop: stopTracing },
    ]);
  });
}

export function podExecutorCommand(): Command {
  const cmd = new Command('pod-executor').description('runs step jobs as Kubernetes pods');
  addCommonFlags(addPodExecutorFlags(addKubernetesClusterFlags(addNatsFlags(cmd, true))));
  return cmd.action(async (flags: Flags) => {
    startTracing('jetbridge-pod-executor');
    const logger = newLogger('pod-executor', flags);
    const registry = createRegistry('pod-executor');
    const bus = await openBus(flags, logger, 'pod-executor');
    const executor = await startPodExecutorService(flags, { bus, logger, registry });
    const metrics = await maybeServeMetrics(flags, registry);
    logger.info({}, 'pod-executor-started');
    await stopOnSignals(logger, [
      { stop: () => bus.close() },
      executor,
      metrics,
      { stop: stopTracing },
    ]);
  });
}

export function reaperCommand(): Command {
  const cmd = new Command('reaper').description('the worker row and garbage collection');
  addCommonFlags(
    addReaperFlags(addKubernetesClusterFlags(addNatsFlags(addPostgresFlags(cmd), true))),
  );
  return cmd.action(async (flags: Flags) => {
    reaperSettings(flags); // refuses bad values before connecting to anything
    startTracing('jetbridge-reaper');
    const logger = newLogger('reaper', flags);
    const registry = createRegistry('reaper');
    const db = await openDatabase(postgresSettings(flags), logger);
    const bus = await openBus(flags, logger, 'reaper');
    const reaper = await startReaperService(flags, { db, bus, logger, registry });
    const metrics = await maybeServeMetrics(flags, registry);
    logger.info({}, 'reaper-started');
    await stopOnSignals(logger, [
      { stop: () => db.close() },
      { stop: () => bus.close() },
      reaper,
      metrics,
      { stop: stopTracing },
    ]);
  });
}

export function artifactsCommand(): Command {
  const cmd = new Command('artifacts').description('the artifact store');
  addCommonFlags(addArtifactsFlags(addNatsFlags(addPostgresFlags(cmd), true)));
  return cmd.action(async (flags: Flags) => {
    startTracing('jetbridge-artifacts');
    const logger = newLogger('artifacts', flags);
    const registry = createRegistry('artifacts');
    const db = await openDatabase(postgresSettings(flags), logger);
    const bus = await openBus(flags, logger, 'artifacts');
    const artifacts = await startArtifactsService(flags, { db, bus, logger, registry });
    logger.info({}, 'artifacts-started');
    await stopOnSignals(logger, [
      { stop: () => db.close() },
      { stop: () => bus.close() },
      artifacts,
      { stop: stopTracing },
    ]);
  });
}

export function migrateCommand(): Command {
  const cmd = new Command('migrate').description('apply database migrations and exit');
  addPostgresFlags(cmd);
  return cmd.action(async (flags: Flags) => {
    const logger = newLogger('migrate', flags);
    const settings = postgresSettings(flags);
    await ensureDatabase(settings);
    const applied = await migrate(settings, logger);
    console.log(
      applied.length === 0 ? 'database is up to date' : `applied ${applied.length} migrations`,
    );
  });
}
