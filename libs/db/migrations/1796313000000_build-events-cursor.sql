-- Up Migration

-- Where the build engine is in the build's step event stream on the bus, so a replica that takes
-- over a build resumes after the last event already applied instead of applying one twice.
ALTER TABLE builds ADD COLUMN events_cursor bigint NOT NULL DEFAULT 0;

-- Down Migration
ALTER TABLE builds DROP COLUMN events_cursor;
