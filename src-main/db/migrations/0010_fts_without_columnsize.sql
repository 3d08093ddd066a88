-- vicurate project schema, version 10: the caption search index keeps no per-clip token counts.

-- FTS5 keeps, by default, every row's token count (the clips_fts_docsize table, 10 MB per 1M
-- clips) for its bm25() ranking, which vicurate never asks for: caption search filters the grid,
-- and the grid sorts by the column the curator picks. Without it the index over 1M captions
-- builds in 1.2–1.3 s instead of 1.9–2.0 s (a bulk import's end; measured side by side) and a
-- caption edit writes one row less. Queries are unchanged: phrases, prefixes, AND/OR/NOT
-- (detail=full). The triggers on clips that keep the index in step name clips_fts and stay; the
-- index is rebuilt from the clips' curated captions, as a bulk import's end does.
DROP TABLE clips_fts;
CREATE VIRTUAL TABLE clips_fts USING fts5(caption, content='clips', content_rowid='id', columnsize=0);
INSERT INTO clips_fts (clips_fts) VALUES ('rebuild');
