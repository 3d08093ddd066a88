import Database from 'better-sqlite3'
import { closeSync, copyFileSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readSync, renameSync, rmSync, statSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { ProjectDbError } from './db-errors'
import { latestSchemaVersion } from './migrate'

/** SQLite `application_id` of a vicurate project ("VCUR"): tells our files from other apps'. */
export const APPLICATION_ID = 0x56435552

export type IntegrityCheck = 'quick' | 'full' | 'off'
export type BackupReason = 'pre-migration' | 'close' | 'pre-restore'

/** Backups kept per reason: enough to step back a few sessions, bounded on disk. */
export const DEFAULT_KEEP = 5
const MAX_REPORTED_PROBLEMS = 5

/**
 * `PRAGMA quick_check` (every page and b-tree, O(N), no index-vs-table cross check) or the full
 * `integrity_check`. Returns the problems SQLite lists; empty when the file is sound. Run it on a
 * read-only connection: a check must never be the thing that writes to a damaged file.
 */
export function integrityProblems(db: Database.Database, mode: IntegrityCheck): string[] {
  if (mode === 'off') return []
  const rows = db.pragma(mode === 'full' ? `integrity_check(${MAX_REPORTED_PROBLEMS})` : `quick_check(${MAX_REPORTED_PROBLEMS})`, { simple: false }) as Record<string, string>[]
  const found = rows.map((r) => Object.values(r)[0])
  return found.length === 1 && found[0] === 'ok' ? [] : found
}

/** `<project>.d/backups/`; the data folder is the one core/project-context names `dataDir`. */
export function backupDirFor(projectPath: string): string {
  const abs = resolve(projectPath)
  return join(dirname(abs), `${basename(abs)}.d`, 'backups')
}

const stem = (projectPath: string) => basename(projectPath).replace(/\.vicurate$/, '')

/** UTC, sortable as text, safe in a file name on every OS: 20261121-061400-123. */
function stamp(d: Date): string {
  const iso = d.toISOString() // 2026-11-21T06:14:00.123Z
  return `${iso.slice(0, 10).replaceAll('-', '')}-${iso.slice(11, 19).replaceAll(':', '')}-${iso.slice(20, 23)}`
}

export interface BackupInfo {
  path: string
  reason: string
  /** The stamp in the name, e.g. 20261121-061400-123 (UTC). */
  stamp: string
}

/** Backups of one project, newest first. Half-written `.tmp-*` files never match. */
export function listBackups(projectPath: string): BackupInfo[] {
  const dir = backupDirFor(projectPath)
  if (!existsSync(dir)) return []
  const prefix = `${stem(projectPath)}-`
  const re = /^(\d{8}-\d{6}-\d{3})(?:-(\d+))?-([a-z-]+)\.vicurate$/
  const found: (BackupInfo & { seq: number })[] = []
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(prefix)) continue
    const m = re.exec(name.slice(prefix.length))
    if (m) found.push({ path: join(dir, name), stamp: m[1], seq: Number(m[2] ?? 0), reason: m[3] })
  }
  found.sort((a, b) => (a.stamp === b.stamp ? b.seq - a.seq : a.stamp < b.stamp ? 1 : -1))
  return found.map(({ path, reason, stamp }) => ({ path, reason, stamp }))
}

