-- Up Migration

-- The get that is fetching a resource cache's version right now: one row per store key, held from
-- before its `in` runs until its step ends. Another get of the same version with the same config
-- waits for the row to go and then reuses the cache instead of fetching the same files again. The
-- holder renews `renewed_at` while its step runs. A row whose step or build is no longer running,
-- or that nobody renewed for minutes, holds nothing: the next get takes it over.
CREATE TABLE resource_cache_fetches (
  store_key text PRIMARY KEY,
  build_id integer NOT NULL,
  plan_id text NOT NULL,
  renewed_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX resource_cache_fetches_step ON resource_cache_fetches (build_id, plan_id);

-- Down Migration

DROP TABLE resource_cache_fetches;
