import { resolve } from 'node:path'
import { Command, CommanderError } from 'commander'
import { ApiError } from '../api/errors'
import { BUSY_TIMEOUT_MS } from '../db/connection'
import { mapProjectError } from '../db/project-errors'
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
  // The project file the command works on, so a SQLite failure anywhere in it (a lock held past
  // busy_timeout, a full disk) is reported by name with what to do, not as SQLite's bare text.
  const target: { project?: string } = {}
  program.hook('preAction', (_program, action) => {
    const first = action.registeredArguments[0]?.name()
    if (first === 'project' && typeof action.args[0] === 'string') target.project = resolve(action.args[0])
  })
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
    const mapped = target.project ? mapProjectError(err, target.project, BUSY_TIMEOUT_MS) : err
    // The message only: a stack trace tells the user nothing they can act on.
    const message = mapped instanceof ApiError || mapped instanceof CliFailure || mapped instanceof Error ? mapped.message : String(mapped)
    process.stderr.write(`vicurate: ${message}\n`)
    return EXIT_FAILURE
  }
}

if (require.main === module) {
  void runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code
  })
}
