// The environment Concourse gives resource containers (StepMetadata.Env) and tasks (TaskEnv).
import type { WebSettings } from '../../context.ts';
import type { BuildInfo, Scope } from '../plan/run-context.ts';

function instanceVarsQuery(vars: Record<string, unknown>): string {
  return Object.entries(vars)
    .map(([k, v]) => `vars.${k}=${encodeURIComponent(JSON.stringify(v))}`)
    .join('&');
}

export function resourceEnv(
  build: BuildInfo,
  settings: WebSettings,
  scope: Scope,
): Record<string, string> {
  const env: Record<string, string> = {};
  const set = (k: string, v: string | number | null | undefined) => {
    if (v !== null && v !== undefined && v !== '' && v !== 0) env[k] = String(v);
  };
  set('BUILD_ID', build.id);
  set('BUILD_NAME', build.name);
  set('BUILD_TEAM_ID', build.teamId);
  set('BUILD_TEAM_NAME', build.teamName);
  set('BUILD_JOB_ID', build.jobId);
  set('BUILD_JOB_NAME', build.jobName);
  set('BUILD_PIPELINE_ID', build.pipelineId);
  set('BUILD_PIPELINE_NAME', build.pipelineName);
  if (build.instanceVars) set('BUILD_PIPELINE_INSTANCE_VARS', JSON.stringify(build.instanceVars));
  const ext = settings.externalUrl;
  set('ATC_EXTERNAL_URL', ext);
  if (ext) {
    const short = `${ext}/builds/${build.id}`;
    set('BUILD_URL_SHORT', short);
    if (build.pipelineName && build.jobName) {
      const query = build.instanceVars ? `?${instanceVarsQuery(build.instanceVars)}` : '';
      set(
        'BUILD_URL',
        `${ext}/teams/${build.teamName}/pipelines/${build.pipelineName}/jobs/${build.jobName}/builds/${build.name}${query}`,
      );
    } else {
      set('BUILD_URL', short);
    }
  }
  if (scope.hookStatus) set('BUILD_STATUS', scope.hookStatus);
  return env;
}

export function taskEnv(settings: WebSettings, scope: Scope): Record<string, string> {
  const env: Record<string, string> = {};
  if (settings.externalUrl) env.ATC_EXTERNAL_URL = settings.externalUrl;
  if (scope.hookStatus) env.BUILD_STATUS = scope.hookStatus;
  return env;
}
