import type { ClipFilters, ClipStatus, FilterField, Histogram, HistogramQuery, KeepRate, RangeFilter } from '../api/contract'
import { ApiError } from '../api/errors'
import type { ProjectContext } from '../core/project-context'
import { FILTER_COLUMNS, filterSql, type SqlFilter } from '../db/repositories/clip-filters'

const FIELDS = Object.keys(FILTER_COLUMNS) as FilterField[]
const STATUSES = ['all', 'pending', 'accepted', 'rejected']

function checkRange(field: string, r: unknown): RangeFilter {
  if (typeof r !== 'object' || r === null || Array.isArray(r)) throw new ApiError('bad_request', `filters.${field} must be an object {min?, max?, topPercent?}`)
  const out: RangeFilter = {}
  for (const key of ['min', 'max', 'topPercent'] as const) {
    const v = (r as Record<string, unknown>)[key]
    if (v === undefined || v === null) continue
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new ApiError('bad_request', `filters.${field}.${key} must be a finite number`)
    out[key] = v
  }
  if (out.topPercent !== undefined && !(out.topPercent > 0 && out.topPercent <= 100)) throw new ApiError('bad_request', `filters.${field}.topPercent must be in (0, 100]`)
  return out
}

/** Checks untrusted filters from a transport; returns a clean copy. */
export function checkFilters(filters: unknown): ClipFilters {
  if (filters === undefined || filters === null) return {}
  if (typeof filters !== 'object' || Array.isArray(filters)) throw new ApiError('bad_request', 'filters must be an object')
  const f = filters as Record<string, unknown>
  const out: ClipFilters = {}
  for (const key of Object.keys(f)) {
    if (key === 'text') {
      if (f.text === undefined || f.text === null || f.text === '') continue
      if (typeof f.text !== 'string' || f.text.length > 500) throw new ApiError('bad_request', 'filters.text must be a string of at most 500 characters')
      out.text = f.text
    } else if ((FIELDS as string[]).includes(key)) {
      if (f[key] !== undefined && f[key] !== null) out[key as FilterField] = checkRange(key, f[key])
    } else throw new ApiError('bad_request', `unknown filter "${key}" (fields: ${FIELDS.join(', ')}, text)`)
  }
  return out
}

export function checkStatus(status: unknown): ClipStatus | 'all' {
  const s = status ?? 'all'
  if (typeof s !== 'string' || !STATUSES.includes(s)) throw new ApiError('bad_request', `unknown status filter "${String(s)}"`)
  return s as ClipStatus | 'all'
}

/**
 * Turns "top k %" into a minimum: the value of the clip at rank ceil(k % of scored clips), read
 * from the field's index (InternVid's FLT subset is rank based, not a fixed threshold).
 */
export function resolveFilters(ctx: ProjectContext, filters: ClipFilters): ClipFilters {
  const out: ClipFilters = { ...filters }
  for (const field of FIELDS) {
    const r = filters[field]
    if (r?.topPercent === undefined) continue
    const col = FILTER_COLUMNS[field]
    const scored = ctx.db.prepare(`SELECT count(*) FROM clips c WHERE ${col} IS NOT NULL`).pluck().get() as number
    const k = Math.max(1, Math.ceil((scored * r.topPercent) / 100))
    const threshold = ctx.db.prepare(`SELECT ${col} FROM clips c WHERE ${col} IS NOT NULL ORDER BY ${col} DESC LIMIT 1 OFFSET ?`).pluck().get(k - 1) as number | undefined
    out[field] = { ...(r.max !== undefined && { max: r.max }), min: Math.max(r.min ?? -Infinity, threshold ?? Infinity) }
  }
  return out
}

/** Checked, resolved SQL for a query's status + filters. */
export function sqlFor(ctx: ProjectContext, status: unknown, filters: unknown): SqlFilter {
  return filterSql(resolveFilters(ctx, checkFilters(filters)), checkStatus(status))
}

export function histogram(ctx: ProjectContext, q: HistogramQuery): Histogram {
  if (!(FIELDS as string[]).includes(q.field)) throw new ApiError('bad_request', `cannot histogram "${String(q.field)}" (fields: ${FIELDS.join(', ')})`)
  const bins = q.bins ?? 40
  if (!Number.isInteger(bins) || bins < 1 || bins > 100) throw new ApiError('bad_request', 'bins must be an integer 1..100')
  const col = FILTER_COLUMNS[q.field]
  const where = sqlFor(ctx, q.status, q.filters)
  const range = ctx.db.prepare(`SELECT min(${col}) AS lo, max(${col}) AS hi, sum(${col} IS NULL) AS missing FROM clips c`).get() as { lo: number | null; hi: number | null; missing: number | null }
  const empty = { field: q.field, min: range.lo, max: range.hi, missing: range.missing ?? 0 }
  if (range.lo === null || range.hi === null) return { ...empty, binWidth: null, all: [], filtered: [] }
  // A single value still gets one visible bar.
  const width = range.hi > range.lo ? (range.hi - range.lo) / bins : 1
  const count = (extra: SqlFilter): number[] => {
    const out = new Array<number>(bins).fill(0)
    const rows = ctx.db
      .prepare(`SELECT min(CAST((${col} - @lo) / @w AS INTEGER), @last) AS b, count(*) AS n FROM clips c WHERE ${col} IS NOT NULL${extra.sql} GROUP BY b`)
      .all({ ...extra.params, lo: range.lo, w: width, last: bins - 1 }) as { b: number; n: number }[]
    for (const r of rows) out[r.b] = r.n
    return out
  }
  return { ...empty, binWidth: width, all: count({ sql: '', params: {} }), filtered: count(where) }
}

export function keepRate(ctx: ProjectContext, args: { status?: unknown; filters?: unknown }): KeepRate {
  const where = sqlFor(ctx, args.status, args.filters)
  const sum = (extra: SqlFilter) =>
    ctx.db.prepare(`SELECT count(*) AS n, coalesce(sum(c.duration_s), 0) / 3600.0 AS h FROM clips c WHERE 1${extra.sql}`).get(extra.params) as { n: number; h: number }
  const kept = sum(where)
  const all = sum({ sql: '', params: {} })
  return { clips: kept.n, hours: kept.h, totalClips: all.n, totalHours: all.h }
}
