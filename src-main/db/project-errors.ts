import type { Db } from './connection'
import { errorCode, mapDbError, ProjectDbError } from './db-errors'
import { restoreAdvice } from './db-safety'

/**
 * SQLite failures met while a project is open (an API request, a job, a CLI command), turned
 * into db-errors.ts's messages. `mapDbError` alone runs only around the open; without this, a
 * held lock or a full disk mid-session reached the user as SQLite's terse text under `internal`.
 *
 * Only SQLite's own codes are mapped: an EACCES or ENOSPC met here may be about an import file
 * or an export folder, and a message naming the project file would send the user to the wrong
 * place (the errno message names the right path itself).
 */
export function mapProjectError(err: unknown, path: string, busyTimeoutMs?: number): unknown {
  if (err instanceof ProjectDbError || !errorCode(err).startsWith('SQLITE_')) return err
  const mapped = mapDbError(err, path, busyTimeoutMs)
  if (mapped instanceof ProjectDbError && mapped.problem === 'damaged') {
    // Found mid-session, not by the check on open: the user needs the way back, not only the fact.
    return new ProjectDbError('damaged', path, `${mapped.message}. ${restoreAdvice(path)}`, err)
  }
  return mapped
}

/** The wait the connection really used (tests and callers may lower it), for the busy message. */
export function busyTimeoutOf(db: Db): number | undefined {
  try {
    return db.open ? (db.pragma('busy_timeout', { simple: true }) as number) : undefined
  } catch {
    return undefined
  }
}
