-- vicurate project schema, version 1.
-- Timestamps are ISO-8601 UTC text; clip times are seconds (REAL) and shown as HH:MM:SS.mmm.

-- Folders whose files the media protocol / HTTP media route may serve. Nothing outside them is.
CREATE TABLE video_roots (
  id         INTEGER PRIMARY KEY,
  path       TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL
);

CREATE TABLE videos (
  id          INTEGER PRIMARY KEY,
  -- Stable name used in exports (InternVid's YoutubeID, or the file stem for local footage).
  source_id   TEXT NOT NULL UNIQUE,
  -- NULL when the media is missing (e.g. a JSONL row whose video is not on this machine).
  path        TEXT UNIQUE,
  root_id     INTEGER REFERENCES video_roots(id),
  size_bytes  INTEGER,
  mtime_ms    INTEGER,
  duration_s  REAL,
  fps         REAL,
  width       INTEGER,
  height      INTEGER,
  codec       TEXT,
  has_audio   INTEGER NOT NULL DEFAULT 0,
  probe_json  TEXT,
  status      TEXT NOT NULL DEFAULT 'ok' CHECK (status IN ('ok', 'failed', 'missing')),
  error       TEXT,
  created_at  TEXT NOT NULL
);

CREATE TABLE clips (
  id            INTEGER PRIMARY KEY,
  video_id      INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
  start_s       REAL NOT NULL CHECK (start_s >= 0),
  end_s         REAL NOT NULL,
  duration_s    REAL GENERATED ALWAYS AS (end_s - start_s) STORED,
  status        TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'rejected')),
  -- The curated caption (latest edit, else the model/imported caption). Denormalised so that
  -- filters, sorts and FTS read one row; its history lives in review_events and captions.
  caption       TEXT,
  caption_len   INTEGER GENERATED ALWAYS AS (length(caption)) STORED,
  -- Current, non-stale scores, denormalised from `scores` so the UI's sliders hit an index.
  similarity    REAL,
  aesthetic     REAL,
  thumbnail     TEXT,
  extra_json    TEXT,
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL,
  CHECK (end_s > start_s),
  UNIQUE (video_id, start_s, end_s)
);

-- One index per filter/sort the UI offers; `id` last makes each a keyset index.
CREATE INDEX clips_status_id     ON clips(status, id);
CREATE INDEX clips_similarity_id ON clips(similarity, id);
CREATE INDEX clips_aesthetic_id  ON clips(aesthetic, id);
CREATE INDEX clips_duration_id   ON clips(duration_s, id);
CREATE INDEX clips_caption_len_id ON clips(caption_len, id);

-- Model-produced captions at every scale, with provenance. Never overwritten by a curator.
CREATE TABLE captions (
  id             INTEGER PRIMARY KEY,
  clip_id        INTEGER NOT NULL REFERENCES clips(id) ON DELETE CASCADE,
  scale          TEXT NOT NULL CHECK (scale IN ('coarse', 'frame', 'fine', 'imported')),
  frame_index    INTEGER,
  text           TEXT NOT NULL,
  model_id       TEXT,
  model_revision TEXT,
  prompt_version TEXT,
  created_at     TEXT NOT NULL
);
CREATE INDEX captions_clip ON captions(clip_id, scale);

-- Full-text search over the curated caption (external content: no second copy of the text).
CREATE VIRTUAL TABLE clips_fts USING fts5(caption, content='clips', content_rowid='id');
CREATE TRIGGER clips_fts_ai AFTER INSERT ON clips WHEN new.caption IS NOT NULL BEGIN
  INSERT INTO clips_fts(rowid, caption) VALUES (new.id, new.caption);
END;
CREATE TRIGGER clips_fts_ad AFTER DELETE ON clips WHEN old.caption IS NOT NULL BEGIN
  INSERT INTO clips_fts(clips_fts, rowid, caption) VALUES ('delete', old.id, old.caption);
