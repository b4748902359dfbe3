// `jetbridge kubesim`: the local Kubernetes API stand-in on its own, for trying the distributed mode
// on a laptop.
import { resolve } from 'node:path';
import { Command } from 'commander';
import { option } from '../flags.ts';
import { newLogger, stopOnSignals, type Flags } from '../runtime.ts';

export function kubesimCommand(): Command {
  const cmd = new Command('kubesim').description('run kubesim, the local Kubernetes API stand-in');
  cmd
    .addOption(
      option(
        '--data-dir <path>',
        'where kubesim keeps pods, claims and its kubeconfig',
        '.jetbridge/kubesim',
      ),
    )
    .addOption(option('--port <port>', 'port on 127.0.0.1 (0 picks one)', '0'))
    .addOption(option('--namespace <namespace>', 'namespace of step pods', 'default'))
    .addOption(option('--claim <claim...>', 'persistent volume claims that exist'));
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
