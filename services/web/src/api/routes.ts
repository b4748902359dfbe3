// Every API route with its auth rule, as data (Concourse's route table and auth wrappers).
import { buildEvents } from '../events/build-events-route.ts';
import { listActiveUsers } from './active-users.ts';
import * as artifacts from './artifacts.ts';
import { getBuildResources } from './build-resources.ts';
import * as builds from './builds.ts';
import { getComponents } from './components.ts';
import * as containers from './containers.ts';
import { acceptHijack, hijackWithoutUpgrade } from './hijack.ts';
import * as info from './info.ts';
import * as jobs from './jobs.ts';
import { getPipelineConfig, savePipelineConfigRoute } from './pipeline-config.ts';
import * as oneOff from './one-off-builds.ts';
import * as pipelines from './pipelines.ts';
import { rerunJobBuild } from './rerun-build.ts';
import * as versions from './resource-versions.ts';
import * as resources from './resources.ts';
import type { AuthRule, Route } from './route-table.ts';
import { setTeam } from './set-team.ts';
import { clearTaskCache } from './task-caches.ts';
import { destroyTeam, renameTeam } from './team-admin.ts';
import * as teams from './teams.ts';
import * as wall from './wall.ts';
import { landWorker, pruneWorker, retireWorker } from './worker-admin.ts';
import { listVolumes } from './volumes.ts';
import { checkResourceWebhook } from './webhooks.ts';
import { listWorkers } from './workers.ts';

const V1 = '/api/v1';
const T = `${V1}/teams/:team_name`;
const P = `${T}/pipelines/:pipeline_name`;
const J = `${P}/jobs/:job_name`;
const R = `${P}/resources/:resource_name`;
const RV = `${R}/versions/:resource_config_version_id`;
const B = `${V1}/builds/:build_id`;

const open: AuthRule = { kind: 'open' };
const authn: AuthRule = { kind: 'authn' };
const admin: AuthRule = { kind: 'admin' };
const team = (role: 'owner' | 'member' | 'pipeline-operator' | 'viewer'): AuthRule => ({
  kind: 'team',
  role,
});
const pipe: AuthRule = { kind: 'pipeline', role: 'viewer' };
/** A job's builds: through a public pipeline only when the job is public too. */
const pipeJobBuilds: AuthRule = { kind: 'pipeline', role: 'viewer', jobPublic: true };
const buildRead: AuthRule = { kind: 'build-read', jobPublic: false };
const buildReadJob: AuthRule = { kind: 'build-read', jobPublic: true };
const operator = team('pipeline-operator');

