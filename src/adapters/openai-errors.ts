import OpenAI from 'openai'
import { AppError } from '../errors.js'

/**
 * SDK errors → AppError, by class (the SDK's own taxonomy), so routes never import `openai`:
 * 429 → 503 `upstream_rate_limited` (+ retryAfter), 5xx and connection errors → 502 `upstream_error`,
 * timeout → 504 `upstream_timeout`, other 4xx → `upstream_rejected`, caller abort → 499 `aborted`.
 * Messages never carry the upstream body beyond its message (it can echo prompts).
 */
export function translateOpenAIError(err: unknown, what: string): unknown {
  if (err instanceof AppError) return err
  if (err instanceof OpenAI.APIUserAbortError) {
    return new AppError('aborted', `${what} was cancelled because the client went away`, { status: 499, cause: err })
  }
  if (err instanceof OpenAI.APIConnectionTimeoutError) {
    return new AppError('upstream_timeout', `${what} timed out; the model endpoint is slow or overloaded, retry later`, {
      status: 504,
      retryable: true,
      cause: err,
    })
  }
  if (err instanceof OpenAI.APIConnectionError) {
    return new AppError('upstream_error', `${what} failed: could not reach the model endpoint (check OPENAI_BASE_URL)`, {
      status: 502,
      retryable: true,
      cause: err,
    })
  }
  if (err instanceof OpenAI.RateLimitError) {
    const retryAfter = parseRetryAfter(err.headers)
    return new AppError('upstream_rate_limited', `${what} was rate limited by the model provider; retry later`, {
      status: 503,
      retryable: true,
      ...(retryAfter === undefined ? {} : { retryAfter }),
      cause: err,
    })
  }
  if (err instanceof OpenAI.APIError && typeof err.status === 'number') {
    if (err.status >= 500) {
      return new AppError('upstream_error', `${what} failed: the model endpoint answered ${err.status}`, { status: 502, retryable: true, cause: err })
    }
    return new AppError('upstream_rejected', `${what} was rejected by the model endpoint (${err.status}): ${err.message}`, {
      status: err.status === 401 || err.status === 403 ? 502 : 422,
      details: { upstreamStatus: err.status },
      cause: err,
    })
  }
  return err
}

function parseRetryAfter(headers: Headers | undefined): number | undefined {
  const ms = Number(headers?.get('retry-after-ms'))
  if (Number.isFinite(ms) && ms > 0) return Math.ceil(ms / 1000)
  const raw = headers?.get('retry-after')
  if (raw === null || raw === undefined) return undefined
  const s = Number(raw)
  if (Number.isFinite(s) && s >= 0) return Math.ceil(s)
  const at = Date.parse(raw)
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000))
}
