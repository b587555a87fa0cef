import { countTokens, prefixWithinTokens } from '../ingest/tokenizer.js'

/**
 * Token budgets of the answer context. Counting and cutting are the one exact o200k tokenizer (shared
 * with chunking; o200k_base is the tokenizer of current OpenAI chat models, and a close enough estimate
 * for other models' budgets). Cutting needs no encoder of token ids (js-tiktoken's took two seconds to
 * build, paid at every start of a server with a chat model): the cut falls where decoding the first
 * `maxTokens` tokens would end. Never used in extractive mode, which needs no budget.
 */
const MAX_CACHED = 4096
const cuts = new Map<string, string>()

/** The longest prefix of `text` within `maxTokens` tokens (cached: the same page is cut the same way). */
export function truncateToTokens(text: string, maxTokens: number): string {
  const key = `${maxTokens}\u0000${text}`
  const hit = cuts.get(key)
  if (hit !== undefined) return hit
  const cut = countTokens(text) > maxTokens ? prefixWithinTokens(text, maxTokens) : text
  cuts.set(key, cut)
  if (cuts.size > MAX_CACHED) cuts.delete(cuts.keys().next().value as string)
  return cut
}
