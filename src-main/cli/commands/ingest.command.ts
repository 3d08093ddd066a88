import type { Command } from 'commander'
import { openProject } from '../../core/project-context'
import { ingestPaths } from '../../services/ingest.service'
import { EXIT_FAILURE } from '../cli-errors'

export function registerIngest(program: Command): void {
  program
    .command('ingest <project> <paths...>')
    .description('probe and register videos (files or folders); each video becomes clips')
    .option('-r, --recursive', 'descend into sub-folders')
    .option('--json', 'print a JSON report: {"videos_ok", "videos_failed", "clips"}')
    .action(async (project: string, paths: string[], opts: { recursive?: boolean; json?: boolean }) => {
      const ctx = openProject(project)
      try {
        const report = await ingestPaths(ctx, paths, {
          recursive: opts.recursive,
          onProgress: opts.json ? undefined : (p) => p.path && process.stderr.write(`[${p.done + 1}/${p.total}] ${p.path}\n`),
        })
        if (opts.json) {
          process.stdout.write(`${JSON.stringify({ videos_ok: report.videos_ok, videos_failed: report.videos_failed, clips: report.clips })}\n`)
        } else {
          process.stdout.write(`videos registered: ${report.videos_ok}, already present: ${report.videos_skipped}, clips: ${report.clips}\n`)
          for (const n of report.notes) process.stdout.write(`note: ${n.path}: ${n.note}\n`)
          for (const f of report.videos_failed) process.stdout.write(`failed: ${f.path}: ${f.error}\n`)
        }
        // Exit 1 only when nothing at all could be processed.
        if (report.videos_ok + report.videos_skipped === 0 && report.videos_failed.length > 0) process.exitCode = EXIT_FAILURE
      } finally {
        ctx.close()
      }
    })
}
