import { prefixWithinTokens } from '../ingest/tokenizer.js'
import type { AnswerCaches } from './answer-caches.js'

/**
 * Token budgets of the answer context. Counting and cutting are the one exact o200k tokenizer (shared
 * with chunking; o200k_base is the tokenizer of current OpenAI chat models, and a close enough estimate
 * for other models' budgets). Cutting needs no encoder of token ids (js-tiktoken's took two seconds to
 * build, paid at every start of a server with a chat model): the cut falls where decoding the first
 * `maxTokens` tokens would end. Never used in extractive mode, which needs no budget.
 *
 * The longest prefix of `text` within `maxTokens` tokens. With the answerer's cache the same page is cut
 * once per budget.
 */
export function truncateToTokens(text: string, maxTokens: number, caches?: Pick<AnswerCaches, 'tokenCuts'>): string {
  // one walk: prefixWithinTokens stops at the cut, and gives the text itself when it is within the budget
  if (caches === undefined) return prefixWithinTokens(text, maxTokens)
  return caches.tokenCuts.getOrCompute(`${maxTokens}\u0000${text}`, () => prefixWithinTokens(text, maxTokens))
}
