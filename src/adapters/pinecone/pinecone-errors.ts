import { setTimeout as sleep } from 'node:timers/promises'
import type { Logger } from '../../logger.js'
import { AppError } from '../../errors.js'

/**
 * Pinecone SDK errors → AppError, and the retry policy for throttling and server faults. The SDK's
 * errors expose no status field: the class name carries 4xx/5xx, and an unmapped status (429 among them)
 * appears only in the message ("Status: 429."), so that is what is matched.
 */
export function isRetryablePineconeError(err: unknown): boolean {
  if (!(err instanceof Error)) return false
  switch (err.name) {
    case 'PineconeConnectionError':
    case 'PineconeInternalServerError':
    case 'PineconeUnavailableError':
    case 'PineconeMaxRetriesExceededError':
      return true
    case 'PineconeUnmappedHttpError':
      return /Status: (408|429|5\d\d)\b/.test(err.message)
    default:
      return false
  }
}

export function translatePineconeError(err: unknown, op: string): AppError {
  if (err instanceof AppError) return err
  const name = err instanceof Error ? err.name : 'Error'
  // SDK messages can quote a whole request URL; keep logs and API errors readable
  const detail = (err instanceof Error ? err.message : String(err)).slice(0, 300)
  if (isRetryablePineconeError(err)) {
    return new AppError('vector_store_unavailable', `Pinecone ${op} kept failing (${name}); retry later`, {
      status: 503,
      retryable: true,
      retryAfter: 5,
      cause: err,
    })
  }
  if (name === 'PineconeAuthorizationError') {
    return new AppError('vector_store_auth', `Pinecone rejected the API key during ${op}; check PINECONE_API_KEY`, {
      status: 502,
      cause: err,
    })
  }
  if (name === 'PineconeNotFoundError') {
    return new AppError('vector_store_not_found', `Pinecone ${op}: index not found; check PINECONE_INDEX`, { status: 502, cause: err })
  }
  return new AppError('vector_store_rejected', `Pinecone rejected ${op}: ${detail}`, { status: 502, cause: err })
}

export interface RetryPolicy {
  readonly retries: number
  readonly baseDelayMs: number
  readonly maxDelayMs: number
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 5, baseDelayMs: 250, maxDelayMs: 8000 }

/** Exponential backoff with full jitter on retryable errors; anything else fails at once. */
export async function withRetry<T>(
  op: string,
  fn: () => Promise<T>,
  policy: RetryPolicy,
  logger: Logger,
  signal?: AbortSignal,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn()
    } catch (err) {
      if (!isRetryablePineconeError(err) || attempt >= policy.retries || signal?.aborted === true) {
        throw translatePineconeError(err, op)
      }
      const delay = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt) * (0.5 + Math.random() / 2)
      logger.warn({ op, attempt: attempt + 1, delayMs: Math.round(delay), error: (err as Error).name }, 'pinecone call failed; retrying')
      await sleep(delay, undefined, signal === undefined ? undefined : { signal })
    }
  }
}
