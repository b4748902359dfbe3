-- Up Migration

-- Resource caches: what a get fetched, kept as a tar in the artifact store under `store_key`
-- (`rc-<digest of type, image, source, params and version>`), so a later get of the same version
-- with the same config reuses the files instead of running the resource's `in` again. A row is
-- written only once its tar is stored; `last_used_at` moves on every reuse, for collection.
CREATE TABLE resource_caches (
  store_key text PRIMARY KEY,
  type text NOT NULL,
  version jsonb NOT NULL,
  metadata jsonb NOT NULL DEFAULT '[]'::jsonb,
  build_id integer,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX resource_caches_last_used_at ON resource_caches (last_used_at);

-- Down Migration

DROP TABLE resource_caches;
