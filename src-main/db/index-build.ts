// How vicurate builds indexes over many rows at once: a bulk import's restore
// (db/bulk-load-marker.ts), migrations, a scoring model's selection (score.repository.ts).
import { availableParallelism } from 'node:os'
import type { Db } from './connection'

/**
 * Page cache while the indexes are built, in KiB. SQLite's sorter keeps keys in memory up to the
 * cache size: with a large cache, every key of a 1M-row index goes through one in-memory merge
 * sort that misses the CPU caches on every step; with a small one it sorts cache-sized runs,
 * writes them to temporary files and merges them, ~1.5–2× faster here (bench/SCALE.md), and the
 * runs can be sorted by the helper threads below.
 */
const INDEX_BUILD_CACHE_KIB = 16 * 1024
/** Helper threads for the sorter (PRAGMA threads), one per core up to 4: whoever builds indexes
 * (an import's end, a migration, a model selection) has nothing else running on this thread. */
export const sorterThreads = () => Math.min(4, availableParallelism())

/** Runs `build` with the sorter settings above and puts the connection's own back. */
export function withIndexBuildSettings<T>(db: Db, build: () => T): T {
  const cache = db.pragma('cache_size', { simple: true }) as number
  const threads = db.pragma('threads', { simple: true }) as number
  try {
    db.pragma(`cache_size = -${INDEX_BUILD_CACHE_KIB}`)
    db.pragma(`threads = ${sorterThreads()}`)
    return build()
  } finally {
    db.pragma(`cache_size = ${cache}`)
    db.pragma(`threads = ${threads}`)
  }
}
