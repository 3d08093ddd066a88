import { currentOwner, ownerState, type ProcessOwner } from '../core/process-owner'
import type { Db } from './connection'
import { isClipSpanIndex, restoreClipSpanIndex } from './clip-span-dedupe'
import { errorCode } from './db-errors'
import { withIndexBuildSettings } from './index-build'

/**
 * A bulk import drops the secondary indexes of clips, captions and scores (the clip span index
 * included) and the FTS triggers that fire on insert and delete, and rebuilds them at its end. What it dropped is recorded, in the same transaction as
 * the drop, in one settings row together with the process doing the load, so that a load killed
 * midway is repaired by whoever opens the project next (core/project-context.ts) — but never
 * while the process that owns the load may still be running it.
 */
const PENDING_KEY = 'dataset_import.pending_index_rebuild'
/** FTS5's default in-memory term buffer (FTS5_DEFAULT_HASHSIZE) is 1 MB. */
const FTS_DEFAULT_HASHSIZE = 1 << 20
/** During the rebuild, a 16 MB buffer writes a few large segments instead of many small ones
 * that then have to be merged: 1.5 s instead of 2.2 s of CPU at 1M rows (measured; 64 MB was no
 * faster, and the buffer is memory held during the rebuild). */
const FTS_BULK_HASHSIZE = 16 << 20
interface BulkMarker {
  /** CREATE statements of what was dropped. */
  sql: string[]
  /** Absent in markers written before owners were recorded: treated as a dead owner. */
  owner?: ProcessOwner
}

function readMarker(db: Db): BulkMarker | null {
  const row = db.prepare<[string], { value_json: string }>('SELECT value_json FROM settings WHERE key = ?').get(PENDING_KEY)
  return row ? (JSON.parse(row.value_json) as BulkMarker) : null
}

const sameOwner = (a: ProcessOwner, b: ProcessOwner) => a.host === b.host && a.pid === b.pid && a.started === b.started

/** Whether the load a marker records can no longer be running: its owner is certainly gone. */
function abandoned(marker: BulkMarker): boolean {
  return marker.owner === undefined || ownerState(marker.owner) === 'dead'
}

/**
 * Runs `drop` (which drops indexes and returns their CREATE statements) and records the marker
 * in one transaction. A marker already there (another live process's load, or this process's
 * own that failed to finish) is merged, never overwritten: its statements must not be lost.
 * Returns every statement the finish has to restore.
 */
export function beginBulkLoad(db: Db, drop: () => string[]): string[] {
  return db.transaction(() => {
    const before = readMarker(db)
    const sql = [...new Set([...(before?.sql ?? []), ...drop()])]
    const marker: BulkMarker = { sql, owner: currentOwner() }
    db.prepare('INSERT OR REPLACE INTO settings (key, value_json) VALUES (?, ?)').run(PENDING_KEY, JSON.stringify(marker))
    return sql
  })()
}

/**
 * Restores what a bulk load dropped (removing clips the load duplicated, see clip-span-dedupe.ts)
 * and rebuilds the search index from the clips table. A full
 * 'rebuild' rather than indexing only the new rows: a caption edited while the insert trigger was
 * gone would otherwise leave the index inconsistent (the update trigger deletes an entry that was
 * never added). One IMMEDIATE transaction: either everything is back and the marker settled, or
 * nothing changed. The marker stays only when another process that may still be loading owns it
 * (its own finish, or the repair after its death, clears it).
 */
export function finishBulkLoad(db: Db, restore: string[]): { duplicatesRemoved: number } {
  return db.transaction(() => {
    const marker = readMarker(db)
    const sql = [...new Set([...restore, ...(marker?.sql ?? [])])].map((s) => s.replace(/^CREATE (UNIQUE INDEX|INDEX|TRIGGER) /, 'CREATE $1 IF NOT EXISTS '))
    // Order matters: the span index may have to delete duplicate clips first, which wants the
    // captions index (a foreign-key cascade per deleted clip) and must not fire the search
    // index's delete trigger for rows it never indexed; so indexes, then the span, then triggers.
    const span = sql.filter(isClipSpanIndex)
    const triggers = sql.filter((s) => /^CREATE TRIGGER /i.test(s))
    const indexes = sql.filter((s) => !span.includes(s) && !triggers.includes(s))
    let duplicatesRemoved = 0
    withIndexBuildSettings(db, () => {
      for (const s of indexes) db.exec(s)
      for (const s of span) duplicatesRemoved += restoreClipSpanIndex(db, s)
    })
    for (const s of triggers) db.exec(s)
    // The buffer size is stored in the FTS config table: set back in the same transaction.
    db.exec(`INSERT INTO clips_fts (clips_fts, rank) VALUES ('hashsize', ${FTS_BULK_HASHSIZE})`)
    db.exec("INSERT INTO clips_fts (clips_fts) VALUES ('rebuild')")
    db.exec(`INSERT INTO clips_fts (clips_fts, rank) VALUES ('hashsize', ${FTS_DEFAULT_HASHSIZE})`)
    if (marker && (abandoned(marker) || (marker.owner && sameOwner(marker.owner, currentOwner())))) {
      db.prepare('DELETE FROM settings WHERE key = ?').run(PENDING_KEY)
    }
    return { duplicatesRemoved }
  }).immediate()
}

/**
 * Repairs a bulk load whose process died: recreates what it dropped and rebuilds the search
 * index. A no-op (one primary-key lookup) when no marker is there, and when its owner may still
 * be loading: a live process — this one included, whose other thread may be importing — or a
 * process on another host. Returns whether it repaired.
 */
export function repairAbandonedBulkLoad(db: Db): boolean {
  const marker = readMarker(db)
  if (!marker || !abandoned(marker)) return false
  // Read again inside the write transaction: another process may have repaired it meanwhile.
  return db.transaction(() => {
    const now = readMarker(db)
    if (!now || !abandoned(now)) return false
    finishBulkLoad(db, now.sql)
    return true
  }).immediate()
}

/**
 * The repair as opening a project runs it: best effort, never holding up or failing the open.
 * With another connection holding the write lock it does not wait (the next open or import
 * repairs); any other failure (a full disk during the rebuild) is reported as a warning and the
 * marker stays for the next try. The project is usable either way, only slower to sort and
 * without search for the rows of the killed load.
 */
export function repairAbandonedBulkLoadOnOpen(db: Db, path: string): boolean {
  const wait = db.pragma('busy_timeout', { simple: true }) as number
  try {
    db.pragma('busy_timeout = 0')
    return repairAbandonedBulkLoad(db)
  } catch (err) {
    if (!errorCode(err).startsWith('SQLITE_BUSY')) {
      process.emitWarning(`repairing the indexes an interrupted import of ${path} dropped failed (retried on the next open): ${(err as Error).message}`)
    }
    return false
  } finally {
    db.pragma(`busy_timeout = ${wait}`)
  }
}
