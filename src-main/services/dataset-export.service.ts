import { createHash, randomBytes } from 'node:crypto'
import { closeSync, fsyncSync, openSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs'
import { basename, dirname, resolve } from 'node:path'
import type { ProjectContext } from '../core/project-context'
import { createDatasetExportRepository, type ScoreModelCount } from '../db/repositories/dataset.repository'
import { DivSampler, clipIdentity } from './dataset-div-sampling'
import { csvHeader, csvLine, jsonlPrefix, jsonlText, JSONL_KEYS, REVIEW_KEYS, type ExportRow } from './dataset-export-format'
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

const FLUSH_CHARS = 1 << 20

/**
 * Writes the selected clips in id order: status + where (+ preset) filters, then the rank-based
 * top percent, then DIV sampling. The file is written to a temporary name beside the target,
 * fsynced and renamed, so a reader never sees half an export; the manifest (filters, seed,
 * counts, hours, score models, sha256 of the file) is written the same way afterwards.
 */
export function exportDataset(ctx: ProjectContext, out: string, input: SelectionSpec, opts: ExportOptions = {}): ExportReport {
  // One read transaction: every pass (counts, ranking, sampling, rows) sees the same snapshot, so
  // a decision committed by the UI mid-export cannot make the manifest disagree with the file.
  return ctx.db.transaction(() => writeExport(ctx, out, input, opts))()
}

function writeExport(ctx: ProjectContext, out: string, input: SelectionSpec, opts: ExportOptions): ExportReport {
  const t0 = performance.now()
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

  const sourceIds = repo.sourceIds()
  const prefixes = format === 'jsonl' ? new Map<number, string>() : null
  const originals = repo.captionOriginals()
  const decisions = withReview ? repo.latestDecisions() : null
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`
  // Distinct videos exported, as a byte per video id (a Set.add per row cost more); a Set only
  // if ids were ever made huge by hand.
  const maxVideoId = repo.maxVideoId()
  const videoSeen = maxVideoId < 1 << 26 ? new Uint8Array(maxVideoId + 1) : null
  const videoSet = videoSeen ? null : new Set<number>()
  let videos = 0
  const scored: Record<string, number> = { similarity: 0, aesthetic: 0 }
  let rows = 0
  let bytes = 0
  let seconds = 0
  // Lines are appended to one string and encoded a megabyte at a time into one reused buffer:
  // per-line encoding calls cost more than the concatenation. The hash sees the same chunks.
  // (Encoding, hashing and writing on a worker thread was tried: no gain on this 2-core machine,
  // whose second core is rarely free.)
  const chunk = Buffer.allocUnsafe(FLUSH_CHARS * 3)
  const hash = createHash('sha256')
  let text = ''
  const fd = openSync(tmp, 'wx')
  const flush = () => {
    const b = text.length * 3 <= chunk.length ? chunk.subarray(0, chunk.write(text, 0, 'utf8')) : Buffer.from(text, 'utf8')
    hash.update(b)
    bytes += writeSync(fd, b)
    text = ''
  }
  try {
    if (format === 'csv') text += csvHeader(withReview)
    let next = 0 // walks `selected` (ascending) alongside the id-ordered rows
    for (const block of repo.rowBlocks(cond, params)) {
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
        const review = decisions ? { status, reviewer: decision?.reviewer ?? null, decidedAt: decision?.created_at ?? null } : null
        if (prefixes) {
          let prefix = prefixes.get(videoId)
          if (prefix === undefined) prefixes.set(videoId, (prefix = jsonlPrefix(sourceIds.get(videoId)!)))
          text += jsonlText(prefix, startS, endS, caption, captionOriginal, similarity, aesthetic, review, extraJson)
        } else {
          const row: ExportRow = { sourceId: sourceIds.get(videoId)!, startS, endS, caption, similarity, aesthetic, extraJson, captionOriginal, review }
          text += csvLine(row, withReview)
        }
        if (text.length >= FLUSH_CHARS) flush()
        rows++
        if (similarity !== null) scored.similarity++
        if (aesthetic !== null) scored.aesthetic++
        seconds += endS - startS
        if (videoSeen ? videoSeen[videoId] === 0 : !videoSet!.has(videoId)) {
          if (videoSeen) videoSeen[videoId] = 1
          else videoSet!.add(videoId)
          videos++
        }
      }
      if (selected && next >= selected.length) break
    }
    flush()
    fsyncSync(fd)
    closeSync(fd)
    renameSync(tmp, path)
  } catch (err) {
    try {
      closeSync(fd)
    } catch {
      // already closed
    }
    rmSync(tmp, { force: true })
    throw err
  }
  const sha256 = hash.digest('hex')
  const manifestPath = `${path}.manifest.json`
  const scoreModels = scoreModelsOf(repo, cond, params, selected, scored)
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
  const mtmp = `${manifestPath}.tmp-${process.pid}`
  writeFileSync(mtmp, `${JSON.stringify(manifest, null, 2)}\n`)
  renameSync(mtmp, manifestPath)
  return {
    path, manifestPath, rows, videos, bytes, sha256, hours: seconds / 3600,
    seconds: (performance.now() - t0) / 1000, counts: { filtered, after_top_percent: afterTop, after_div: manifest.counts.after_div },
  }
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
