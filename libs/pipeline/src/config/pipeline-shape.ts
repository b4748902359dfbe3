// The strict shape of everything below the top level of a pipeline, except steps
// (checked by the step parser) and task configs (checked by validation).
import type { Shape } from './shape.ts';

const stringMap: Shape = { valuesOf: 'string' };

const resource: Shape = {
  object: {
    name: 'string',
    old_name: 'string',
    public: 'bool',
    webhook_token: 'string',
    type: 'string',
    source: 'map',
    check_every: 'string',
    check_timeout: 'string',
    tags: 'stringList',
    version: stringMap,
    icon: 'string',
    expose_build_created_by: 'bool',
  },
};

const resourceType: Shape = {
  object: {
    name: 'string',
    type: 'string',
    source: 'map',
    defaults: 'map',
    privileged: 'bool',
    check_every: 'string',
    tags: 'stringList',
    params: 'map',
    unique_version_history: 'bool',
  },
};

const job: Shape = {
  object: {
    name: 'string',
    old_name: 'string',
    public: 'bool',
    disable_manual_trigger: 'bool',
    serial: 'bool',
    interruptible: 'bool',
    serial_groups: 'stringList',
    max_in_flight: 'int',
    build_logs_to_retain: 'int',
    build_log_retention: {
      object: { builds: 'int', minimum_succeeded_builds: 'int', days: 'int' },
    },
    disable_reruns: 'bool',
    tags: 'stringList',
    on_success: 'map',
    on_failure: 'map',
    on_abort: 'map',
    on_error: 'map',
    ensure: 'map',
    plan: { list: 'map' },
  },
};

/** Shapes of the known top-level sections; other top-level keys are dropped before this. */
export const SECTION_SHAPES: Record<string, Shape> = {
  groups: {
    list: { object: { name: 'string', jobs: 'stringList', resources: 'stringList' } },
  },
  var_sources: { list: { object: { name: 'string', type: 'string', config: 'any' } } },
  resources: { list: resource },
  resource_types: { list: resourceType },
  prototypes: { list: resourceType },
  jobs: { list: job },
  display: { object: { background_image: 'string', background_filter: 'string' } },
  user_data: 'any',
};
