import { realpathSync, statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import type { ClipFilters, ExportJobData, ExportPreview, ExportSelection, ExportStatus, FilterField, ImportJobData } from '../api/contract'
import { ApiError } from '../api/errors'
import type { ProjectContext } from '../core/project-context'
import { createDatasetExportRepository } from '../db/repositories/dataset.repository'
import type { JobOutcome, JobProgress } from '../jobs/job-types'
import { writeClipFiles, type ClipFilesReport } from './clip-files.service'
import { exportDataset, type ExportReport } from './dataset-export.service'
import { ImportCancelledError, importDataset, type ImportReport } from './dataset-import.service'
import { DEFAULT_PATTERN, MediaPatternError, MediaResolver } from './dataset-media'
import { applyPreset, FilterSyntaxError, filterSql, STATUS_FILTERS, topCount, type SelectionSpec, type WhereClause, type WhereField } from './export-filters'
import { checkFilters, resolveFilters } from './filter.service'

/**
 * The UI's import and export requests: checked before a job is queued (so a typo is an answer,
 * not a failed job), run by the `import` / `export` job handlers in a worker thread, and — for
 * export — previewed (count, hours) without writing.
 */

const WHERE_FIELD: Record<FilterField, WhereField> = { similarity: 'similarity', aesthetic: 'aesthetic', duration: 'duration', captionLength: 'caption_len' }

function record(args: unknown, what: string): Record<string, unknown> {
  if (typeof args !== 'object' || args === null || Array.isArray(args)) throw new ApiError('bad_request', `${what} must be an object`)
  return args as Record<string, unknown>
}

function pathArg(value: unknown, name: string): string {
  if (typeof value !== 'string' || !value.trim() || value.length > 4096) throw new ApiError('bad_request', `${name} must be a path of 1..4096 characters`)
  return value.trim()
}

function nonNegativeInt(value: unknown, name: string, min: number): number {
  if (!Number.isSafeInteger(value) || (value as number) < min) throw new ApiError('bad_request', `${name} must be an integer ≥ ${min}`)
  return value as number
}

export function checkImportJob(args: unknown): ImportJobData {
  const a = record(args, 'import arguments')
  const out: ImportJobData = { file: pathArg(a.file, 'file') }
  if (a.videoRoot !== undefined && a.videoRoot !== null && a.videoRoot !== '') out.videoRoot = pathArg(a.videoRoot, 'videoRoot')
  if (a.pattern !== undefined && a.pattern !== null && a.pattern !== '') {
    if (typeof a.pattern !== 'string' || a.pattern.length > 1000) throw new ApiError('bad_request', 'pattern must be a string of at most 1000 characters')
    out.pattern = a.pattern
  }
  checkMediaNames(out)
  return out
}

/** The video folder and media-name pattern as the import will use them, so a typo is an answer. */
function checkMediaNames(data: ImportJobData): void {
  if (data.videoRoot === undefined) {
    if (data.pattern !== undefined) throw new ApiError('bad_request', 'a media-name pattern needs a video folder: the names are looked up inside it')
    return
  }
  let root: string
  try {
    root = realpathSync(data.videoRoot)
    if (!statSync(root).isDirectory()) throw new Error('not a directory')
  } catch {
    throw new ApiError('bad_request', `video folder ${data.videoRoot} is not a readable directory`)
  }
  try {
    new MediaResolver(root, data.pattern ?? DEFAULT_PATTERN)
  } catch (err) {
    if (err instanceof MediaPatternError) throw new ApiError('bad_request', `media-name pattern: ${err.message}`)
    throw err
  }
}

export function checkExportSelection(args: unknown): ExportSelection {
  const a = record(args, 'export selection')
  const status = a.status ?? 'not-rejected'
  if (typeof status !== 'string' || !(STATUS_FILTERS as readonly string[]).includes(status)) throw new ApiError('bad_request', `status must be one of ${STATUS_FILTERS.join(', ')}`)
  const preset = a.preset ?? null
  if (preset !== null && preset !== 'flt' && preset !== 'aes') throw new ApiError('bad_request', 'preset must be flt, aes or null')
  let div: ExportSelection['div'] = null
  if (a.div !== undefined && a.div !== null) {
    const d = record(a.div, 'div')
    div = { n: nonNegativeInt(d.n, 'div.n', 1), seed: nonNegativeInt(d.seed ?? 0, 'div.seed', 0) }
  }
  return { status: status as ExportStatus, filters: checkFilters(a.filters), preset, div }
}

/**
 * The grid's filters as the export's selection. A "top k %" becomes the threshold the grid uses
 * (ranked over all clips), so the file holds exactly the clips the curator saw. Caption search
 * has no counterpart in the export's filter language, and an export that silently ignored it
 * would write clips the curator filtered out, so it is refused.
 */
export function toSelectionSpec(ctx: ProjectContext, sel: ExportSelection): SelectionSpec {
  const filters: ClipFilters = resolveFilters(ctx, checkFilters(sel.filters))
  if (filters.text) throw new ApiError('bad_request', 'the export cannot apply a caption search: clear "Search captions" to export the other filters')
  const where: WhereClause[] = []
  for (const field of Object.keys(WHERE_FIELD) as FilterField[]) {
    const r = filters[field]
    const name = WHERE_FIELD[field]
    // Built directly, not parsed: a top % over unscored clips resolves to +Infinity (keeps nothing).
    if (r?.min !== undefined) where.push({ field: name, op: '>=', value: r.min, text: `${name}>=${r.min}` })
    if (r?.max !== undefined) where.push({ field: name, op: '<=', value: r.max, text: `${name}<=${r.max}` })
  }
  return { status: sel.status, where, topPercent: null, div: sel.div ?? null, preset: sel.preset ?? null }
}

function appliedSpec(ctx: ProjectContext, sel: ExportSelection): SelectionSpec {
  try {
    return applyPreset(toSelectionSpec(ctx, sel))
  } catch (err) {
    if (err instanceof FilterSyntaxError) throw new ApiError('bad_request', err.message)
    throw err
  }
}

export function checkExportJob(ctx: ProjectContext, args: unknown): ExportJobData {
  const a = record(args, 'export arguments')
  const sel = checkExportSelection(a)
  appliedSpec(ctx, sel)
  const out = pathArg(a.out, 'out')
  const folder = dirname(resolve(out))
  const isDir = (p: string) => statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false
  if (!isDir(folder)) throw new ApiError('bad_request', `cannot write ${out}: folder ${folder} does not exist`)
  if (isDir(resolve(out))) throw new ApiError('bad_request', `${out} is a folder: name the file to write`)
  const format = a.format ?? 'jsonl'
  if (format !== 'jsonl' && format !== 'csv') throw new ApiError('bad_request', 'format must be jsonl or csv')
  if (a.withReview !== undefined && typeof a.withReview !== 'boolean') throw new ApiError('bad_request', 'withReview must be a boolean')
  const job: ExportJobData = { ...sel, out, format, withReview: a.withReview === true }
  if (a.clipsDir !== undefined && a.clipsDir !== null && a.clipsDir !== '') {
    job.clipsDir = pathArg(a.clipsDir, 'clipsDir')
    const st = statSync(resolve(job.clipsDir), { throwIfNoEntry: false })
    if (st && !st.isDirectory()) throw new ApiError('bad_request', `clip folder ${job.clipsDir} is a file, not a folder`)
  }
  return job
}

/**
 * Count and hours of what `exportDataset` would write, from the same selection steps (status +
 * ranges, the rank cut of a top %, DIV's size) without reading a row. DIV draws its clips only
 * when it runs, so its hours are the candidates' hours scaled to the sample size.
 */
export function exportPreview(ctx: ProjectContext, sel: ExportSelection): ExportPreview {
  const spec = appliedSpec(ctx, sel)
  const repo = createDatasetExportRepository(ctx.db)
  const base = filterSql(spec)
  let cond = base.sql
  let params: (string | number)[] = base.params
  const filtered = repo.count(cond, params)
  let afterTop = filtered
  if (spec.topPercent) {
    const col = spec.topPercent.by === 'similarity' ? 'c.similarity' : 'c.aesthetic'
    const scored = repo.count(`${cond} AND ${col} IS NOT NULL`, params)
    afterTop = topCount(scored, spec.topPercent.percent)
    const cut = afterTop > 0 ? repo.rankedRow(col, cond, params, scored - afterTop) : null
    cond = cut ? `${cond} AND (${col} > ? OR (${col} = ? AND c.id >= ?))` : '0'
    params = cut ? [...params, cut.value, cut.value, cut.id] : params
  }
  const seconds = (ctx.db.prepare(`SELECT coalesce(sum(c.end_s - c.start_s), 0) FROM clips c WHERE ${cond}`).pluck().get(...params) as number)
  const afterDiv = spec.div && spec.div.n < afterTop ? spec.div.n : afterTop
  const hours = seconds / 3600
  return {
    counts: { filtered, afterTopPercent: afterTop, afterDiv },
    clips: afterDiv,
    hours: afterDiv < afterTop ? (hours * afterDiv) / afterTop : hours,
    hoursEstimated: afterDiv < afterTop,
  }
}

type Progress = (p: JobProgress) => void

/**
 * The `import` job: rows imported so far as progress (the file's line count is unknown up front).
 * Cancelling stops between batches; the batches written stay, and the last progress says how far
 * it got (the job ends 'cancelled' because the signal aborted).
 */
export async function runImportJob(ctx: ProjectContext, data: ImportJobData, progress: Progress, signal?: AbortSignal): Promise<{ outcome: JobOutcome; report: ImportReport }> {
  let report: ImportReport
  try {
    report = await importDataset(ctx, data.file, {
      videoRoot: data.videoRoot,
      pattern: data.videoRoot ? data.pattern : undefined,
      signal,
      onProgress: (p) => progress({
        done: p.rowsOk, total: 0, unit: 'clips',
        detail: p.phase === 'loading' ? `line ${p.lines}` : `line ${p.lines}: building the indexes and the search index`,
      }),
    })
  } catch (err) {
    if (err instanceof ImportCancelledError) {
      progress({ done: err.report.rows_ok, total: 0, unit: 'clips', detail: `cancelled after ${err.report.rows_ok} clips imported (lines 1–${err.lines}); import the same file again to finish` })
    }
    throw err
  }
  const first = report.rows_rejected[0]
  const rejected = report.rows_rejected_count ? `, ${report.rows_rejected_count} rejected (line ${first!.line}: ${first!.reason})` : ''
  // The last progress is what the UI keeps of a finished job: it carries the summary.
  progress({
    done: report.rows_ok, total: report.rows_ok, unit: 'clips',
    detail: `${report.rows_ok} clips imported, ${report.rows_existing} already present${rejected}; media found ${report.media_found}, missing ${report.media_missing}`,
  })
  const unusable = report.rows_ok + report.rows_existing === 0 && report.rows_rejected_count > 0
  return { outcome: unusable ? 'failed' : 'done', report }
}

export type ExportJobReport = ExportReport & { clips: ClipFilesReport | null }

/**
 * The `export` job: writes the file and its manifest, then (with `clipsDir`) one mp4 per clip as
 * `vicurate export --clips-dir` does; the final progress names what was written. Clips that could
 * not be cut fail the job (the folder is incomplete) but the export file stands; re-running
 * keeps the clip files already written.
 */
export async function runExportJob(ctx: ProjectContext, data: ExportJobData, progress: Progress, signal?: AbortSignal): Promise<{ outcome: JobOutcome; report: ExportJobReport }> {
  progress({ done: 0, total: 1, unit: 'clips', detail: `writing ${data.out}` })
  const format = data.format ?? 'jsonl'
  const exported = exportDataset(ctx, data.out, toSelectionSpec(ctx, data), { format, withReview: data.withReview })
  const written = `${exported.rows} clips (${exported.hours.toFixed(2)} h) written to ${exported.path}; manifest ${exported.manifestPath}`
  let clips: ClipFilesReport | null = null
  if (data.clipsDir) {
    clips = await writeClipFiles(ctx, exported.path, format, data.clipsDir, {
      signal,
      onProgress: (p) => progress({ done: p.done, total: p.total, unit: 'clips', detail: `${written}; cutting clip files into ${data.clipsDir}` }),
    })
  }
  const clipNote = clips
    ? `; clip files in ${clips.dir}: ${clips.written} written, ${clips.existing} already there, ${clips.skipped.length} skipped (no media), ${clips.failed.length} failed` +
      (clips.failed[0] ? ` (${clips.failed[0].name}: ${clips.failed[0].error})` : '')
    : ''
  progress({ done: exported.rows, total: exported.rows, unit: 'clips', detail: written + clipNote })
  return { outcome: clips && clips.failed.length > 0 ? 'failed' : 'done', report: { ...exported, clips } }
}
