import type { DensityGrid, DensityQuery } from '../api/contract'
import { ApiError } from '../api/errors'
import type { ProjectContext } from '../core/project-context'
import { checkScope, clipStatsFor } from './filter.service'
import { DEFAULT_DENSITY_BINS, type StatsScope } from './stats/clip-stats'

export function checkDensityQuery(q: DensityQuery): { bins: number; scope: StatsScope } {
  const bins = q.bins ?? DEFAULT_DENSITY_BINS
  if (!Number.isInteger(bins) || bins < 4 || bins > 64) throw new ApiError('bad_request', 'bins must be an integer 4..64')
  return { bins, scope: checkScope(q) }
}

/**
 * The similarity × aesthetic plot's grid: the axes span every clip that has both scores, and
 * the filtered series uses the same bins, like the one-field histograms (stats/clip-stats.ts
 * counts both; the API serves them from the statistics worker).
 */
export function density(ctx: ProjectContext, q: DensityQuery): DensityGrid {
  const c = checkDensityQuery(q)
  return clipStatsFor(ctx.db).density(c.bins, c.scope)
}
