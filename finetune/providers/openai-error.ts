import OpenAI from 'openai'
import { AppError } from '../../src/errors.js'
import { translateOpenAIError, type RefineOpenAIError } from '../../src/adapters/openai-errors.js'

/**
 * The fine-tuning API's own refusals get codes of their own on top of the one OpenAI translation
 * (src/adapters/openai-errors.ts): they are the ones a voice owner meets (no access, model not tunable,
 * bad file, unknown job).
 */
const refineFineTune: RefineOpenAIError = (err, said, action) => {
  const param = (err.param ?? '').toString()
  if (err instanceof OpenAI.PermissionDeniedError) {
    return new AppError(
      'finetune_not_available',
      `${action}: fine-tuning is not available to this organisation (OpenAI said: "${said}"). OpenAI no longer opens ` +
        'self-serve fine-tuning to new users: use a prompted voice (`ragtune models add-voice`), or export the dataset ' +
        '(`ragtune finetune export`), train a LoRA adapter and register it (`ragtune finetune register`).',
      { status: 403, cause: err },
    )
  }
  if (err instanceof OpenAI.NotFoundError) {
    return new AppError('finetune_not_found', `${action}: OpenAI knows no such job or file (${said}); check the id`, {
      status: 404,
      cause: err,
    })
  }
  if (err.code === 'model_not_available' || param === 'model') {
    return new AppError(
      'finetune_model_unavailable',
      `${action}: ${said} Pick a fine-tunable base model (e.g. gpt-4o-mini-2024-07-18, gpt-4.1-mini-2025-04-14).`,
      { status: 400, cause: err },
    )
  }
  if (param === 'file' || param === 'training_file' || param === 'validation_file') {
    return new AppError(
      'finetune_invalid_file',
      `${action}: OpenAI refused the ${param.replace('_', ' ')} (${said}); check it with \`ragtune finetune validate\``,
      { status: 400, cause: err },
    )
  }
  return undefined
}

/** OpenAI SDK errors of the fine-tuning API → AppError; anything unexpected becomes `internal`. */
export function translateFineTuneError(err: unknown, action: string): AppError {
  const translated = translateOpenAIError(err, action, refineFineTune)
  if (translated instanceof AppError) return translated
  return new AppError('internal', `${action}: ${translated instanceof Error ? translated.message : String(translated)}`, {
    status: 500,
    cause: translated,
  })
}
