import { realpathSync, statSync } from 'node:fs'
import { basename, resolve } from 'node:path'
import type { ProjectContext } from '../core/project-context'
import { createDirectClipInsert } from '../db/repositories/dataset-import-direct.repository'
import { createImportStage } from '../db/repositories/dataset-import-stage.repository'
import { createDatasetRepository } from '../db/repositories/dataset.repository'
import type { ParsedBatch, Rejection } from './dataset-import-batch'
import { beginBulk, finishBulk, repairInterruptedImport } from './dataset-import-bulk'
import { parsedBatches } from './dataset-import-source'
import { writeBatch, type BatchWriter, type VideoSeen } from './dataset-import-writer'
import { DEFAULT_PATTERN, MediaPatternError, MediaResolver } from './dataset-media'

export interface ImportOptions {
  /** Folder holding the media; without it every row is imported with its media missing. */
  videoRoot?: string
  /** See dataset-media.ts; default `{root}/{YoutubeID}.mp4`. */
  pattern?: string
  /** Lines per transaction, rounded up to whole 1 MB read chunks; default 10,000, or 100,000 in a
   * bulk load (fewer commits; when the span index was still kept during the load, 100k batches cut
   * CPU by a fifth at 1M rows, measured). */
  batchSize?: number
  /** Drop the indexes of clips, captions and scores (the clip span index too) and the FTS insert
   * and delete triggers during the load and rebuild them after. Maintaining them costs ~60 µs a
   * row (the FTS trigger most), rebuilding ~3 µs a row of the whole table. 'auto': when the file
   * holds about a quarter or more of the rows already in the project, and at least ~4k rows (1 MB). */
  bulk?: 'auto' | 'on' | 'off'
  /** Parse and validate in a worker thread while this one writes; 'auto': files of 16 MB and up. */
  parseWorker?: 'auto' | 'on' | 'off'
  /** YoutubeIDs whose video row is remembered between batches; default 1,000,000 (~100 MB). Past
   * it the memory starts over and later batches look their videos up in SQL again (one query
   * per batch), so memory stays flat however many distinct videos a file names (InternVid-Full:
   * ~7M). */
  videoCacheMax?: number
  /** After each batch ('loading'; in a bulk load `rowsOk` still counts rows that the end will find
   * already present), and once before a bulk load builds its indexes and search index ('indexing':
   * minutes at 10M rows, with nothing else to report meanwhile). */
  onProgress?: (p: { lines: number; rowsOk: number; phase: 'loading' | 'indexing' }) => void
  /** Checked between batches: an abort stops before the next one is written (the ones written
   * stay; a re-import of the file completes it) and throws ImportCancelledError. */
  signal?: AbortSignal
}

export interface ImportReport {
  rows_ok: number
  /** Rows already in the project (same YoutubeID, start and end): not inserted again. */
  rows_existing: number
  /** The first MAX_REPORTED rejections, in line order; `rows_rejected_count` is the full count. */
  rows_rejected: { line: number; reason: string }[]
  rows_rejected_count: number
  media_found: number
  media_missing: number
  videos_new: number
  /** model_revision given to the imported captions and scores. */
  revision: string
  bulk: boolean
  seconds: number
  /** Where the wall time went: waiting for parsed lines (reading + validating, when the writer
   * is faster), writing batches, and restoring indexes + the search index after a bulk load. */
  phases: { waiting_s: number; writing_s: number; indexing_s: number }
}

export const MAX_REPORTED = 10_000
const BULK_MIN_BYTES = 1 << 20
/** InternVid lines average ~250 bytes; used only to guess whether a bulk load pays off. */
const BYTES_PER_ROW_GUESS = 250
/** Below this, starting a parse worker (and its TypeScript loader) costs more than it saves. */
const WORKER_MIN_BYTES = 16 << 20
const VIDEO_CACHE_MAX = 1_000_000

export class ImportUsageError extends Error {}

/** The import stopped at its signal; `report` counts what was written, up to line `lines`. */
export class ImportCancelledError extends Error {
  constructor(
    readonly report: ImportReport,
    readonly lines: number,
  ) {
    super(`import cancelled after ${report.rows_ok} rows (lines 1–${lines}); importing the same file again completes it`)
    this.name = 'ImportCancelledError'
  }
}

export { repairInterruptedImport }

/**
 * Imports an InternVid annotation JSONL. Lines are validated first and written in batches, each
 * batch in one transaction, so a bad line is a reported rejection and never a partial row, and a
 * failure mid-file keeps the batches before it. Re-importing is idempotent: clips are unique on
 * (video, start, end) and an existing one is counted in `rows_existing`, never duplicated (a bulk
 * load inserts such rows and removes them when it rebuilds the span index, before it returns).
 * Imported captions and scores land in the clip's columns; their provenance (model_id 'imported',
 * model_revision = the file's base name) is one `imports` row the clips point at, copied into
 * captions/scores when a value is first replaced (0009_import_provenance.sql).
 * Large files are parsed in a worker thread while this thread writes (see dataset-import-worker).
 */
