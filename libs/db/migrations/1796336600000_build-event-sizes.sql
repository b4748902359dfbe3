-- Up Migration

-- The length of each event's JSON text, so an event stream can read events up to a number of bytes
-- without loading them first. Events stored before have none and count as empty.
ALTER TABLE build_events ADD COLUMN data_bytes integer;

-- Down Migration

ALTER TABLE build_events DROP COLUMN data_bytes;
