import OpenAI from 'openai'
import { AppError } from '../../src/errors.js'

/**
 * OpenAI SDK errors → AppError with a message that says what to do. The fine-tuning API's own refusals
 * (no access, model not tunable, bad file) get codes of their own: they are the ones a voice owner meets.
 */
export function translateOpenAIError(err: unknown, action: string): AppError {
  if (err instanceof AppError) return err
  if (err instanceof OpenAI.APIUserAbortError) return new AppError('aborted', `${action}: aborted`, { status: 499, cause: err })
  if (err instanceof OpenAI.APIConnectionTimeoutError) {
    return new AppError('upstream_timeout', `${action}: OpenAI did not answer in time; try again`, { status: 504, retryable: true, cause: err })
  }
  if (err instanceof OpenAI.APIConnectionError) {
    return new AppError('upstream_unreachable', `${action}: cannot reach the OpenAI API (check OPENAI_BASE_URL and the network)`, { status: 502, retryable: true, cause: err })
  }
  if (!(err instanceof OpenAI.APIError)) {
    return new AppError('internal', `${action}: ${err instanceof Error ? err.message : String(err)}`, { status: 500, cause: err })
  }
  const said = apiMessage(err)
  const param = (err.param ?? '').toString()
  if (err instanceof OpenAI.AuthenticationError) {
    return new AppError('upstream_unauthorized', `${action}: OpenAI rejected the API key (${said}); set a valid OPENAI_API_KEY`, { status: 502, cause: err })
  }
  if (err instanceof OpenAI.PermissionDeniedError) {
    return new AppError(
      'finetune_not_available',
      `${action}: fine-tuning is not available to this organisation (OpenAI said: "${said}"). OpenAI no longer opens ` +
        'self-serve fine-tuning to new users: use a prompted voice (`ragtune models add-voice`), or export the dataset ' +
        '(`ragtune finetune export`), train a LoRA adapter and register it (`ragtune finetune register`).',
      { status: 403, cause: err },
    )
  }
  if (err instanceof OpenAI.RateLimitError) {
    const after = Number(err.headers?.get('retry-after'))
    return new AppError('upstream_rate_limited', `${action}: OpenAI is rate limiting this key (${said}); wait and retry`, {
      status: 503,
      retryable: true,
      ...(Number.isFinite(after) && after > 0 ? { retryAfter: after } : {}),
      cause: err,
    })
  }
  if (err instanceof OpenAI.NotFoundError) {
    return new AppError('finetune_not_found', `${action}: OpenAI knows no such job or file (${said}); check the id`, { status: 404, cause: err })
  }
  if (err.status !== undefined && err.status >= 500) {
    return new AppError('upstream_error', `${action}: OpenAI failed (${err.status}: ${said}); retry later`, { status: 502, retryable: true, cause: err })
  }
  if (err.code === 'model_not_available' || param === 'model') {
    return new AppError('finetune_model_unavailable', `${action}: ${said} Pick a fine-tunable base model (e.g. gpt-4o-mini-2024-07-18, gpt-4.1-mini-2025-04-14).`, { status: 400, cause: err })
  }
  if (param === 'file' || param === 'training_file' || param === 'validation_file') {
    return new AppError('finetune_invalid_file', `${action}: OpenAI refused the ${param.replace('_', ' ')} (${said}); check it with \`ragtune finetune validate\``, { status: 400, cause: err })
  }
  return new AppError('upstream_rejected', `${action}: OpenAI refused the request (${err.status ?? '?'}: ${said})`, { status: 400, cause: err })
}

function apiMessage(err: { readonly error?: unknown; readonly message: string }): string {
  const body = err.error as { message?: unknown } | undefined
  return typeof body?.message === 'string' ? body.message : err.message
}
