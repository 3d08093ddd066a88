import type { Command } from 'commander'
import { createDemoProject } from '../../services/demo.service'
import { serveUntilSignal, parsePort } from './serve.command'

export function registerDemo(program: Command): void {
  program
    .command('demo [project]')
    .description('build a demo project from generated sample footage (offline), optionally serve it')
    .option('--serve', 'serve it in browser mode afterwards')
    .option('--offline', 'do not fetch the CC0 sample videos; generated footage only')
    .option('--host <address>', 'with --serve: address to bind', '127.0.0.1')
    .option('--port <n>', 'with --serve: port', parsePort, 0)
    .action(async (project: string | undefined, opts: { serve?: boolean; offline?: boolean; host: string; port: number }) => {
      const path = project ?? 'demo.vicurate'
      const { ctx, created, report, downloads } = await createDemoProject(path, { online: !opts.offline, onStep: (m) => process.stderr.write(`demo: ${m}\n`) })
      const clips = ctx.repos.clips.countByStatus()
      ctx.close()
      process.stdout.write(
        created
          ? `demo project ${ctx.path}: ${report?.videos_ok ?? 0} videos, ${report?.clips ?? 0} clips (sample footage generated with ffmpeg's test sources)\n`
          : `demo project ${ctx.path} already exists: ${clips.pending + clips.accepted + clips.rejected} clips\n`,
      )
      for (const d of downloads?.downloaded ?? []) process.stdout.write(`credit: ${d.credit}\n`)
      if (report && report.videos_failed.length > 0) {
        for (const f of report.videos_failed) process.stderr.write(`demo: failed ${f.path}: ${f.error}\n`)
      }
      if (opts.serve) await serveUntilSignal(path, { host: opts.host, port: opts.port })
    })
}