export async function importDataset(ctx: ProjectContext, file: string, opts: ImportOptions = {}): Promise<ImportReport> {
  const t0 = performance.now()
  let size: number
  try {
    const st = statSync(file)
    if (!st.isFile()) throw new ImportUsageError(`${file} is not a file`)
    size = st.size
  } catch (err) {
    if (err instanceof ImportUsageError) throw err
    throw new ImportUsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
  }
  const resolver = makeResolver(opts)
  const repo = createDatasetRepository(ctx.db)
  repairInterruptedImport(ctx)
  const rootId = resolver ? ctx.repos.videos.ensureRoot(resolver.root) : null
  const revision = basename(file)
  const report: ImportReport = {
    rows_ok: 0, rows_existing: 0, rows_rejected: [], rows_rejected_count: 0, media_found: 0, media_missing: 0,
    videos_new: 0, revision, bulk: false, seconds: 0, phases: { waiting_s: 0, writing_s: 0, indexing_s: 0 },
  }
  const reject = (r: Rejection) => {
    report.rows_rejected_count++
    if (report.rows_rejected.length < MAX_REPORTED) report.rows_rejected.push(r)
  }
  const existingClips = (ctx.db.prepare('SELECT count(*) AS n FROM clips').get() as { n: number }).n
  const bulk = opts.bulk === 'on' || (opts.bulk !== 'off' && size >= BULK_MIN_BYTES && size / BYTES_PER_ROW_GUESS >= existingClips / 4)
  report.bulk = bulk
  // A 256 MB page cache during the load (SQLite's default is 2 MB): outside a bulk load the clip
  // span index takes rows in YoutubeID order, i.e. at random places. Restored afterwards.
  const cacheSize = ctx.db.pragma('cache_size', { simple: true }) as number
  const foreignKeys = ctx.db.pragma('foreign_keys', { simple: true }) as number
  const firstId = repo.maxClipId()
  const restore = bulk ? beginBulk(ctx, repo) : []
  const staged = createImportStage(ctx.db)
  const direct = createDirectClipInsert(ctx.db)
  const importId = repo.createImport(revision, resolve(file), new Date().toISOString())
  const writer: BatchWriter = {
    repo, staged, direct, resolver, rootId, videos: new Map<string, VideoSeen>(), videoCacheMax: opts.videoCacheMax ?? VIDEO_CACHE_MAX, importId,
  }
  const flush = ctx.db.transaction((batch: ParsedBatch) => writeBatch(writer, batch, new Date().toISOString()))
  const useWorker = opts.parseWorker === 'on' || (opts.parseWorker !== 'off' && size >= WORKER_MIN_BYTES)
  let lines = 0
  let cancelled = false
  try {
    ctx.db.pragma('cache_size = -262144')
    // No per-row foreign-key probes (~10 % of the writing time at 1M rows, bench/SCALE.md): every
    // reference the import writes holds by construction: a clip's video was inserted or looked up
    // by this import and nothing in vicurate deletes videos or clips; provenance rows point at
    // clips inserted just before them in the same transaction. Between batches this connection
    // runs nothing else (it is a job worker's or the CLI's own).
    ctx.db.pragma('foreign_keys = OFF')
    const batches = parsedBatches(file, {
      rows: opts.batchSize ?? (bulk ? 100_000 : 10_000),
      keepTimestampText: resolver?.kind === 'clip',
      worker: useWorker,
    })
    let t = performance.now()
    for await (const batch of batches) {
      // Leaving the loop closes the source (its parse worker is terminated).
      if (opts.signal?.aborted) {
        cancelled = true
        break
      }
      const t1 = performance.now()
      report.phases.waiting_s += (t1 - t) / 1000
      const c = flush(batch)
      report.rows_ok += c.rowsOk
      report.rows_existing += c.rowsExisting
      report.media_found += c.mediaFound
      report.media_missing += c.mediaMissing
      report.videos_new += c.videosNew
      // Validation and media rejections of one batch, merged back into line order.
      const rejects = c.rejects.length ? [...batch.rejects, ...c.rejects].sort((a, b) => a.line - b.line) : batch.rejects
      for (const r of rejects) reject(r)
      lines = batch.lastLine
      t = performance.now()
      report.phases.writing_s += (t - t1) / 1000
      opts.onProgress?.({ lines, rowsOk: report.rows_ok, phase: 'loading' })
    }
    // Not from the finally: a callback that throws must not keep the indexes from coming back.
    if (bulk) opts.onProgress?.({ lines, rowsOk: report.rows_ok, phase: 'indexing' })
  } finally {
    try {
      staged.close()
      direct.close()
      const t2 = performance.now()
      if (bulk) countDuplicates(report, finishBulk(ctx, restore), () => repo.countNewWithMedia(firstId, resolver?.kind === 'clip' ? 'clip' : 'video'))
      report.phases.indexing_s = (performance.now() - t2) / 1000
    } finally {
      ctx.db.pragma(`cache_size = ${cacheSize}`)
      ctx.db.pragma(`foreign_keys = ${foreignKeys}`)
    }
  }
  report.seconds = (performance.now() - t0) / 1000
  if (report.rows_ok > 0) ctx.bus.emit('clips:changed', { clipIds: [] })
  if (cancelled) throw new ImportCancelledError(report, lines)
  return report
}

/**
 * A bulk load counts every loaded row as new; the ones removed when the span index was rebuilt
 * were already there (or earlier in the file). Media counts then come from the clips that stayed.
 */
function countDuplicates(report: ImportReport, removed: number, newWithMedia: () => number): void {
  if (removed === 0) return
  report.rows_ok -= removed
  report.rows_existing += removed
  report.media_found = report.media_found === 0 ? 0 : newWithMedia()
  report.media_missing = report.rows_ok - report.media_found
}

function makeResolver(opts: ImportOptions): MediaResolver | null {
  if (!opts.videoRoot) {
    if (opts.pattern) throw new ImportUsageError('--pattern needs --video-root')
    return null
  }
  let root: string
  try {
    root = realpathSync(opts.videoRoot)
    if (!statSync(root).isDirectory()) throw new Error('not a directory')
  } catch {
    throw new ImportUsageError(`video root ${opts.videoRoot} is not a readable directory`)
  }
  try {
    return new MediaResolver(root, opts.pattern ?? DEFAULT_PATTERN)
  } catch (err) {
    if (err instanceof MediaPatternError) throw new ImportUsageError(err.message)
    throw err
  }
}
