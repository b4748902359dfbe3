// The `jetbridge` command: every service, migrations, and the single-process quickstart.
import { Command, CommanderError } from 'commander';
import {
  artifactsCommand,
  migrateCommand,
  podExecutorCommand,
  reaperCommand,
  webCommand,
} from './commands/services.ts';
import { quickstartCommand } from './commands/quickstart.ts';
import { kubesimCommand } from './commands/kubesim.ts';

/** The whole command tree; tests parse rendered deployment arguments with it. */
export function buildProgram(): Command {
  return new Command('jetbridge')
    .description('Concourse CI without workers: every step runs as a Kubernetes pod')
    .version('0.1.0')
    .addCommand(quickstartCommand())
    .addCommand(webCommand())
    .addCommand(podExecutorCommand())
    .addCommand(artifactsCommand())
    .addCommand(reaperCommand())
    .addCommand(migrateCommand())
    .addCommand(kubesimCommand());
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) process.exit(err.exitCode);
    console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
