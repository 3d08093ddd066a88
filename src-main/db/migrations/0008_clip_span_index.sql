-- vicurate project schema, version 8: a clip's (video, start, end) uniqueness as a named index.
--
-- UNIQUE (video_id, start_s, end_s) was a table constraint, whose index SQLite never lets go of.
-- A bulk import inserts rows in its file's order, i.e. in random video order, and maintaining
-- that index row by row cost more than inserting the rows themselves (1M rows: ~4.3 s with it,
-- ~2.5 s without, and ~1.4 s to build it afterwards from sorted keys; bench/SCALE.md). As a
-- named UNIQUE index it means the same to every statement (ON CONFLICT (video_id, start_s,
-- end_s) finds it), and a bulk load can drop it like the other indexes, remove duplicates and
-- build it at the end (db/bulk-load-marker.ts).
--
-- SQLite cannot drop a table constraint, so the table is rebuilt (the documented 12-step way):
-- same columns in the same order, same ids, so the FTS index (external content keyed by id) and
-- every row pointing at a clip stay valid. migrate.ts runs this with foreign keys off (DROP TABLE
-- would otherwise cascade-delete every caption, score and review event) and checks them after.
-- review_events_no_delete names clips in its body; it is dropped and recreated around the
-- rename, which otherwise fails on a trigger naming a table that does not exist at that moment.

CREATE TABLE clips_v8 (
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
  -- See 0002_datasets.sql.
  media_path    TEXT,
  CHECK (end_s > start_s)
);

INSERT INTO clips_v8 (id, video_id, start_s, end_s, status, caption, similarity, aesthetic, thumbnail, extra_json, created_at, updated_at, media_path)
  SELECT id, video_id, start_s, end_s, status, caption, similarity, aesthetic, thumbnail, extra_json, created_at, updated_at, media_path
  FROM clips ORDER BY id;

DROP TRIGGER review_events_no_delete;
DROP TABLE clips;
ALTER TABLE clips_v8 RENAME TO clips;

CREATE UNIQUE INDEX clips_video_span ON clips(video_id, start_s, end_s);
CREATE INDEX clips_status_id      ON clips(status, id, similarity, aesthetic, start_s, end_s);
CREATE INDEX clips_similarity_id  ON clips(similarity, id, aesthetic, status, start_s, end_s);
CREATE INDEX clips_aesthetic_id   ON clips(aesthetic, id, similarity, status, start_s, end_s);
CREATE INDEX clips_duration_id    ON clips(duration_s, id);
CREATE INDEX clips_caption_len_id ON clips(caption_len, id);

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
CREATE TRIGGER clips_epoch_au AFTER UPDATE OF similarity, aesthetic, caption, start_s, end_s ON clips BEGIN
  UPDATE clip_epochs SET content = content + 1 WHERE id = 1;
END;
CREATE TRIGGER clips_epoch_ad AFTER DELETE ON clips BEGIN
  UPDATE clip_epochs SET content = content + 1 WHERE id = 1;
END;
CREATE TRIGGER clips_status_log_au AFTER UPDATE OF status ON clips WHEN old.status IS NOT new.status BEGIN
  INSERT INTO clip_status_log (clip_id, old_status) VALUES (new.id, old.status);
END;
CREATE TRIGGER review_events_no_delete BEFORE DELETE ON review_events
  WHEN (SELECT count(*) FROM clips WHERE id = old.clip_id) > 0 BEGIN
  SELECT RAISE(ABORT, 'review_events is append-only');
END;

-- scores_current_models (stale, kind, model_id, model_revision) answers every `kind = ? AND
-- stale = ?` lookup that scores_kind_stale (kind, stale) served; a bulk import rebuilt both (the
-- second ~1.4 s per 1M imported rows) for nothing.
DROP INDEX scores_kind_stale;
