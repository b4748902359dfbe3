// Process entry points for bin/check, bin/in and bin/out.
import { CommandError, runCheck, runIn, runOut } from './commands.ts';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function run(command: (stdin: string) => string): Promise<void> {
  try {
    process.stdout.write(command(await readStdin()));
  } catch (err) {
    if (!(err instanceof CommandError)) throw err;
    process.stderr.write(`${err.prefix}: ${err.message}\n`);
    process.exitCode = 1;
  }
}

export const check = () => run(runCheck);
export const fetch = () => run((stdin) => runIn(stdin, process.argv[2] ?? ''));
export const put = () => run(runOut);
