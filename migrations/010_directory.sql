-- The directory cache: each organization's users and groups as last read from VB365, so that the
-- resolver can answer `add ben.young` without asking VB365. A sync replaces an organization's rows
-- in one transaction; between syncs, what a direct VB365 search returns is added.
-- Times are ISO 8601 UTC text (Date.toISOString()).

CREATE TABLE directory_entries (
  organization_id TEXT NOT NULL,
  type            TEXT NOT NULL CHECK (type IN ('User', 'Group')),
  -- VB365's opaque id, byte for byte.
  id              TEXT NOT NULL,
  -- UPN / e-mail for users, mail or name for groups; '' when VB365 gave none.
  name            TEXT NOT NULL,
  display_name    TEXT NOT NULL,
  msid            TEXT,
  -- User: User, Shared or Public. Group: Office365, Security, Distribution or DynamicDistribution.
  subtype         TEXT,
  -- When VB365 last returned this row (a sync, or a direct search).
  seen_at         TEXT NOT NULL,
  PRIMARY KEY (organization_id, type, id)
) WITHOUT ROWID;

-- A user re-created under a new id keeps its UPN: a direct answer replaces the old row by name.
CREATE INDEX directory_entries_by_name ON directory_entries (organization_id, type, name COLLATE NOCASE);

-- When each organization was last synced in full, and what the sync found.
CREATE TABLE directory_syncs (
  organization_id TEXT    PRIMARY KEY,
  synced_at       TEXT    NOT NULL,
  users           INTEGER NOT NULL CHECK (users >= 0),
  groups          INTEGER NOT NULL CHECK (groups >= 0),
  duration_ms     INTEGER NOT NULL CHECK (duration_ms >= 0)
);
