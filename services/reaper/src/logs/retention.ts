// How many build logs a job keeps: its `build_log_retention` (or the older `build_logs_to_retain`)
// bounded by the operator's defaults and maximums, the way Concourse's build log collector
// decides, and which of a job's builds that leaves to reap.

/** The part of a job's config that speaks of log retention. */
export interface JobRetentionConfig {
  build_logs_to_retain?: number;
  build_log_retention?: { builds?: number; minimum_succeeded_builds?: number; days?: number };
}

/** Operator bounds (Concourse's `--default-build-logs-to-retain` and friends); 0 means unset. */
export interface RetentionBounds {
  defaultBuilds: number;
  maxBuilds: number;
  defaultDays: number;
  maxDays: number;
}

export const noRetentionBounds: RetentionBounds = {
  defaultBuilds: 0,
  maxBuilds: 0,
  defaultDays: 0,
  maxDays: 0,
};

export interface Retention {
  builds: number;
  minimumSucceeded: number;
  days: number;
}

function whole(value: unknown): number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : 0;
}

/** Within the maximum when one is set: an unset or larger wish gets the maximum. */
function bounded(wanted: number, max: number): number {
  if (max === 0) return wanted;
  return wanted > 0 && wanted < max ? wanted : max;
}

export function retentionOf(config: JobRetentionConfig, bounds: RetentionBounds): Retention {
  const explicit = config.build_log_retention;
  const wantedBuilds = whole(explicit ? explicit.builds : config.build_logs_to_retain);
  const wantedDays = whole(explicit?.days);
  const builds = bounded(wantedBuilds || bounds.defaultBuilds, bounds.maxBuilds);
  const days = bounded(wantedDays || bounds.defaultDays, bounds.maxDays);
  const minimum = whole(explicit?.minimum_succeeded_builds);
  return { builds, days, minimumSucceeded: minimum <= builds ? minimum : 0 };
}

export function isRetentionSet(retention: Retention): boolean {
  return retention.builds > 0 || retention.days > 0;
}

export interface FinishedBuild {
  id: number;
  status: string;
  /** its end_time is older than the retention's days */
  isExpired: boolean;
}

export interface ReapPlan {
  reap: number[];
  /** the oldest build whose log is kept, 0 when none is */
  firstLoggedBuildId: number;
}

/**
 * Which of a job's builds (newest first, not yet reaped, running ones included) lose their
 * logs, with the outcome of Concourse's collector. Running builds are never reaped and do not
 * count. With `builds`, the newest that many finished builds keep their logs, the newest
 * `minimumSucceeded` succeeded ones among them whatever their place; with `days` alone, builds
 * that ended longer ago lose theirs. When both are set the count decides, as in Concourse.
 */
export function planReaping(
  builds: readonly (FinishedBuild & { isRunning: boolean })[],
  retention: Retention,
): ReapPlan {
  const reap: number[] = [];
  const keptOthers: number[] = [];
  let kept = 0;
  let keptSucceeded = 0;
  for (const build of builds) {
    if (build.isRunning) continue;
    const isSucceeded = build.status === 'succeeded';
    if (retention.builds > 0 && isSucceeded && keptSucceeded < retention.minimumSucceeded) {
      kept++;
      keptSucceeded++;
      continue;
    }
    const isOverCount = kept >= retention.builds;
    const shouldReap =
      retention.days === 0
        ? isOverCount
        : retention.builds === 0
          ? build.isExpired
          : isOverCount && build.isExpired;
    if (shouldReap) {
      reap.push(build.id);
    } else if (retention.builds > 0) {
      kept++;
      keptOthers.push(build.id);
    }
  }
  // Succeeded builds kept for the minimum push the oldest other kept builds out.
  if (retention.builds > 0 && kept > retention.builds) {
    reap.push(...keptOthers.splice(keptOthers.length - (kept - retention.builds)));
  }
  const reaped = new Set(reap);
  const firstLoggedBuildId = builds.reduce(
    (first, b) => (reaped.has(b.id) || (first !== 0 && first < b.id) ? first : b.id),
    0,
  );
  return { reap, firstLoggedBuildId };
}
