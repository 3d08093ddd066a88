import { jsonlPrefix } from './dataset-export-format'

/**
 * Each video's line prefix (`{"YoutubeID":…,"Start_timestamp":"`) as UTF-8, built once and
 * copied into every line of the video. All prefixes live in one byte pool, found by video id
 * through typed arrays (a Map of 125k small Buffers cost ~0.3 s per 1M rows to build and look
 * up); a Map only if ids were ever made huge by hand.
 */
export class PrefixTable {
  pool = Buffer.allocUnsafeSlow(1 << 16)
  private used = 0
  private readonly start: Float64Array | null
  private readonly length: Uint32Array | null
  private readonly byId: Map<number, [number, number]> | null

  constructor(maxVideoId: number, private readonly sourceIdOf: (videoId: number) => string) {
    const dense = maxVideoId < 1 << 26
    this.start = dense ? new Float64Array(maxVideoId + 1).fill(-1) : null
    this.length = dense ? new Uint32Array(maxVideoId + 1) : null
    this.byId = dense ? null : new Map()
  }

  /** Every video's prefix up front, from (id, source id) rows: for exports that meet most videos. */
  addAll(rows: Iterable<[number, string]>): void {
    for (const [id, sourceId] of rows) this.add(id, sourceId)
  }

  /** Length of the prefix `offset` found last (a field, so a lookup allocates nothing). */
  lastLength = 0

  /** Where the prefix of `videoId` starts in `pool` (its length: `lastLength`). Looks the video up the first time. */
  offset(videoId: number): number {
    if (this.start) {
      const at = this.start[videoId]
      if (at >= 0) {
        this.lastLength = this.length![videoId]
        return at
      }
    } else {
      const hit = this.byId!.get(videoId)
      if (hit) {
        this.lastLength = hit[1]
        return hit[0]
      }
    }
    return this.add(videoId, this.sourceIdOf(videoId))
  }

  private add(videoId: number, sourceId: string): number {
    const text = jsonlPrefix(sourceId)
    if (this.used + text.length * 3 > this.pool.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(this.pool.length * 2, this.used + text.length * 3))
      this.pool.copy(grown, 0, 0, this.used)
      this.pool = grown
    }
    const at = this.used
    const n = this.pool.write(text, at, 'utf8')
    if (this.start) {
      this.start[videoId] = at
      this.length![videoId] = n
    } else {
      this.byId!.set(videoId, [at, n])
    }
    this.used += n
    this.lastLength = n
    return at
  }
}
