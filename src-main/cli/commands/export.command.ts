import type { Command } from 'commander'
import { openProject } from '../../core/project-context'
import { ExportError, exportDataset } from '../../services/dataset-export.service'
import { FLT_DEFAULT_DIV, FilterSyntaxError, STATUS_FILTERS, parseWhere, type SelectionSpec, type StatusFilter } from '../../services/export-filters'
import { CliFailure, UsageError } from '../cli-errors'

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
    .action((project: string, out: string, o: ExportFlags) => {
      if (o.format !== 'jsonl' && o.format !== 'csv') throw new UsageError(`--format must be jsonl or csv (got "${o.format}")`)
      const spec = selectionFromFlags(o)
      const ctx = openProject(project)
      try {
        const r = exportDataset(ctx, out, spec, { format: o.format, withReview: o.withReview })
        if (o.json) {
          process.stdout.write(`${JSON.stringify({ path: r.path, manifest: r.manifestPath, rows: r.rows, videos: r.videos, bytes: r.bytes, sha256: r.sha256, hours: r.hours, counts: r.counts, seconds: r.seconds })}\n`)
        } else {
          process.stdout.write(`exported ${r.rows} clips from ${r.videos} videos (${r.hours.toFixed(2)} h, ${(r.bytes / 1e6).toFixed(1)} MB) to ${r.path}\nmanifest: ${r.manifestPath}\n`)
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
