-- vicurate project schema, version 3: stored clip embeddings.

-- ViCLIP video embeddings (L2-normalised float32, little-endian) per clip and model revision.
-- The review UI re-scores an edited caption against them (text encoder only) and searches
-- text → clips by cosine, so the video tower never runs twice for a clip.
CREATE TABLE clip_embeddings (
  clip_id        INTEGER NOT NULL REFERENCES clips(id) ON DELETE CASCADE,
  model_id       TEXT NOT NULL,
  model_revision TEXT NOT NULL,
  dim            INTEGER NOT NULL CHECK (dim > 0),
  vector         BLOB NOT NULL CHECK (length(vector) = 4 * dim),
  created_at     TEXT NOT NULL,
  PRIMARY KEY (model_id, model_revision, clip_id)
) WITHOUT ROWID;
CREATE INDEX clip_embeddings_clip ON clip_embeddings(clip_id);
