-- Up Migration

-- The last check of each task image_resource config (type, source and the image the check runs
-- in), Concourse's resource config scope for images: a build's image check is skipped when a check
-- of the same config succeeded after the build started, and starts from the version found last.
CREATE TABLE image_resource_checks (
  config_key text PRIMARY KEY,
  version jsonb,
  succeeded boolean NOT NULL,
  end_time timestamptz NOT NULL
);

-- Down Migration

DROP TABLE image_resource_checks;
