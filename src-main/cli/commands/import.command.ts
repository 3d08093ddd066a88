import type { Command } from 'commander'
import { openProject } from '../../core/project-context'
import { MAX_CAPTION_CHARS } from '../../services/dataset-annotation'
import { CLIP_PATTERN_EXAMPLE, DEFAULT_PATTERN } from '../../services/dataset-media'
import { ImportUsageError, importDataset } from '../../services/dataset-import.service'
import { EXIT_FAILURE, UsageError } from '../cli-errors'

export function registerImport(program: Command): void {
  program
    .command('import <project> <file>')
    .description('import InternVid-style annotation JSONL (YoutubeID, Start_timestamp, End_timestamp, Caption, UMT_Score, Aesthetic_Score, …)')
    .option('--video-root <dir>', 'folder holding the media; rows whose file is absent are kept with their media missing')
    .option('--pattern <p>', `file for a row, inside the root: {root} {YoutubeID} {start} {end} (timestamps as written) {start_s} {end_s} (seconds, 3 decimals); e.g. ${CLIP_PATTERN_EXAMPLE}`, DEFAULT_PATTERN)
    .option('--bulk <mode>', 'auto | on | off: drop and rebuild the clip indexes and search index around the load', 'auto')
    .option('--json', 'print a JSON report: {"rows_ok", "rows_rejected": [{"line", "reason"}], …}')
    .addHelpText('after', `\nBlank lines are skipped; a bad line is rejected with its line number and reason and never aborts the import.\nCaptions over ${MAX_CAPTION_CHARS} characters are rejected. Re-importing a file adds no duplicate clips.`)
    .action(async (project: string, file: string, opts: { videoRoot?: string; pattern: string; bulk: string; json?: boolean }) => {
      if (!['auto', 'on', 'off'].includes(opts.bulk)) throw new UsageError(`--bulk must be auto, on or off (got "${opts.bulk}")`)
      const ctx = openProject(project)
      try {
        const report = await importDataset(ctx, file, {
          videoRoot: opts.videoRoot,
          pattern: opts.videoRoot ? opts.pattern : undefined,
          bulk: opts.bulk as 'auto' | 'on' | 'off',
          onProgress: opts.json ? undefined : (p) => process.stderr.write(p.phase === 'loading'
            ? `\rline ${p.lines}, rows loaded ${p.rowsOk}`
            : `\nbuilding the indexes and the search index, and removing rows already present…`),
        })
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(report)}\n`)
        } else {
          process.stderr.write('\n')
          process.stdout.write(
            `rows imported: ${report.rows_ok}, already present: ${report.rows_existing}, rejected: ${report.rows_rejected_count}; ` +
              `media found: ${report.media_found}, missing: ${report.media_missing}; new videos: ${report.videos_new} ` +
              `(${report.seconds.toFixed(1)} s${report.bulk ? ', bulk load' : ''})\n`,
          )
          for (const r of report.rows_rejected) process.stdout.write(`line ${r.line}: ${r.reason}\n`)
          if (report.rows_rejected_count > report.rows_rejected.length) {
            process.stdout.write(`… and ${report.rows_rejected_count - report.rows_rejected.length} more rejected lines\n`)
          }
        }
        // Exit 1 when the file had lines and none of them could be used.
        if (report.rows_ok + report.rows_existing === 0 && report.rows_rejected_count > 0) process.exitCode = EXIT_FAILURE
      } catch (err) {
        if (err instanceof ImportUsageError) throw new UsageError(err.message)
        throw err
      } finally {
        ctx.close()
      }
    })
}
