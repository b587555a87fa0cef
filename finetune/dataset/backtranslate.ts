import type { ChatModel } from '../../src/core/models.js'
import { loadPrompt, type PromptTemplate } from '../../src/core/answer/prompt-library.js'
import { errorBody } from '../../src/errors.js'
import type { Logger } from '../../src/logger.js'
import { offlineQuestion, OFFLINE_QUESTION_VERSION } from './offline-question.js'

/**
 * Instruction backtranslation: a base model reads a passage by the voice and writes the question it
 * answers (prompts/backtranslate.v1.md, recorded as `backtranslate@1`). Without a model, or when the
 * model fails or returns something that is not a question, the offline topic builder writes it instead;
 * every fallback is logged and counted, and after repeated consecutive failures the model is no longer
 * called (a dead endpoint should not cost one timeout per passage).
 */
export type QuestionOrigin = 'model' | 'offline'

export interface WrittenQuestion {
  readonly question: string
  readonly origin: QuestionOrigin
  /** why the offline builder was used although a model was configured */
  readonly fallbackReason?: string
}

export interface QuestionWriter {
  /** the prompt id@version the model path uses, or the offline builder's version */
  readonly promptVersion: string
  write(passage: string, phrases: readonly string[], signal?: AbortSignal): Promise<WrittenQuestion>
}

export const BACKTRANSLATE_PROMPT = { id: 'backtranslate', version: 1 } as const

export function createOfflineQuestionWriter(): QuestionWriter {
  return {
    promptVersion: OFFLINE_QUESTION_VERSION,
    async write(passage, phrases) {
      return { question: offlineQuestion(passage, phrases), origin: 'offline' }
    },
  }
}

/** Keeps the first question-like line of a model reply, without labels or wrapping quotes. */
export function cleanModelQuestion(reply: string): string | undefined {
  const line = reply
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l !== '')
  if (line === undefined) return undefined
  const q = line
    .replace(/^(?:\*\*)?(?:question|q)\s*[:.-]\s*(?:\*\*)?/i, '')
    .replace(/^["'“‘]+|["'”’]+$/g, '')
    .trim()
  const words = q.split(/\s+/).length
  if (words < 3 || words > 60 || !q.includes('?')) return undefined
  return q
}

export interface ModelQuestionWriterOptions {
  readonly voice: string
  readonly logger?: Logger
  readonly prompt?: PromptTemplate
  readonly maxConsecutiveFailures?: number
}

export function createModelQuestionWriter(model: ChatModel, options: ModelQuestionWriterOptions): QuestionWriter {
  const prompt = options.prompt ?? loadPrompt(BACKTRANSLATE_PROMPT.id, BACKTRANSLATE_PROMPT.version)
  const maxFailures = options.maxConsecutiveFailures ?? 5
  let consecutiveFailures = 0
  const fallback = (passage: string, phrases: readonly string[], reason: string): WrittenQuestion => ({
    question: offlineQuestion(passage, phrases),
    origin: 'offline',
    fallbackReason: reason,
  })
  return {
    promptVersion: prompt.ref,
    async write(passage, phrases, signal) {
      if (consecutiveFailures >= maxFailures) return fallback(passage, phrases, 'model_disabled_after_failures')
      try {
        const result = await model.complete({
          messages: prompt.render({ voice: options.voice, passage }),
          temperature: 0.7,
          maxTokens: 120,
          ...(signal === undefined ? {} : { signal }),
        })
        const question = cleanModelQuestion(result.text)
        consecutiveFailures = 0
        if (question === undefined) {
          options.logger?.debug(
            { model: result.model, prompt: prompt.ref },
            'backtranslation reply was not a question; using the offline builder',
          )
          return fallback(passage, phrases, 'unusable_model_reply')
        }
        return { question, origin: 'model' }
      } catch (err) {
        consecutiveFailures++
        const body = errorBody(err)
        options.logger?.warn(
          { code: body.code, err: body.message, prompt: prompt.ref, consecutiveFailures },
          consecutiveFailures >= maxFailures
            ? 'backtranslation failed repeatedly; the offline builder writes the remaining questions'
            : 'backtranslation failed; using the offline builder for this passage',
        )
        return fallback(passage, phrases, body.code)
      }
    },
  }
}

/** Writes questions with a few calls in flight, keeping input order. */
export async function writeQuestions(
  items: readonly { readonly passage: string; readonly phrases: readonly string[] }[],
  writer: QuestionWriter,
  options: { concurrency?: number; signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
): Promise<WrittenQuestion[]> {
  const out: WrittenQuestion[] = new Array<WrittenQuestion>(items.length)
  let next = 0
  let done = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++
      const item = items[i]!
      options.signal?.throwIfAborted()
      out[i] = await writer.write(item.passage, item.phrases, options.signal)
      options.onProgress?.(++done, items.length)
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 4, items.length)) }, worker))
  return out
}
