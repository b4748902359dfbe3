// /opt/resource/check of the mock resource: echoes, forces or invents a version, never discovers.
import { setTimeout as sleep } from 'node:timers/promises';
import { parseGoDuration, DurationSyntaxError } from '@jetbridge/time-resource/go-duration';
import { fatal, info } from './logrus.ts';
import { privilegedOrExit } from './privilege.ts';
import { readRequest } from './request.ts';
import { checkRequest, type Source, type Version } from './shapes.ts';
import { encodeVersions } from './versions.ts';

interface CheckRequest {
  source?: Source;
  version?: Version;
}

function initialVersion(source: Source): string {
  return source.initial_version || process.env.MIRRORED_VERSION || 'mock';
}

async function delay(text: string): Promise<void> {
  try {
    const nanoseconds = parseGoDuration(text);
    if (nanoseconds > 0n) await sleep(Number(nanoseconds / 1_000_000n));
  } catch (err) {
    if (err instanceof DurationSyntaxError) {
      fatal(`malformed check_delay duration (${text}): ${err.message}`);
    }
    throw err;
  }
}

function chooseVersions(request: CheckRequest): Version[] {
  const source = request.source ?? {};
  if (source.force_version) return [{ version: source.force_version }];
  if (request.version) return [request.version];
  if (!source.no_initial_version) return [{ version: initialVersion(source) }];
  return [];
}

export async function check(): Promise<void> {
  const request = await readRequest<CheckRequest>(checkRequest);
  const source = request.source ?? {};
  if (source.log) info(source.log);
  if (source.check_delay) await delay(source.check_delay);
  if (source.check_failure) fatal(`intentionally failing to check: ${source.check_failure}`);

  const versions = chooseVersions(request);
  if (privilegedOrExit()) {
    for (const version of versions) version.privileged = 'true';
  }
  process.stdout.write(encodeVersions(versions));
}
