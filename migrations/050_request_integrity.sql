-- Integrity (issue 11): requests that end as failed, the audit item a request created, the write to
-- VB365 whose outcome is not settled yet; and the approval log's hash scheme per row.
--
-- SQLite cannot change a CHECK constraint in place, so `requests` is rebuilt (new table, copy, drop,
-- rename); the migration runner turns foreign keys off for this and checks them afterwards.

CREATE TABLE requests_new (
  id                     INTEGER PRIMARY KEY AUTOINCREMENT,
  kind                   TEXT    NOT NULL CHECK (kind IN ('add', 'remove')),
  organization_id        TEXT    NOT NULL,
  organization_name      TEXT    NOT NULL,
  principal_type         TEXT    NOT NULL CHECK (principal_type IN ('User', 'Group')),
  principal_id           TEXT    NOT NULL,
  principal_name         TEXT    NOT NULL,
  principal_display_name TEXT    NOT NULL,
  principal_msid         TEXT,
  principal_key          TEXT    NOT NULL,
  requester              TEXT    NOT NULL,
  reason                 TEXT,
  -- 'failed': VB365 kept refusing the change (a definite error, not an outage); the request ended.
  state                  TEXT    NOT NULL CHECK (state IN
                           ('pending', 'approved', 'applied', 'denied', 'expired', 'cancelled', 'apply_failed',
                            'failed')),
  created_at             TEXT    NOT NULL,
  updated_at             TEXT    NOT NULL,
  decided_at             TEXT,
  decided_by             TEXT,
  deny_reason            TEXT,
  audit_for_ms           INTEGER CHECK (audit_for_ms IS NULL OR (audit_for_ms > 0 AND kind = 'add')),
  audit_expires_at       TEXT,
  audit_expired_at       TEXT,
  expiry_attempts        INTEGER NOT NULL DEFAULT 0,
  applied_at             TEXT,
  apply_attempts         INTEGER NOT NULL DEFAULT 0,
  last_error             TEXT,
  next_attempt_at        TEXT,
  lease_owner            TEXT,
  lease_until            TEXT,
  -- An applied add: 1 when this request's POST created the audit item, 0 when VB365 audited the
  -- principal already (then nothing of it is ever removed by the bot). NULL: not known (a remove,
  -- not applied yet, or applied before this migration).
  audit_item_created     INTEGER CHECK (audit_item_created IS NULL OR audit_item_created IN (0, 1)),
  -- The id of the audit item this request created, when VB365 showed it.
  audit_item_id          TEXT,
  -- Attempts VB365 refused for good (a 4xx other than 401/408/429); enough of them end the request.
  definite_failures      INTEGER NOT NULL DEFAULT 0,
  -- Set in the transaction that checks the lease just before the write to VB365, cleared once its
  -- outcome is known: while set, the change may have reached VB365, so it cannot be cancelled.
  write_started_at       TEXT
);

INSERT INTO requests_new (id, kind, organization_id, organization_name, principal_type, principal_id,
  principal_name, principal_display_name, principal_msid, principal_key, requester, reason, state,
  created_at, updated_at, decided_at, decided_by, deny_reason, audit_for_ms, audit_expires_at,
  audit_expired_at, expiry_attempts, applied_at, apply_attempts, last_error, next_attempt_at,
  lease_owner, lease_until)
SELECT id, kind, organization_id, organization_name, principal_type, principal_id,
  principal_name, principal_display_name, principal_msid, principal_key, requester, reason, state,
  created_at, updated_at, decided_at, decided_by, deny_reason, audit_for_ms, audit_expires_at,
  audit_expired_at, expiry_attempts, applied_at, apply_attempts, last_error, next_attempt_at,
  lease_owner, lease_until
FROM requests;

DROP TABLE requests;
ALTER TABLE requests_new RENAME TO requests;

CREATE UNIQUE INDEX requests_one_open
  ON requests (organization_id, principal_key, kind)
  WHERE state IN ('pending', 'approved', 'apply_failed');
CREATE INDEX requests_by_state ON requests (state, created_at);
CREATE INDEX requests_by_requester ON requests (requester, created_at);
CREATE INDEX requests_audit_expiry ON requests (audit_expires_at)
  WHERE audit_expires_at IS NOT NULL AND audit_expired_at IS NULL;

-- The hash scheme of each log row (src/store/log.ts): 1, the first one (content only; every row
-- written before this migration); 2, the row's sequence number inside the hash; 3, the same keyed
-- with LOG_HMAC_KEY (HMAC-SHA-256). A chain never goes back to a lower scheme, so the first row of
-- scheme 3 is where keying started.
ALTER TABLE events ADD COLUMN scheme INTEGER NOT NULL DEFAULT 1 CHECK (scheme IN (1, 2, 3));
