// atc.Resource from a resource row, its pipeline and its last check build.
import type { Build, Resource } from '@jetbridge/api-types';
import type { PipelineRow } from '../rows.ts';
import { omitEmpty } from './omit-empty.ts';
import { unixSeconds } from './time.ts';

export interface ResourceRow {
  id: number;
  pipeline_id: number;
  name: string;
  type: string;
  config: { icon?: string; source?: unknown; tags?: string[]; public?: boolean };
  last_checked: Date | null;
  pinned_version: Record<string, string> | null;
  pinned_in_config: boolean;
  pin_comment: string | null;
  config_hash: string;
  last_check_build_id: number | null;
}

/** `lastCheck` is the resource's newest check build, which shows its check status and error. */
export function presentResource(
  row: ResourceRow,
  pipeline: PipelineRow,
  lastCheck?: Build,
): Resource {
  return omitEmpty<Resource>(
    {
      name: row.name,
      pipeline_id: pipeline.id,
      pipeline_name: pipeline.name,
      team_name: pipeline.team_name,
      type: row.type,
    },
    {
      pipeline_instance_vars: pipeline.instance_vars,
      last_checked: unixSeconds(row.last_checked),
      icon: row.config.icon,
      pinned_version: row.pinned_version,
      pinned_in_config: row.pinned_in_config,
      pin_comment: row.pin_comment,
      build: lastCheck,
    },
  );
}
