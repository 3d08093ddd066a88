import type { Command } from 'commander'
import { backupDirFor, listBackups, restoreProject } from '../../db/db-safety'
import { UsageError } from '../cli-errors'

export function registerRestore(program: Command): void {
  program
    .command('restore <project>')
    .description('put a backup (from <project>.d/backups/) in place of the project file; the current file is kept as <project>.replaced-<time>')
    .option('--from <file>', 'the backup file to restore')
    .option('--latest', 'restore the newest backup')
    .option('--list', 'list the backups, newest first, and change nothing')
    .addHelpText(
      'after',
      '\nBackups are made before a schema migration and when a project that changed is closed; the newest 5 of each kind are kept.\nThe backup is checked (SQLite, a vicurate project, quick_check) before anything is moved. Close the project everywhere first.',
    )
    .action((project: string, opts: { from?: string; latest?: boolean; list?: boolean }) => {
      if (opts.list) {
        const backups = listBackups(project)
        if (backups.length === 0) process.stdout.write(`no backups in ${backupDirFor(project)}\n`)
        for (const b of backups) process.stdout.write(`${b.stamp}  ${b.reason.padEnd(13)}  ${b.path}\n`)
        return
      }
      if (Boolean(opts.from) === Boolean(opts.latest)) throw new UsageError('say which backup: --latest or --from <file> (see --list)')
      const r = restoreProject(project, opts.from ? { file: opts.from } : { latest: true })
      process.stdout.write(`restored ${project} from ${r.restoredFrom}\n`)
      if (r.replacedPath) process.stdout.write(`the previous file is kept as ${r.replacedPath}\n`)
    })
}
