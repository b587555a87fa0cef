import { Tiktoken } from 'js-tiktoken/lite'
import o200kBase from 'js-tiktoken/ranks/o200k_base'
import { countTokens } from '../ingest/tokenizer.js'
import type { AnswerCaches } from './answer-caches.js'

/**
 * Token budgets of the answer context. Counting is the one exact o200k counter (`countTokens`, shared
 * with chunking; o200k_base is the tokenizer of current OpenAI chat models, and a close enough estimate
 * for other models' budgets). Only cutting a text to a budget needs js-tiktoken's encoder (token ids to
 * decode); building it is slow, so it happens once per process, at start-up or on the first cut, and
 * never in extractive mode, which needs no budget.
 */
let encoder: Tiktoken | undefined

function enc(): Tiktoken {
  encoder ??= new Tiktoken(o200kBase)
  return encoder
}

/** Builds the encoder now (at start-up) rather than on the first question. */
export function warmTokenizer(): void {
  enc()
}

/**
 * The longest prefix of `text` within `maxTokens` tokens. With the answerer's cache the same page is cut
 * once per budget.
 */
export function truncateToTokens(text: string, maxTokens: number, caches?: Pick<AnswerCaches, 'tokenCuts'>): string {
  if (caches === undefined) return cutToTokens(text, maxTokens)
  return caches.tokenCuts.getOrCompute(`${maxTokens}\u0000${text}`, () => cutToTokens(text, maxTokens))
}

function cutToTokens(text: string, maxTokens: number): string {
  const total = countTokens(text)
  let cut = text
  if (total > maxTokens) {
    // Encode only a prefix a little longer than the share of characters that should fit, not the page.
    const share = Math.min(text.length, Math.ceil((text.length * maxTokens * 1.2) / total) + 16)
    const tokens = enc().encode(text.slice(0, share))
    cut = enc().decode(tokens.slice(0, Math.max(0, maxTokens)))
  }
  return cut
}
