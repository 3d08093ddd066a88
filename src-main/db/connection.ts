import Database from 'better-sqlite3'
import { accessSync, closeSync, constants, existsSync, openSync, readSync } from 'node:fs'
import { dirname } from 'node:path'
import { ApiError } from '../api/errors'
import { errorCode, mapDbError, readOnlyError } from './db-errors'
import { APPLICATION_ID, createBackup, damagedError, integrityProblems, type IntegrityCheck } from './db-safety'
import { latestSchemaVersion, loadMigrations, migrate } from './migrate'

export { APPLICATION_ID }

export type Db = Database.Database

/** How long a writer waits for another connection's write lock before SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 5000

function readHeader(path: string): Buffer {
  const fd = openSync(path, 'r')
  try {
    const buf = Buffer.alloc(100)
    const n = readSync(fd, buf, 0, 100, 0)
    return buf.subarray(0, n)
  } finally {
    closeSync(fd)
  }
}

/**
 * Checks an existing file without writing to it: it must be SQLite, carry our application_id
 * (or be an empty database), not come from a newer vicurate, and pass `check` (quick_check by
 * default). A damaged file is refused before any read-write connection exists.
 */
export function inspectProjectFile(path: string, check: IntegrityCheck = 'quick'): { version: number } {
  const header = readHeader(path)
  if (header.length === 0) return { version: 0 }
  if (header.length < 100 || header.subarray(0, 16).toString('latin1') !== 'SQLite format 3\0') {
    throw new ApiError('not_a_project', `${path} is not a vicurate project: not an SQLite database`)
  }
  // Read the ids through SQLite, not from the header bytes: in WAL mode the newest values may
  // still sit in the -wal file. A read-only connection changes nothing in the file.
  const probe = new Database(path, { readonly: true, fileMustExist: true })
  let appId: number
  let version: number
  let tables: number
  let problems: string[]
  try {
    appId = probe.pragma('application_id', { simple: true }) as number
    version = probe.pragma('user_version', { simple: true }) as number
    tables = (probe.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table'").get() as { n: number }).n
    problems = integrityProblems(probe, check)
  } catch (err) {
    const code = errorCode(err)
    if (code.startsWith('SQLITE_CORRUPT') || code.startsWith('SQLITE_NOTADB')) throw damagedError(path, [(err as Error).message], err)
    throw mapDbError(err, path)
  } finally {
    probe.close()
  }
  if (appId !== APPLICATION_ID) {
    if (tables > 0) {
      throw new ApiError(
        'not_a_project',
        `${path} is not a vicurate project: it is another application's SQLite database (application_id ${appId})`,
      )
    }
    return { version: 0 }
  }
  if (problems.length > 0) throw damagedError(path, problems)
  const latest = latestSchemaVersion()
  if (version > latest) {
    throw new ApiError(
      'schema_too_new',
      `${path} uses project schema version ${version}, but this vicurate supports up to ${latest}; upgrade vicurate to open it`,
    )
  }
  return { version }
}

export interface OpenOptions {
  /** Create the file when it does not exist (init, demo). */
  create?: boolean
  readonly?: boolean
  /** Integrity check of an existing file before it is opened for writing; default 'quick'. */
  check?: IntegrityCheck
}

/**
 * Root ignores permissions and SQLite silently opens a file it may not write read-only, failing
 * only at the first write with a bare "attempt to write a readonly database": ask up front.
 */
function assertWritable(path: string, exists: boolean): void {
  try {
    accessSync(exists ? path : dirname(path), constants.W_OK)
    if (exists) accessSync(dirname(path), constants.W_OK) // WAL needs to create -wal and -shm beside it
  } catch (err) {
    throw readOnlyError(path, err)
  }
}

export function openProjectDb(path: string, opts: OpenOptions = {}): Db {
  const exists = existsSync(path)
  if (!exists && !opts.create) throw new ApiError('not_found', `project ${path} does not exist (create it with: vicurate init ${path})`)
  const version = exists ? inspectProjectFile(path, opts.check).version : 0
  if (!opts.readonly) assertWritable(path, exists)
  let db: Db
  try {
    db = new Database(path, { readonly: opts.readonly ?? false })
  } catch (err) {
    throw mapDbError(err, path)
  }
  try {
    // WAL lets the UI read while a job writes; busy_timeout absorbs short writer overlaps.
    if (!opts.readonly) db.pragma('journal_mode = WAL')
    db.pragma('foreign_keys = ON')
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`)
    db.pragma('synchronous = NORMAL')
    if (!opts.readonly) {
      if (db.pragma('application_id', { simple: true }) !== APPLICATION_ID) db.pragma(`application_id = ${APPLICATION_ID}`)
      const migrations = loadMigrations()
      // A copy of the user's data before its schema changes; a new or empty file has nothing to keep.
      if (version > 0 && version < migrations.length) createBackup(db, path, 'pre-migration')
      // Checkpoint after schema changes so the file header alone identifies the project.
      if (migrate(db, migrations).length > 0) db.pragma('wal_checkpoint(TRUNCATE)')
    }
    return db
  } catch (err) {
    db.close()
    throw mapDbError(err, path, BUSY_TIMEOUT_MS)
  }
}