export const apiRoutes: readonly Route[] = [
  { method: 'GET', path: `${V1}/info`, auth: open, handler: info.getInfo },
  { method: 'GET', path: `${V1}/info/creds`, auth: admin, handler: info.getInfoCreds },
  { method: 'GET', path: `${V1}/components`, auth: admin, handler: getComponents },
  { method: 'GET', path: `${V1}/health`, auth: open, handler: info.getHealth },
  { method: 'GET', path: `${V1}/user`, auth: authn, handler: info.getUser },
  { method: 'GET', path: `${V1}/wall`, auth: open, handler: wall.getWall },
  { method: 'PUT', path: `${V1}/wall`, auth: admin, handler: wall.setWall },
  { method: 'DELETE', path: `${V1}/wall`, auth: admin, handler: wall.clearWall },
  { method: 'GET', path: `${V1}/log-level`, auth: admin, handler: wall.getLogLevel },
  { method: 'PUT', path: `${V1}/log-level`, auth: admin, handler: wall.setLogLevel },
  { method: 'GET', path: `${V1}/users`, auth: admin, handler: listActiveUsers },
  { method: 'GET', path: `${V1}/workers`, auth: { kind: 'any-team' }, handler: listWorkers },
  { method: 'PUT', path: `${V1}/workers/:worker_name/land`, auth: admin, handler: landWorker },
  { method: 'PUT', path: `${V1}/workers/:worker_name/retire`, auth: admin, handler: retireWorker },
  { method: 'PUT', path: `${V1}/workers/:worker_name/prune`, auth: admin, handler: pruneWorker },

  { method: 'GET', path: `${V1}/teams`, auth: open, handler: teams.listTeams },
  { method: 'GET', path: T, auth: team('viewer'), handler: teams.getTeam },
  { method: 'PUT', path: T, auth: team('owner'), createsTeam: true, handler: setTeam },
  { method: 'PUT', path: `${T}/rename`, auth: team('owner'), handler: renameTeam },
  { method: 'DELETE', path: T, auth: admin, handler: destroyTeam },
  { method: 'GET', path: `${T}/builds`, auth: team('viewer'), handler: builds.listTeamBuilds },
  { method: 'POST', path: `${T}/builds`, auth: team('member'), handler: oneOff.createTeamBuild },
  {
    method: 'POST',
    path: `${T}/artifacts`,
    auth: team('member'),
    handler: artifacts.createArtifact,
  },
  {
    method: 'GET',
    path: `${T}/artifacts/:artifact_id`,
    auth: team('member'),
    handler: artifacts.getArtifact,
  },
  {
    method: 'GET',
    path: `${T}/containers`,
    auth: team('viewer'),
    handler: containers.listContainers,
  },
  {
    method: 'GET',
    path: `${T}/volumes`,
    auth: team('viewer'),
    handler: listVolumes,
  },
  {
    method: 'GET',
    path: `${T}/containers/:id`,
    auth: team('viewer'),
    handler: containers.getContainer,
  },
  {
    method: 'GET',
    path: `${T}/containers/:id/hijack`,
    auth: team('member'),
    handler: hijackWithoutUpgrade,
    websocket: acceptHijack,
  },

  { method: 'GET', path: `${V1}/pipelines`, auth: open, handler: pipelines.listAllPipelines },
  { method: 'GET', path: `${T}/pipelines`, auth: open, handler: pipelines.listTeamPipelines },
  {
    method: 'PUT',
    path: `${T}/pipelines/ordering`,
    auth: team('member'),
    handler: pipelines.orderPipelines,
  },
  { method: 'GET', path: P, auth: pipe, handler: pipelines.getPipeline },
  { method: 'DELETE', path: P, auth: team('member'), handler: pipelines.deletePipeline },
  { method: 'GET', path: `${P}/config`, auth: team('viewer'), handler: getPipelineConfig },
  {
    method: 'PUT',
    path: `${P}/config`,
    auth: team('member'),
    createsPipeline: true,
    handler: savePipelineConfigRoute,
  },
  {
    method: 'PUT',
    path: `${P}/pause`,
    auth: operator,
    rejectArchived: true,
    handler: pipelines.pausePipeline,
  },
  {
    method: 'PUT',
    path: `${P}/unpause`,
    auth: operator,
    rejectArchived: true,
    handler: pipelines.unpausePipeline,
  },
  { method: 'PUT', path: `${P}/expose`, auth: team('member'), handler: pipelines.exposePipeline },
  { method: 'PUT', path: `${P}/hide`, auth: team('member'), handler: pipelines.hidePipeline },
  { method: 'PUT', path: `${P}/archive`, auth: team('member'), handler: pipelines.archivePipeline },
  { method: 'PUT', path: `${P}/rename`, auth: team('member'), handler: pipelines.renamePipeline },
  { method: 'GET', path: `${P}/builds`, auth: pipe, handler: builds.listPipelineBuilds },
  {
    method: 'POST',
    path: `${P}/builds`,
    auth: team('member'),
    handler: oneOff.createPipelineBuild,
  },

  { method: 'GET', path: `${V1}/jobs`, auth: open, handler: jobs.listAllJobs },
  { method: 'GET', path: `${P}/jobs`, auth: pipe, handler: jobs.listJobs },
  { method: 'GET', path: J, auth: pipe, handler: jobs.getJob },
  { method: 'GET', path: `${J}/builds`, auth: pipeJobBuilds, handler: jobs.listJobBuilds },
  {
    method: 'POST',
    path: `${J}/builds`,
    auth: operator,
    rejectArchived: true,
    handler: jobs.triggerJob,
  },
  {
    method: 'GET',
    path: `${J}/builds/:build_name`,
    auth: pipeJobBuilds,
    handler: jobs.getJobBuild,
  },
  {
    method: 'POST',
    path: `${J}/builds/:build_name`,
    auth: operator,
    rejectArchived: true,
    handler: rerunJobBuild,
  },
  { method: 'GET', path: `${J}/inputs`, auth: team('viewer'), handler: jobs.listJobInputs },
  {
    method: 'DELETE',
    path: `${J}/tasks/:step_name/cache`,
    auth: operator,
    handler: clearTaskCache,
  },
  { method: 'PUT', path: `${J}/pause`, auth: operator, handler: jobs.pauseJob },
  { method: 'PUT', path: `${J}/unpause`, auth: operator, handler: jobs.unpauseJob },

  { method: 'GET', path: `${V1}/resources`, auth: open, handler: resources.listAllResources },
  { method: 'GET', path: `${P}/resources`, auth: pipe, handler: resources.listResources },
  { method: 'GET', path: R, auth: pipe, handler: resources.getResource },
  {
    method: 'POST',
    path: `${R}/check`,
    auth: operator,
    rejectArchived: true,
    handler: resources.checkResource,
  },
  {
    method: 'POST',
    path: `${R}/check/webhook`,
    auth: open,
    handler: checkResourceWebhook,
  },
  {
    method: 'PUT',
    path: `${R}/unpin`,
    auth: operator,
    rejectArchived: true,
    handler: resources.unpinResource,
  },
  {
    method: 'PUT',
    path: `${R}/pin_comment`,
    auth: operator,
    rejectArchived: true,
    handler: resources.setPinComment,
  },
  { method: 'GET', path: `${R}/versions`, auth: pipe, handler: versions.listResourceVersions },
  { method: 'GET', path: RV, auth: pipe, handler: versions.getResourceVersion },
  {
    method: 'PUT',
    path: `${RV}/pin`,
    auth: operator,
    rejectArchived: true,
    handler: versions.pinResourceVersion,
  },
  {
    method: 'PUT',
    path: `${RV}/enable`,
    auth: operator,
    rejectArchived: true,
    handler: versions.enableResourceVersion,
  },
  {
    method: 'PUT',
    path: `${RV}/disable`,
    auth: operator,
    rejectArchived: true,
    handler: versions.disableResourceVersion,
  },
  { method: 'GET', path: `${P}/resource-types`, auth: pipe, handler: resources.listResourceTypes },
  {
    method: 'POST',
    path: `${P}/resource-types/:resource_type_name/check`,
    auth: operator,
    rejectArchived: true,
    handler: resources.checkResourceType,
  },

  { method: 'GET', path: `${V1}/builds`, auth: open, handler: builds.listAllBuilds },
  { method: 'GET', path: B, auth: buildRead, handler: builds.getBuild },
  { method: 'GET', path: `${B}/plan`, auth: buildReadJob, handler: builds.getBuildPlan },
  { method: 'GET', path: `${B}/events`, auth: buildReadJob, handler: buildEvents },
  { method: 'GET', path: `${B}/artifacts`, auth: buildReadJob, handler: oneOff.listBuildArtifacts },
  { method: 'GET', path: `${B}/resources`, auth: buildRead, handler: getBuildResources },
  {
    method: 'GET',
    path: `${B}/preparation`,
    auth: buildReadJob,
    handler: builds.getBuildPreparation,
  },
  {
    method: 'PUT',
    path: `${B}/comment`,
    auth: { kind: 'build-write', role: 'pipeline-operator' },
    handler: builds.setBuildComment,
  },
  {
    method: 'PUT',
    path: `${B}/abort`,
    auth: { kind: 'build-write', role: 'pipeline-operator' },
    handler: builds.abortBuild,
  },
];
