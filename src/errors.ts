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
  const known = err instanceof AppError ? err : storageFault(err)
  if (known !== undefined) return { code: known.code, message: known.message }
  return { code: 'internal', message: err instanceof Error ? err.message : String(err) }
}

/**
 * The storage-fault vocabulary: SQLite and file-system failures of the data dir as stable codes, so no
 * raw "database or disk is full" or "unable to open database file" reaches a client or a job record.
 * Recovery is described in docs/storage-faults.md.
 */
export function storageFault(err: unknown): AppError | undefined {
  const code = (err as { code?: unknown } | null)?.code
  if (typeof code !== 'string') return undefined
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT') {
    return new AppError('disk_full', 'the data dir is out of space; free space (or raise the quota) and retry; nothing was half-written', {
      status: 507,
      retryable: true,
      cause: err,
    })
  }
  if (
    code.startsWith('SQLITE_READONLY') ||
    code.startsWith('SQLITE_CANTOPEN') ||
    code === 'EROFS' ||
    code === 'EACCES' ||
    code === 'EPERM'
  ) {
    return new AppError(
      'store_read_only',
      'the store cannot be written: the data dir or its files are read-only or owned by another user; fix RAGTUNE_DATA_DIR permissions',
      { status: 503, cause: err },
    )
  }
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') {
    return new AppError(
      'store_corrupt',
      'the store is damaged; run "ragtune store check", then "ragtune store repair" (it backs the store up first)',
      { status: 503, cause: err },
    )
  }
  return undefined
}
