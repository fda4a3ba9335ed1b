-- The approval log: append-only and tamper-evident. Each row stores the hash of the row before it
-- and hash = sha256(prev_hash || canonical content), so changing, removing or reordering a row breaks
-- the chain from that row on (src/store/log.ts verifies it). The triggers refuse changes outright.
-- `kind` has no CHECK on purpose: new kinds of events must not need a migration.

CREATE TABLE events (
  id                     INTEGER PRIMARY KEY AUTOINCREMENT,
  at                     TEXT    NOT NULL,
  kind                   TEXT    NOT NULL,
  -- A Slack user id, or 'system' / 'vb365'.
  actor                  TEXT    NOT NULL,
  request_id             INTEGER REFERENCES requests (id),
  organization_id        TEXT,
  organization_name      TEXT,
  principal_type         TEXT,
  principal_id           TEXT,
  principal_name         TEXT,
  principal_display_name TEXT,
  -- Canonical JSON (sorted keys), hashed exactly as stored.
  detail                 TEXT    NOT NULL,
  prev_hash              TEXT    NOT NULL,
  hash                   TEXT    NOT NULL UNIQUE
);

CREATE INDEX events_by_request ON events (request_id);
CREATE INDEX events_by_principal ON events (lower(principal_name));
CREATE INDEX events_by_time ON events (at);

CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN
  SELECT RAISE(ABORT, 'the event log is append-only: rows cannot be changed');
END;

CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN
  SELECT RAISE(ABORT, 'the event log is append-only: rows cannot be deleted');
END;
