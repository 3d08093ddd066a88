import { ApiError } from '../api/errors'

/**
 * What went wrong with the project file, in the user's terms. SQLite reports a read-only file,
 * a full disk or a held lock as terse codes ("attempt to write a readonly database"); this is the
 * one place that turns them into a sentence naming the file and what to do.
 */
export type DbProblem = 'damaged' | 'read_only' | 'disk_full' | 'busy'

/**
 * An ApiError whose code is the problem, so every transport carries it as `{code, message}` and
 * the client can tell "try again" (busy) from "fix the permissions" or "free some disk": the
 * request was fine, the project file cannot take it.
 */
export class ProjectDbError extends ApiError {
  constructor(
    readonly problem: DbProblem,
    readonly path: string,
    message: string,
    readonly cause?: unknown,
  ) {
    super(problem, message)
    this.name = 'ProjectDbError'
  }
}

/** `SQLITE_READONLY_DIRECTORY` → `SQLITE_READONLY`: extended codes share their primary's prefix. */
function primaryCode(code: string): string {
  const m = /^SQLITE_[A-Z]+/.exec(code)
  return m ? m[0] : code
}

/** The SQLite or errno code of an error, or '' when it carries none. */
export function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : ''
}

export function readOnlyError(path: string, cause?: unknown): ProjectDbError {
  return new ProjectDbError(
    'read_only',
    path,
    `project file is read-only: ${path} (vicurate needs to write the file and create ${path}-wal and ${path}-shm beside it; check the permissions of the file and its folder)`,
    cause,
  )
}

/**
 * Maps a SQLite/errno failure on the project file to a ProjectDbError; anything else is returned
 * unchanged so callers can `throw mapDbError(err, path)` without losing unrelated errors.
 * `busyTimeoutMs` makes the busy message say how long we waited.
 */
export function mapDbError(err: unknown, path: string, busyTimeoutMs?: number): unknown {
  if (err instanceof ProjectDbError) return err
  const code = errorCode(err)
  switch (primaryCode(code)) {
    case 'SQLITE_READONLY':
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return readOnlyError(path, err)
    case 'SQLITE_CANTOPEN':
      // Usually a folder we may not write (no -wal/-shm can be made), sometimes a vanished path.
      return new ProjectDbError('read_only', path, `cannot open project file ${path} for writing (is it or its folder read-only?)`, err)
    case 'SQLITE_FULL':
    case 'ENOSPC':
      return new ProjectDbError('disk_full', path, `disk full while writing ${path}; nothing was lost: the last transaction was rolled back`, err)
    case 'SQLITE_BUSY':
    case 'SQLITE_LOCKED': {
      const waited = busyTimeoutMs !== undefined ? ` for ${(busyTimeoutMs / 1000).toFixed(1)} s` : ''
      return new ProjectDbError(
        'busy',
        path,
        `project ${path} is busy: another connection (a running job, another window or a vicurate command) held the write lock${waited}; the change was not saved, try again when it finishes`,
        err,
      )
    }
    case 'SQLITE_CORRUPT':
    case 'SQLITE_NOTADB':
      return new ProjectDbError('damaged', path, `project file ${path} is damaged (${(err as Error).message})`, err)
    default:
      return err
  }
}
