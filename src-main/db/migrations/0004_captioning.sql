-- vicurate project schema, version 4: multi-scale captioning provenance.

-- The instant a 'frame' caption describes, in seconds from the clip's start (1 fps sampling).
ALTER TABLE captions ADD COLUMN frame_time_s REAL;
-- One captioning pass of one clip: its coarse, frame and fine rows share it, so the UI shows
-- the frame captions a summary came from even after the clip was captioned again.
ALTER TABLE captions ADD COLUMN run_id TEXT;
CREATE INDEX captions_run ON captions(run_id) WHERE run_id IS NOT NULL;
