import type { ApiErrorCode } from '../../../src-main/api/errors'

/**
 * `aborted` never crosses a transport: the client raises it itself when a newer request of the
 * same kind superseded this one, so callers can ignore it instead of showing an error.
 */
export type RequestErrorCode = ApiErrorCode | 'aborted'

/**
 * The renderer's own error class. The core's ApiError cannot be imported as a value (layering),
 * and neither IPC nor JSON carry class identity, so errors are rebuilt here from `{code, message}`.
 */
export class ApiRequestError extends Error {
  constructor(
    readonly code: RequestErrorCode,
    message: string,
  ) {
    super(message)
    this.name = 'ApiRequestError'
  }
}

export function isAbortError(err: unknown): boolean {
  return err instanceof ApiRequestError && err.code === 'aborted'
}

// A Record, not a list: typecheck fails here when the core adds a code, so it cannot rot.
const KNOWN_CODES: Record<ApiErrorCode, true> = {
  bad_request: true,
  not_found: true,
  conflict: true,
  too_large: true,
  not_a_project: true,
  schema_too_new: true,
  unavailable: true,
  busy: true,
  read_only: true,
  disk_full: true,
  damaged: true,
  internal: true,
}

/** A code from a newer core that this renderer does not know still surfaces, as `internal`. */
export function toErrorCode(code: unknown): ApiErrorCode {
  return typeof code === 'string' && Object.hasOwn(KNOWN_CODES, code) ? (code as ApiErrorCode) : 'internal'
}

/** Short, user-facing text for an error caught anywhere in the UI. */
export function describeError(err: unknown): string {
  if (err instanceof ApiRequestError) return err.message
  if (err instanceof Error) return err.message
  return String(err)
}
