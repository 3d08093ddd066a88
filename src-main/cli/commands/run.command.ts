import { InvalidArgumentError, Option, type Command } from 'commander'
import type { JobRequest } from '../../api/contract'
import { openProject } from '../../core/project-context'
import { runJob } from '../../jobs/job-runner'
import type { StageReport } from '../../services/scoring/stage-runner'
import { ShardError } from '../../services/sharding/shard-file'
import { openShardContext, parseShard, type ShardSpec } from '../../services/sharding/shard-run'
import { CliFailure, EXIT_FAILURE, UsageError } from '../cli-errors'
import { captionScope, printCaptionReport } from './run-caption'
import type { CaptionJobReport } from '../../services/captioning/caption-job'

const STAGES = ['caption', 'similarity', 'aesthetic'] as const
type Stage = (typeof STAGES)[number]

function parseStages(value: string): Stage[] {
  const stages = value.split(',').map((s) => s.trim()).filter(Boolean)
  const bad = stages.filter((s) => !(STAGES as readonly string[]).includes(s))
  if (bad.length || stages.length === 0) throw new InvalidArgumentError(`unknown stage(s) ${bad.join(', ') || '(none)'}; stages: ${STAGES.join(', ')}`)
  return [...new Set(stages)] as Stage[]
}

function positiveInt(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer')
  return n
}

interface RunOpts {
  stages: Stage[]
  provider?: 'auto' | 'cuda' | 'cpu'
  threads?: number
  batch?: number
  json?: boolean
  shard?: ShardSpec
  shardOut?: string
  view?: string
  status?: 'all' | 'pending' | 'accepted' | 'rejected'
}

function shardArg(value: string): ShardSpec {
  try {
    return parseShard(value)
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message)
  }
}

export function registerRun(program: Command): void {
  program
    .command('run <project>')
    .description('run pipeline stages as resumable jobs: multi-scale captions, ViCLIP similarity, LAION aesthetic (re-run to resume)')
    .requiredOption('--stages <list>', `comma-separated stages: ${STAGES.join(', ')}`, parseStages)
    .addOption(new Option('--provider <p>', 'execution provider (auto tries CUDA, then CPU)').choices(['auto', 'cuda', 'cpu']))
    .option('--threads <n>', 'CPU threads per model', positiveInt)
    .option('--batch <n>', 'clips per inference batch', positiveInt)
    .option('--json', 'print one JSON report per stage')
    .option('--view <name>', 'caption only the clips passing this saved view\'s filters (caption stage)')
    .addOption(new Option('--status <s>', 'caption only clips with this review status (caption stage)').choices(['all', 'pending', 'accepted', 'rejected']))
    .option('--shard <i/n>', 'process only shard i of n (clips with id % n == i), writing to --shard-out; fold in with vicurate merge', shardArg)
    .option('--shard-out <file>', 'shard file (SQLite) that receives this shard\'s scores, embeddings and steps; re-run to resume')
    .action(async (project: string, opts: RunOpts) => {
      if ((opts.shard === undefined) !== (opts.shardOut === undefined)) throw new UsageError('--shard and --shard-out go together')
      const main = openProject(project)
      let ctx = main
      try {
        if (opts.shard && opts.shardOut) ctx = openShardContext(main, opts.shardOut, opts.shard)
      } catch (err) {
        main.close()
        if (err instanceof ShardError) throw new CliFailure(err.message)
        throw err
      }
      const abort = new AbortController()
      const onSignal = () => abort.abort()
      process.once('SIGINT', onSignal)
      try {
        if (opts.provider || opts.threads || opts.batch) {
          const ml = ctx.repos.settings.get('ml', { provider: 'auto', threads: null, batchSize: 4 })
          ctx.repos.settings.set('ml', { ...ml, ...(opts.provider && { provider: opts.provider }), ...(opts.threads && { threads: opts.threads }), ...(opts.batch && { batchSize: opts.batch }) })
        }
        const results: { stage: Stage; ok: boolean; error: string | null }[] = []
        for (const stage of opts.stages) {
          const request: JobRequest = stage === 'caption' ? { name: 'caption', data: captionScope(ctx, opts) } : { name: stage, data: {} }
          const unit = stage === 'caption' ? 'clips captioned' : 'clips'
          const r = await runJob(ctx, request, {
            signal: abort.signal,
            onProgress: opts.json ? undefined : (p) => process.stderr.write(`\r${stage}${p.detail ? ` (${p.detail})` : ''}: ${p.done}/${p.total} ${unit}, ${p.rate ? p.rate.toFixed(2) : '…'} clips/s, ETA ${p.etaSeconds === null ? '--' : Math.round(p.etaSeconds) + ' s'}   `),
          })
          if (!opts.json) process.stderr.write('\n')
          if (r.outcome === 'cancelled') throw new UsageError('cancelled; run the same command again to resume')
          results.push({ stage, ok: r.outcome === 'done', error: r.error })
          if (opts.json) {
            process.stdout.write(`${JSON.stringify({ stage, outcome: r.outcome, error: r.error, report: r.report })}\n`)
            continue
          }
          if (stage === 'caption' && r.report) {
            printCaptionReport(r.report as CaptionJobReport)
            continue
          }
          const report = (r.report as StageReport | null) ?? null
          if (report) {
            const provider = report.provider === 'cpu' && report.fallbackReason ? `cpu (${report.fallbackReason})` : report.provider
            process.stdout.write(`${stage}: ${report.scored} clips scored with ${report.model.id} (${report.model.revision}) on ${provider}; ${report.failed.length} failed\n`)
            for (const f of report.failed.slice(0, 20)) process.stdout.write(`  clip ${f.clipId}: ${f.error}\n`)
          } else process.stdout.write(`${stage}: failed: ${r.error}\n`)
        }
        if (results.every((r) => !r.ok)) process.exitCode = EXIT_FAILURE
      } finally {
        process.off('SIGINT', onSignal)
        if (ctx !== main) ctx.close()
        main.close()
      }
    })
}
