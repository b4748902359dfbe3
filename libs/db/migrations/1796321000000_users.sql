-- Up Migration

-- Everyone who has logged in, with their last login, for `fly active-users`. Kept apart from
-- access_tokens so expired tokens can be deleted without forgetting who was active.
CREATE TABLE users (
  id serial PRIMARY KEY,
  sub text NOT NULL UNIQUE,
  username text NOT NULL,
  connector text NOT NULL,
  last_login timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX users_last_login ON users (last_login);

-- Down Migration
DROP TABLE users;
