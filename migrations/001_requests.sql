-- Requests to start or stop auditing a principal, the approvers' votes, and the Slack messages that
-- show each request (so every view can be re-rendered from the store, the source of truth).
-- Times are ISO 8601 UTC text (Date.toISOString()), so they sort and compare as text.

CREATE TABLE requests (
  id                     INTEGER PRIMARY KEY AUTOINCREMENT,
  kind                   TEXT    NOT NULL CHECK (kind IN ('add', 'remove')),
  organization_id        TEXT    NOT NULL,
  organization_name      TEXT    NOT NULL,
  principal_type         TEXT    NOT NULL CHECK (principal_type IN ('User', 'Group')),
  principal_id           TEXT    NOT NULL,
  principal_name         TEXT    NOT NULL,
  principal_display_name TEXT    NOT NULL,
  principal_msid         TEXT,
  -- What identifies the principal across VB365 id formats: the lower-cased UPN/name, else the id.
  principal_key          TEXT    NOT NULL,
  requester              TEXT    NOT NULL,
  reason                 TEXT,
  state                  TEXT    NOT NULL CHECK (state IN
                           ('pending', 'approved', 'applied', 'denied', 'expired', 'cancelled', 'apply_failed')),
  created_at             TEXT    NOT NULL,
  updated_at             TEXT    NOT NULL,
  decided_at             TEXT,
  decided_by             TEXT,
  deny_reason            TEXT,
  -- Time-bound adds: how long the audit lasts once applied, when it ends, and when it was ended.
  audit_for_ms           INTEGER CHECK (audit_for_ms IS NULL OR (audit_for_ms > 0 AND kind = 'add')),
  audit_expires_at       TEXT,
  audit_expired_at       TEXT,
  -- Failed attempts at removing the audit item once a time-bound audit ended (for backoff).
  expiry_attempts        INTEGER NOT NULL DEFAULT 0,
  applied_at             TEXT,
  -- The outbox: attempts so far, the last (safe) error, when to try again, and who holds the work.
  apply_attempts         INTEGER NOT NULL DEFAULT 0,
  last_error             TEXT,
  next_attempt_at        TEXT,
  lease_owner            TEXT,
  lease_until            TEXT
);

-- At most one open request per organization, principal and kind: a second one points to the first.
CREATE UNIQUE INDEX requests_one_open
  ON requests (organization_id, principal_key, kind)
  WHERE state IN ('pending', 'approved', 'apply_failed');

CREATE INDEX requests_by_state ON requests (state, created_at);
CREATE INDEX requests_by_requester ON requests (requester, created_at);
CREATE INDEX requests_audit_expiry ON requests (audit_expires_at)
  WHERE audit_expires_at IS NOT NULL AND audit_expired_at IS NULL;

CREATE TABLE votes (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  request_id  INTEGER NOT NULL REFERENCES requests (id),
  approver    TEXT    NOT NULL,
  at          TEXT    NOT NULL,
  UNIQUE (request_id, approver)
);

CREATE TABLE request_messages (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  request_id  INTEGER NOT NULL REFERENCES requests (id),
  channel     TEXT    NOT NULL,
  ts          TEXT    NOT NULL,
  -- e.g. 'approval' (the channel post), 'home', 'dm'.
  purpose     TEXT    NOT NULL,
  created_at  TEXT    NOT NULL,
  UNIQUE (channel, ts)
);

CREATE INDEX request_messages_by_request ON request_messages (request_id);
