// Finds the package's TypeScript sources, also when bin/ is bind-mounted on its own at
// /opt/resource (as kubesim does) and ../src is therefore not next to it.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export function sourceUrl(packageDir, file) {
  const candidates = [fileURLToPath(new URL(`../src/${file}`, import.meta.url))];
  if (process.env.JETBRIDGE_RESOURCE_ROOT) {
    candidates.push(join(process.env.JETBRIDGE_RESOURCE_ROOT, packageDir, 'src', file));
  }
  // The node running this script is the project's own, so the project is above it.
  for (let dir = dirname(process.execPath); dir !== dirname(dir); dir = dirname(dir)) {
    candidates.push(join(dir, packageDir, 'src', file));
  }
  const found = candidates.find((path) => existsSync(path));
  if (!found) throw new Error(`cannot find ${packageDir}/src/${file}; set JETBRIDGE_RESOURCE_ROOT`);
  return pathToFileURL(found).href;
}
