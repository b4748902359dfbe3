// Names of the LISTEN/NOTIFY channels, in one place.
export const channels = {
  /** payload: build id; a build event was stored */
  buildEvents: 'jetbridge_build_events',
  /** payload: pipeline id or ''; something may let jobs schedule */
  schedule: 'jetbridge_schedule',
  /** payload: build id; a build was created, aborted or released and needs an owner */
  builds: 'jetbridge_builds',
  /** payload: resource id or ''; a check was requested */
  checks: 'jetbridge_checks',
  /** payload: resource cache store key; a get fetching that version let go of it */
  resourceCacheFetches: 'jetbridge_resource_cache_fetches',
} as const;
