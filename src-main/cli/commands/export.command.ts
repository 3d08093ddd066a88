import type { Command } from 'commander'
import { openProject } from '../../core/project-context'
import { ExportError, exportDataset } from '../../services/dataset-export.service'
import { FLT_DEFAULT_DIV, FilterSyntaxError, STATUS_FILTERS, parseWhere, type SelectionSpec, type StatusFilter } from '../../services/export-filters'
import { DEFAULT_CLIP_NAMING, writeClipFiles, type ClipFilesReport, type ClipNaming } from '../../services/clip-files.service'
import { CliFailure, EXIT_FAILURE, UsageError } from '../cli-errors'

interface ExportFlags {
  where: string[]
  status: string
  topPercent?: string
  by?: string
  div?: string
  seed: string
  preset?: string
  withReview?: boolean
  format: string
  json?: boolean
  clipsDir?: string
  clipJobs: string
  clipNames: string
}

const collect = (v: string, prev: string[]) => [...prev, v]

function intArg(name: string, text: string, min: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min || !Number.isSafeInteger(Number(text))) throw new UsageError(`${name} must be an integer ≥ ${min} (got "${text}")`)
  return Number(text)
}

/** Flags → a selection; every mistake is a usage error naming the flag. */
export function selectionFromFlags(o: ExportFlags): SelectionSpec {
  if (!(STATUS_FILTERS as readonly string[]).includes(o.status)) throw new UsageError(`--status must be one of ${STATUS_FILTERS.join(', ')} (got "${o.status}")`)
  if (o.preset !== undefined && o.preset !== 'flt' && o.preset !== 'aes') throw new UsageError(`--preset must be flt or aes (got "${o.preset}")`)
  let topPercent: SelectionSpec['topPercent'] = null
  if (o.topPercent !== undefined) {
    const p = Number(o.topPercent)
    if (!/^\d+(\.\d+)?$/.test(o.topPercent) || !(p > 0 && p <= 100)) throw new UsageError(`--top-percent must be a number in (0, 100] (got "${o.topPercent}")`)
    if (o.by !== 'similarity' && o.by !== 'aesthetic') throw new UsageError('--top-percent needs --by similarity|aesthetic')
    topPercent = { percent: p, by: o.by }
  } else if (o.by !== undefined) throw new UsageError('--by only applies with --top-percent')
  const seed = intArg('--seed', o.seed, 0)
  if (o.seed !== '0' && o.div === undefined && o.preset !== 'flt') throw new UsageError('--seed only applies with --div or --preset flt')
  // flt samples by default (InternVid-10M-FLT's size), so its seed must reach the sampler too.
  const div = o.div !== undefined ? { n: intArg('--div', o.div, 1), seed } : o.preset === 'flt' ? { n: FLT_DEFAULT_DIV, seed } : null
  try {
    return { status: o.status as StatusFilter, where: o.where.map(parseWhere), topPercent, div, preset: (o.preset as 'flt' | 'aes' | undefined) ?? null }
  } catch (err) {
    if (err instanceof FilterSyntaxError) throw new UsageError(err.message)
    throw err
  }
}

export function registerExport(program: Command): void {
  program
    .command('export <project> <out>')
    .description('export the selected clips as InternVid JSONL (or CSV), atomically, with <out>.manifest.json')
    .option('--where <expr>', 'FIELD OP NUMBER over similarity|aesthetic|duration|caption_len, e.g. similarity>=0.3 (repeatable, ANDed)', collect, [])
    .option('--status <s>', `${STATUS_FILTERS.join(' | ')}`, 'not-rejected')
    .option('--top-percent <p>', 'keep the top P % by rank (with --by)')
    .option('--by <score>', 'similarity | aesthetic')
    .option('--div <n>', 'DIV-sample N clips, weight 1/(clips of the same video), without replacement')
    .option('--seed <s>', 'seed for --div (same seed, same clips)', '0')
    .option('--preset <name>', `flt: 1 s ≤ duration ≤ 120 s, top 30 % by similarity, then DIV (--div, default ${FLT_DEFAULT_DIV}); aes: aesthetic ≥ 4`)
    .option('--with-review', 'add status, reviewer, decided_at')
    .option('--format <f>', 'jsonl | csv', 'jsonl')
    .option('--json', 'print a JSON report')
    .option('--clips-dir <dir>', 'also write each exported clip as a frame-accurate H.264/AAC mp4 named {YoutubeID}_{start}_{end}.mp4 (resumable: re-run to finish)')
    .option('--clip-jobs <n>', 'ffmpeg processes cutting clips at once', '2')
    .option('--clip-names <style>', `internvid (HH:MM:SS.mmm, as InternVid and the importer's {start}/{end}) | safe (':' → '-')`, DEFAULT_CLIP_NAMING)
    .action(async (project: string, out: string, o: ExportFlags) => {
      if (o.format !== 'jsonl' && o.format !== 'csv') throw new UsageError(`--format must be jsonl or csv (got "${o.format}")`)
      if (o.clipNames !== 'internvid' && o.clipNames !== 'safe') throw new UsageError(`--clip-names must be internvid or safe (got "${o.clipNames}")`)
      const clipJobs = intArg('--clip-jobs', o.clipJobs, 1)
      const spec = selectionFromFlags(o)
      const ctx = openProject(project)
      try {
        const r = exportDataset(ctx, out, spec, { format: o.format, withReview: o.withReview })
        let clips: ClipFilesReport | null = null
        if (o.clipsDir !== undefined) {
          const abort = new AbortController()
          const onSignal = () => abort.abort()
          process.once('SIGINT', onSignal)
          try {
            clips = await writeClipFiles(ctx, r.path, o.format, o.clipsDir, {
              concurrency: clipJobs, naming: o.clipNames as ClipNaming, signal: abort.signal,
              onProgress: o.json ? undefined : (p) => process.stderr.write(`\rclips: ${p.done}/${p.total}   `),
            })
          } catch (err) {
            if (abort.signal.aborted) throw new CliFailure('cancelled; run the same command again to finish the clip files')
            throw err
          } finally {
            process.off('SIGINT', onSignal)
          }
          if (!o.json) process.stderr.write('\n')
          // Some clips not cut is a failed run (the folder is incomplete), but the export stands.
          if (clips.failed.length > 0) process.exitCode = EXIT_FAILURE
        }
        if (o.json) {
          process.stdout.write(`${JSON.stringify({ path: r.path, manifest: r.manifestPath, rows: r.rows, videos: r.videos, bytes: r.bytes, sha256: r.sha256, hours: r.hours, counts: r.counts, seconds: r.seconds, ...(clips && { clips }) })}\n`)
        } else {
          process.stdout.write(`exported ${r.rows} clips from ${r.videos} videos (${r.hours.toFixed(2)} h, ${(r.bytes / 1e6).toFixed(1)} MB) to ${r.path}\nmanifest: ${r.manifestPath}\n`)
          if (clips) {
            process.stdout.write(`clip files in ${clips.dir}: ${clips.written} written, ${clips.existing} already there, ${clips.skipped.length} skipped (no media), ${clips.failed.length} failed\n`)
            for (const s of clips.skipped.slice(0, 20)) process.stdout.write(`  skipped ${s.name}: ${s.reason}\n`)
            for (const f of clips.failed.slice(0, 20)) process.stdout.write(`  failed ${f.name}: ${f.error}\n`)
          }
        }
      } catch (err) {
        if (err instanceof FilterSyntaxError) throw new UsageError(err.message)
        if (err instanceof ExportError) throw new CliFailure(err.message)
        throw err
      } finally {
        ctx.close()
      }
    })
}
