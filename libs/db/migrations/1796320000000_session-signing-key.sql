-- Up Migration

-- The key that signs browser sessions when no --session-signing-key is given: created once by the
-- first web replica and read by every other, so sessions survive restarts and work on any replica.
CREATE TABLE session_signing_keys (
  id smallint PRIMARY KEY CHECK (id = 1),
  key bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE session_signing_keys;
