#!/usr/bin/env node
// Entry point of the `jetbridge` command. JetBridge targets Node.js 24 and runs its TypeScript
// sources directly (type stripping); under an older Node it re-executes itself with the Node.js 24
// that `npm ci` installs from the npm registry's `node` package.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const major = Number(process.versions.node.split('.')[0]);

if (major < 24) {
  const bundled = join(root, 'node_modules', 'node', 'bin', 'node');
  if (!existsSync(bundled)) {
    console.error(
      `jetbridge needs Node.js 24 or later (this is ${process.version}); run \`npm ci\` in ${root} to install it`,
    );
    process.exit(1);
  }
  const result = spawnSync(bundled, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  process.exit(result.status ?? 1);
}

const { main } = await import('../cli/src/main.ts');
await main(process.argv.slice(2));
