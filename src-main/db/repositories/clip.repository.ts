import type { Db } from '../connection'
import type { ClipSortKey, ClipStatus } from '../../api/contract'
import { nowIso } from '../../core/clock'
import type { SqlFilter } from './clip-filters'
import { createPagePlanner } from './clip-page-plan'

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

/** Largest row position a page may start at (a seek walks the index that far). */
export const MAX_SEEK = 100_000_000

const SELECT = `SELECT c.id, c.video_id, v.source_id, c.start_s, c.end_s, c.duration_s, c.status, c.caption,
  c.similarity, c.aesthetic, c.thumbnail, v.path AS video_path, v.fps,
  EXISTS (SELECT 1 FROM clip_steps s WHERE s.clip_id = c.id AND s.step = 'frames' AND s.status = 'done') AS has_sprite
  FROM clips c JOIN videos v ON v.id = c.video_id`

export function createClipRepository(db: Db) {
  // Not ON CONFLICT: that needs the clip span index, which a bulk import in another process drops
  // while it loads (its end removes any duplicate this lets through, keeping the older clip).
  const insert = db.prepare(`INSERT INTO clips (video_id, start_s, end_s, caption, created_at, updated_at)
    SELECT @videoId, @startS, @endS, @caption, @now, @now
    WHERE NOT EXISTS (SELECT 1 FROM clips WHERE video_id = @videoId AND start_s = @startS AND end_s = @endS)`)
  const byId = db.prepare<[number], ClipRow>(`${SELECT} WHERE c.id = ?`)
  const setStatus = db.prepare('UPDATE clips SET status = ?, updated_at = ? WHERE id = ?')
  const setThumb = db.prepare('UPDATE clips SET thumbnail = ? WHERE id = ?')
  const byStatus = db.prepare<[], { status: ClipStatus; n: number }>('SELECT status, count(*) AS n FROM clips GROUP BY status')
  const forVideo = db.prepare<[number], ClipRow>(`${SELECT} WHERE c.video_id = ? ORDER BY c.start_s`)

  const planner = createPagePlanner(db)

  function conditions(q: Pick<PageQuery, 'status' | 'filter' | 'sort'>) {
    const params = { ...(q.filter?.params ?? {}), ...(q.status === 'all' ? {} : { status: q.status }) }
    const planned = planner.plan(SORT_COLUMNS[q.sort], q.status === 'all' ? null : 'c.status = @status', q.filter, params)
    return { ...planned, params }
  }

  /**
   * Rows are chosen by id first (an index-only walk or sort over the covering indexes of schema 6)
   * and only the page's own rows are then read with their video and sprite state: the full
   * select per row costs ~5 µs, too much for the thousands of rows a filtered walk may pass.
   */
  function page(q: PageQuery): { rows: ClipRow[]; next: KeysetCursor | null } {
    const dir = q.order === 'desc' ? 'DESC' : 'ASC'
    const cmp = q.order === 'desc' ? '<' : '>'
    const raw = SORT_COLUMNS[q.sort]
    const { plan, where, sortExpr: col, params } = conditions(q)
    const rows: ClipRow[] = []
    let after = q.after
    const read = (ids: string, order: string, args: Record<string, unknown>) =>
      db.prepare<Record<string, unknown>, ClipRow>(`${SELECT} WHERE c.id IN (${ids}) ORDER BY ${order}`).all(args)
    // Phase 1: rows with a sort value; phase 2: rows whose sort value is NULL (never for id).
    if (!after || after.phase === 'value') {
      const keyset = after ? `AND (${col} ${cmp} @value OR (${col} = @value AND c.id ${cmp} @id))` : ''
      const ids = `SELECT c.id FROM clips c WHERE ${col} IS NOT NULL ${where} ${keyset} ORDER BY ${col} ${dir}, c.id ${dir} LIMIT @limit`
      rows.push(...read(ids, `+${raw} ${dir}, c.id ${dir}`, { ...params, value: after?.value, id: after?.id, limit: q.limit }))
      if (rows.length < q.limit && q.sort !== 'id') after = { phase: 'null', value: null, id: 0 }
    }
    if (rows.length < q.limit && after?.phase === 'null') {
      const mark = plan === 'filter-first' ? '+' : ''
      const ids = `SELECT c.id FROM clips c WHERE ${mark}${raw} IS NULL ${where} AND c.id > @id ORDER BY ${mark}c.id LIMIT @limit`
      rows.push(...read(ids, 'c.id', { ...params, id: after.id, limit: q.limit - rows.length }))
    }
    const last = rows.at(-1)
    if (rows.length < q.limit || !last) return { rows, next: null }
    const value = q.sort === 'id' ? last.id : sortValue(last, q.sort)
    return { rows, next: { phase: value === null ? 'null' : 'value', value, id: last.id } }
  }

  /**
   * The cursor after which row `offset` (0-based) of this list starts, for a jump into the middle
   * of a long list: one OFFSET walk over the sort index (covering (col, id): no table reads when
   * only the sort column is involved) instead of a page walk from an end. Null: start at the top;
   * undefined: the list is shorter than that.
   */
  function seek(q: Pick<PageQuery, 'status' | 'filter' | 'sort' | 'order'>, offset: number): KeysetCursor | null | undefined {
    if (offset <= 0) return null
    const dir = q.order === 'desc' ? 'DESC' : 'ASC'
    const { where, sortExpr: col, params } = conditions(q)
    const at = db
      .prepare<Record<string, unknown>, { id: number; v: number }>(
        `SELECT c.id AS id, ${col} AS v FROM clips c WHERE ${col} IS NOT NULL ${where} ORDER BY ${col} ${dir}, c.id ${dir} LIMIT 1 OFFSET @o`,
      )
      .get({ ...params, o: offset - 1 })
    if (at) return { phase: 'value', value: q.sort === 'id' ? at.id : at.v, id: at.id }
    if (q.sort === 'id') return undefined
    const raw = SORT_COLUMNS[q.sort]
    const valued = db.prepare(`SELECT count(*) FROM clips c WHERE ${raw} IS NOT NULL ${where}`).pluck().get(params) as number
    const id = db
      .prepare(`SELECT c.id FROM clips c WHERE ${raw} IS NULL ${where} ORDER BY c.id LIMIT 1 OFFSET @o`)
      .pluck()
      .get({ ...params, o: offset - valued - 1 }) as number | undefined
    return id === undefined ? undefined : { phase: 'null', value: null, id }
  }

  return {
    /** Returns the new id, or null when the same (video, start, end) already exists. */
    insert(c: NewClip): number | null {
      const now = nowIso()
      const info = insert.run({ videoId: c.videoId, startS: c.startS, endS: c.endS, caption: c.caption ?? null, now })
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
    seek,
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
