// atc.Build from a build row.
import type { Build } from '@jetbridge/api-types';
import type { BuildRow } from '../rows.ts';
import { omitEmpty } from './omit-empty.ts';
import { unixSeconds } from './time.ts';

export function presentBuild(row: BuildRow): Build {
  return omitEmpty<Build>(
    {
      id: row.id,
      team_name: row.team_name,
      name: row.name,
      status: row.status,
      api_url: `/api/v1/builds/${row.id}`,
    },
    {
      comment: row.comment,
      job_name: row.job_name,
      resource_name: row.resource_name ?? row.resource_type_name,
      pipeline_id: row.pipeline_id,
      pipeline_name: row.pipeline_name,
      pipeline_instance_vars: row.pipeline_instance_vars,
      start_time: unixSeconds(row.start_time),
      end_time: unixSeconds(row.end_time),
      reap_time: unixSeconds(row.reap_time),
      rerun_number: row.rerun_number,
      rerun_of: row.rerun_of ? { id: row.rerun_of, name: row.rerun_of_name ?? undefined } : null,
      created_by: row.created_by,
    },
  );
}
