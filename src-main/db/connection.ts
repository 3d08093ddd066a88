import Database from 'better-sqlite3'
import { closeSync, existsSync, openSync, readSync } from 'node:fs'
import { ApiError } from '../api/errors'
import { latestSchemaVersion, loadMigrations, migrate } from './migrate'

/** SQLite `application_id` of a vicurate project ("VCUR"): tells our files from other apps'. */
export const APPLICATION_ID = 0x56435552

export type Db = Database.Database

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
 * (or be an empty database), and not come from a newer vicurate.
 */
export function inspectProjectFile(path: string): { version: number } {
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
  try {
    appId = probe.pragma('application_id', { simple: true }) as number
    version = probe.pragma('user_version', { simple: true }) as number
    tables = (probe.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table'").get() as { n: number }).n
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
}

export function openProjectDb(path: string, opts: OpenOptions = {}): Db {
  const exists = existsSync(path)
  if (!exists && !opts.create) throw new ApiError('not_found', `project ${path} does not exist (create it with: vicurate init ${path})`)
  if (exists) inspectProjectFile(path)
  const db = new Database(path, { readonly: opts.readonly ?? false })
  try {
    // WAL lets the UI read while a job writes; busy_timeout absorbs short writer overlaps.
    if (!opts.readonly) db.pragma('journal_mode = WAL')
    db.pragma('foreign_keys = ON')
    db.pragma('busy_timeout = 5000')
    db.pragma('synchronous = NORMAL')
    if (!opts.readonly) {
      if (db.pragma('application_id', { simple: true }) !== APPLICATION_ID) db.pragma(`application_id = ${APPLICATION_ID}`)
      // Checkpoint after schema changes so the file header alone identifies the project.
      if (migrate(db, loadMigrations()).length > 0) db.pragma('wal_checkpoint(TRUNCATE)')
    }
    return db
  } catch (err) {
    db.close()
    throw err
  }
}
