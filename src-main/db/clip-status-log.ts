import type { Db } from './connection'

/** Status-log rows kept when a project opens; a statistics reader further behind rebuilds. */
export const STATUS_LOG_KEEP = 100_000

/**
 * Keeps `clip_status_log` (schema 7: one row per status change, read by the statistics to update
 * instead of rebuild, services/stats/clip-changes.ts) from growing without end. Called when a
 * project is opened read-write; a reader that had not read the pruned rows sees the gap and rebuilds.
 */
export function pruneStatusLog(db: Db): void {
  const exists = db.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'clip_status_log'").pluck().get() as number
  if (exists) db.prepare('DELETE FROM clip_status_log WHERE seq <= (SELECT max(seq) FROM clip_status_log) - ?').run(STATUS_LOG_KEEP)
}
