-- Up Migration

-- Resource types are checked like resources: their last check build and its error.
ALTER TABLE resource_types
  ADD COLUMN check_error text,
  ADD COLUMN last_check_build_id integer;

-- The checker looks up a scope's check builds; the scheduler looks up which builds used a version.
CREATE INDEX builds_resource ON builds (resource_id, id DESC) WHERE resource_id IS NOT NULL;
CREATE INDEX builds_resource_type ON builds (resource_type_id, id DESC)
  WHERE resource_type_id IS NOT NULL;
CREATE INDEX resource_versions_type_order ON resource_versions (resource_type_id, check_order DESC)
  WHERE resource_type_id IS NOT NULL;
CREATE INDEX build_resource_versions_version ON build_resource_versions (resource_id, version_id);

-- Down Migration
DROP INDEX build_resource_versions_version, resource_versions_type_order, builds_resource_type,
  builds_resource;
ALTER TABLE resource_types DROP COLUMN last_check_build_id, DROP COLUMN check_error;
