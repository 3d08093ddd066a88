import type { DensityGrid, FilterField, Histogram, KeepRate } from '../../api/contract'
import type { ClipStats, StatsScope, StopCheck } from './clip-stats'

/** One statistics request, already checked (filter.service / density.service rules). */
export type StatsJobBody =
  | { kind: 'histogram'; field: FilterField; bins: number; scope: StatsScope }
  | { kind: 'keepRate'; scope: StatsScope }
  | { kind: 'density'; bins: number; scope: StatsScope }

export type StatsJob = StatsJobBody & { id: number }

export type StatsReply =
  | { id: number; ok: true; result: Histogram | KeepRate | DensityGrid }
  | { id: number; ok: false; cancelled: true }
  | { id: number; ok: false; error: { code: string; message: string } }

export interface StatsWorkerInput {
  projectPath: string
  /** Int32 slot 0: id of the request to stop (SharedArrayBuffer: read while a pass runs). */
  stop: SharedArrayBuffer
}

export function runStatsJob(stats: ClipStats, job: StatsJobBody, stop?: StopCheck): Histogram | KeepRate | DensityGrid {
  switch (job.kind) {
    case 'histogram':
      return stats.histogram(job.field, job.bins, job.scope, stop)
    case 'keepRate':
      return stats.keepRate(job.scope, stop)
    case 'density':
      return stats.density(job.bins, job.scope, stop)
  }
}
