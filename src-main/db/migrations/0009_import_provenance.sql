-- vicurate project schema, version 9: an import's provenance is recorded once, not per row.

-- Until now every imported row also wrote a captions row (a second copy of the caption text) and
-- up to two scores rows, each with the file's name: half of a 1M-row project's 1.06 GB and a third
-- of the import's time (bench/SCALE.md). Now the import writes one `imports` row; each of its
-- clips points at it, and while the clip's caption and score columns still hold what the file
-- said, they are the provenance. The triggers below copy a value into captions/scores, as before,
-- at the moment something first replaces it (a curator's edit, a captioning run, a scoring model's
-- value or staleness), so history is never lost. Clips imported before this version keep their
-- rows (import_id NULL); readers see both through the two views at the end.
CREATE TABLE imports (
  id         INTEGER PRIMARY KEY,
  -- The file's base name: the model_revision of its captions and scores, as before.
  file_name  TEXT NOT NULL,
  path       TEXT NOT NULL,
  created_at TEXT NOT NULL
);

ALTER TABLE clips ADD COLUMN import_id INTEGER REFERENCES imports(id);
-- Bit 1: `similarity` still holds the import's value; bit 2: `aesthetic` does. Set only for
-- non-NULL values, cleared by the triggers when the column is first written afterwards.
ALTER TABLE clips ADD COLUMN imported_scores INTEGER NOT NULL DEFAULT 0;

-- Which imports still provide a current score (the export manifest's model list), with a seek
-- per import; clips leave it as their values are replaced.
CREATE INDEX clips_import_scores ON clips(import_id, imported_scores) WHERE imported_scores > 0;

-- 'imported' is the model id of imported captions and scores (IMPORTED_MODEL_ID in
-- db/repositories/dataset.repository.ts). The copy is stale when the column's value changes. A
-- statement that clears the bit itself has made the copies already (a model selection, in bulk:
-- score.repository.ts), and the trigger stays out of its way.
CREATE TRIGGER clips_imported_similarity AFTER UPDATE OF similarity ON clips WHEN old.imported_scores & new.imported_scores & 1 BEGIN
  INSERT OR IGNORE INTO scores (clip_id, kind, value, model_id, model_revision, stale, created_at)
    SELECT old.id, 'similarity', old.similarity, 'imported', i.file_name, new.similarity IS NOT old.similarity, i.created_at
    FROM imports i WHERE i.id = old.import_id;
  UPDATE clips SET imported_scores = imported_scores & ~1 WHERE id = old.id;
END;
CREATE TRIGGER clips_imported_aesthetic AFTER UPDATE OF aesthetic ON clips WHEN old.imported_scores & new.imported_scores & 2 BEGIN
  INSERT OR IGNORE INTO scores (clip_id, kind, value, model_id, model_revision, stale, created_at)
    SELECT old.id, 'aesthetic', old.aesthetic, 'imported', i.file_name, new.aesthetic IS NOT old.aesthetic, i.created_at
    FROM imports i WHERE i.id = old.import_id;
  UPDATE clips SET imported_scores = imported_scores & ~2 WHERE id = old.id;
END;
-- An imported caption is never NULL, and once its row exists it is never removed (but with the
-- clip), so "no imported row yet" means the column still holds the file's text.
CREATE TRIGGER clips_imported_caption AFTER UPDATE OF caption ON clips WHEN old.import_id IS NOT NULL BEGIN
  INSERT INTO captions (clip_id, scale, text, model_id, model_revision, created_at)
    SELECT old.id, 'imported', old.caption, 'imported', i.file_name, i.created_at FROM imports i
    WHERE i.id = old.import_id AND NOT EXISTS (SELECT 1 FROM captions k WHERE k.clip_id = old.id AND k.scale = 'imported');
END;

-- Every score / caption with its provenance, whether copied into its table or still held by the
-- clip. Readers that filter by clip (the editor, tests) use these; bulk readers spell the union
-- out (dataset.repository.ts) so SQLite can drive it from the clips they select.
CREATE VIEW scores_with_imported AS
  SELECT clip_id, kind, value, model_id, model_revision, stale, created_at FROM scores
  UNION ALL
  SELECT c.id, 'similarity', c.similarity, 'imported', i.file_name, 0, i.created_at
    FROM clips c JOIN imports i ON i.id = c.import_id WHERE c.imported_scores & 1
  UNION ALL
  SELECT c.id, 'aesthetic', c.aesthetic, 'imported', i.file_name, 0, i.created_at
    FROM clips c JOIN imports i ON i.id = c.import_id WHERE c.imported_scores & 2;
CREATE VIEW captions_with_imported AS
  SELECT id, clip_id, scale, frame_index, frame_time_s, text, model_id, model_revision, prompt_version, run_id, created_at FROM captions
  UNION ALL
  SELECT NULL, c.id, 'imported', NULL, NULL, c.caption, 'imported', i.file_name, NULL, NULL, i.created_at
    FROM clips c JOIN imports i ON i.id = c.import_id
    WHERE NOT EXISTS (SELECT 1 FROM captions k WHERE k.clip_id = c.id AND k.scale = 'imported');
