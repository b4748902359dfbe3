-- Up Migration

-- Build logs are stored compressed with lz4 where the server has it: compressing with the default
-- (pglz) cost the database as much CPU as the rest of storing a fast log. A server built without
-- lz4 keeps the default.
DO $$
BEGIN
  ALTER TABLE build_events ALTER COLUMN data SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
  RAISE NOTICE 'lz4 is not available: build events keep the default compression';
END
$$;

-- Down Migration

ALTER TABLE build_events ALTER COLUMN data SET COMPRESSION default;
