import type { Db } from './connection'
import { errorCode } from './db-errors'

/**
 * A bulk import loads clips with the UNIQUE (video_id, start_s, end_s) index dropped (maintaining
 * it row by row in random video order cost more than the rows themselves; 0008_clip_span_index.sql),
 * so a row already in the project, or twice in the file, is loaded twice. The index is built at
 * the end; when that fails on a duplicate, the later copies (higher ids: existing clips and the
 * first row of the file win, as ON CONFLICT DO NOTHING decided before) are removed with the rows
 * the load wrote for them, and the index is built again. Returns how many clips were removed.
 *
 * Runs inside the caller's transaction, with foreign keys on (a repair on open) or off (the
 * import itself): children are deleted explicitly, so the result is the same either way.
 */
export function restoreClipSpanIndex(db: Db, createSql: string): number {
  try {
    db.exec(createSql)
    return 0
  } catch (err) {
    if (errorCode(err) !== 'SQLITE_CONSTRAINT_UNIQUE') throw err
  }
  // The failed CREATE rolled back on its own (statement journal); the transaction goes on.
  db.exec('CREATE INDEX clips_span_dedupe ON clips(video_id, start_s, end_s, id)')
  try {
    db.exec(`CREATE TEMP TABLE clip_span_dups AS
      SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY video_id, start_s, end_s ORDER BY id) AS nth
        FROM clips INDEXED BY clips_span_dedupe) WHERE nth > 1`)
    // What may point at a loaded copy: captions and scores from a load of an older version (one
    // row each per clip before schema 9) or copied since by the 0009 triggers; steps, tags and
    // embeddings only in case a job reached one of these clips while the load ran.
    for (const child of ['captions', 'scores', 'clip_steps', 'clip_tags', 'clip_embeddings']) {
      db.exec(`DELETE FROM ${child} WHERE clip_id IN (SELECT id FROM temp.clip_span_dups)`)
    }
    const removed = db.prepare('DELETE FROM clips WHERE id IN (SELECT id FROM temp.clip_span_dups)').run().changes
    db.exec(createSql)
    return removed
  } finally {
    db.exec('DROP TABLE IF EXISTS temp.clip_span_dups')
    db.exec('DROP INDEX IF EXISTS clips_span_dedupe')
  }
}

/** Whether a CREATE statement restored after a bulk load is the clip span index. */
export const isClipSpanIndex = (sql: string): boolean => /^CREATE UNIQUE INDEX (IF NOT EXISTS )?"?clips_video_span"? /i.test(sql)
