import type { Command } from 'commander'
import { existsSync } from 'node:fs'
import { openProject } from '../../core/project-context'
import { CliFailure } from '../cli-errors'

export function registerInit(program: Command): void {
  program
    .command('init <project>')
    .description('create a new project file (SQLite, e.g. my-set.vicurate) with the current schema')
    .action((project: string) => {
      if (existsSync(project)) throw new CliFailure(`${project} already exists; not touching it`)
      const ctx = openProject(project, { create: true })
      const version = ctx.db.pragma('user_version', { simple: true }) as number
      ctx.close()
      process.stdout.write(`created ${ctx.path} (schema version ${version})\n`)
    })
}
