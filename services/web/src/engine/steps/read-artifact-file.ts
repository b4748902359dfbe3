// Reads `<artifact>/<path>` (task files, load_var and set_pipeline files) from the pod that holds
// the artifact, through the pod-executor's read-file operation, or from its tar in the artifact
// store.
import { readFile } from '@jetbridge/bus';
import type { BuildRun, Scope } from '../plan/run-context.ts';
import { StepError } from '../plan/outcome.ts';
import { readStoredFile } from './stored-artifact-file.ts';

const maxFileBytes = 4 * 1024 * 1024;

export async function readArtifactFile(run: BuildRun, scope: Scope, file: string): Promise<string> {
  const slash = file.indexOf('/');
  const name = slash < 0 ? file : file.slice(0, slash);
  const rest = slash < 0 ? '' : file.slice(slash + 1);
  const artifact = scope.artifacts.find(name);
  if (!artifact || rest === '') {
    throw new StepError(`artifact '${name}' not found: cannot read ${file}`);
  }
  if (artifact.kind === 'artifact') {
    try {
      const content = await readStoredFile(run, artifact.key, rest, maxFileBytes);
      return content.toString('utf8');
    } catch (err) {
      if (err instanceof StepError) throw new StepError(`failed to read ${file}: ${err.message}`);
      throw err;
    }
  }
  let reply;
  try {
    reply = await run.ctx.bus.request('podExecutor', 'read-file', readFile, {
      v: 1,
      podName: artifact.podName,
      path: `${artifact.path}/${rest}`,
      maxBytes: maxFileBytes,
    });
  } catch (err) {
    throw new StepError(`failed to read ${file}: ${(err as Error).message}`);
  }
  if (!reply.ok) throw new StepError(`failed to read ${file}: ${reply.error}`);
  return Buffer.from(reply.content, 'base64').toString('utf8');
}
