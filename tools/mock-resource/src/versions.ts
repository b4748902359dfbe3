// Version and response encoding in the field order of the upstream Go structs.
import { goJson } from './go-json.ts';
import type { MetadataField, Version } from './shapes.ts';

export function versionObject(version: Version | undefined): Record<string, string> {
  const result: Record<string, string> = { version: version?.version ?? '' };
  if (version?.privileged) result.privileged = version.privileged;
  return result;
}

export function encodeVersions(versions: Version[]): string {
  return `[${versions.map((v) => goJson(versionObject(v), false)).join(',')}]\n`;
}

export function encodeResponse(version: Version, metadata: MetadataField[] | undefined): string {
  const fields = metadata?.map((m) => goJson({ name: m.name ?? '', value: m.value ?? '' }, false));
  const encodedMetadata = fields ? `[${fields.join(',')}]` : 'null';
  return `{"version":${goJson(versionObject(version), false)},"metadata":${encodedMetadata}}\n`;
}
