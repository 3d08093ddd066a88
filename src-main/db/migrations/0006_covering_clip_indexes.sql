-- vicurate project schema, version 6: covering keyset indexes for the review grid.

-- The status and score indexes of clips also carry the other score, the status and the clip's
-- bounds. A page sorted by one score and filtered on the other, on status or on duration (tested
-- per row as end_s - start_s), a jump to row N (an OFFSET walk) and a slider histogram under
-- such filters are then answered from the index alone. Before, each row such a walk passed cost
-- a table read: at 1M clips a jump to the middle of "similarity >= 0.3, sorted by aesthetic"
-- took ~4.7 s, a pending-only histogram ~3 s (bench/SCALE.md).
-- Not duration_s or caption_len themselves: SQLite never treats an index as covering for a
-- query that names a generated column (it then assumes every column is needed), so those two
-- indexes stay (key, id), and a caption-length filter reads the table.
-- Names are kept: the statistics force them with INDEXED BY.
DROP INDEX clips_status_id;
DROP INDEX clips_similarity_id;
DROP INDEX clips_aesthetic_id;
CREATE INDEX clips_status_id     ON clips(status, id, similarity, aesthetic, start_s, end_s);
CREATE INDEX clips_similarity_id ON clips(similarity, id, aesthetic, status, start_s, end_s);
CREATE INDEX clips_aesthetic_id  ON clips(aesthetic, id, similarity, status, start_s, end_s);
