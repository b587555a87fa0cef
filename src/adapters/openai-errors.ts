import OpenAI from 'openai'
import { AppError } from '../errors.js'

/**
 * SDK errors → AppError, by class (the SDK's own taxonomy), so routes never import `openai`:
 * 429 → 503 `upstream_rate_limited` (+ retryAfter), 5xx and connection errors → 502 `upstream_error`,
 * timeout → 504 `upstream_timeout`, other 4xx → 502 `upstream_rejected`, caller abort → 499 `aborted`,
 * anything else (a body that is not the API's: HTML, a broken stream) → 502 `upstream_invalid`.
 * Messages never carry upstream text (it can echo the prompt or a key); the detail is in `cause`, which
 * the error handler logs.
 */
export function translateOpenAIError(err: unknown, what: string): AppError {
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
    const hint = err.status === 401 || err.status === 403 ? ' (check OPENAI_API_KEY)' : err.status === 404 ? ' (check the model name)' : ''
    return new AppError('upstream_rejected', `${what} was rejected by the model endpoint with status ${err.status}${hint}; the request id is in the logs`, {
      status: 502,
      details: { upstreamStatus: err.status },
      cause: err,
    })
  }
  return upstreamInvalid(what, err)
}

/** The endpoint answered, but not as the API does (an HTML page, an empty `choices`, a broken stream). */
export function upstreamInvalid(what: string, cause?: unknown): AppError {
  return new AppError('upstream_invalid', `${what} got an answer that is not the API's (a proxy page, no choices, or a broken stream); retry, or check OPENAI_BASE_URL`, {
    status: 502,
    retryable: true,
    cause,
  })
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
