import type { Db } from '../connection'
import type { FilterTerm, SqlFilter } from './clip-filters'

/**
 * Which index a filtered, sorted page walks. SQLite's planner (no ANALYZE statistics) guesses a
 * range's selectivity, and at a million clips a wrong guess costs hundreds of milliseconds:
 *
 * - 'sort-index': walk the sort column's (col, id) index in order and test each row against the
 *   filters, stopping after one page. Cheap when the filters keep many rows (a page needs about
 *   limit × total / matching rows steps), hopeless when they keep a few hundred.
 * - 'filter-first': let the filters pick their index (or the caption search its match list) and
 *   sort what matches. Cheap when few rows match, hopeless when most do.
 *
 * The choice counts the matching rows up to FILTER_FIRST_MAX (stopping there, so a broad filter
 * costs a few milliseconds) and forces the plan with unary `+`, which keeps SQLite from using an
 * index on that term. Measured at 1M clips in bench/scale.bench.ts ("listClips with filters").
 */
export type PagePlan = 'sort-index' | 'filter-first'

/** Sorting this many matching rows costs ~10–20 ms here; walking the sort index to fill a page
 * when at least this many match costs at most limit × total / FILTER_FIRST_MAX row tests. */
export const FILTER_FIRST_MAX = 20_000

/** Counts only steer the plan, so a count may be reused for a while (data changes only make a
 * page slower, never wrong). */
const PROBE_TTL_MS = 30_000
const PROBE_CACHE = 64

export interface PlannedConditions {
  plan: PagePlan
  /** ` AND …` conditions with the `+` markers the plan needs. */
  where: string
  /** The sort column as the ORDER BY, keyset and NULL tests must spell it. */
  sortExpr: string
}

export function createPagePlanner(db: Db) {
  const probes = new Map<string, { n: number; at: number }>()

  function matching(where: string, params: Record<string, unknown>): number {
    const key = where + '\u0000' + JSON.stringify(params)
    const hit = probes.get(key)
    if (hit && performance.now() - hit.at < PROBE_TTL_MS) return hit.n
    const n = db
      .prepare(`SELECT count(*) FROM (SELECT 1 FROM clips c WHERE 1 ${where} LIMIT ${FILTER_FIRST_MAX + 1})`)
      .pluck()
      .get(params) as number
    if (probes.size >= PROBE_CACHE) probes.delete(probes.keys().next().value!)
    probes.set(key, { n, at: performance.now() })
    return n
  }

  /**
   * The conditions of a page sorted by `sortCol`: `status` is the list's own status filter,
   * `filter` the ranges and caption search (with their per-term columns).
   */
  function plan(sortCol: string, status: string | null, filter: SqlFilter | undefined, params: Record<string, unknown>): PlannedConditions {
    const terms = [...(status ? [{ column: 'c.status', sql: status }] : []), ...(filter?.terms ?? [])]
    const plain = terms.map((t) => ` AND ${t.sql}`).join('')
    if (terms.length === 0) return { plan: 'sort-index', where: plain, sortExpr: sortCol }
    if (matching(plain, params) <= FILTER_FIRST_MAX) {
      // Few rows: their own indexes find them; the sort column must not be used as the access path.
      return { plan: 'filter-first', where: plain, sortExpr: `+${sortCol}` }
    }
    // Many rows: walk the sort index; other columns' ranges are tested per row, not used as an
    // index (a range on the sort column itself is the walk's own bound and stays indexable).
    const where = terms.map((t) => ` AND ${t.column === sortCol ? t.sql : perRow(t)}`).join('')
    return { plan: 'sort-index', where, sortExpr: sortCol }
  }

  return { plan, clear: () => probes.clear() }
}

/**
 * A term tested row by row while another index is walked. Duration is spelled from the clip's
 * bounds: naming the generated duration_s column would make SQLite read every row from the table
 * (it never counts an index as covering for generated columns), while start_s and end_s are in
 * the covering indexes of schema 6. Same value: duration_s is stored as end_s - start_s.
 */
function perRow(t: FilterTerm): string {
  if (t.perRowSql) return t.perRowSql
  if (t.column === 'c.duration_s') return t.sql.replace('c.duration_s', '(c.end_s - c.start_s)')
  return `+${t.sql}`
}

export type PagePlanner = ReturnType<typeof createPagePlanner>
