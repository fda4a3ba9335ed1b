-- The directory cache, written page by page. An organization's rows belong to a scope: one copy of
-- its directory. A sync fills a new scope while the current one still answers, then makes it current
-- and retires the old one, whose rows are dropped afterwards. Rows are numbered scope × 2^32 + n, so
-- a scope is one range of the primary key: written, read, counted and dropped with no other index to
-- keep up while 100,000 rows go in. The resolver finds entries through its own index in memory.
-- The rows cached so far are kept, each organization's as its current scope.

CREATE TABLE directory_scopes (
  scope           INTEGER PRIMARY KEY AUTOINCREMENT,
  organization_id TEXT    NOT NULL,
  -- filling: a sync is writing it; current: lookups read it; retired: its rows are being dropped.
  state           TEXT    NOT NULL CHECK (state IN ('filling', 'current', 'retired'))
);

CREATE UNIQUE INDEX directory_scopes_current ON directory_scopes (organization_id) WHERE state = 'current';

CREATE TABLE directory_rows (
  -- scope × 4294967296 + n
  row          INTEGER PRIMARY KEY,
  type         TEXT    NOT NULL CHECK (type IN ('User', 'Group')),
  -- VB365's opaque id, byte for byte.
  id           TEXT    NOT NULL,
  -- UPN / e-mail for users, mail or name for groups; '' when VB365 gave none.
  name         TEXT    NOT NULL,
  display_name TEXT    NOT NULL,
  msid         TEXT,
  -- User: User, Shared or Public. Group: Office365, Security, Distribution or DynamicDistribution.
  subtype      TEXT,
  -- When VB365 last returned this row (a sync, or a direct search).
  seen_at      TEXT    NOT NULL
);

INSERT INTO directory_scopes (organization_id, state)
  SELECT DISTINCT organization_id, 'current' FROM directory_entries ORDER BY organization_id;

INSERT INTO directory_rows (row, type, id, name, display_name, msid, subtype, seen_at)
  SELECT s.scope * 4294967296 + row_number() OVER (PARTITION BY e.organization_id ORDER BY e.type, e.id) - 1,
         e.type, e.id, e.name, e.display_name, e.msid, e.subtype, e.seen_at
  FROM directory_entries e JOIN directory_scopes s ON s.organization_id = e.organization_id;

DROP INDEX directory_entries_by_name;
DROP TABLE directory_entries;
ALTER TABLE directory_rows RENAME TO directory_entries;
