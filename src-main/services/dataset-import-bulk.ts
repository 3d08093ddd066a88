import type { ProjectContext } from '../core/project-context'
import type { DatasetRepository } from '../db/repositories/dataset.repository'

const PENDING_KEY = 'dataset_import.pending_index_rebuild'
/** FTS5's default in-memory term buffer (FTS5_DEFAULT_HASHSIZE) is 1 MB. */
const FTS_DEFAULT_HASHSIZE = 1 << 20
/** During the rebuild, a 16 MB buffer writes a few large segments instead of many small ones
 * that then have to be merged: 1.5 s instead of 2.2 s of CPU at 1M rows (measured; 64 MB was no
 * faster, and the buffer is memory held during the rebuild). */
const FTS_BULK_HASHSIZE = 16 << 20

/**
 * Drops what a bulk load would otherwise maintain row by row (see DatasetRepository
 * dropBulkIndexes) and records, in the same transaction, the SQL that restores it: a load
 * killed midway is repaired by the next import (repairInterruptedImport).
 */
export function beginBulk(ctx: ProjectContext, repo: DatasetRepository): string[] {
  return ctx.db.transaction(() => {
    const sql = repo.dropBulkIndexes()
    ctx.db.prepare('INSERT OR REPLACE INTO settings (key, value_json) VALUES (?, ?)').run(PENDING_KEY, JSON.stringify({ sql }))
    return sql
  })()
}

/**
 * Restores what a bulk load dropped and rebuilds the search index from the clips table. A full
 * 'rebuild' rather than indexing only the new rows: a caption edited while the insert trigger was
 * gone would otherwise leave the index inconsistent (the update trigger deletes an entry that was
 * never added). It costs about what indexing the new rows would in the cases where bulk is chosen.
 * One transaction: either everything is back and the marker gone, or nothing changed.
 */
export function finishBulk(ctx: ProjectContext, restore: string[]): void {
  const db = ctx.db
  db.transaction(() => {
    for (const sql of restore) db.exec(sql.replace(/^CREATE (UNIQUE INDEX|INDEX|TRIGGER) /, 'CREATE $1 IF NOT EXISTS '))
    // The buffer size is stored in the FTS config table: set back in the same transaction.
    db.exec(`INSERT INTO clips_fts (clips_fts, rank) VALUES ('hashsize', ${FTS_BULK_HASHSIZE})`)
    db.exec("INSERT INTO clips_fts (clips_fts) VALUES ('rebuild')")
    db.exec(`INSERT INTO clips_fts (clips_fts, rank) VALUES ('hashsize', ${FTS_DEFAULT_HASHSIZE})`)
    db.prepare('DELETE FROM settings WHERE key = ?').run(PENDING_KEY)
  })()
}

/**
 * A bulk import killed midway leaves the clip indexes and FTS trigger dropped. The marker written
 * with the drop says so; this recreates them and rebuilds the search index. Safe to call
 * on every open (the lead may wire it into openProject); a no-op when nothing is pending.
 */
export function repairInterruptedImport(ctx: ProjectContext): boolean {
  const row = ctx.db.prepare<[string], { value_json: string }>('SELECT value_json FROM settings WHERE key = ?').get(PENDING_KEY)
  if (!row) return false
  finishBulk(ctx, (JSON.parse(row.value_json) as { sql: string[] }).sql)
  return true
}
