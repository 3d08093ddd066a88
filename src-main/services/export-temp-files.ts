import { lstatSync, readdirSync, rmSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { pidAlive } from '../core/process-owner'

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * Removes what killed exports to `path` left beside it: the data file's `<out>.tmp-<pid>-<hex>`
 * and the manifest's `<out>.manifest.json.tmp-<pid>`, for pids no longer running. Without this,
 * every killed export of a large dataset kept its partial copy until someone deleted it.
 *
 * Only this export's own temp names, and never a live pid's (another export to the same path may
 * be writing it; its rename would then fail). Best effort: a file that cannot be removed is left
 * for the next export and never fails this one. Returns the paths removed.
 */
export function removeStaleExportTemps(path: string): string[] {
  const dir = dirname(path)
  const base = escape(basename(path))
  const temp = new RegExp(`^${base}(?:\\.tmp-(\\d+)-[0-9a-f]{8}|\\.manifest\\.json\\.tmp-(\\d+))$`)
  const removed: string[] = []
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    return removed
  }
  for (const name of names) {
    const m = temp.exec(name)
    if (!m) continue
    const pid = Number(m[1] ?? m[2])
    if (pid === process.pid || pidAlive(pid)) continue
    const file = join(dir, name)
    try {
      // A plain file only: a link or folder with this name is not something an export wrote.
      if (!lstatSync(file).isFile()) continue
      rmSync(file)
      removed.push(file)
    } catch {
      // gone already (another export cleaned it) or not ours to delete: leave it
    }
  }
  return removed
}
