import type { DensityGrid, DensityQuery } from '../api/contract'
import { ApiError } from '../api/errors'
import type { ProjectContext } from '../core/project-context'
import type { SqlFilter } from '../db/repositories/clip-filters'
import { sqlFor } from './filter.service'

const BOTH = 'c.similarity IS NOT NULL AND c.aesthetic IS NOT NULL'

/**
 * The similarity × aesthetic plot's grid, counted by SQL (one GROUP BY per series) so the UI
 * never pulls rows: the axes span every clip that has both scores, and the filtered series uses
 * the same bins, like the one-field histograms.
 */
export function density(ctx: ProjectContext, q: DensityQuery): DensityGrid {
  const bins = q.bins ?? 32
  if (!Number.isInteger(bins) || bins < 4 || bins > 64) throw new ApiError('bad_request', 'bins must be an integer 4..64')
  const where = sqlFor(ctx, q.status, q.filters)
  const r = ctx.db.prepare(`SELECT min(c.similarity) AS sl, max(c.similarity) AS sh, min(c.aesthetic) AS al, max(c.aesthetic) AS ah FROM clips c WHERE ${BOTH}`).get() as {
    sl: number | null; sh: number | null; al: number | null; ah: number | null
  }
  if (r.sl === null || r.sh === null || r.al === null || r.ah === null) return { bins, similarity: null, aesthetic: null, all: [], filtered: [] }
  // A single value still gets one visible cell.
  const sw = r.sh > r.sl ? (r.sh - r.sl) / bins : 1
  const aw = r.ah > r.al ? (r.ah - r.al) / bins : 1
  const count = (extra: SqlFilter): number[] => {
    const out = new Array<number>(bins * bins).fill(0)
    const rows = ctx.db
      .prepare(
        `SELECT min(CAST((c.similarity - @sl) / @sw AS INTEGER), @last) AS x, min(CAST((c.aesthetic - @al) / @aw AS INTEGER), @last) AS y, count(*) AS n
         FROM clips c WHERE ${BOTH}${extra.sql} GROUP BY x, y`,
      )
      .all({ ...extra.params, sl: r.sl, sw, al: r.al, aw, last: bins - 1 }) as { x: number; y: number; n: number }[]
    for (const row of rows) out[row.y * bins + row.x] = row.n
    return out
  }
  return { bins, similarity: { min: r.sl, max: r.sh }, aesthetic: { min: r.al, max: r.ah }, all: count({ sql: '', params: {} }), filtered: count(where) }
}