END;
CREATE TRIGGER clips_fts_au AFTER UPDATE OF caption ON clips BEGIN
  INSERT INTO clips_fts(clips_fts, rowid, caption)
    SELECT 'delete', old.id, old.caption WHERE old.caption IS NOT NULL;
  INSERT INTO clips_fts(rowid, caption) SELECT new.id, new.caption WHERE new.caption IS NOT NULL;
END;

CREATE TABLE scores (
  id             INTEGER PRIMARY KEY,
  clip_id        INTEGER NOT NULL REFERENCES clips(id) ON DELETE CASCADE,
  kind           TEXT NOT NULL CHECK (kind IN ('similarity', 'aesthetic')),
  value          REAL NOT NULL,
  model_id       TEXT NOT NULL,
  model_revision TEXT NOT NULL,
  -- Set when the selected model changes or the caption it was computed for was edited.
  stale          INTEGER NOT NULL DEFAULT 0,
  created_at     TEXT NOT NULL,
  UNIQUE (clip_id, kind, model_id, model_revision)
);
CREATE INDEX scores_kind_stale ON scores(kind, stale);

-- Append-only log of every curator action: decisions, caption edits, tags. It is the audit log,
-- the caption history and the undo stack; triggers forbid rewriting it.
CREATE TABLE review_events (
  id          INTEGER PRIMARY KEY,
  clip_id     INTEGER NOT NULL REFERENCES clips(id) ON DELETE CASCADE,
  batch_id    TEXT,
  kind        TEXT NOT NULL CHECK (kind IN ('decision', 'caption', 'tag')),
  action      TEXT NOT NULL,
  value_before TEXT,
  value_after  TEXT,
  reason      TEXT,
  reviewer    TEXT NOT NULL,
  created_at  TEXT NOT NULL
);
CREATE INDEX review_events_clip ON review_events(clip_id, id);
CREATE INDEX review_events_batch ON review_events(batch_id) WHERE batch_id IS NOT NULL;
CREATE TRIGGER review_events_no_update BEFORE UPDATE ON review_events BEGIN
  SELECT RAISE(ABORT, 'review_events is append-only');
END;
CREATE TRIGGER review_events_no_delete BEFORE DELETE ON review_events
  WHEN (SELECT count(*) FROM clips WHERE id = old.clip_id) > 0 BEGIN
  SELECT RAISE(ABORT, 'review_events is append-only');
END;

CREATE TABLE tags (
  id   INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE
);
CREATE TABLE clip_tags (
  clip_id INTEGER NOT NULL REFERENCES clips(id) ON DELETE CASCADE,
  tag_id  INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
  PRIMARY KEY (tag_id, clip_id)
) WITHOUT ROWID;

CREATE TABLE jobs (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL,
  status      TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled')),
  params_json TEXT NOT NULL DEFAULT '{}',
  total       INTEGER NOT NULL DEFAULT 0,
  done        INTEGER NOT NULL DEFAULT 0,
  error       TEXT,
  created_at  TEXT NOT NULL,
  started_at  TEXT,
  finished_at TEXT
);
CREATE INDEX jobs_status ON jobs(status, id);

-- Per-item step status (Immich's asset_job_status): a killed run resumes where it stopped.
CREATE TABLE video_steps (
  video_id   INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
  step       TEXT NOT NULL,
  status     TEXT NOT NULL CHECK (status IN ('done', 'failed', 'skipped')),
  error      TEXT,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (video_id, step)
) WITHOUT ROWID;

CREATE TABLE clip_steps (
  clip_id        INTEGER NOT NULL REFERENCES clips(id) ON DELETE CASCADE,
  step           TEXT NOT NULL,
  status         TEXT NOT NULL CHECK (status IN ('done', 'failed', 'skipped')),
  model_id       TEXT,
  model_revision TEXT,
  error          TEXT,
  updated_at     TEXT NOT NULL,
  PRIMARY KEY (clip_id, step)
) WITHOUT ROWID;
CREATE INDEX clip_steps_step ON clip_steps(step, status);

CREATE TABLE saved_views (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL UNIQUE,
  filters_json TEXT NOT NULL,
  sort_json  TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE settings (
  key        TEXT PRIMARY KEY,
  value_json TEXT NOT NULL
) WITHOUT ROWID;
