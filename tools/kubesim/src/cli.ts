// `kubesim --data-dir <dir> [--port <n>] [--namespace <ns>] [--claim <name>...]`: runs until
// SIGINT/SIGTERM and prints the kubeconfig path on stdout.
import { parseArgs } from 'node:util';
import { startKubesim } from './kubesim.ts';
import type { Logger } from './logger.ts';

export async function runKubesimCommand(argv: string[], logger?: Logger): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'data-dir': { type: 'string' },
      port: { type: 'string', default: '0' },
      namespace: { type: 'string', default: 'default' },
      claim: { type: 'string', multiple: true, default: [] },
    },
    strict: true,
  });
  const dataDir = values['data-dir'];
  if (!dataDir) throw new Error('kubesim: --data-dir is required');
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error('kubesim: --port must be a port number');

  const kubesim = await startKubesim({
    dataDir,
    port,
    namespace: values.namespace,
    claims: values.claim,
    ...(logger ? { logger } : {}),
  });
  process.stdout.write(`${kubesim.kubeconfigPath}\n`);

  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await kubesim.close();
}
