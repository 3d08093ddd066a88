import { closeSync, fsyncSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs'
import { basename, dirname, resolve } from 'node:path'
import type { ProjectContext } from '../core/project-context'
import { createDatasetExportRepository, type ScoreModelCount } from '../db/repositories/dataset.repository'
import { DivSampler, clipIdentity } from './dataset-div-sampling'
import type { RowInputs } from './dataset-export-blocks'
import { csvHeader, JSONL_KEYS, REVIEW_KEYS } from './dataset-export-format'
import { ExportFile, ExportTotals, idRanges, writeCsv, writeJsonlHere } from './dataset-export-rows'
import { exportThreading, ExportWorkerPool } from './dataset-export-worker-pool'
import { applyPreset, filterSql, topCount, type SelectionSpec } from './export-filters'
import { removeStaleExportTemps } from './export-temp-files'

export interface ExportOptions {
  format?: 'jsonl' | 'csv'
  withReview?: boolean
}

export interface ExportReport {
  path: string
  manifestPath: string
  rows: number
  videos: number
  bytes: number
  sha256: string
  hours: number
  seconds: number
  counts: { filtered: number; after_top_percent: number; after_div: number }
}

export class ExportError extends Error {}

/**
 * Writes the selected clips in id order: status + where (+ preset) filters, then the rank-based
 * top percent, then DIV sampling. The file is written to a temporary name beside the target,
 * fsynced and renamed, so a reader never sees half an export; the manifest (filters, seed,
 * counts, hours, score models, sha256 of the file) is written the same way afterwards; the
 * previous manifest is removed first, so a data file never sits beside another file's manifest.
 *
 * JSONL lines are written as bytes (dataset-export-jsonl-bytes.ts). A large JSONL export on a
 * machine with a core to spare is formatted by worker threads in id-range blocks while this
 * thread hashes and writes the blocks in order; the bytes are the same either way (1M rows,
 * 2 cores: ~2.4 s of CPU on one thread, ~1.7 s wall on workers when the second core is free).
 */
export function exportDataset(ctx: ProjectContext, out: string, input: SelectionSpec, opts: ExportOptions = {}): ExportReport {
  const t0 = performance.now()
  // Large JSONL exports format on worker threads (dataset-export-worker-pool.ts). They start
  // before the transaction: their snapshot must be taken together with its first read.
  let pool: ExportWorkerPool | null = null
  if ((opts.format ?? 'jsonl') === 'jsonl' && !ctx.db.inTransaction && ExportWorkerPool.worthIt(mostRows(ctx, applyPreset(input)))) {
    pool = ExportWorkerPool.start(ctx.path)
  }
  let failed = false
  try {
    // One read transaction: every pass (counts, ranking, sampling, rows) sees the same snapshot, so
    // a decision committed by the UI mid-export cannot make the manifest disagree with the file.
    return ctx.db.transaction(() => writeExport(ctx, out, input, opts, pool, t0))()
  } catch (err) {
    failed = true
    throw err
  } finally {
    pool?.close(failed)
  }
}

function writeExport(
  ctx: ProjectContext, out: string, input: SelectionSpec, opts: ExportOptions, pool: ExportWorkerPool | null, t0: number,
): ExportReport {
  const repo = createDatasetExportRepository(ctx.db)
  // First of all, before this transaction reads anything: share its snapshot with the workers.
  const workers = pool && alignSnapshot(pool, ctx, repo) ? pool : null
  const spec = applyPreset(input)
  const format = opts.format ?? 'jsonl'
  const withReview = opts.withReview ?? false
  const path = resolve(out)
  try {
    if (!statSync(dirname(path)).isDirectory()) throw new Error()
  } catch {
    throw new ExportError(`cannot write ${out}: folder ${dirname(path)} does not exist`)
  }
  // Partial copies from killed exports to this path: nothing reads them, they only use disk.
  removeStaleExportTemps(path)
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
    // Keep rows ranked at or above the cut in (score, id) order: exactly `afterTop` rows, ties
    // at the cut broken by id (the later clip ranks higher), every run the same.
    cond = cut ? `${cond} AND (${col} > ? OR (${col} = ? AND c.id >= ?))` : '0'
    params = cut ? [...params, cut.value, cut.value, cut.id] : params
  }

  let selected: Float64Array | null = null
  if (spec.div && spec.div.n < afterTop) {
    const perVideo = repo.clipsPerVideo(cond, params)
    const sampler = new DivSampler(spec.div.n, spec.div.seed, afterTop)
    for (const [id, videoId, sourceId, startS, endS] of repo.iterateIdentities(cond, params)) {
      sampler.offer({ id, videoClips: perVideo.get(videoId)!, identity: clipIdentity(sourceId, startS, endS) })
    }
    selected = sampler.selectedIds()
  }

  const inputs: RowInputs = {
    selected,
    originals: repo.captionOriginals(),
    decisions: withReview ? repo.latestDecisions() : null,
    maxVideoId: repo.maxVideoId(),
  }
  const toWrite = selected ? selected.length : afterTop
  const totals = new ExportTotals(inputs.maxVideoId)
  const file = new ExportFile(path)
  const manifestPath = `${path}.manifest.json`
  let sha256: string
  try {
    if (format === 'csv') {
      writeCsv(repo, cond, params, inputs, withReview, file, totals)
    } else if (workers && toWrite >= exportThreading.minRows) {
      workers.setup(cond, params, inputs, toWrite)
      workers.run(idRanges(repo, selected, exportThreading.blockIds), (bytes, stats) => {
        file.write(bytes)
        totals.add(stats)
      })
    } else {
      writeJsonlHere(repo, cond, params, inputs, toWrite, file, totals)
    }
    // The previous export's manifest goes before its data file is replaced: a crash or a failed
    // manifest write below then leaves a data file without a manifest, never one whose manifest
    // describes (counts, sha256) another file.
    sha256 = file.finish(() => rmSync(manifestPath, { force: true }))
  } catch (err) {
    file.discard()
    throw err
  }
  const { rows, videos, seconds } = totals
  const bytes = file.bytes
  const scoreModels = scoreModelsOf(repo, cond, params, selected, totals.scored)
  const manifest = {
    format,
    file: basename(path),
    sha256,
    bytes,
    rows,
    videos,
    hours_of_video: seconds / 3600,
    key_order: format === 'csv'
      ? csvHeader(withReview).trim().split(',')
      : [...JSONL_KEYS, ...(withReview ? REVIEW_KEYS : []), '…extra fields verbatim'],
    filters: {
      preset: spec.preset,
      status: spec.status,
      where: spec.where.map((w) => w.text),
      top_percent: spec.topPercent,
      div: spec.div,
    },
    seed: spec.div?.seed ?? null,
    counts: { filtered, after_top_percent: afterTop, after_div: selected ? selected.length : afterTop, exported: rows },
    score_models: scoreModels,
    project: ctx.path,
    created_at: new Date().toISOString(),
  }
  writeDurably(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`)
  return {
    path, manifestPath, rows, videos, bytes, sha256, hours: seconds / 3600,
    seconds: (performance.now() - t0) / 1000, counts: { filtered, after_top_percent: afterTop, after_div: manifest.counts.after_div },
  }
}

/** At most how many rows `spec` can export, known before any counting: the id span, the top percent of it, the DIV size. */
function mostRows(ctx: ProjectContext, spec: SelectionSpec): number {
  let rows = createDatasetExportRepository(ctx.db).idSpan()
  if (spec.topPercent) rows = Math.ceil((rows * spec.topPercent.percent) / 100)
  return spec.div ? Math.min(rows, spec.div.n) : rows
}

/**
 * The workers' read transactions on this transaction's snapshot; false (export on this thread)
 * when that cannot be had. The first read of the export happens inside, under the lock.
 */
function alignSnapshot(pool: ExportWorkerPool, ctx: ProjectContext, repo: ReturnType<typeof createDatasetExportRepository>): boolean {
  try {
    if (pool.alignSnapshot(ctx.db, () => repo.idSpan())) return true
  } catch {
    // a worker failed to begin: go on without them
  }
  pool.close(true)
  return false
}

/**
 * The models behind the exported scores. Usually each kind has one current model in the whole
 * project, and then the counts kept while writing are the answer; only a project mixing models
 * pays for a join over the exported clips (~2 µs a row).
 */
function scoreModelsOf(
  repo: ReturnType<typeof createDatasetExportRepository>,
  cond: string,
  params: (string | number)[],
  selected: Float64Array | null,
  scored: Record<string, number>,
): ScoreModelCount[] {
  const combos = repo.scoreModelCombos()
  if (new Set(combos.map((c) => c.kind)).size === combos.length) {
    return combos.map((c) => ({ ...c, clips: scored[c.kind] ?? 0 })).filter((c) => c.clips > 0)
  }
  return selected ? repo.scoreModelsForIds(selected) : repo.scoreModels(cond, params)
}

/** Written to `<path>.tmp-<pid>` (the name export-temp-files.ts sweeps), fsynced, renamed. */
function writeDurably(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`
  const bytes = Buffer.from(text)
  const fd = openSync(tmp, 'w')
  try {
    for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  renameSync(tmp, path)
}
