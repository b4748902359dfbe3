// Standalone entry point: node tools/kubesim/src/main.ts --data-dir <dir>
import { runKubesimCommand } from './cli.ts';

runKubesimCommand(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
