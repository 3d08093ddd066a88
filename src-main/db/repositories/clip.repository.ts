import type { Db } from '../connection'
import type { ClipSortKey, ClipStatus } from '../../api/contract'
import { nowIso } from '../../core/clock'
import type { SqlFilter } from './clip-filters'

export interface ClipRow {
  id: number
  video_id: number
  source_id: string
  start_s: number
  end_s: number
  duration_s: number
  status: ClipStatus
  caption: string | null
  similarity: number | null
  aesthetic: number | null
  thumbnail: string | null
  video_path: string | null
  fps: number | null
  /** 1 when the frames step made the poster and scrub sprite. */
  has_sprite: number
}

export interface NewClip {
  videoId: number
  startS: number
  endS: number
  caption?: string | null
}

/** Columns a page may be sorted by; whitelisted because they are spliced into SQL. */
const SORT_COLUMNS: Record<ClipSortKey, string> = {
  id: 'c.id',
  similarity: 'c.similarity',
  aesthetic: 'c.aesthetic',
  duration: 'c.duration_s',
}

/**
 * Keyset cursor: the last row's sort value and id. Rows with a NULL sort value come after all
 * others (phase 'null'), ordered by id, so paging never needs OFFSET.
 */
export interface KeysetCursor {
  phase: 'value' | 'null'
  value: number | null
  id: number
}

export interface PageQuery {
  status: ClipStatus | 'all'
  /** Extra conditions (ranges, caption search) from clip-filters.ts. */
  filter?: SqlFilter
  sort: ClipSortKey
  order: 'asc' | 'desc'
  limit: number
  after: KeysetCursor | null
}

const SELECT = `SELECT c.id, c.video_id, v.source_id, c.start_s, c.end_s, c.duration_s, c.status, c.caption,
  c.similarity, c.aesthetic, c.thumbnail, v.path AS video_path, v.fps,
  EXISTS (SELECT 1 FROM clip_steps s WHERE s.clip_id = c.id AND s.step = 'frames' AND s.status = 'done') AS has_sprite
  FROM clips c JOIN videos v ON v.id = c.video_id`

export function createClipRepository(db: Db) {
  const insert = db.prepare(`INSERT INTO clips (video_id, start_s, end_s, caption, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (video_id, start_s, end_s) DO NOTHING`)
  const byId = db.prepare<[number], ClipRow>(`${SELECT} WHERE c.id = ?`)
  const setStatus = db.prepare('UPDATE clips SET status = ?, updated_at = ? WHERE id = ?')
  const setThumb = db.prepare('UPDATE clips SET thumbnail = ? WHERE id = ?')
  const byStatus = db.prepare<[], { status: ClipStatus; n: number }>('SELECT status, count(*) AS n FROM clips GROUP BY status')
  const forVideo = db.prepare<[number], ClipRow>(`${SELECT} WHERE c.video_id = ? ORDER BY c.start_s`)

  function page(q: PageQuery): { rows: ClipRow[]; next: KeysetCursor | null } {
    const col = SORT_COLUMNS[q.sort]
    const dir = q.order === 'desc' ? 'DESC' : 'ASC'
    const cmp = q.order === 'desc' ? '<' : '>'
    const statusSql = (q.status === 'all' ? '' : 'AND c.status = @status') + (q.filter?.sql ?? '')
    const extra = q.filter?.params ?? {}
    const rows: ClipRow[] = []
    let after = q.after
    // Phase 1: rows with a sort value; phase 2: rows whose sort value is NULL (never for id).
    if (!after || after.phase === 'value') {
      const keyset = after ? `AND (${col} ${cmp} @value OR (${col} = @value AND c.id ${cmp} @id))` : ''
      const sql = `${SELECT} WHERE ${col} IS NOT NULL ${statusSql} ${keyset} ORDER BY ${col} ${dir}, c.id ${dir} LIMIT @limit`
      rows.push(...db.prepare<Record<string, unknown>, ClipRow>(sql).all({ ...extra, status: q.status, value: after?.value, id: after?.id, limit: q.limit }))
      if (rows.length < q.limit && q.sort !== 'id') after = { phase: 'null', value: null, id: 0 }
    }
    if (rows.length < q.limit && after?.phase === 'null') {
      const sql = `${SELECT} WHERE ${col} IS NULL ${statusSql} AND c.id > @id ORDER BY c.id LIMIT @limit`
      rows.push(...db.prepare<Record<string, unknown>, ClipRow>(sql).all({ ...extra, status: q.status, id: after.id, limit: q.limit - rows.length }))
    }
    const last = rows.at(-1)
    if (rows.length < q.limit || !last) return { rows, next: null }
    const value = q.sort === 'id' ? last.id : sortValue(last, q.sort)
    return { rows, next: { phase: value === null ? 'null' : 'value', value, id: last.id } }
  }

  return {
    /** Returns the new id, or null when the same (video, start, end) already exists. */
    insert(c: NewClip): number | null {
      const now = nowIso()
      const info = insert.run(c.videoId, c.startS, c.endS, c.caption ?? null, now, now)
      return info.changes === 0 ? null : Number(info.lastInsertRowid)
    },
    get: (id: number): ClipRow | undefined => byId.get(id),
    listForVideo: (videoId: number): ClipRow[] => forVideo.all(videoId),
    setStatus: (id: number, status: ClipStatus): void => void setStatus.run(status, nowIso(), id),
    setThumbnail: (id: number, file: string): void => void setThumb.run(file, id),
    countByStatus(): Record<ClipStatus, number> {
      const out: Record<ClipStatus, number> = { pending: 0, accepted: 0, rejected: 0 }
      for (const r of byStatus.all()) out[r.status] = r.n
      return out
    },
    page,
  }
}

function sortValue(row: ClipRow, sort: ClipSortKey): number | null {
  switch (sort) {
    case 'similarity':
      return row.similarity
    case 'aesthetic':
      return row.aesthetic
    case 'duration':
      return row.duration_s
    default:
      return row.id
  }
}

export type ClipRepository = ReturnType<typeof createClipRepository>
