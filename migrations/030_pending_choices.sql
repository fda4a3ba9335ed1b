-- Several principals matched what someone typed (`add young`): the bot keeps their choice here,
-- server-side, and the reply's buttons carry only the choice id and a candidate's index. No request
-- exists until the same person picks one, before `expires_at`; `used_at` makes a pick count once.
-- Times are ISO 8601 UTC text (Date.toISOString()).

CREATE TABLE pending_choices (
  id                TEXT    PRIMARY KEY,
  requester         TEXT    NOT NULL,
  kind              TEXT    NOT NULL CHECK (kind IN ('add', 'remove')),
  organization_id   TEXT    NOT NULL,
  organization_name TEXT    NOT NULL,
  -- JSON array of the candidates offered, in the order shown (a pick names an index).
  candidates        TEXT    NOT NULL,
  total             INTEGER NOT NULL CHECK (total >= 0),
  reason            TEXT,
  audit_for_ms      INTEGER CHECK (audit_for_ms IS NULL OR audit_for_ms > 0),
  created_at        TEXT    NOT NULL,
  expires_at        TEXT    NOT NULL,
  used_at           TEXT
);

CREATE INDEX pending_choices_by_expiry ON pending_choices (expires_at);
