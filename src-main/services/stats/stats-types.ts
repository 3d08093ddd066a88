import type { ClipFilters, ClipStatus } from '../../api/contract'

/** Checked (not yet resolved) status and filters of one statistics request. */
export interface StatsScope {
  status: ClipStatus | 'all'
  filters: ClipFilters
}

/** Polled between queries and every few thousand rows of a pass; true stops the work. */
export type StopCheck = () => boolean

/** Knobs for tests, which need both access paths on a few hundred clips. */
export interface StatsTuning {
  /** Rows between two stop checks inside a pass (a power of two; default 16,384 in SQL, 65,536 in a snapshot). */
  checkEvery?: number
  /** A filter index is walked when it matches fewer than max(minIndexCap, share × clips). */
  indexShare?: number
  minIndexCap?: number
  /** Largest clip count kept as a column snapshot (~41 bytes a clip); 0 turns snapshots off. */
  snapshotMaxRows?: number
}

export class StatsCancelled extends Error {
  constructor() {
    super('statistics request cancelled')
    this.name = 'StatsCancelled'
  }
}

export const DEFAULT_HISTOGRAM_BINS = 40
export const DEFAULT_DENSITY_BINS = 32
