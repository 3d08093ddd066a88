import type { ProjectContext } from '../core/project-context'
import { beginBulkLoad, finishBulkLoad, repairAbandonedBulkLoad } from '../db/bulk-load-marker'
import type { DatasetRepository } from '../db/repositories/dataset.repository'

/**
 * Drops what a bulk load would otherwise maintain row by row (see DatasetRepository
 * dropBulkIndexes) and records, in the same transaction, the SQL that restores it and this
 * process as the load's owner (db/bulk-load-marker.ts): a load killed midway is repaired when
 * the project is next opened, or by the next import.
 */
export function beginBulk(ctx: ProjectContext, repo: DatasetRepository): string[] {
  return beginBulkLoad(ctx.db, () => repo.dropBulkIndexes())
}

/** Restores what the load dropped and rebuilds the search index, in one transaction; returns how
 * many loaded clips were removed as duplicates (of a clip already there or earlier in the file). */
export function finishBulk(ctx: ProjectContext, restore: string[]): number {
  return finishBulkLoad(ctx.db, restore).duplicatesRemoved
}

/**
 * A bulk import killed midway leaves the clip indexes and FTS trigger dropped; this recreates
 * them and rebuilds the search index. Opening a project already runs it (best effort); a no-op
 * when nothing is pending or the load's process may still be running.
 */
export function repairInterruptedImport(ctx: ProjectContext): boolean {
  return repairAbandonedBulkLoad(ctx.db)
}
