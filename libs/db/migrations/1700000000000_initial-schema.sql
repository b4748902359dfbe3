-- Up Migration

-- Teams and auth. `auth` is Concourse's role map: {"owner": {"users": [...], "groups": [...]}, ...}.
CREATE TABLE teams (
  id serial PRIMARY KEY,
  name text NOT NULL UNIQUE,
  auth jsonb NOT NULL DEFAULT '{}'::jsonb,
  is_admin boolean NOT NULL DEFAULT false
);

-- Opaque access tokens handed to fly, with the claims they stand for.
CREATE TABLE access_tokens (
  token text PRIMARY KEY,
  claims jsonb NOT NULL,
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX access_tokens_expires_at ON access_tokens (expires_at);

-- Pipeline config versions are one global, strictly increasing counter (as in Concourse).
CREATE SEQUENCE config_version_seq;
-- One-off and check builds take their names from one global counter.
CREATE SEQUENCE one_off_name_seq;

CREATE TABLE pipelines (
  id serial PRIMARY KEY,
  team_id integer NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
  name text NOT NULL,
  -- NULL for a plain pipeline; instance_vars_key is its canonical JSON ('' when NULL) for uniqueness.
  instance_vars jsonb,
  instance_vars_key text NOT NULL DEFAULT '',
  config jsonb,
  config_version bigint NOT NULL DEFAULT 0,
  paused boolean NOT NULL DEFAULT true,
  paused_by text,
  paused_at timestamptz,
  public boolean NOT NULL DEFAULT false,
  archived boolean NOT NULL DEFAULT false,
  ordering integer NOT NULL DEFAULT 0,
  secondary_ordering integer NOT NULL DEFAULT 0,
  parent_job_id integer,
  parent_build_id integer,
  last_updated timestamptz NOT NULL DEFAULT now(),
  UNIQUE (team_id, name, instance_vars_key)
);

CREATE TABLE jobs (
  id serial PRIMARY KEY,
  pipeline_id integer NOT NULL REFERENCES pipelines (id) ON DELETE CASCADE,
  name text NOT NULL,
  config jsonb NOT NULL,
  active boolean NOT NULL DEFAULT true,
  paused boolean NOT NULL DEFAULT false,
  paused_by text,
  paused_at timestamptz,
  public boolean NOT NULL DEFAULT false,
  build_number_seq integer NOT NULL DEFAULT 0,
  max_in_flight integer NOT NULL DEFAULT 0,
  -- set whenever something that may let the job schedule happens; cleared by the scheduler
  schedule_requested timestamptz NOT NULL DEFAULT now(),
  has_new_inputs boolean NOT NULL DEFAULT false,
  first_logged_build_id integer NOT NULL DEFAULT 0,
  UNIQUE (pipeline_id, name)
);

CREATE TABLE job_serial_groups (
  job_id integer NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  serial_group text NOT NULL,
  PRIMARY KEY (job_id, serial_group)
);

CREATE TABLE resource_types (
  id serial PRIMARY KEY,
  pipeline_id integer NOT NULL REFERENCES pipelines (id) ON DELETE CASCADE,
  name text NOT NULL,
  type text NOT NULL,
  config jsonb NOT NULL,
  active boolean NOT NULL DEFAULT true,
  last_checked timestamptz,
  UNIQUE (pipeline_id, name)
);

CREATE TABLE resources (
  id serial PRIMARY KEY,
  pipeline_id integer NOT NULL REFERENCES pipelines (id) ON DELETE CASCADE,
  name text NOT NULL,
  type text NOT NULL,
  config jsonb NOT NULL,
  active boolean NOT NULL DEFAULT true,
  -- the version history this resource reads; changes when its type or source changes
  config_hash text NOT NULL DEFAULT '',
  last_checked timestamptz,
  check_error text,
  pinned_version jsonb,
  pinned_in_config boolean NOT NULL DEFAULT false,
  pin_comment text,
  webhook_token text,
  last_check_build_id integer,
  UNIQUE (pipeline_id, name)
);

-- Versions of a resource (or resource type) scope. check_order: higher is newer.
CREATE TABLE resource_versions (
  id serial PRIMARY KEY,
  resource_id integer REFERENCES resources (id) ON DELETE CASCADE,
  resource_type_id integer REFERENCES resource_types (id) ON DELETE CASCADE,
  config_hash text NOT NULL DEFAULT '',
  version jsonb NOT NULL,
  version_sha256 text NOT NULL,
  metadata jsonb NOT NULL DEFAULT '[]'::jsonb,
  check_order integer NOT NULL DEFAULT 0,
  enabled boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((resource_id IS NULL) <> (resource_type_id IS NULL))
);
CREATE UNIQUE INDEX resource_versions_resource_unique
  ON resource_versions (resource_id, config_hash, version_sha256) WHERE resource_id IS NOT NULL;
CREATE UNIQUE INDEX resource_versions_type_unique
  ON resource_versions (resource_type_id, config_hash, version_sha256) WHERE resource_type_id IS NOT NULL;
CREATE INDEX resource_versions_order ON resource_versions (resource_id, check_order DESC);

CREATE TABLE builds (
  id serial PRIMARY KEY,
  team_id integer NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
  pipeline_id integer REFERENCES pipelines (id) ON DELETE CASCADE,
  job_id integer REFERENCES jobs (id) ON DELETE CASCADE,
  resource_id integer REFERENCES resources (id) ON DELETE CASCADE,
  resource_type_id integer REFERENCES resource_types (id) ON DELETE CASCADE,
  name text NOT NULL,
  status text NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'started', 'succeeded', 'failed', 'errored', 'aborted')),
  manually_triggered boolean NOT NULL DEFAULT false,
  created_by text,
  comment text,
  -- the build plan (atc.Plan JSON) once known; the scheduler fills it for job builds
  plan jsonb,
  -- inputs chosen by the scheduler: [{name, resource_id, version, version_id, first_occurrence}]
  inputs jsonb,
  rerun_of integer REFERENCES builds (id) ON DELETE SET NULL,
  rerun_number integer NOT NULL DEFAULT 0,
  aborted boolean NOT NULL DEFAULT false,
  -- which web replica drives the build, until when (lease renewed while it works)
  owner text,
  lease_until timestamptz,
  event_count integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  start_time timestamptz,
  end_time timestamptz,
  reap_time timestamptz,
  -- set when no pod of the build may be kept any longer (grace period over)
  completed boolean NOT NULL DEFAULT false
);
CREATE INDEX builds_job ON builds (job_id, id DESC);
CREATE INDEX builds_pipeline ON builds (pipeline_id, id DESC);
CREATE INDEX builds_team ON builds (team_id, id DESC);
CREATE INDEX builds_running ON builds (status) WHERE status IN ('pending', 'started');

