import { realpathSync, statSync } from 'node:fs'
import { basename } from 'node:path'
import type { ProjectContext } from '../core/project-context'
import { createDatasetRepository, type DatasetRepository } from '../db/repositories/dataset.repository'
import { MAX_LINE_CHARS, parseAnnotationLine, type AnnotationRow } from './dataset-annotation'
import { readLinesChunked, type TextLine } from './dataset-line-reader'
import { DEFAULT_PATTERN, MediaPatternError, MediaResolver } from './dataset-media'

export interface ImportOptions {
  /** Folder holding the media; without it every row is imported with its media missing. */
  videoRoot?: string
  /** See dataset-media.ts; default `{root}/{YoutubeID}.mp4`. */
  pattern?: string
  /** Rows per transaction; default 10,000, or 100,000 in a bulk load (each commit rewrites the
   * UNIQUE index pages it touched: at 1M rows, 100k batches cut CPU by a fifth, measured). */
  batchSize?: number
  /** Drop the clips secondary indexes and FTS insert trigger during the load and rebuild them
   * after. Maintaining them costs ~60 µs a row (the FTS trigger most), rebuilding ~3 µs a row of
   * the whole table. 'auto': when the file holds about a quarter or more of the rows already in
   * the project, and at least ~4k rows (1 MB). */
  bulk?: 'auto' | 'on' | 'off'
  onProgress?: (p: { lines: number; rowsOk: number }) => void
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
}

/** Per YoutubeID, looked up once per import: the video row and whether its file is present. */
interface VideoSeen {
  id: number
  hasFile: boolean
}

export const MAX_REPORTED = 10_000
const BULK_MIN_BYTES = 1 << 20
/** InternVid lines average ~250 bytes; used only to guess whether a bulk load pays off. */
const BYTES_PER_ROW_GUESS = 250
const PENDING_KEY = 'dataset_import.pending_index_rebuild'

export class ImportUsageError extends Error {}

