-- The digest: each one posted, and after each, per organization, the audit items VB365 listed, so
-- the next digest can tell changes made outside the bot (drift) from the bot's own.

CREATE TABLE digests (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  -- The job_runs period: '2026-11-25T09:00' (scheduled) or 'manual:<iso>' (on demand).
  period       TEXT NOT NULL,
  trigger      TEXT NOT NULL CHECK (trigger IN ('scheduled', 'manual')),
  -- Slack user id for an on-demand digest.
  requested_by TEXT,
  -- When its data was read: "since the previous digest" starts here.
  gathered_at  TEXT NOT NULL,
  posted_at    TEXT NOT NULL,
  channel      TEXT NOT NULL,
  -- JSON array of the posted messages' ts.
  message_ts   TEXT NOT NULL
);

CREATE INDEX digests_by_time ON digests (gathered_at);

CREATE TABLE audit_snapshots (
  organization_id   TEXT PRIMARY KEY,
  organization_name TEXT NOT NULL,
  -- Read just before VB365 was asked: bot changes logged after this are not in the snapshot.
  taken_at          TEXT NOT NULL,
  digest_id         INTEGER REFERENCES digests (id)
) WITHOUT ROWID;

CREATE TABLE audit_snapshot_items (
  organization_id        TEXT NOT NULL REFERENCES audit_snapshots (organization_id) ON DELETE CASCADE,
  -- Type plus the lower-cased UPN / mail (else the lower-cased id): stable across VB365's id forms.
  principal_key          TEXT NOT NULL,
  principal_type         TEXT NOT NULL CHECK (principal_type IN ('User', 'Group')),
  principal_id           TEXT NOT NULL,
  principal_name         TEXT NOT NULL,
  principal_display_name TEXT NOT NULL,
  principal_msid         TEXT,
  audit_item_id          TEXT NOT NULL,
  PRIMARY KEY (organization_id, principal_key)
) WITHOUT ROWID;
