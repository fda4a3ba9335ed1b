-- The access watcher: restore sessions already looked at (so each is examined again only when it
-- changes, and a Working one until it stops) and the alert posted for each, so every session is
-- alerted once across runs and restarts, and later matching events update that alert.

CREATE TABLE access_sessions (
  -- VB365's session id, lower-cased.
  session_id    TEXT    PRIMARY KEY,
  organization  TEXT,
  creation_time TEXT    NOT NULL,
  state         TEXT    NOT NULL,
  -- What was seen (state, eTag, end time, details): a different one means "read its events again".
  -- NULL: the last examination failed and the session must be looked at again.
  fingerprint   TEXT,
  event_count   INTEGER NOT NULL DEFAULT 0 CHECK (event_count >= 0),
  -- Failed examinations in a row; past a bound the session is given up (and logged).
  failures      INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0),
  first_seen_at TEXT    NOT NULL,
  last_seen_at  TEXT    NOT NULL
) WITHOUT ROWID;

CREATE INDEX access_sessions_to_revisit ON access_sessions (last_seen_at)
  WHERE state = 'Working' OR fingerprint IS NULL;

CREATE TABLE access_alerts (
  session_id        TEXT    PRIMARY KEY,
  organization_id   TEXT,
  organization_name TEXT,
  channel           TEXT    NOT NULL,
  ts                TEXT    NOT NULL,
  -- Hash of what the alert shows: a different one means "update the message".
  content_hash      TEXT    NOT NULL,
  item_count        INTEGER NOT NULL CHECK (item_count >= 0),
  posted_at         TEXT    NOT NULL,
  updated_at        TEXT    NOT NULL
) WITHOUT ROWID;
