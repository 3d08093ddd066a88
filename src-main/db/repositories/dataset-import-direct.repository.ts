import type { Db } from '../connection'
import type { ImportStage } from './dataset-import-stage.repository'
import { MultiRowInsert } from './multi-row-insert'

/**
 * The bulk load's way into clips: rows are inserted straight into clips, 32 per statement, in
 * line order (ids follow the file). It needs the clip span index to be dropped (a bulk load
 * drops it; duplicates are removed when it is rebuilt, db/clip-span-dedupe.ts), so no statement
 * can conflict, and with no other index on clips every row is appended to the rightmost pages:
 * the statement journal a multi-row statement keeps holds a page or two, not the ~5 KB a row the
 * staging table (dataset-import-stage.repository.ts) was introduced to avoid when UNIQUE was
 * maintained at random places. Same interface as the staging table.
 */
export function createDirectClipInsert(db: Db): ImportStage {
  const rows = new MultiRowInsert(db, `INSERT INTO clips
    (video_id, start_s, end_s, caption, similarity, aesthetic, extra_json, media_path, created_at, updated_at, import_id, imported_scores) VALUES `, 12)
  const args = rows.args
  let now = ''
  let importId = 0

  return {
    begin(at: string, id: number): void {
      now = at
      importId = id
      rows.reset()
    },
    add(_line, videoId, startS, endS, caption, similarity, aesthetic, extraJson, mediaPath): void {
      const o = rows.offset
      args[o] = videoId
      args[o + 1] = startS
      args[o + 2] = endS
      args[o + 3] = caption
      args[o + 4] = similarity
      args[o + 5] = aesthetic
      args[o + 6] = extraJson
      args[o + 7] = mediaPath
      args[o + 8] = now
      args[o + 9] = now
      args[o + 10] = importId
      args[o + 11] = (similarity === null ? 0 : 1) | (aesthetic === null ? 0 : 2)
      rows.done()
    },
    commit: (): number => rows.flush(),
    close: (): void => rows.reset(),
  }
}
