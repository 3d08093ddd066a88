import type { ClipFilters, ClipStatus, FilterField, Histogram, HistogramQuery, KeepRate, RangeFilter } from '../api/contract'
import { ApiError } from '../api/errors'
import type { ProjectContext } from '../core/project-context'
import type { Db } from '../db/connection'
import { FILTER_COLUMNS, filterSql, type SqlFilter } from '../db/repositories/clip-filters'
import { ClipStats, DEFAULT_HISTOGRAM_BINS, type StatsScope } from './stats/clip-stats'

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

/** Per connection: the threshold of each (column, k %), for the data version it was read at. */
const thresholds = new WeakMap<Db, { key: string; values: Map<string, number | undefined> }>()

/**
 * Turns "top k %" into a minimum: the value of the clip at rank ceil(k % of scored clips), read
 * from the field's index (InternVid's FLT subset is rank based, not a fixed threshold). Every
 * page of a top-k list asks again, so the threshold is kept until the data changes (the walk to
 * rank k costs ~10 ms per 300k clips).
 */
export function resolveFilters(ctx: { db: Db }, filters: ClipFilters): ClipFilters {
  const out: ClipFilters = { ...filters }
  for (const field of FIELDS) {
    const r = filters[field]
    if (r?.topPercent === undefined) continue
    const col = FILTER_COLUMNS[field]
    const key = `${ctx.db.pragma('data_version', { simple: true }) as number}:${ctx.db.prepare('SELECT total_changes()').pluck().get() as number}`
    let memo = thresholds.get(ctx.db)
    if (memo?.key !== key) thresholds.set(ctx.db, (memo = { key, values: new Map() }))
    const name = `${col}:${r.topPercent}`
    if (!memo.values.has(name)) {
      // count(*) is a b-tree count and the NULLs one index range: no walk over every scored clip.
      const scored = ctx.db.prepare(`SELECT (SELECT count(*) FROM clips) - (SELECT count(*) FROM clips c WHERE ${col} IS NULL)`).pluck().get() as number
      const k = Math.max(1, Math.ceil((scored * r.topPercent) / 100))
      memo.values.set(name, ctx.db.prepare(`SELECT ${col} FROM clips c WHERE ${col} IS NOT NULL ORDER BY ${col} DESC LIMIT 1 OFFSET ?`).pluck().get(k - 1) as number | undefined)
    }
    const threshold = memo.values.get(name)
    out[field] = { ...(r.max !== undefined && { max: r.max }), min: Math.max(r.min ?? -Infinity, threshold ?? Infinity) }
  }
  return out
}

/** Checked, resolved SQL for a query's status + filters. */
export function sqlFor(ctx: ProjectContext, status: unknown, filters: unknown): SqlFilter {
  return filterSql(resolveFilters(ctx, checkFilters(filters)), checkStatus(status))
}

/** The statistics engine of a connection (one per connection: it registers an aggregate there). */
const engines = new WeakMap<Db, ClipStats>()
export function clipStatsFor(db: Db): ClipStats {
  let e = engines.get(db)
  if (!e) engines.set(db, (e = new ClipStats(db, (d, f) => resolveFilters({ db: d }, f))))
  return e
}

/** Checked scope of a statistics request (status + filters). */
export function checkScope(args: { status?: unknown; filters?: unknown }): StatsScope {
  return { status: checkStatus(args.status), filters: checkFilters(args.filters) }
}

export function checkHistogramQuery(q: HistogramQuery): { field: FilterField; bins: number; scope: StatsScope } {
  if (!(FIELDS as string[]).includes(q.field)) throw new ApiError('bad_request', `cannot histogram "${String(q.field)}" (fields: ${FIELDS.join(', ')})`)
  const bins = q.bins ?? DEFAULT_HISTOGRAM_BINS
  if (!Number.isInteger(bins) || bins < 1 || bins > 100) throw new ApiError('bad_request', 'bins must be an integer 1..100')
  return { field: q.field, bins, scope: checkScope(q) }
}

/**
 * In-process statistics on the caller's connection (CLI, benchmarks, tests). The API serves them
 * from a worker instead (stats-host.ts), so the grid's queries never wait behind them.
 */
export function histogram(ctx: ProjectContext, q: HistogramQuery): Histogram {
  const c = checkHistogramQuery(q)
  return clipStatsFor(ctx.db).histogram(c.field, c.bins, c.scope)
}

export function keepRate(ctx: ProjectContext, args: { status?: unknown; filters?: unknown }): KeepRate {
  return clipStatsFor(ctx.db).keepRate(checkScope(args))
}
