import type { DensityGrid, FilterField, Histogram, KeepRate } from '../../api/contract'
import { ApiError } from '../../api/errors'
import type { Db } from '../../db/connection'
import { busyTimeoutOf, mapProjectError } from '../../db/project-errors'
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

/**
 * A failed statistics request as it crosses back to the host. Only `{code, message}` survives a
 * worker's postMessage, so SQLite failures (a damaged page, an I/O error, a lock) are mapped
 * here, where the project and the connection are known, as the API handlers map their own
 * (db/project-errors.ts): the client gets `damaged` / `busy` / … naming the project, not SQLite's
 * text under `internal`.
 */
export function statsErrorReply(err: unknown, projectPath: string, db: Db): { code: string; message: string } {
  const mapped = mapProjectError(err, projectPath, busyTimeoutOf(db))
  if (mapped instanceof ApiError) return mapped.toJSON()
  return { code: 'internal', message: mapped instanceof Error ? mapped.message : String(mapped) }
}
