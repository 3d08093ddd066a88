import { spawn } from 'node:child_process'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { openProject } from '../../src-main/core/project-context'
import { generateRows, writeJsonl } from './jsonl-fixtures'

const ROOT = join(__dirname, '..', '..')

/**
 * A new project in `dir` whose `vicurate import --bulk on` of `rows` generated rows was killed
 * with -9 after its first batch committed and before its last: rows present, the indexes and the
 * FTS insert trigger dropped, the bulk-load marker left. Use ≥ 120k rows (two 100k-row batches).
 */
export async function killedBulkImport(dir: string, rows: number, seed: number): Promise<{ path: string; file: string }> {
  const file = join(dir, 'big.jsonl')
  writeJsonl(file, generateRows(rows, { seed }))
  const path = join(dir, 'p.vicurate')
  openProject(path, { create: true }).close()
  const child = spawn(process.execPath, ['--require', join(ROOT, 'node_modules', 'tsx', 'dist', 'cjs', 'index.cjs'),
    join(ROOT, 'src-main', 'cli', 'main.ts'), 'import', path, file, '--bulk', 'on', '--json'], { stdio: 'ignore', detached: true })
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()))
  const peek = new Database(path, { readonly: true, fileMustExist: true })
  try {
    for (let tries = 0; ; tries++) {
      const n = peek.prepare('SELECT count(*) FROM clips').pluck().get() as number
      if (n > 0 && n < rows) break
      if (tries > 6000 || child.exitCode !== null) throw new Error(`no moment to kill at (clips: ${n})`)
      await new Promise((r) => setTimeout(r, 10))
    }
  } finally {
    peek.close()
  }
  process.kill(-child.pid!, 'SIGKILL')
  await exited
  return { path, file }
}
