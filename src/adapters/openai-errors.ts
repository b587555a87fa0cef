import OpenAI, { type APIError } from 'openai'
import { AppError } from '../errors.js'

/** A caller's own reading of an API error the generic rules would call `upstream_rejected` (fine-tuning's refusals). */
export type RefineOpenAIError = (err: APIError, said: string, what: string) => AppError | undefined

/**
/**
 * SDK errors → AppError, by class (the SDK's own taxonomy), for every caller of an OpenAI-compatible API
 * (answers, embeddings, fine-tuning), so routes never import `openai`:
 * caller abort → 499 `aborted`; timeout → 504 `upstream_timeout`; connection error and 5xx → 502
 * `upstream_error`; 429 → 503 `upstream_rate_limited` (+ retryAfter from `retry-after-ms`, `retry-after`
 * seconds or date); 401 → 502 `upstream_unauthorized`; another 4xx → `refine`'s code when it has one,
 * else 502 `upstream_rejected` (the client's request to ragtune was fine; ragtune's upstream call was not). Messages never carry upstream text (it can echo the prompt
 * or a key): they say what to do, and the detail is in `cause`, which the error handler logs. Only
 * `refine` (fine-tuning, an admin's own job) is handed the API's message. Anything that is not an SDK
 * error is returned as it came (see `upstreamInvalid` for answers that are not the API's).
 */
export function translateOpenAIError(err: unknown, what: string, refine?: RefineOpenAIError): unknown {
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
    return new AppError('upstream_error', `${what} failed: could not reach the model endpoint (check OPENAI_BASE_URL and the network)`, {
      status: 502,
      retryable: true,
      cause: err,
    })
  }
  if (!(err instanceof OpenAI.APIError) || typeof err.status !== 'number') return err
  if (err instanceof OpenAI.RateLimitError) {
    const retryAfter = parseRetryAfter(err.headers)
    return new AppError('upstream_rate_limited', `${what} was rate limited by the model provider; retry later`, {
      status: 503,
      retryable: true,
      ...(retryAfter === undefined ? {} : { retryAfter }),
      cause: err,
    })
  }
  if (err.status >= 500) {
    return new AppError('upstream_error', `${what} failed: the model endpoint answered ${err.status}; retry later`, {
      status: 502,
      retryable: true,
      cause: err,
    })
  }
  if (err instanceof OpenAI.AuthenticationError) {
    return new AppError('upstream_unauthorized', `${what} failed: the model endpoint rejected the API key; set a valid OPENAI_API_KEY`, {
      status: 502,
      cause: err,
    })
  }
  const refined = refine?.(err as APIError, apiMessage(err), what)
  if (refined !== undefined) return refined
  const hint = err.status === 403 ? ' (check OPENAI_API_KEY)' : err.status === 404 ? ' (check the model name)' : ''
  return new AppError(
    'upstream_rejected',
    `${what} was rejected by the model endpoint with status ${err.status}${hint}; the request id is in the logs`,
    {
      status: 502,
      details: { upstreamStatus: err.status },
      cause: err,
    },
  )
}

/** The API's own error message (the SDK's `message` prefixes the status). */
function apiMessage(err: { readonly error?: unknown; readonly message: string }): string {
  const body = err.error as { message?: unknown } | undefined
  return typeof body?.message === 'string' ? body.message : err.message
}

/** The endpoint answered, but not as the API does (an HTML page, an empty `choices`, a broken stream). */
export function upstreamInvalid(what: string, cause?: unknown): AppError {
  return new AppError(
    'upstream_invalid',
    `${what} got an answer that is not the API's (a proxy page, no choices, or a broken stream); retry, or check OPENAI_BASE_URL`,
    {
      status: 502,
      retryable: true,
      cause,
    },
  )
}

/** For answer and embedding calls: an SDK error translated, anything else from the call an answer that is not the API's. */
export function translateModelCallError(err: unknown, what: string): AppError {
  const translated = translateOpenAIError(err, what)
  return translated instanceof AppError ? translated : upstreamInvalid(what, translated)
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
