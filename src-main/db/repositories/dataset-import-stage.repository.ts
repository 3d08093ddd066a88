import type { Db } from '../connection'
import { MultiRowInsert } from './multi-row-insert'

/** One table per import, so two imports sharing a connection never share (or drop) a stage. */
let stages = 0

/**
 * A batch's validated rows are staged in a TEMP table (this connection only; never written to
 * the project file) and moved into clips with one INSERT … SELECT per batch. Inserting into clips
 * directly with multi-row statements was slower while the clip span index is kept: every statement that may abort (CHECK, foreign
 * key) inside a larger transaction copies each page it touches that the transaction had already
 * dirtied into a statement journal first, ~5 KB per row at 1M rows (measured with strace). The
 * staging table has no constraints, so it needs no statement journal, and the single INSERT …
 * SELECT journals almost nothing: the clips pages it touches were clean when it started.
 */
export function createImportStage(db: Db): ImportStage {
  // Room for a 100k-row batch (a few tens of MB) to stay in memory: the temp file is only
  // written when the cache spills.
  const tempCache = db.pragma('temp.cache_size', { simple: true }) as number
  db.pragma('temp.cache_size = -65536')
  const table = `temp.import_stage_${++stages}`
  db.exec(`CREATE TABLE ${table} (
    line INTEGER PRIMARY KEY, video_id INTEGER, start_s REAL, end_s REAL, caption TEXT,
    similarity REAL, aesthetic REAL, extra_json TEXT, media_path TEXT)`)
  const rows = new MultiRowInsert(db, `INSERT INTO ${table} VALUES `, 9)
  const args = rows.args
  const clear = db.prepare(`DELETE FROM ${table}`)
  // In line order, so clip ids follow the file; the first of two equal (video, start, end) wins.
  // Prepared when first used: its ON CONFLICT needs the clip span index, which a bulk load (this
  // import's own, or another process's) has dropped; such batches never come here.
  let toClips: ReturnType<Db['prepare']> | null = null
  const toClipsSql = `INSERT INTO clips
    (video_id, start_s, end_s, caption, similarity, aesthetic, extra_json, media_path, created_at, updated_at, import_id, imported_scores)
    SELECT video_id, start_s, end_s, caption, similarity, aesthetic, extra_json, media_path, @now, @now,
      @importId, (similarity IS NOT NULL) | ((aesthetic IS NOT NULL) << 1)
    FROM ${table} WHERE true ORDER BY line
    ON CONFLICT (video_id, start_s, end_s) DO NOTHING`
  let now = ''
  let importId = 0

  return {
    begin(at: string, id: number): void {
      now = at
      importId = id
      rows.reset()
    },
    add(line, videoId, startS, endS, caption, similarity, aesthetic, extraJson, mediaPath): void {
      const o = rows.offset
      args[o] = line
      args[o + 1] = videoId
      args[o + 2] = startS
      args[o + 3] = endS
      args[o + 4] = caption
      args[o + 5] = similarity
      args[o + 6] = aesthetic
      args[o + 7] = extraJson
      args[o + 8] = mediaPath
      rows.done()
    },
    commit(): number {
      rows.flush()
      toClips ??= db.prepare(toClipsSql)
      const inserted = toClips.run({ now, importId }).changes
      clear.run()
      return inserted
    },
    close(): void {
      rows.reset()
      db.exec(`DROP TABLE IF EXISTS ${table}`)
      db.pragma(`temp.cache_size = ${tempCache}`)
    },
  }
}

/** How a batch's validated rows reach clips: staged (this file) or inserted directly (a bulk load). */
export interface ImportStage {
  /**
   * Starts a batch whose rows get created_at = updated_at = `now` and belong to import `importId`
   * (their scores marked as still the file's: the imported_scores bits of 0009_import_provenance.sql).
   */
  begin(now: string, importId: number): void
  /** One row; `line` must grow from call to call within a batch. */
  add(line: number, videoId: number, startS: number, endS: number, caption: string, similarity: number | null,
    aesthetic: number | null, extraJson: string | null, mediaPath: string | null): void
  /** Writes the batch's rows into clips; returns how many were new. */
  commit(): number
  /** Frees what the stage holds (the staging table drops its table and gives the temp cache back). */
  close(): void
}
