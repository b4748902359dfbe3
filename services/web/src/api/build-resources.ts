// GET /api/v1/builds/:id/resources: the versions a job build got (its inputs) and put (its
// outputs), as Concourse's atc.BuildInputsOutputs. One-off and check builds have neither.
import { json } from './respond.ts';
import type { ApiRequest } from './route-table.ts';

interface PublicBuildInput {
  name: string;
  version: Record<string, string>;
  pipeline_id: number;
  first_occurrence: boolean;
}

interface PublicBuildOutput {
  name: string;
  version: Record<string, string>;
}

interface StoredInput {
  name: string;
  version: Record<string, string>;
  first_occurrence?: boolean;
}

export async function getBuildResources(req: ApiRequest): Promise<Response> {
  const build = req.build!;
  if (build.job_id === null || build.pipeline_id === null) {
    return json(200, { inputs: [], outputs: [] });
  }

  const stored = await req.ctx.pool.query<{ inputs: StoredInput[] | null }>(
    'SELECT inputs FROM builds WHERE id = $1',
    [build.id],
  );
  const inputs: PublicBuildInput[] = (stored.rows[0]?.inputs ?? []).map((input) => ({
    name: input.name,
    version: input.version,
    pipeline_id: build.pipeline_id!,
    first_occurrence: input.first_occurrence === true,
  }));

  const outputs = await req.ctx.pool.query<PublicBuildOutput>(
    `SELECT brv.name, rv.version FROM build_resource_versions brv
     JOIN resource_versions rv ON rv.id = brv.version_id
     WHERE brv.build_id = $1 AND NOT brv.is_input
     ORDER BY brv.name, rv.check_order`,
    [build.id],
  );
  return json(200, { inputs, outputs: outputs.rows });
}