CREATE TABLE build_events (
  build_id integer NOT NULL REFERENCES builds (id) ON DELETE CASCADE,
  event_id integer NOT NULL,
  type text NOT NULL,
  version text NOT NULL,
  data jsonb NOT NULL,
  PRIMARY KEY (build_id, event_id)
);

-- Progress of each plan node of a build, so another web replica can continue it.
CREATE TABLE build_steps (
  build_id integer NOT NULL REFERENCES builds (id) ON DELETE CASCADE,
  plan_id text NOT NULL,
  state text NOT NULL CHECK (state IN ('running', 'succeeded', 'failed', 'errored', 'aborted')),
  -- step result: exit status, version, metadata, artifacts produced, ...
  result jsonb,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (build_id, plan_id)
);

-- How many bytes of each output stream of a step container are stored, so output chunks replayed
-- by the bus (their offset says where they start) are stored exactly once.
CREATE TABLE build_step_streams (
  build_id integer NOT NULL REFERENCES builds (id) ON DELETE CASCADE,
  handle text NOT NULL,
  stream text NOT NULL,
  end_offset bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (build_id, handle, stream)
);

-- Build outputs of the job builds (versions produced by puts and used as inputs by gets).
CREATE TABLE build_resource_versions (
  build_id integer NOT NULL REFERENCES builds (id) ON DELETE CASCADE,
  resource_id integer NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
  version_id integer NOT NULL REFERENCES resource_versions (id) ON DELETE CASCADE,
  name text NOT NULL,
  is_input boolean NOT NULL,
  PRIMARY KEY (build_id, name, is_input, version_id)
);

-- Step pods (Concourse's containers).
CREATE TABLE containers (
  handle text PRIMARY KEY,
  pod_name text NOT NULL,
  team_id integer REFERENCES teams (id) ON DELETE CASCADE,
  build_id integer REFERENCES builds (id) ON DELETE SET NULL,
  plan_id text,
  pipeline_id integer,
  job_id integer,
  resource_id integer,
  resource_type_id integer,
  type text NOT NULL,
  step_name text NOT NULL DEFAULT '',
  attempt text NOT NULL DEFAULT '',
  state text NOT NULL DEFAULT 'creating'
    CHECK (state IN ('creating', 'created', 'destroying', 'failed')),
  user_name text NOT NULL DEFAULT '',
  working_directory text NOT NULL DEFAULT '',
  worker_name text NOT NULL,
  missing_since timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
CREATE INDEX containers_build ON containers (build_id);

CREATE TABLE workers (
  name text PRIMARY KEY,
  platform text NOT NULL DEFAULT 'linux',
  tags jsonb NOT NULL DEFAULT '[]'::jsonb,
  team_id integer REFERENCES teams (id) ON DELETE CASCADE,
  state text NOT NULL DEFAULT 'running',
  version text NOT NULL DEFAULT '3.0',
  active_containers integer NOT NULL DEFAULT 0,
  resource_types jsonb NOT NULL DEFAULT '[]'::jsonb,
  start_time timestamptz NOT NULL DEFAULT now(),
  heartbeat_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);

-- Artifacts uploaded by fly execute and outputs registered for download.
CREATE TABLE artifacts (
  id serial PRIMARY KEY,
  team_id integer NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
  build_id integer REFERENCES builds (id) ON DELETE CASCADE,
  name text NOT NULL DEFAULT '',
  -- the key the artifact service stores the tar under
  store_key text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Task caches (job, step, path) known to the cache store.
CREATE TABLE task_caches (
  id serial PRIMARY KEY,
  team_id integer NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
  job_id integer NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  step_name text NOT NULL,
  path text NOT NULL,
  store_key text NOT NULL,
  UNIQUE (job_id, step_name, path)
);

CREATE TABLE wall (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  message text NOT NULL,
  expires_at timestamptz
);

CREATE TABLE components (
  name text PRIMARY KEY,
  interval_ms integer NOT NULL,
  last_ran timestamptz,
  paused boolean NOT NULL DEFAULT false
);

-- Down Migration
DROP TABLE components, wall, task_caches, artifacts, workers, containers, build_resource_versions,
  build_step_streams, build_steps, build_events, builds, resource_versions, resources, resource_types,
  job_serial_groups, jobs, pipelines, access_tokens, teams CASCADE;
DROP SEQUENCE one_off_name_seq, config_version_seq;
