-- An organization's audit snapshot is only ever read and replaced whole, by the digest. Kept as one
-- row per audited principal, writing and reading it cost the digest more than anything but VB365
-- (25,000 principals: about 25,000 inserts and row reads per digest). Each snapshot becomes one JSON
-- array of entries ordered by principal key, each entry an array (field names would make the
-- document a fifth larger): [key, type, id, name, displayName, auditItemId, msid], null where absent.
-- The table is rebuilt with a rowid, which suits rows this large better than WITHOUT ROWID.

CREATE TABLE audit_snapshots_new (
  organization_id   TEXT PRIMARY KEY,
  organization_name TEXT NOT NULL,
  -- Read just before VB365 was asked: bot changes logged after this are not in the snapshot.
  taken_at          TEXT NOT NULL,
  digest_id         INTEGER REFERENCES digests (id),
  -- The JSON document (src/store/snapshots.ts writes it). Not checked here: json_valid would parse
  -- every document again on each write.
  entries           TEXT NOT NULL
);

INSERT INTO audit_snapshots_new (organization_id, organization_name, taken_at, digest_id, entries)
SELECT s.organization_id, s.organization_name, s.taken_at, s.digest_id,
  (SELECT json_group_array(
       json_array(
         i.principal_key,
         i.principal_type,
         i.principal_id,
         i.principal_name,
         i.principal_display_name,
         i.audit_item_id,
         i.principal_msid
       ) ORDER BY i.principal_key)
   FROM audit_snapshot_items i
   WHERE i.organization_id = s.organization_id)
FROM audit_snapshots s;

DROP TABLE audit_snapshot_items;
DROP TABLE audit_snapshots;
ALTER TABLE audit_snapshots_new RENAME TO audit_snapshots;
