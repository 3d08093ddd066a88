-- vicurate project schema, version 5: which process runs a job, and the 'interrupted' status.
--
-- A job killed together with its process (kill -9, a crash, a closed laptop lid that never
-- woke) stayed 'running' forever. Each row now names the process that owns it: host, pid and a
-- start token (boot id + process start time on Linux, so a reused pid is not mistaken for the
-- owner). Opening the project marks rows whose owner is gone 'interrupted', which the Jobs panel
-- offers to resume, and never touches a row another live process is running.
--
-- SQLite cannot change a CHECK constraint in place, so the table is rebuilt. Nothing references
-- jobs and it holds one row per run, so the copy is instant; it runs in the migration's
-- transaction, so a crash leaves the old table.
CREATE TABLE jobs_new (
  id            INTEGER PRIMARY KEY,
  name          TEXT NOT NULL,
  status        TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled', 'interrupted')),
  params_json   TEXT NOT NULL DEFAULT '{}',
  total         INTEGER NOT NULL DEFAULT 0,
  done          INTEGER NOT NULL DEFAULT 0,
  error         TEXT,
  created_at    TEXT NOT NULL,
  started_at    TEXT,
  finished_at   TEXT,
  owner_host    TEXT,
  owner_pid     INTEGER,
  owner_started TEXT
);
INSERT INTO jobs_new (id, name, status, params_json, total, done, error, created_at, started_at, finished_at)
  SELECT id, name, status, params_json, total, done, error, created_at, started_at, finished_at FROM jobs;
DROP TABLE jobs;
ALTER TABLE jobs_new RENAME TO jobs;
CREATE INDEX jobs_status ON jobs(status, id);
