import { createHash, randomBytes } from 'node:crypto'
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs'
import type { createDatasetExportRepository } from '../db/repositories/dataset.repository'
import { JsonlBlockFormatter, lowerBound, prefixTableFor, VideoSet, type BlockStats, type RowInputs } from './dataset-export-blocks'
import { csvHeader, csvLine } from './dataset-export-format'

type ExportRepository = ReturnType<typeof createDatasetExportRepository>

/**
 * The data file being written: a temporary name beside the target, every byte hashed on the way,
 * fsynced and renamed at the end, so a reader never sees half an export.
 */
export class ExportFile {
  readonly tmp: string
  bytes = 0
  private readonly hash = createHash('sha256')
  private fd: number | null

  constructor(readonly path: string) {
    this.tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`
    this.fd = openSync(this.tmp, 'wx')
  }

  write(b: Uint8Array): void {
    this.hash.update(b)
    for (let off = 0; off < b.length; ) off += writeSync(this.fd!, b, off)
    this.bytes += b.length
  }

  /** fsync, close and rename into place (`beforeRename` runs once the data is durable); returns
   * the sha256. */
  finish(beforeRename?: () => void): string {
    fsyncSync(this.fd!)
    closeSync(this.fd!)
    this.fd = null
    beforeRename?.()
    renameSync(this.tmp, this.path)
    return this.hash.digest('hex')
  }

  /** After a failure: nothing of this export stays on disk. */
  discard(): void {
    if (this.fd !== null) {
      try {
        closeSync(this.fd)
      } catch {
        // already closed
      }
      this.fd = null
    }
    rmSync(this.tmp, { force: true })
  }
}

/** What the manifest says about the rows written, summed in id order whichever thread made them. */
export class ExportTotals {
  rows = 0
  videos = 0
  seconds = 0
  readonly scored: Record<string, number> = { similarity: 0, aesthetic: 0 }
  private readonly seen: VideoSet

  constructor(maxVideoId: number) {
    this.seen = new VideoSet(maxVideoId)
  }

  add(s: BlockStats): void {
    this.rows += s.rows
    this.scored.similarity += s.similarity
    this.scored.aesthetic += s.aesthetic
    for (let i = 0; i < s.durations.length; i++) this.seconds += s.durations[i]
    for (let i = 0; i < s.newVideos.length; i++) if (this.seen.add(s.newVideos[i])) this.videos++
  }
}

/** Output is handed to the file about a megabyte at a time. */
const FLUSH_BYTES = 1 << 20

/** JSONL on this thread: rows read 4096 ids at a time and written as bytes (dataset-export-jsonl-bytes.ts). */
export function writeJsonlHere(
  repo: ExportRepository, cond: string, params: unknown[], inputs: RowInputs, rows: number, file: ExportFile, totals: ExportTotals,
): void {
  const formatter = new JsonlBlockFormatter(inputs, prefixTableFor(repo, rows, inputs.maxVideoId))
  const flush = () => {
    file.write(formatter.writer.buf.subarray(0, formatter.writer.pos))
    formatter.writer.pos = 0
    totals.add(formatter.takeStats())
  }
  for (const block of repo.rowBlocks(cond, params, { status: inputs.decisions !== null })) {
    formatter.add(block)
    if (formatter.writer.pos >= FLUSH_BYTES) flush()
    if (formatter.exhausted) break
  }
  flush()
}

/**
 * The id ranges a parallel export hands out: `span` ids from the first clip (or the first sampled
 * id) at or after the end of the previous range, so gaps in the ids cost one seek, not empty blocks.
 */
export function* idRanges(repo: ExportRepository, selected: Float64Array | null, span: number): Generator<[number, number]> {
  const nextFrom = (id: number): number | undefined => {
    if (!selected) return repo.nextClipId(id)
    const i = lowerBound(selected, id)
    return i < selected.length ? selected[i] : undefined
  }
  for (let from = nextFrom(0); from !== undefined; from = nextFrom(from + span)) yield [from, from + span]
}

/**
 * CSV on this thread, lines as strings: CSV quoting has no byte path (the goal and the bulk of
 * exports are JSONL). Lines are appended to one string and encoded a megabyte at a time.
 */
export function writeCsv(
  repo: ExportRepository, cond: string, params: unknown[], inputs: RowInputs, withReview: boolean, file: ExportFile, totals: ExportTotals,
): void {
  const { selected, originals, decisions } = inputs
  const sourceIds = repo.sourceIds()
  const flushChars = 1 << 20
  let text = csvHeader(withReview)
  let next = 0 // walks `selected` (ascending) alongside the id-ordered rows
  const stats: BlockStats = { rows: 0, similarity: 0, aesthetic: 0, durations: new Float64Array(0), newVideos: new Float64Array(0) }
  let durations: number[] = []
  let videos: number[] = []
  const flush = () => {
    file.write(Buffer.from(text, 'utf8'))
    text = ''
    totals.add({ ...stats, durations: Float64Array.from(durations), newVideos: Float64Array.from(videos) })
    stats.rows = stats.similarity = stats.aesthetic = 0
    durations = []
    videos = []
  }
  for (const block of repo.rowBlocks(cond, params, { status: withReview })) {
    for (let b = 0; b < block.length; b++) {
      const [id, startS, endS, caption, similarity, aesthetic, extraJson, status, videoId] = block[b]
      if (selected) {
        while (next < selected.length && selected[next] < id) next++
        if (next >= selected.length) break
        if (selected[next] !== id) continue
      }
      const original = originals.size ? originals.get(id) : undefined
      const captionOriginal = original !== undefined && original !== caption ? original : null
      const decision = decisions?.get(id)
      const review = decisions ? { status: status!, reviewer: decision?.reviewer ?? null, decidedAt: decision?.created_at ?? null } : null
      text += csvLine({ sourceId: sourceIds.get(videoId)!, startS, endS, caption, similarity, aesthetic, extraJson, captionOriginal, review }, withReview)
      stats.rows++
      if (similarity !== null) stats.similarity++
      if (aesthetic !== null) stats.aesthetic++
      durations.push(endS - startS)
      videos.push(videoId)
      if (text.length >= flushChars) flush()
    }
    if (selected && next >= selected.length) break
  }
  flush()
}
