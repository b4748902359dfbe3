// The version a custom resource type's image is fetched at: the newest one its checks saved.
import type { BuildRun } from '../plan/run-context.ts';
import type { TypeVersionLookup } from './images.ts';

export function typeVersionLookup(run: BuildRun): TypeVersionLookup {
  return async (typeName) => {
    if (run.build.pipelineId === null) return undefined;
    const found = await run.ctx.pool.query<{ version: Record<string, string> }>(
      `SELECT rv.version FROM resource_versions rv
       JOIN resource_types rt ON rt.id = rv.resource_type_id
       WHERE rt.pipeline_id = $1 AND rt.name = $2
       ORDER BY rv.check_order DESC, rv.id DESC LIMIT 1`,
      [run.build.pipelineId, typeName],
    );
    return found.rows[0]?.version;
  };
}
