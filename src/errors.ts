/**
 * The one error type that crosses layers. `code` is stable (scripts and clients match on it);
 * `message` says what happened and what to do. Adapters translate vendor errors into AppError at their
 * boundary; the HTTP error handler maps `status` to the response.
 */
export class AppError extends Error {
  readonly code: string
  readonly status: number
  /** true when the same call may succeed later (408/409/429/5xx upstream, busy database) */
  readonly retryable: boolean
  /** seconds a client should wait before retrying, when known */
  readonly retryAfter: number | undefined
  readonly details: Record<string, unknown> | undefined

  constructor(
    code: string,
    message: string,
    options: {
      status?: number
      retryable?: boolean
      retryAfter?: number
      details?: Record<string, unknown>
      cause?: unknown
    } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'AppError'
    this.code = code
    this.status = options.status ?? 400
    this.retryable = options.retryable ?? false
    this.retryAfter = options.retryAfter
    this.details = options.details
  }
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError
}

/** `{code, message}` for JSON outputs (CLI lines, job results, HTTP bodies). */
export function errorBody(err: unknown): { code: string; message: string } {
  if (err instanceof AppError) return { code: err.code, message: err.message }
  return { code: 'internal', message: err instanceof Error ? err.message : String(err) }
}
