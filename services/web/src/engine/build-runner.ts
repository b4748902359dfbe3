// Drives one build this replica owns: follows its step events, walks its plan, and finishes it
// with the status Concourse would give it. Stopping the runner (ownership lost, shutdown) leaves
// the build as it is for another replica to continue.
import { inTransaction } from '@jetbridge/db';
import type { Plan } from '@jetbridge/pipeline';
import type { Logger } from '@jetbridge/telemetry';
import type { WebContext } from '../context.ts';
import { finishBuild } from '../builds/index.ts';
import { StepEventFollower } from './events/step-event-follower.ts';
import { ArtifactRepository } from './plan/artifacts.ts';
import { BuildReleasedError, Cancellation } from './plan/cancellation.ts';
import { LocalVars } from './plan/local-vars.ts';
import type { Outcome } from './plan/outcome.ts';
import type { BuildInfo, BuildRun } from './plan/run-context.ts';
import { walkPlan } from './plan/walk-plan.ts';

interface BuildRow {
  id: number;
  name: string;
  team_id: number;
  team_name: string;
  pipeline_id: number | null;
  pipeline_name: string | null;
  instance_vars: Record<string, unknown> | null;
  job_id: number | null;
  job_name: string | null;
  resource_id: number | null;
  resource_type_id: number | null;
  created_by: string | null;
  plan: Plan | null;
  aborted: boolean;
  events_cursor: string;
}

export class BuildRunner {
  readonly buildId: number;
  readonly #ctx: WebContext;
  readonly #logger: Logger;
  readonly #released = new Cancellation();
  #root: Cancellation | null = null;
  #follower: StepEventFollower | null = null;
  #done: Promise<void> | null = null;

  constructor(ctx: WebContext, buildId: number) {
    this.#ctx = ctx;
    this.buildId = buildId;
    this.#logger = ctx.logger.child({ build_id: buildId });
  }

  /** Starts driving the build; `onDone` is called once it finished or was released. */
  start(onDone: () => void): void {
    this.#done = this.#run()
      .catch((err) => {
        if (!(err instanceof BuildReleasedError)) this.#logger.error({ err }, 'build-run-failed');
      })
      .finally(async () => {
        await this.#follower?.stop().catch(() => {});
        onDone();
      });
  }

  /** The build's aborted flag, read fresh from the database by the caller. */
  abort(): void {
    if (this.#root && !this.#root.reason) {
      this.#logger.info('build-aborting');
      this.#root.cancel('aborted');
    }
  }

  /** Stops without writing anything more; another replica may continue the build. */
  async release(): Promise<void> {
    this.#released.cancel('released');
    await this.#done;
  }

  async #run(): Promise<void> {
    const ctx = this.#ctx;
    const row = await this.#load();
    if (!row) return;
    if (!row.plan) {
      await inTransaction(ctx.pool, (client) => finishBuild(client, row.id, 'errored'));
      return;
    }
    const build = toBuildInfo(row);
    this.#follower = new StepEventFollower({
      pool: ctx.pool,
      bus: ctx.bus,
      buildId: build.id,
      owner: ctx.replicaId,
      cursor: Number(row.events_cursor),
      logger: this.#logger,
      recent: ctx.recentEvents,
      onFailure: (err) => {
        this.#logger.warn({ err }, 'step-events-not-applied');
        this.#released.cancel('released');
      },
    });
    this.#follower.start();

    const root = this.#released.child();
    this.#root = root;
    if (row.aborted) root.cancel('aborted');
    const run: BuildRun = {
      ctx,
      build,
      follower: this.#follower,
      logger: this.#logger,
      released: this.#released,
    };
    const scope = {
      cancel: root,
      artifacts: new ArtifactRepository(),
      vars: new LocalVars(),
      attempt: '',
    };

    let outcome: Outcome;
    try {
      outcome = await walkPlan(run, build.plan, scope);
    } catch (err) {
      if (err instanceof BuildReleasedError || this.#released.reason)
        throw new BuildReleasedError('released');
      this.#logger.error({ err }, 'build-plan-failed');
      outcome = 'errored';
    }
    if (this.#released.reason) throw new BuildReleasedError('released');
    const status = root.reason === 'aborted' ? 'aborted' : outcome;
    await inTransaction(ctx.pool, async (client) => {
      const owned = await client.query(
        'SELECT 1 FROM builds WHERE id = $1 AND owner = $2 FOR UPDATE',
        [build.id, ctx.replicaId],
      );
      if (owned.rowCount === 0) throw new BuildReleasedError('released');
      await finishBuild(client, build.id, status);
    });
    this.#logger.info({ status }, 'build-finished');
  }

  async #load(): Promise<BuildRow | null> {
    const found = await this.#ctx.pool.query<BuildRow>(
      `SELECT b.id, b.name, b.team_id, t.name AS team_name, b.pipeline_id, p.name AS pipeline_name,
         p.instance_vars, b.job_id, j.name AS job_name, b.resource_id, b.resource_type_id,
         b.created_by, b.plan, b.aborted, b.events_cursor
       FROM builds b
       JOIN teams t ON t.id = b.team_id
       LEFT JOIN pipelines p ON p.id = b.pipeline_id
       LEFT JOIN jobs j ON j.id = b.job_id
       WHERE b.id = $1 AND b.status = 'started' AND b.owner = $2`,
      [this.buildId, this.#ctx.replicaId],
    );
    return found.rows[0] ?? null;
  }
}

function toBuildInfo(row: BuildRow): BuildInfo {
  return {
    id: row.id,
    name: row.name,
    teamId: row.team_id,
    teamName: row.team_name,
    pipelineId: row.pipeline_id,
    pipelineName: row.pipeline_name,
    instanceVars: row.instance_vars,
    jobId: row.job_id,
    jobName: row.job_name,
    resourceId: row.resource_id,
    resourceTypeId: row.resource_type_id,
    createdBy: row.created_by,
    plan: row.plan!,
  };
}
