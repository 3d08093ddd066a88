import { Command, CommanderError } from 'commander'
import { ApiError } from '../api/errors'
import { CliFailure, EXIT_FAILURE, EXIT_USAGE, UsageError } from './cli-errors'
import { registerDemo } from './commands/demo.command'
import { registerInit } from './commands/init.command'
import { registerServe } from './commands/serve.command'
import { registerIngest } from './commands/ingest.command'
import { registerExport } from './commands/export.command'
import { registerImport } from './commands/import.command'
import { registerScenes } from './commands/scenes.command'
import { registerRun } from './commands/run.command'
import { registerCaptioning } from './commands/captioning.command'
import { registerModels } from './commands/models.command'
import { registerSimilarity } from './commands/similarity.command'
import { registerMerge } from './commands/merge.command'
import { registerRestore } from './commands/restore.command'

export function buildProgram(): Command {
  const program = new Command()
    .name('vicurate')
    .description('Curate video-text datasets the way InternVid was built: scenes, captions, ViCLIP and aesthetic scores, review, export.')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
  registerInit(program)
  registerIngest(program)
  registerScenes(program)
  registerRun(program)
  registerCaptioning(program)
  registerModels(program)
  registerSimilarity(program)
  registerServe(program)
  registerDemo(program)
  registerImport(program)
  registerExport(program)
  registerMerge(program)
  registerRestore(program)
  // Subcommands inherit exitOverride so usage errors surface as CommanderError (exit 2).
  for (const cmd of program.commands) cmd.exitOverride()
  return program
}

export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram()
  try {
    await program.parseAsync(argv, { from: 'user' })
    return process.exitCode === undefined ? 0 : Number(process.exitCode)
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version are "errors" to commander but successes to the user.
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return 0
      return EXIT_USAGE
    }
    if (err instanceof UsageError) {
      process.stderr.write(`vicurate: ${err.message}\n`)
      return EXIT_USAGE
    }
    const message = err instanceof ApiError || err instanceof CliFailure || err instanceof Error ? err.message : String(err)
    process.stderr.write(`vicurate: ${message}\n`)
    return EXIT_FAILURE
  }
}

if (require.main === module) {
  void runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code
  })
}
