/** Exit codes: 0 ok, 1 the work failed, 2 the command line was wrong. */
export const EXIT_OK = 0
export const EXIT_FAILURE = 1
export const EXIT_USAGE = 2

export class UsageError extends Error {
  readonly exitCode = EXIT_USAGE
}

export class CliFailure extends Error {
  readonly exitCode = EXIT_FAILURE
}
