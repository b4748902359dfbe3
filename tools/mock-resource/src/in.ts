// /opt/resource/in of the mock resource: writes the version, privilege, requested files and
// optionally a copy of its own image into the destination.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createFiles } from './create-files.ts';
import { goErrorText } from './go-errors.ts';
import { fatal, info } from './logrus.ts';
import { mirrorRoot } from './mirror.ts';
import { privilegedOrExit } from './privilege.ts';
import { readRequest } from './request.ts';
import { inRequest, type Source, type Version } from './shapes.ts';
import { encodeResponse } from './versions.ts';

interface InRequest {
  source?: Source;
  version?: Version;
  params?: { mirror_self_via_params?: boolean; create_files_via_params?: Record<string, unknown> };
}

function writeOrExit(path: string, text: string, what: string): void {
  try {
    writeFileSync(path, text);
  } catch (err) {
    fatal(`failed to write ${what}: ${goErrorText(err)}`);
  }
}

export async function fetch(argv: string[] = process.argv.slice(2)): Promise<void> {
  const request = await readRequest<InRequest>(inRequest);
  const dest = argv[0];
  if (dest === undefined) fatal('destination path not specified');
  const source = request.source ?? {};
  const params = request.params ?? {};
  const version = request.version?.version ?? '';
  if (source.log) info(source.log);

  const privileged = privilegedOrExit();
  if (privileged) info('fetching in a privileged container');
  writeOrExit(join(dest, 'privileged'), `${privileged}\n`, join(dest, 'privileged'));

  info(`fetching version: ${version}`);
  writeOrExit(join(dest, 'version'), `${version}\n`, 'version file');

  if (source.mirror_self || params.mirror_self_via_params) {
    info('mirroring self image', { via_params: params.mirror_self_via_params ?? false });
    mirrorRoot(dest, version);
  }

  createFiles(dest, { ...source.create_files, ...params.create_files_via_params });
  process.stdout.write(encodeResponse(request.version ?? {}, source.metadata));
}
