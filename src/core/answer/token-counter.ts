import { Tiktoken } from 'js-tiktoken/lite'
import { countTokens, o200kEncoding } from '../ingest/tokenizer.js'

/**
 * Token budgets of the answer context. Counting is the one exact o200k counter (`countTokens`, shared
 * with chunking; o200k_base is the tokenizer of current OpenAI chat models, and a close enough estimate
 * for other models' budgets). Only cutting a text to a budget needs js-tiktoken's encoder (token ids to
 * decode); building it is slow, so it happens once per process, at start-up or on the first cut, and
 * never in extractive mode, which needs no budget.
 */
let encoder: Tiktoken | undefined
const MAX_CACHED = 4096

function enc(): Tiktoken {
  encoder ??= new Tiktoken(o200kEncoding())
  return encoder
}

/** Builds the encoder now (at start-up) rather than on the first question. */
export function warmTokenizer(): void {
  enc()
}

const cuts = new Map<string, string>()

/** The longest prefix of `text` within `maxTokens` tokens (cached: the same page is cut the same way). */
export function truncateToTokens(text: string, maxTokens: number): string {
  const key = `${maxTokens}\u0000${text}`
  const hit = cuts.get(key)
  if (hit !== undefined) return hit
  const total = countTokens(text)
  let cut = text
  if (total > maxTokens) {
    // Encode only a prefix a little longer than the share of characters that should fit, not the page.
    const share = Math.min(text.length, Math.ceil((text.length * maxTokens * 1.2) / total) + 16)
    const tokens = enc().encode(text.slice(0, share))
    cut = enc().decode(tokens.slice(0, Math.max(0, maxTokens)))
  }
  cuts.set(key, cut)
  if (cuts.size > MAX_CACHED) cuts.delete(cuts.keys().next().value as string)
  return cut
}
