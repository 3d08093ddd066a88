import type { Command } from 'commander'
import { CliFailure } from '../cli-errors'

/**
 * Subcommands whose pipeline stage has not landed yet. They exist so `--help` shows the whole
 * CLI, and they say plainly that they are unavailable (exit 1) instead of printing pretend output.
 */
const PLANNED: { name: string; args: string; summary: string; issue: string }[] = [
  { name: 'import', args: '<project> <file>', summary: 'import InternVid-style annotation JSONL', issue: 'datasets in and out' },
  { name: 'export', args: '<project> <out>', summary: 'export a curated subset as InternVid JSONL with a manifest', issue: 'datasets in and out' },
]

export function registerPlanned(program: Command): void {
  for (const p of PLANNED) {
    program
      .command(`${p.name} ${p.args}`)
      .description(`${p.summary} [not available yet]`)
      .allowUnknownOption(true)
      .helpOption('-h, --help', 'show help')
      .action(() => {
        throw new CliFailure(`'${p.name}' is not available in this version yet (planned with ${p.issue}); nothing was done`)
      })
  }
}
