-- Up Migration

-- Build events keep their JSON text exactly: jsonb cannot hold the \u0000 escape, which a step's
-- output may contain (binary output is part of the build log).
ALTER TABLE build_events ALTER COLUMN data TYPE json USING data::json;

-- Down Migration

ALTER TABLE build_events ALTER COLUMN data TYPE jsonb USING data::jsonb;
