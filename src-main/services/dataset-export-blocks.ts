import type { ExportTuple } from '../db/repositories/dataset.repository'
import { JsonlByteWriter } from './dataset-export-jsonl-bytes'
import { PrefixTable } from './dataset-export-prefixes'

/** What decides a row's line besides the row itself; the same on every thread of one export. */
export interface RowInputs {
  /** DIV sample, ascending ids; null = every row the condition selects. */
  selected: Float64Array | null
  /** Caption before each clip's first curator edit. */
  originals: Map<number, string>
  /** Latest decision per clip; non-null exactly when exporting with review fields. */
  decisions: Map<number, { reviewer: string; created_at: string }> | null
  maxVideoId: number
}

/** Per-block counts; `durations` per row in id order, so every thread sums them the same way. */
export interface BlockStats {
  rows: number
  similarity: number
  aesthetic: number
  durations: Float64Array
  /** Videos this formatter had not met before (the exporting thread dedupes across threads). */
  newVideos: Float64Array
}

/**
 * Distinct video ids, as a byte per id (a Set.add per row cost more); a Set only if ids were ever
 * made huge by hand.
 */
export class VideoSet {
  private readonly bytes: Uint8Array | null
  private readonly set: Set<number> | null
  constructor(maxVideoId: number) {
    this.bytes = maxVideoId < 1 << 26 ? new Uint8Array(maxVideoId + 1) : null
    this.set = this.bytes ? null : new Set<number>()
  }
  /** True when `id` was not in the set. */
  add(id: number): boolean {
    if (this.bytes) {
      if (this.bytes[id] !== 0) return false
      this.bytes[id] = 1
      return true
    }
    if (this.set!.has(id)) return false
    this.set!.add(id)
    return true
  }
}

/** Index of the first value ≥ id in an ascending array. */
export function lowerBound(values: Float64Array, id: number): number {
  let lo = 0
  let hi = values.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (values[mid] < id) lo = mid + 1
    else hi = mid
  }
  return lo
}

/**
 * Turns rows read in id order into JSONL bytes plus the counts the manifest needs. The lines
 * collect in `writer`; the owner takes them (and `takeStats()`) when it likes.
 */
export class JsonlBlockFormatter {
  /** Where lines go; an owner may swap in a fresh one per block. */
  writer: JsonlByteWriter
  private readonly seen: VideoSet
  private next = 0 // walks `selected` alongside the rows
  private rows = 0
  private similarity = 0
  private aesthetic = 0
  private durations = new Float64Array(4096)
  private newVideos: number[] = []

  constructor(
    private readonly inputs: RowInputs,
    private readonly prefixes: PrefixTable,
    writer = new JsonlByteWriter(),
  ) {
    this.writer = writer
    this.seen = new VideoSet(inputs.maxVideoId)
  }

  /** Rows from `id` on come next (a block that does not follow the previous one). */
  seek(id: number): void {
    if (this.inputs.selected) this.next = lowerBound(this.inputs.selected, id)
  }

  /** True once the DIV sample is used up: no later row can be selected. */
  get exhausted(): boolean {
    return this.inputs.selected !== null && this.next >= this.inputs.selected.length
  }

  /** Formats the selected rows of one block (ascending ids, after any earlier block given). */
  add(block: ExportTuple[]): void {
    const { selected, originals, decisions } = this.inputs
    const writer = this.writer
    for (let b = 0; b < block.length; b++) {
      const [id, startS, endS, caption, similarity, aesthetic, extraJson, status, videoId] = block[b]
      if (selected) {
        while (this.next < selected.length && selected[this.next] < id) this.next++
        if (this.next >= selected.length) return
        if (selected[this.next] !== id) continue
      }
      const original = originals.size ? originals.get(id) : undefined
      const captionOriginal = original !== undefined && original !== caption ? original : null
      let review = null
      if (decisions) {
        const decision = decisions.get(id)
        review = { status: status!, reviewer: decision?.reviewer ?? null, decidedAt: decision?.created_at ?? null }
      }
      const at = this.prefixes.offset(videoId)
      writer.line(this.prefixes.pool, at, this.prefixes.lastLength, startS, endS, caption, captionOriginal, similarity, aesthetic, review, extraJson)
      if (this.rows === this.durations.length) {
        const grown = new Float64Array(this.rows * 2)
        grown.set(this.durations)
        this.durations = grown
      }
      this.durations[this.rows++] = endS - startS
      if (similarity !== null) this.similarity++
      if (aesthetic !== null) this.aesthetic++
      if (this.seen.add(videoId)) this.newVideos.push(videoId)
    }
  }

  /** Counts since the last call (the lines stay in `writer`). */
  takeStats(): BlockStats {
    const stats = {
      rows: this.rows, similarity: this.similarity, aesthetic: this.aesthetic,
      durations: this.durations.slice(0, this.rows), newVideos: Float64Array.from(this.newVideos),
    }
    this.rows = this.similarity = this.aesthetic = 0
    this.newVideos = []
    return stats
  }
}

/**
 * The prefixes an export of `rows` rows needs: every video's in one pass when the export is big
 * enough to meet a good share of the videos (one lookup, ~4 µs, costs what ~6 videos of the full
 * pass cost), else each video's when first met.
 */
export function prefixTableFor(
  repo: { sourceIdOf(): (videoId: number) => string; videoSourceIds(): Iterable<[number, string]> }, rows: number, maxVideoId: number,
): PrefixTable {
  const table = new PrefixTable(maxVideoId, repo.sourceIdOf())
  if (rows * 6 >= maxVideoId) table.addAll(repo.videoSourceIds())
  return table
}
