-- Scheduled work (src/jobs). Every run of every job is recorded, so that a restart never posts the
-- same digest twice and an operator can see what ran, when, and how it ended.
-- Times are ISO 8601 UTC text (Date.toISOString()).

CREATE TABLE job_runs (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  job         TEXT    NOT NULL,
  -- What the run is for: the digest's scheduled occurrence in DIGEST_TIMEZONE ('2026-11-25T09:00'),
  -- 'manual:<iso>' for one asked for, and the local minute the run started for every other job.
  period      TEXT    NOT NULL,
  -- 1: at most one successful run per (job, period), enforced below (the digest).
  exclusive   INTEGER NOT NULL DEFAULT 0 CHECK (exclusive IN (0, 1)),
  -- A random id per jobs instance, to tell whose run it is in the logs.
  owner       TEXT    NOT NULL,
  started_at  TEXT    NOT NULL,
  -- A run still unfinished past this is taken for crashed: it no longer blocks its period.
  lease_until TEXT    NOT NULL,
  finished_at TEXT,
  outcome     TEXT CHECK (outcome IS NULL OR outcome IN ('succeeded', 'failed', 'skipped', 'abandoned')),
  -- One short line, safe to show (no secrets, no stack traces).
  detail      TEXT,
  CHECK ((finished_at IS NULL) = (outcome IS NULL))
);

CREATE INDEX job_runs_by_job ON job_runs (job, period);
CREATE INDEX job_runs_by_start ON job_runs (started_at);
-- The database itself refuses a second successful digest for one period, and two runs of it at once.
CREATE UNIQUE INDEX job_runs_once ON job_runs (job, period) WHERE exclusive = 1 AND outcome = 'succeeded';
CREATE UNIQUE INDEX job_runs_one_running ON job_runs (job, period) WHERE exclusive = 1 AND finished_at IS NULL;

-- Small named values jobs keep between runs (the access watcher's cursor).
CREATE TABLE job_state (
  key        TEXT PRIMARY KEY,
  value      TEXT NOT NULL,
  updated_at TEXT NOT NULL
) WITHOUT ROWID;

-- Requests whose Slack views a job changed but could not re-render (Slack failing): the next job run
-- calls RequestNotifier.requestChanged for them again, so no message is left showing an old state.
CREATE TABLE job_notifications (
  request_id INTEGER PRIMARY KEY REFERENCES requests (id),
  queued_at  TEXT    NOT NULL,
  attempts   INTEGER NOT NULL DEFAULT 0,
  last_error TEXT
);
