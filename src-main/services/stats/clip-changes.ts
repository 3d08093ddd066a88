import type { Db } from '../../db/connection'

/** More status changes than this at once (a batch decision) rebuild the statistics instead. */
const STATUS_DELTA_MAX = 50_000

/** A clip whose status differs from when the statistics last read it: `unicode()` of each status. */
export interface StatusChange {
  id: number
  from: number
  to: number
}

export type ClipChanges = { rebuild: true } | { rebuild: false; statuses: StatusChange[] }

/**
 * Tells the statistics what changed in `clips` since they were computed, using what schema 7
 * keeps (migrations/0007_stats_epochs.sql): a content key (clip count, max id, and an epoch that
 * update/delete triggers bump when scores, caption or bounds change) and a log of status
 * changes by clip. A decision then costs re-reading the changed clips' status; a write that
 * touches no clip (a job's progress row) costs nothing. Anything it cannot vouch for — an older
 * schema, pruned log rows it had not read, a large batch — is a rebuild.
 */
export class ClipChangeTracker {
  private content: string | null = null
  private seq = 0
  private epochs: boolean | null = null
  /** Full rebuilds so far (tests read it). */
  rebuilds = 0

  /** Call inside the read transaction the statistics use, after the data version moved. */
  since(db: Db, clips: number): ClipChanges {
    const key = this.contentKey(db, clips)
    if (key === null || key !== this.content) return this.rebuild(db, key)
    const rows = db
      .prepare(`SELECT l.seq AS seq, l.clip_id AS id, unicode(l.old_status) AS before, unicode(c.status) AS now FROM clip_status_log l
        JOIN clips c ON c.id = l.clip_id WHERE l.seq > ? ORDER BY l.seq LIMIT ${STATUS_DELTA_MAX + 1}`)
      .all(this.seq) as { seq: number; id: number; before: number; now: number }[]
    if (rows.length === 0) return { rebuild: false, statuses: [] }
    // AUTOINCREMENT leaves no gaps but pruning: a first row past seq + 1 means rows we never read.
    if (rows.length > STATUS_DELTA_MAX || rows[0].seq !== this.seq + 1) return this.rebuild(db, key)
    this.seq = rows[rows.length - 1].seq
    // Net change per clip: its status before the first logged change here → its status now.
    const first = new Map<number, { before: number; now: number }>()
    for (const r of rows) if (!first.has(r.id)) first.set(r.id, r)
    const statuses: StatusChange[] = []
    for (const [id, r] of first) if (r.before !== r.now) statuses.push({ id, from: r.before, to: r.now })
    return { rebuild: false, statuses }
  }

  private rebuild(db: Db, key: string | null): ClipChanges {
    this.rebuilds++
    this.content = key
    this.seq = this.epochs ? ((db.prepare('SELECT max(seq) FROM clip_status_log').pluck().get() as number | null) ?? 0) : 0
    return { rebuild: true }
  }

  private contentKey(db: Db, clips: number): string | null {
    this.epochs ??= (db.prepare("SELECT count(*) FROM sqlite_schema WHERE name IN ('clip_epochs', 'clip_status_log')").pluck().get() as number) === 2
    if (!this.epochs) return null
    const maxId = db.prepare('SELECT max(id) FROM clips').pluck().get() as number | null
    const epoch = db.prepare('SELECT content FROM clip_epochs WHERE id = 1').pluck().get() as number | undefined
    return epoch === undefined ? null : `${clips}:${maxId ?? 0}:${epoch}`
  }
}
