-- Up Migration

-- The bytes at the end of a step's stream that begin a UTF-8 character whose other bytes have not
-- arrived yet: held back from the log until they do, so a character cut between two output chunks
-- is stored as itself, not as two replacement characters.
ALTER TABLE build_step_streams ADD COLUMN held bytea NOT NULL DEFAULT ''::bytea;

-- Down Migration

ALTER TABLE build_step_streams DROP COLUMN held;
