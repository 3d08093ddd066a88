-- vicurate project schema, version 7: what the filter statistics cache depends on.

-- The statistics (histograms, keep rate, density; services/stats) are cached per data version,
-- and any commit — a decision, a job's progress row — used to throw the whole cache away: ~1.7 s
-- of recomputation at 1M clips after every A or R. These let a reader tell the cases apart:
-- `content` moves when a clip's scores, caption or bounds change or a clip is deleted (an insert
-- changes count and max(id)), and every status change is logged by clip, so a decision costs
-- re-reading the changed clips' status, not a rebuild.
CREATE TABLE clip_epochs (
  id      INTEGER PRIMARY KEY CHECK (id = 1),
  content INTEGER NOT NULL
);
INSERT INTO clip_epochs (id, content) VALUES (1, 0);

CREATE TRIGGER clips_epoch_au AFTER UPDATE OF similarity, aesthetic, caption, start_s, end_s ON clips BEGIN
  UPDATE clip_epochs SET content = content + 1 WHERE id = 1;
END;
CREATE TRIGGER clips_epoch_ad AFTER DELETE ON clips BEGIN
  UPDATE clip_epochs SET content = content + 1 WHERE id = 1;
END;

-- AUTOINCREMENT: sequence numbers never go back, so a reader that has applied up to N can trust
-- that rows above N are exactly the changes it has not seen (old rows are pruned on open). The
-- status before the change lets a reader move the clip between its cached counts.
CREATE TABLE clip_status_log (
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  clip_id    INTEGER NOT NULL,
  old_status TEXT NOT NULL
);
CREATE TRIGGER clips_status_log_au AFTER UPDATE OF status ON clips WHEN old.status IS NOT new.status BEGIN
  INSERT INTO clip_status_log (clip_id, old_status) VALUES (new.id, old.status);
END;
