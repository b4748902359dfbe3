// Resource versions: what checks, puts and gets save, and what the scheduler and the API read.
export { saveCheckedVersions, type SavedVersions } from './save-checked-versions.ts';
export { saveResourceVersions, type SavedResourceVersion } from './save-resource-versions.ts';
export { latestVersion } from './latest-version.ts';
export { listVersions, type VersionPage, type VersionListing } from './list-versions.ts';
export { pinVersion, unpin } from './pin-version.ts';
export { enableVersion, disableVersion } from './enable-version.ts';
export { resourceConfigHash, versionSha256, canonicalJson } from './version-identity.ts';
export { ScopeNotFoundError, type VersionScope } from './version-scope.ts';
export type { ResourceVersion } from './resource-version.ts';
