import type { Command } from 'commander'
import { openProject } from '../../core/project-context'
import { ShardError } from '../../services/sharding/shard-file'
import { mergeShard, type MergeReport } from '../../services/sharding/shard-merge'
import { CliFailure } from '../cli-errors'

/**
 * `vicurate merge <project> <shards...>`: folds shard files made by `vicurate run --shard i/n
 * --shard-out FILE` into the project. Each shard merges in its own transaction, so a refused
 * shard (another project's) leaves the ones before it merged; merging again changes nothing.
 */
export function registerMerge(program: Command): void {
  program
    .command('merge <project> <shards...>')
    .description('fold shard files from `vicurate run --shard i/n --shard-out FILE` into the project (idempotent)')
    .option('--json', 'print one JSON report per shard')
    .action((project: string, shards: string[], o: { json?: boolean }) => {
      const ctx = openProject(project)
      try {
        const seen = new Map<string, string>()
        for (const file of shards) {
          let r: MergeReport
          try {
            r = mergeShard(ctx, file)
          } catch (err) {
            if (err instanceof ShardError) throw new CliFailure(err.message)
            throw err
          }
          const key = `${r.index}/${r.count}`
          // Two files for one shard is legal (a re-run elsewhere) but worth a word.
          if (seen.has(key)) process.stderr.write(`note: ${file} and ${seen.get(key)} are both shard ${key}\n`)
          seen.set(key, file)
          if (o.json) process.stdout.write(`${JSON.stringify(r)}\n`)
          else {
            process.stdout.write(`${file} (shard ${key}): ${r.scores} scores, ${r.embeddings} embeddings, ${r.steps} clip steps merged; ${r.dropped.length} dropped\n`)
            for (const d of r.dropped.slice(0, 20)) process.stdout.write(`  clip ${d.clipId} ${d.kind}: ${d.reason}\n`)
          }
        }
      } finally {
        ctx.close()
      }
    })
}
