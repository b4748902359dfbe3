// Command registry; modules load on use so a command whose library is missing fails alone.
import type { Command } from '../context.ts';

type Loader = () => Promise<Command>;

const loaders: Record<string, Loader> = {
  login: async () => (await import('./login.ts')).loginCommand,
  logout: async () => (await import('./session.ts')).logoutCommand,
  status: async () => (await import('./session.ts')).statusCommand,
  userinfo: async () => (await import('./session.ts')).userinfoCommand,
  targets: async () => (await import('./session.ts')).targetsCommand,
  'set-pipeline': async () => (await import('./set-pipeline.ts')).setPipelineCommand,
  'trigger-job': async () => (await import('./builds.ts')).triggerJobCommand,
  'rerun-build': async () => (await import('./builds.ts')).rerunBuildCommand,
  watch: async () => (await import('./builds.ts')).watchCommand,
  'abort-build': async () => (await import('./builds.ts')).abortBuildCommand,
  builds: async () => (await import('./list-builds.ts')).buildsCommand,
  intercept: async () => (await import('./intercept.ts')).interceptCommand,
  'pause-pipeline': async () => (await import('./pipelines.ts')).pausePipelineCommand,
  'unpause-pipeline': async () => (await import('./pipelines.ts')).unpausePipelineCommand,
  'expose-pipeline': async () => (await import('./pipelines.ts')).exposePipelineCommand,
  'hide-pipeline': async () => (await import('./pipelines.ts')).hidePipelineCommand,
  'get-pipeline': async () => (await import('./pipelines.ts')).getPipelineCommand,
  'destroy-pipeline': async () => (await import('./pipelines.ts')).destroyPipelineCommand,
  pipelines: async () => (await import('./pipelines.ts')).pipelinesCommand,
  jobs: async () => (await import('./pipelines.ts')).jobsCommand,
  'pause-job': async () => (await import('./pipelines.ts')).pauseJobCommand,
  'unpause-job': async () => (await import('./pipelines.ts')).unpauseJobCommand,
  'validate-pipeline': async () => (await import('./pipeline-admin.ts')).validatePipelineCommand,
  'rename-pipeline': async () => (await import('./pipeline-admin.ts')).renamePipelineCommand,
  'order-pipelines': async () => (await import('./pipeline-admin.ts')).orderPipelinesCommand,
  'check-resource': async () => (await import('./resources.ts')).checkResourceCommand,
  'check-resource-type': async () => (await import('./resources.ts')).checkResourceTypeCommand,
  'resource-versions': async () => (await import('./resources.ts')).resourceVersionsCommand,
  'pin-resource': async () => (await import('./resources.ts')).pinResourceCommand,
  'unpin-resource': async () => (await import('./resources.ts')).unpinResourceCommand,
  'enable-resource-version': async () =>
    (await import('./resources.ts')).enableResourceVersionCommand,
  'disable-resource-version': async () =>
    (await import('./resources.ts')).disableResourceVersionCommand,
  workers: async () => (await import('./runtime.ts')).workersCommand,
  containers: async () => (await import('./runtime.ts')).containersCommand,
  'land-worker': async () => (await import('./worker-admin.ts')).landWorkerCommand,
  'prune-worker': async () => (await import('./worker-admin.ts')).pruneWorkerCommand,
  volumes: async () => (await import('./runtime.ts')).volumesCommand,
  teams: async () => (await import('./teams.ts')).teamsCommand,
  'get-team': async () => (await import('./teams.ts')).getTeamCommand,
  'set-team': async () => (await import('./teams.ts')).setTeamCommand,
  'destroy-team': async () => (await import('./teams.ts')).destroyTeamCommand,
  'rename-team': async () => (await import('./teams.ts')).renameTeamCommand,
  'clear-task-cache': async () => (await import('./task-cache-curl.ts')).clearTaskCacheCommand,
  curl: async () => (await import('./task-cache-curl.ts')).curlCommand,
  execute: async () => (await import('./execute.ts')).executeCommand,
};

const aliases: Record<string, string> = {
  l: 'login',
  o: 'logout',
  ts: 'targets',
  sp: 'set-pipeline',
  tj: 'trigger-job',
  rb: 'rerun-build',
  w: 'watch',
  ab: 'abort-build',
  bs: 'builds',
  hijack: 'intercept',
  i: 'intercept',
  pp: 'pause-pipeline',
  up: 'unpause-pipeline',
  gp: 'get-pipeline',
  dp: 'destroy-pipeline',
  ps: 'pipelines',
  js: 'jobs',
  pj: 'pause-job',
  uj: 'unpause-job',
  vp: 'validate-pipeline',
  rp: 'rename-pipeline',
  op: 'order-pipelines',
  cr: 'check-resource',
  crt: 'check-resource-type',
  rvs: 'resource-versions',
  pr: 'pin-resource',
  ur: 'unpin-resource',
  erv: 'enable-resource-version',
  drv: 'disable-resource-version',
  ws: 'workers',
  cs: 'containers',
  lw: 'land-worker',
  pw: 'prune-worker',
  vs: 'volumes',
  t: 'teams',
  gt: 'get-team',
  st: 'set-team',
  dt: 'destroy-team',
  rt: 'rename-team',
  ctc: 'clear-task-cache',
  c: 'curl',
  e: 'execute',
  ex: 'execute',
};

export function isCommand(name: string): boolean {
  return name in loaders || name in aliases;
}

export async function loadCommand(name: string): Promise<Command | undefined> {
  const loader = loaders[aliases[name] ?? name];
  return loader === undefined ? undefined : loader();
}
