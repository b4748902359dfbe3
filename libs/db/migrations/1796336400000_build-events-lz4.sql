-- Up Migration

-- Build logs are stored compressed with lz4 where the server has it: compressing with the default
-- (pglz) cost the database as much CPU as the rest of storing a fast log. A server built without
-- lz4, or older than PostgreSQL 14 (no per-column compression), keeps the default.
DO $$
BEGIN
  EXECUTE 'ALTER TABLE build_events ALTER COLUMN data SET COMPRESSION lz4';
EXCEPTION WHEN feature_not_supported OR syntax_error THEN
  RAISE NOTICE 'lz4 is not available: build events keep the default compression';
END
$$;

-- Down Migration

DO $$
BEGIN
  EXECUTE 'ALTER TABLE build_events ALTER COLUMN data SET COMPRESSION default';
EXCEPTION WHEN syntax_error THEN
  NULL;
END
$$;
