-- vicurate project schema, version 2: datasets in and out.

-- InternVid also ships pre-cut clip files (`{YoutubeID}_{start}_{end}.mp4`). When set, this real
-- path (inside a registered video root) holds exactly this clip: its time 0 is the clip's start_s
-- in the source video. NULL: the clip is the [start_s, end_s) span of its video's file, if any.
ALTER TABLE clips ADD COLUMN media_path TEXT;

-- Which models produced the current scores (an export's manifest lists them). Read with a loose
-- index scan (one seek per distinct model), so the answer costs microseconds at any size.
CREATE INDEX scores_current_models ON scores(stale, kind, model_id, model_revision);
