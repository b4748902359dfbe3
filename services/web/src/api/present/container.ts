// atc.Container from a container row joined with its build, job, pipeline and resource names.
import type { Container, InstanceVars } from '@jetbridge/api-types';
import { omitEmpty } from './omit-empty.ts';

export interface ContainerRow {
  handle: string;
  pod_name: string;
  worker_name: string;
  state: string;
  type: string;
  step_name: string;
  attempt: string;
  pipeline_id: number | null;
  job_id: number | null;
  build_id: number | null;
  resource_id: number | null;
  resource_type_id: number | null;
  pipeline_name: string | null;
  pipeline_instance_vars: InstanceVars | null;
  job_name: string | null;
  build_name: string | null;
  resource_name: string | null;
  resource_type_name: string | null;
  user_name: string;
  working_directory: string;
}

export function presentContainer(row: ContainerRow): Container {
  // A resource's check container is named by its resource alone: fly shows step_name and
  // resource_name side by side, and both hold the resource's name. (A resource type's check keeps
  // its step name, fly showing no resource_type_name.)
  const named = row.type === 'check' && row.resource_name !== null;
  return omitEmpty<Container>(
    { id: row.handle, worker_name: row.worker_name },
    {
      state: row.state,
      type: row.type,
      step_name: named ? '' : row.step_name,
      attempt: row.attempt,
      pipeline_id: row.pipeline_id,
      job_id: row.job_id,
      build_id: row.build_id,
      resource_id: row.resource_id,
      resource_type_id: row.resource_type_id,
      pipeline_name: row.pipeline_name,
      pipeline_instance_vars: row.pipeline_instance_vars,
      job_name: row.job_name,
      build_name: row.build_name,
      resource_name: row.resource_name,
      resource_type_name: row.resource_type_name,
      user: row.user_name,
      working_directory: row.working_directory,
    },
  );
}
