// atc.Pipeline from a pipeline row; groups, display and user_data come from the stored config.
import type { Pipeline } from '@jetbridge/api-types';
import type { PipelineRow } from '../rows.ts';
import { omitEmpty } from './omit-empty.ts';
import { unixSeconds } from './time.ts';

export function presentPipeline(row: PipelineRow): Pipeline {
  const config = row.config ?? {};
  return omitEmpty<Pipeline>(
    {
      id: row.id,
      name: row.name,
      paused: row.paused,
      public: row.public,
      archived: row.archived,
      team_name: row.team_name,
    },
    {
      instance_vars: row.instance_vars,
      paused_by: row.paused_by,
      paused_at: unixSeconds(row.paused_at),
      groups: config.groups as Pipeline['groups'],
      display: config.display as Pipeline['display'],
      user_data: config.user_data,
      parent_build_id: row.parent_build_id,
      parent_job_id: row.parent_job_id,
      last_updated: unixSeconds(row.last_updated),
    },
  );
}
