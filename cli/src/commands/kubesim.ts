// `jetbridge kubesim`: the local Kubernetes API stand-in on its own, for trying the distributed mode
// on a laptop.
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { newLogger, stopOnSignals, type Flags } from '../runtime.ts';

/**
 * kubesim is no Concourse component: its flags read KUBESIM_* variables, so they never pick up a
 * CONCOURSE_* setting meant for JetBridge's services (CONCOURSE_DATA_DIR, CONCOURSE_PORT).
 */
function simOption(flags: string, description: string, defaultValue?: string): Option {
  const long = flags.split(/[ ,]+/).find((f) => f.startsWith('--'))!;
  const opt = new Option(flags, description).env(
    `KUBESIM_${long.replace(/^--/, '').replaceAll('-', '_').toUpperCase()}`,
  );
  return defaultValue === undefined ? opt : opt.default(defaultValue);
}

export function kubesimCommand(): Command {
  const cmd = new Command('kubesim').description('run kubesim, the local Kubernetes API stand-in');
  cmd
    .addOption(
      simOption(
        '--data-dir <path>',
        'where kubesim keeps pods, claims and its kubeconfig',
        '.jetbridge/kubesim',
      ),
    )
    .addOption(simOption('--port <port>', 'port on 127.0.0.1 (0 picks one)', '0'))
    .addOption(simOption('--namespace <namespace>', 'namespace of step pods', 'default'))
    .addOption(simOption('--claim <claim...>', 'persistent volume claims that exist'));
  return cmd.action(async (flags: Flags) => {
    const logger = newLogger('kubesim', flags);
    const { startKubesim } = await import('@jetbridge/kubesim');
    const sim = await startKubesim({
      dataDir: resolve(String(flags.dataDir)),
      port: Number(flags.port),
      namespace: String(flags.namespace),
      claims: Array.isArray(flags.claim) ? (flags.claim as string[]) : [],
      logger,
    });
    process.stdout.write(
      `kubesim is listening at ${sim.url}\nexport KUBECONFIG=${sim.kubeconfigPath}\n`,
    );
    await stopOnSignals(logger, [{ stop: () => sim.close() }]);
  });
}