/**
 * Imports an InternVid annotation JSONL. Lines are validated first and written in batches, each
 * batch in one transaction, so a bad line is a reported rejection and never a partial row, and a
 * failure mid-file keeps the batches before it. Re-importing is idempotent: clips are UNIQUE on
 * (video, start, end) and an existing one is counted in `rows_existing`, never duplicated.
 * Imported captions land in clips.caption and in captions(scale 'imported'); scores in `scores`
 * (model_id 'imported', model_revision = the file's base name) and the denormalised clip columns.
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
    videos_new: 0, revision, bulk: false, seconds: 0,
  }
  const reject = (line: number, reason: string) => {
    report.rows_rejected_count++
    if (report.rows_rejected.length < MAX_REPORTED) report.rows_rejected.push({ line, reason })
  }
  const videos = new Map<string, VideoSeen>()
  const existingClips = (ctx.db.prepare('SELECT count(*) AS n FROM clips').get() as { n: number }).n
  const bulk = opts.bulk === 'on' || (opts.bulk !== 'off' && size >= BULK_MIN_BYTES && size / BYTES_PER_ROW_GUESS >= existingClips / 4)
  let restore: string[] = []
  if (bulk) {
    // Recorded in the same transaction as the drop: an interrupted load is repaired on the next import.
    restore = ctx.db.transaction(() => {
      const sql = repo.dropClipIndexes()
      ctx.db.prepare('INSERT OR REPLACE INTO settings (key, value_json) VALUES (?, ?)').run(PENDING_KEY, JSON.stringify({ sql }))
      return sql
    })()
    report.bulk = true
  }

  // The UNIQUE (video, start, end) index takes inserts in YoutubeID order, i.e. at random
  // places: with SQLite's default 2 MB page cache most of them miss. Restored afterwards.
  const cacheSize = ctx.db.pragma('cache_size', { simple: true }) as number
  ctx.db.pragma('cache_size = -262144')
  const batchSize = opts.batchSize ?? (bulk ? 100_000 : 10_000)
  let pending: AnnotationRow[] = []
  let lines = 0
  const flush = ctx.db.transaction((rows: AnnotationRow[]) => {
    const before = repo.maxClipId()
    const now = new Date().toISOString()
    for (const row of rows) writeRow(repo, resolver, rootId, videos, row, now, report, reject)
    repo.addImportedProvenance(before, revision)
  })
  const onChunk = (chunk: TextLine[]) => {
    for (const l of chunk) {
      lines = l.line
      if (l.tooLong) {
        reject(l.line, `line is longer than ${MAX_LINE_CHARS} characters`)
        continue
      }
      if (l.text.trim().length === 0) continue
      const parsed = parseAnnotationLine(l.text, l.line)
      if (!parsed.ok) reject(l.line, parsed.reason)
      else pending.push(parsed.row)
    }
    if (pending.length >= batchSize) {
      const rows = pending
      pending = []
      flush(rows)
      opts.onProgress?.({ lines, rowsOk: report.rows_ok })
    }
  }
  try {
    await readLinesChunked(file, { maxChars: MAX_LINE_CHARS }, onChunk)
    if (pending.length) flush(pending)
  } catch (err) {
    videos.clear()
    throw err
  } finally {
    if (bulk) finishBulk(ctx, restore)
    ctx.db.pragma(`cache_size = ${cacheSize}`)
  }
  opts.onProgress?.({ lines, rowsOk: report.rows_ok })
  report.seconds = (performance.now() - t0) / 1000
  if (report.rows_ok > 0) ctx.bus.emit('clips:changed', { clipIds: [] })
  return report
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

function writeRow(
  repo: DatasetRepository,
  resolver: MediaResolver | null,
  rootId: number | null,
  videos: Map<string, VideoSeen>,
  row: AnnotationRow,
  now: string,
  report: ImportReport,
  reject: (line: number, reason: string) => void,
): void {
  let mediaPath: string | null = null
  let hasMedia = false
  if (resolver?.kind === 'clip') {
    const found = resolver.lookup(row)
    if ('reason' in found) return reject(row.line, found.reason)
    mediaPath = found.path
    hasMedia = found.path !== null
  }
  let video = videos.get(row.youtubeId)
  if (video === undefined) {
    const existing = repo.findVideo(row.youtubeId)
    let file: string | null = null
    if (resolver?.kind === 'video' && !existing?.path) {
      const found = resolver.lookup(row)
      if ('reason' in found) return reject(row.line, found.reason)
      // A file already registered under another name (e.g. by `ingest`) keeps that registration.
      file = found.path && !repo.videoPathTaken(found.path) ? found.path : null
    }
    let id: number
    if (existing) {
      id = existing.id
      if (file) repo.attachVideoFile(id, file, rootId!)
    } else {
      id = repo.insertVideo(row.youtubeId, file, file ? rootId : null, now)
      report.videos_new++
    }
    video = { id, hasFile: Boolean(existing?.path || file) }
    videos.set(row.youtubeId, video)
  }
  if (resolver?.kind !== 'clip') hasMedia = video.hasFile
  const inserted = repo.insertClip(
    {
      videoId: video.id, startS: row.startS, endS: row.endS, caption: row.caption, similarity: row.umtScore,
      aesthetic: row.aestheticScore, extraJson: row.extraJson, mediaPath,
    },
    now,
  )
  if (!inserted) {
    report.rows_existing++
    return
  }
  report.rows_ok++
  if (hasMedia) report.media_found++
  else report.media_missing++
}

/**
 * Restores what a bulk load dropped and rebuilds the search index from the clips table. A full
 * 'rebuild' rather than indexing only the new rows: a caption edited while the insert trigger was
 * gone would otherwise leave the index inconsistent (the update trigger deletes an entry that was
 * never added). It costs about what indexing the new rows would in the cases where bulk is chosen.
 */
function finishBulk(ctx: ProjectContext, restore: string[]): void {
  ctx.db.transaction(() => {
    for (const sql of restore) ctx.db.exec(sql.replace(/^CREATE (UNIQUE INDEX|INDEX|TRIGGER) /, 'CREATE $1 IF NOT EXISTS '))
    ctx.db.exec("INSERT INTO clips_fts (clips_fts) VALUES ('rebuild')")
    ctx.db.prepare('DELETE FROM settings WHERE key = ?').run(PENDING_KEY)
  })()
}

/**
 * A bulk import killed midway leaves the clip indexes and FTS trigger dropped. The marker written
 * with the drop says so; this recreates them and rebuilds the search index. Safe to call
 * on every open (the lead may wire it into openProject); a no-op when nothing is pending.
 */
export function repairInterruptedImport(ctx: ProjectContext): boolean {
  const row = ctx.db.prepare<[string], { value_json: string }>('SELECT value_json FROM settings WHERE key = ?').get(PENDING_KEY)
  if (!row) return false
  finishBulk(ctx, (JSON.parse(row.value_json) as { sql: string[] }).sql)
  return true
}
