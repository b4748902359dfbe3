// What every part of the walker is handed: the build, the sinks, and the scope it runs in.
import type { Logger } from '@jetbridge/telemetry';
import type { Plan } from '@jetbridge/pipeline';
import type { WebContext } from '../../context.ts';
import type { StepEventFollower } from '../events/step-event-follower.ts';
import type { ArtifactRepository } from './artifacts.ts';
import type { Cancellation } from './cancellation.ts';
import type { LocalVars } from './local-vars.ts';
import type { Outcome } from './outcome.ts';

export interface BuildInfo {
  id: number;
  name: string;
  teamId: number;
  teamName: string;
  pipelineId: number | null;
  pipelineName: string | null;
  instanceVars: Record<string, unknown> | null;
  jobId: number | null;
  jobName: string | null;
  resourceId: number | null;
  resourceTypeId: number | null;
  createdBy: string | null;
  plan: Plan;
}

export interface BuildRun {
  ctx: WebContext;
  build: BuildInfo;
  follower: StepEventFollower;
  logger: Logger;
  /** Cancelled only when this replica stops owning the build. */
  released: Cancellation;
}

export interface Scope {
  cancel: Cancellation;
  artifacts: ArtifactRepository;
  vars: LocalVars;
  /** Attempt number(s) of the enclosing retry, as in the plan's `attempts`. */
  attempt: string;
  /** Inside a hook: the status the hook reacts to (BUILD_STATUS). */
  hookStatus?: Outcome;
}
