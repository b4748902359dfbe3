// /opt/resource/out of the mock resource: "pushes" the version given in params or read from a file.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { goErrorText } from './go-errors.ts';
import { fatal, info } from './logrus.ts';
import { privilegedOrExit } from './privilege.ts';
import { readRequest } from './request.ts';
import { outRequest, type Source, type Version } from './shapes.ts';
import { encodeResponse } from './versions.ts';

interface OutRequest {
  source?: Source;
  params?: { version?: string; file?: string; print_env?: boolean };
}

function readVersionFile(sourceDir: string, file: string): string {
  try {
    return readFileSync(join(sourceDir, file), 'utf8');
  } catch (err) {
    fatal(`error reading version from file ${file}: ${goErrorText(err)}`);
  }
}

export async function put(argv: string[] = process.argv.slice(2)): Promise<void> {
  const request = await readRequest<OutRequest>(outRequest);
  const sourceDir = argv[0];
  if (sourceDir === undefined) fatal('source path not specified');
  if (sourceDir === '') fatal('source path is empty');
  const source = request.source ?? {};
  const params = request.params ?? {};
  if (source.log) info(source.log);
  if (!params.version && !params.file) fatal('no version specified');

  const privileged = privilegedOrExit();
  const version: Version = {
    version: params.version ? params.version : readVersionFile(sourceDir, params.file ?? ''),
  };
  if (privileged) {
    info('pushing in a privileged container');
    version.privileged = 'true';
  }

  info(`pushing version: ${version.version}`);
  if (params.print_env) {
    for (const [name, value] of Object.entries(process.env)) info(`env: ${name}=${value}`);
  }
  process.stdout.write(encodeResponse(version, source.metadata));
}