function fsyncFile(path: string): void {
  const fd = openSync(path, 'r+')
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

/**
 * Writes a consistent copy of the open database to `<data>/backups/<name>-<stamp>-<reason>.vicurate`
 * and keeps the newest `keep` per reason. `VACUUM INTO` rather than better-sqlite3's `backup()`:
 * both copy a consistent snapshot while other connections keep writing (WAL), but `backup()` is
 * asynchronous and the two places that need a backup — opening before a migration and `close()` —
 * are synchronous. The copy is compact, self-contained (no -wal) and keeps application_id and
 * user_version. Written to a temp name, fsynced, then renamed: a crash never leaves a file that
 * looks like a backup but is half written.
 */
export function createBackup(db: Database.Database, projectPath: string, reason: BackupReason, opts: { keep?: number; now?: Date } = {}): string {
  const dir = backupDirFor(projectPath)
  mkdirSync(dir, { recursive: true })
  const base = `${stem(projectPath)}-${stamp(opts.now ?? new Date())}`
  let target = join(dir, `${base}-${reason}.vicurate`)
  for (let seq = 1; existsSync(target); seq++) target = join(dir, `${base}-${seq}-${reason}.vicurate`)
  const tmp = `${target}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`
  try {
    db.prepare('VACUUM INTO ?').run(tmp)
    fsyncFile(tmp)
    renameSync(tmp, target)
  } catch (err) {
    rmSync(tmp, { force: true })
    throw err
  }
  pruneBackups(projectPath, reason, opts.keep ?? DEFAULT_KEEP)
  return target
}

/** Keeps the newest `keep` backups of one reason; also drops temp files a crash left behind. */
export function pruneBackups(projectPath: string, reason: string, keep: number): void {
  const old = listBackups(projectPath).filter((b) => b.reason === reason).slice(keep)
  for (const b of old) rmSync(b.path, { force: true })
  const dir = backupDirFor(projectPath)
  const dayAgo = Date.now() - 24 * 3600 * 1000
  for (const name of readdirSync(dir)) {
    if (!name.includes('.vicurate.tmp-')) continue
    const p = join(dir, name)
    if ((statSync(p, { throwIfNoEntry: false })?.mtimeMs ?? Infinity) < dayAgo) rmSync(p, { force: true })
  }
}

/** How to get back to a sound file, for the message of a damaged-project error. */
export function restoreAdvice(projectPath: string): string {
  const newest = listBackups(projectPath)[0]
  if (!newest) {
    return `No backup was found in ${backupDirFor(projectPath)}. Copy the file somewhere safe before trying a repair tool (sqlite3's .recover).`
  }
  return `Newest backup: ${newest.path} (${newest.reason}, ${newest.stamp} UTC). Restore it with: vicurate restore ${projectPath} --latest`
}

export function damagedError(projectPath: string, problems: string[], cause?: unknown): ProjectDbError {
  return new ProjectDbError(
    'damaged',
    projectPath,
    `project file ${projectPath} is damaged (${problems.join('; ')}); vicurate did not write to it. ${restoreAdvice(projectPath)}`,
    cause,
  )
}

/** Why `file` cannot be restored (not SQLite, not ours, newer schema, damaged), or null if it can. */
export function backupProblem(file: string): string | null {
  let header = Buffer.alloc(0)
  try {
    const fd = openSync(file, 'r')
    try {
      header = Buffer.alloc(100)
      header = header.subarray(0, readSync(fd, header, 0, 100, 0))
    } finally {
      closeSync(fd)
    }
  } catch (err) {
    return `cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`
  }
  if (header.length < 100 || header.subarray(0, 16).toString('latin1') !== 'SQLite format 3\0') return 'it is not an SQLite database'
  let db: Database.Database | null = null
  try {
    db = new Database(file, { readonly: true, fileMustExist: true })
    if (db.pragma('application_id', { simple: true }) !== APPLICATION_ID) return 'it is not a vicurate project (wrong application_id)'
    const version = db.pragma('user_version', { simple: true }) as number
    if (version > latestSchemaVersion()) return `it uses schema version ${version}, newer than this vicurate supports`
    const problems = integrityProblems(db, 'quick')
    return problems.length ? `it is damaged (${problems.join('; ')})` : null
  } catch (err) {
    return `it cannot be read as a database (${(err as Error).message})`
  } finally {
    db?.close()
  }
}

export interface RestoreResult {
  restoredFrom: string
  /** Where the file that was replaced now lies (with its -wal, if it had one); null if none. */
  replacedPath: string | null
}

/**
 * Puts a backup in place of the project file. The backup is checked first; the current file is
 * moved aside (never deleted) together with its -wal, so a wrong restore can be undone by hand;
 * the -shm index is dropped because it describes the old file. The backup is copied and fsynced
 * under a temp name before anything is moved, then renamed in: the project path never holds a
 * half-copied file. Close the project in
 * every window and job before restoring: SQLite cannot tell us about connections in other processes.
 */
export function restoreProject(projectPath: string, from: { file?: string; latest?: boolean }, now = new Date()): RestoreResult {
  const project = resolve(projectPath)
  let source: string
  if (from.file) {
    source = resolve(from.file)
  } else {
    const newest = listBackups(project)[0]
    if (!newest) throw new ProjectDbError('damaged', project, `no backups of ${project} in ${backupDirFor(project)}`)
    source = newest.path
  }
  if (source === project) throw new ProjectDbError('damaged', project, 'the backup to restore is the project file itself')
  const problem = backupProblem(source)
  if (problem) throw new ProjectDbError('damaged', project, `cannot restore from ${source}: ${problem}; the project was not changed`)
  const tmp = `${project}.restore-tmp-${process.pid}`
  copyFileSync(source, tmp)
  fsyncFile(tmp)
  let replacedPath: string | null = null
  if (existsSync(project)) {
    replacedPath = `${project}.replaced-${stamp(now)}`
    renameSync(project, replacedPath)
    if (existsSync(`${project}-wal`)) renameSync(`${project}-wal`, `${replacedPath}-wal`)
  } else {
    rmSync(`${project}-wal`, { force: true })
  }
  rmSync(`${project}-shm`, { force: true })
  renameSync(tmp, project)
  return { restoredFrom: source, replacedPath }
}
