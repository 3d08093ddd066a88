import type { Command } from 'commander'
import { openProject } from '../../core/project-context'
import { runJob } from '../../jobs/job-runner'
import { CliFailure, EXIT_FAILURE } from '../cli-errors'

function formatEta(s: number | null): string {
  if (s === null) return '--:--'
  const m = Math.floor(s / 60)
  return `${m}:${String(Math.round(s % 60)).padStart(2, '0')}`
}

export function registerIngest(program: Command): void {
  program
    .command('ingest <project> <paths...>')
    .description('register videos (files or folders) once each, cut them at scene changes into clips, extract model frames, posters and scrub sprites; resumable')
    .option('-r, --recursive', 'descend into sub-folders')
    .option('--json', 'print a JSON report: {"videos_ok", "videos_failed", "clips"}')
    .action(async (project: string, paths: string[], opts: { recursive?: boolean; json?: boolean }) => {
      const ctx = openProject(project)
      const abort = new AbortController()
      const onSignal = () => abort.abort()
      process.once('SIGINT', onSignal)
      try {
        const result = await runJob(ctx, { name: 'ingest', data: { paths, recursive: opts.recursive ?? false } }, {
          signal: abort.signal,
          onProgress: opts.json
            ? undefined
            : (p) => process.stderr.write(`\r${p.detail ?? ''} — ${p.done}/${p.total} ${p.unit}, ${p.rate ? Math.round(p.rate) : '…'} ${p.unit}/s, ETA ${formatEta(p.etaSeconds)}   `),
        })
        if (!opts.json) process.stderr.write('\n')
        if (result.outcome === 'cancelled') throw new CliFailure('ingest cancelled; run the same command again to resume')
        const report = result.report
        if (!report) throw new CliFailure(`ingest failed: ${result.error ?? 'unknown error'}`)
        if (opts.json) {
          process.stdout.write(`${JSON.stringify({ videos_ok: report.videos_ok, videos_failed: report.videos_failed, clips: report.clips })}\n`)
        } else {
          process.stdout.write(`videos processed: ${report.videos_ok}, already complete: ${report.videos_skipped}, new clips: ${report.clips}\n`)
          for (const n of report.notes) process.stdout.write(`note: ${n.path}: ${n.note}\n`)
          for (const f of report.videos_failed) process.stdout.write(`failed: ${f.path}: ${f.error}\n`)
        }
        // Exit 1 only when nothing at all could be processed.
        if (result.outcome === 'failed') process.exitCode = EXIT_FAILURE
      } finally {
        process.off('SIGINT', onSignal)
        ctx.close()
      }
    })
}
