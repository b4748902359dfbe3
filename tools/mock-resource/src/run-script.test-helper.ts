// Runs a resource script as a real process with a request on stdin, for the behaviour tests.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface ScriptResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runScript(
  binDir: URL,
  name: string,
  request: unknown,
  args: string[] = [],
  env: Record<string, string | undefined> = {},
): ScriptResult {
  const merged: Record<string, string | undefined> = {
    PATH: process.env.PATH ?? '',
    JETBRIDGE_PRIVILEGED: 'false',
    ...env,
  };
  const childEnv = Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== undefined));
  const input = typeof request === 'string' ? request : JSON.stringify(request);
  const result = spawnSync(fileURLToPath(new URL(name, binDir)), args, {
    input,
    encoding: 'utf8',
    timeout: 20_000,
    env: childEnv,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export function infoLine(message: string, fields = ''): string {
  return `\x1b[36mINFO\x1b[0m[0000] ${message.padEnd(44)} ${fields}\n`;
}

export function fatalLine(message: string): string {
  return `\x1b[31mFATA\x1b[0m[0000] ${message.padEnd(44)} \n`;
}
