/**
 * Errors cross every transport as `{code, message}` and are rebuilt as ApiError on the client,
 * because Electron's invoke (and JSON over HTTP) keep nothing but strings.
 */
export type ApiErrorCode =
  | 'bad_request'
  | 'not_found'
  | 'conflict'
  | 'too_large'
  | 'not_a_project'
  | 'schema_too_new'
  | 'unavailable'
  // The project file itself (db/db-errors.ts): each needs a different action from the user.
  | 'busy'
  | 'read_only'
  | 'disk_full'
  | 'damaged'
  | 'internal'

export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message)
    this.name = 'ApiError'
  }

  toJSON(): { code: ApiErrorCode; message: string } {
    return { code: this.code, message: this.message }
  }
}

export function toErrorDto(err: unknown): { code: ApiErrorCode; message: string } {
  if (err instanceof ApiError) return err.toJSON()
  const message = err instanceof Error ? err.message : String(err)
  return { code: 'internal', message }
}
